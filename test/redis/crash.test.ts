import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Polybank, isConflictError } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { startRedis, type RedisHandle } from '../support/redis.js';
import { toybank } from '../support/toy-provider.js';
import { TOY_PASSWORD } from '../support/toy-simulator.js';
import { startToy } from '../support/toy.js';

/**
 * #13 item 2: a process killed between claiming a step and saving its outcome. The claim is
 * a lease: others get a ConflictError until it ends; after it, the authentication fails
 * cleanly (the answer is never sent twice) — or, where nothing was being sent (a decoupled
 * approval), goes on.
 */
const LEASE_MS = 1_500;
let redis: RedisHandle;
let toy: Awaited<ReturnType<typeof startToy>>;
let script = '';
let prefix = '';

beforeAll(async () => {
  [redis, toy] = await Promise.all([startRedis(), startToy()]);
  mkdirSync('.tmp', { recursive: true });
  script = join(mkdtempSync(join('.tmp', 'crash-')), 'instance.mjs');
  await build({ entryPoints: ['test/support/instance-script.ts'], bundle: true, platform: 'node', format: 'esm', outfile: script, packages: 'external', logLevel: 'silent' });
}, 60_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), toy?.server.close()]);
});
beforeEach(() => {
  toy.sim.reset();
  prefix = `crash:${Math.random().toString(36).slice(2)}:`;
});

function bank(): Polybank<ReturnType<typeof toybank>> {
  return new Polybank({
    providers: [toybank({ baseUrl: toy.sim.baseUrl })],
    store: new RedisStore(redis.client, { prefix }),
    checkpoints: { signingKey: 'instances-share-this-signing-key!' },
    storeTtl: { leaseMs: LEASE_MS },
  });
}

/** Starts `continue` in another OS process and SIGKILLs it once `until()` holds (the provider got the request). */
async function continueAndKill(id: string, answer: unknown, until: () => boolean): Promise<void> {
  const child = spawn(process.execPath, [script, toy.sim.baseUrl, redis.url, prefix, 'continue', id, ...(answer === undefined ? [] : [JSON.stringify(answer)])], {
    env: { ...process.env, LEASE_MS: String(LEASE_MS) },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  for (let i = 0; i < 400 && !until(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(until()).toBe(true);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('a process killed between claim and save', () => {
  it('an answer in flight: others get ConflictError during the lease, then a clean auth_expired; the answer reached the provider once', async () => {
    const b = bank();
    const { id } = await b.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    // The provider processes the answer, then holds the response: the process dies before it saves.
    toy.sim.inject({ endpoint: 'Answer', kind: 'timeout', ms: 10_000, when: 'after' });
    await continueAndKill(id, { code: '123456' }, () => toy.sim.count('Answer') === 1);

    const during = await b.continue(id, { code: '123456' }).catch((e: unknown) => e);
    expect(isConflictError(during)).toBe(true);
    expect((during as { retryAfter?: Date }).retryAfter?.getTime()).toBeGreaterThan(Date.now());

    await new Promise((r) => setTimeout(r, LEASE_MS + 200));
    toy.sim.faults.clear();
    const after = await b.continue(id, { code: '123456' }).catch((e: unknown) => e);
    expect(after).toMatchObject({ kind: 'ConnectionError', reason: 'auth_expired', userAction: 'authenticate' });
    expect(String((after as Error).message)).toMatch(/interrupted .* not sent twice/);
    expect(toy.sim.count('Answer')).toBe(1);
    // Cleaned up: the provider session is cancelled and the id is gone, not stuck "in flight".
    expect(toy.sim.count('CancelSession')).toBe(1);
    await expect(b.continue(id, { code: '123456' })).rejects.toMatchObject({ reason: 'auth_expired' });
    expect(toy.sim.count('Answer')).toBe(1);
  }, 30_000);

  it('a decoupled poll in flight: after the lease, another instance takes over and completes it', async () => {
    const b = bank();
    toy.sim.state.pollsUntilDecision = 3;
    const { id } = await b.begin('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
    toy.sim.inject({ endpoint: 'PollSession', kind: 'timeout', ms: 10_000, when: 'after', times: 1 });
    await continueAndKill(id, undefined, () => toy.sim.count('PollSession') >= 1);
    await new Promise((r) => setTimeout(r, LEASE_MS + 200));
    toy.sim.faults.clear();
    const done = await b.continue(id, undefined, { pollBudgetMs: 10_000 });
    expect(done.status.status).toBe('active');
    expect(toy.sim.count('CreateSession')).toBe(1);
  }, 30_000);
});
