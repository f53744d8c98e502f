import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Polybank, isConflictError } from '../../src/index.js';
import { RedisStore, redisRateLimiters } from '../../src/redis/index.js';
import { startRedis, type RedisHandle } from '../support/redis.js';
import { toybank } from '../support/toy-provider.js';
import { TOY_PASSWORD } from '../support/toy-simulator.js';
import { startToy } from '../support/toy.js';

const run = promisify(execFile);
let redis: RedisHandle;
let toy: Awaited<ReturnType<typeof startToy>>;
let instanceScript = '';
let prefix = '';

beforeAll(async () => {
  [redis, toy] = await Promise.all([startRedis(), startToy()]);
  mkdirSync('.tmp', { recursive: true });
  instanceScript = join(mkdtempSync(join('.tmp', 'instance-')), 'instance.mjs');
  await build({ entryPoints: ['test/support/instance-script.ts'], bundle: true, platform: 'node', format: 'esm', outfile: instanceScript, packages: 'external', logLevel: 'silent' });
}, 60_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), toy?.server.close()]);
});
beforeEach(() => {
  toy.sim.reset();
  prefix = `test:${Math.random().toString(36).slice(2)}:`;
});

/** Runs one command in a fresh OS process: a separate instance sharing Redis. */
async function instance(...args: string[]): Promise<{ ok: boolean; result?: Record<string, unknown>; kind?: string; code?: string }> {
  const { stdout } = await run(process.execPath, [instanceScript, toy.sim.baseUrl, redis.url, prefix, ...args], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

function bank(): Polybank<ReturnType<typeof toybank>> {
  return new Polybank({
    providers: [toybank({ baseUrl: toy.sim.baseUrl })],
    store: new RedisStore(redis.client, { prefix }),
    checkpoints: { signingKey: 'instances-share-this-signing-key!' },
  });
}

describe('RedisStore: authentication across processes', () => {
  it('starts in process A, answers in process B, lists accounts in process C', async () => {
    const begun = await instance('begin', JSON.stringify({ username: 'questions-otp', password: TOY_PASSWORD }));
    expect(begun.ok).toBe(true);
    const id = begun.result?.id as string;
    expect(begun.result?.challenge).toMatchObject({ type: 'questions' });
    const second = await instance('continue', id, JSON.stringify({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } }));
    expect(second.result?.challenge).toMatchObject({ type: 'otp' });
    const done = await instance('continue', id, JSON.stringify({ code: '123456' }));
    expect(done.result?.status).toMatchObject({ status: 'active' });
    const accounts = await instance('accounts', id);
    expect(accounts.result).toEqual([
      { amount: '158121.10', currency: 'EUR' },
      { amount: '1500', currency: 'JPY' },
      { amount: '0.300', currency: 'BHD' },
    ]);
    expect(toy.sim.count('CreateSession')).toBe(1);
    expect(toy.sim.count('Answer')).toBe(2);
  });

  it('survives a restart between challenge and answer (no process keeps anything)', async () => {
    const begun = await instance('begin', JSON.stringify({ username: 'otp', password: TOY_PASSWORD }));
    // The process that began is gone; a brand-new one (after a "deploy") answers.
    const done = await instance('continue', begun.result?.id as string, JSON.stringify({ code: '123456' }));
    expect(done.ok).toBe(true);
    expect(done.result?.status).toMatchObject({ status: 'active' });
    expect(toy.sim.state.sessions.get('s1')?.otpSends).toBe(1);
  });

  it('two concurrent answers from two processes: one success, one ConflictError, one provider request', async () => {
    const begun = await instance('begin', JSON.stringify({ username: 'otp', password: TOY_PASSWORD }));
    const id = begun.result?.id as string;
    toy.sim.latency = 300; // the winner is still in flight when the loser claims
    const results = await Promise.all([instance('continue', id, JSON.stringify({ code: '123456' })), instance('continue', id, JSON.stringify({ code: '123456' }))]);
    toy.sim.latency = 0;
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => r.kind)).toEqual(['ConflictError']);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('two concurrent answers in one process race on the Lua compare-and-set', async () => {
    const a = bank();
    const b = bank();
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    const settled = await Promise.allSettled([a.continue(id, { code: '123456' }), b.continue(id, { code: '123456' })]);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(isConflictError(rejected?.reason)).toBe(true);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('expiry: Redis drops the entry at the challenge TTL and continue says auth_expired', async () => {
    const store = new RedisStore(redis.client, { prefix });
    const polybank = new Polybank({ providers: [toybank({ baseUrl: toy.sim.baseUrl })], store, storeTtl: { pendingMs: 300 }, checkpoints: { signingKey: 'instances-share-this-signing-key!' } });
    const { id } = await polybank.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    expect(await redis.client.pttl(`${prefix}${id}`)).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 450));
    await expect(polybank.continue(id, { code: '123456' })).rejects.toMatchObject({ kind: 'ConnectionError', reason: 'auth_expired' });
    expect(toy.sim.count('Answer')).toBe(0);
  });

  it('the store API: versions, conflicts, conditional delete', async () => {
    const store = new RedisStore(redis.client, { prefix });
    const entry = { checkpoint: { v: 1 } as never };
    expect(await store.save('x', entry, { expectedVersion: 0, ttlMs: 10_000 })).toBe(1);
    await expect(store.save('x', entry, { expectedVersion: 0, ttlMs: 10_000 })).rejects.toThrow(/expected version 0, but it is at version 1/);
    expect(await store.save('x', entry, { expectedVersion: 1, ttlMs: 10_000 })).toBe(2);
    await expect(store.save('gone', entry, { expectedVersion: 3, ttlMs: 10_000 })).rejects.toThrow(/no longer exists/);
    expect(await store.delete('x', { expectedVersion: 1 })).toBe(false);
    expect((await store.load('x'))?.version).toBe(2);
    expect(await store.delete('x', { expectedVersion: 2 })).toBe(true);
    expect(await store.load('x')).toBeUndefined();
  });
});

describe('refreshAll with limits shared through Redis', () => {
  it('two workers together respect one per-provider rate', async () => {
    const refs = Array.from({ length: 6 }, (_, i) => ({ provider: 'toybank' as const, ref: { connectionId: `conn-${i}` } }));
    const limiters = redisRateLimiters(redis.client, { prefix: `${prefix}rate:` });
    const started = Date.now();
    const [first, second] = await Promise.all([
      bank().refreshAll(refs.slice(0, 3), { concurrency: 3, perProviderRate: { toybank: 2 }, limiters }),
      bank().refreshAll(refs.slice(3), { concurrency: 3, perProviderRate: { toybank: 2 }, limiters }),
    ]);
    const elapsed = Date.now() - started;
    expect([...first, ...second].every((r) => r.ok)).toBe(true);
    expect(first.map((r) => r.ref)).toEqual(refs.slice(0, 3).map((r) => r.ref));
    // 6 connections at 2 per second shared by both workers: at least two full windows.
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(toy.sim.count('ListAccounts')).toBe(6);
  });

  it('reports a failing connection as a typed error without stopping the others', async () => {
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 503, times: 3 });
    const results = await bank().refreshAll(
      [
        { provider: 'toybank', ref: { connectionId: 'a' } },
        { provider: 'toybank', ref: { connectionId: 'b' } },
      ],
      { concurrency: 1 },
    );
    expect(results[0]).toMatchObject({ ok: false, error: { reason: 'provider_unavailable' } });
    expect(results[1]).toMatchObject({ ok: true });
  });
});
