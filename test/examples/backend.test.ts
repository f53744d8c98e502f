import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Challenge } from '../../src/index.js';
import { drivers, startSimulatorServer, type Simulator, type SimulatorServer } from '../../src/testing/index.js';
import { startRedis, type RedisHandle } from '../support/redis.js';

/**
 * examples/backend as its users run it: two instances (separate processes) behind a client
 * that sends each request to the other one, sharing one real Redis, for all four providers.
 */
let redis: RedisHandle;
let server: SimulatorServer;
const sims = new Map<string, Simulator<unknown>>();
const instances: Array<{ url: string; child: ChildProcess }> = [];

async function startInstance(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(`${process.cwd()}/node_modules/.bin/tsx`, ['examples/backend/server.ts'], { env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
  });
  return { url, child };
}

beforeAll(async () => {
  redis = await startRedis();
  for (const driver of Object.values(drivers)) sims.set(driver.id, driver.simulator());
  server = await startSimulatorServer([...sims.values()]);
  const env = {
    REDIS_URL: redis.url,
    REDIS_PREFIX: `backend-test-${process.pid}:`,
    CHECKPOINT_SIGNING_KEY: 'the-backend-instances-share-this-key',
    CHECKPOINT_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    FINTECTURE_URL: sims.get('fintecture')?.baseUrl as string,
    POWENS_URL: sims.get('powens')?.baseUrl as string,
    FLINKS_URL: sims.get('flinks')?.baseUrl as string,
    POWERAUTH_URL: sims.get('powerauth')?.baseUrl as string,
  };
  instances.push(await startInstance(env), await startInstance(env));
}, 60_000);

afterAll(async () => {
  for (const { child } of instances) child.kill('SIGTERM');
  await Promise.all([server?.close(), redis?.stop()]);
});

let turn = 0;
/** Each request goes to the next instance: A, B, A, B… */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const { url } = instances[turn++ % instances.length] as { url: string };
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const CASES = [
  ['fintecture', 'agfbfr-decoupled'],
  ['fintecture', 'agfbfr-redirect'],
  ['powens', 'additionalInformationNeeded'],
  ['powens', 'webauthRequired'],
  ['flinks', 'td_2step'],
  ['flinks', 'rbc_device'],
  ['powerauth', 'login_sca'],
] as const;

describe('examples/backend: two instances, one Redis, every provider', () => {
  it.each(CASES)('%s · %s: begin on one instance, continue on the other, accounts from either', async (providerId, scenarioName) => {
    const driver = drivers[providerId];
    const sim = sims.get(providerId) as Simulator<unknown>;
    const scenario = driver.scenarios.find((s) => s.name === scenarioName);
    if (!scenario) throw new Error(`no scenario ${scenarioName}`);
    let progress = await call('POST', '/links', { provider: providerId, input: scenario.input });
    expect(progress.status).toBe(201);
    const id = progress.json.id as string;
    const seen: string[] = [];
    for (let step = 0; (progress.json.status as { status: string }).status !== 'active'; step++) {
      expect(progress.status, JSON.stringify(progress.json)).toBeLessThan(300);
      if (step > 20) throw new Error('too many steps');
      const challenge = progress.json.challenge as Challenge;
      seen.push(challenge.type);
      if (challenge.type === 'decoupled') {
        progress = await call('POST', `/links/${id}/poll`);
      } else {
        progress = await call('POST', `/links/${id}/answer`, { answer: await driver.answer(challenge, sim, scenario) });
      }
    }
    // Browser-safe: the reference (Fintecture's holds a refresh token) never leaves the server.
    expect(progress.json).not.toHaveProperty('ref');
    expect(seen.length).toBeGreaterThan(0);
    const accounts = await call('GET', `/links/${id}/accounts`);
    expect(accounts.status).toBe(200);
    expect((accounts.json.accounts as unknown[]).length).toBeGreaterThan(0);
  });

  it('two clients answering the same challenge on both instances: one 200, one 409, one provider request', async () => {
    const driver = drivers.flinks;
    const sim = sims.get('flinks') as Simulator<unknown>;
    const scenario = driver.scenarios.find((s) => s.name === 'national_securid');
    if (!scenario) throw new Error('no scenario');
    const begun = await call('POST', '/links', { provider: 'flinks', input: scenario.input });
    const id = begun.json.id as string;
    const answer = await driver.answer(begun.json.challenge as Challenge, sim, scenario);
    sim.resetCounts();
    sim.latency = 300;
    const results = await Promise.all([call('POST', `/links/${id}/answer`, { answer }), call('POST', `/links/${id}/answer`, { answer })]);
    sim.latency = 0;
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)?.json.error).toMatchObject({ kind: 'ConflictError' });
    expect(sim.count('Authorize')).toBe(1);
  });

  it('a bad answer is a 422 naming the field, and nothing reaches the provider', async () => {
    const scenario = drivers.powerauth.scenarios[0];
    const begun = await call('POST', '/links', { provider: 'powerauth', input: scenario?.input });
    const sim = sims.get('powerauth') as Simulator<unknown>;
    sim.resetCounts();
    const bad = await call('POST', `/links/${begun.json.id as string}/answer`, { answer: { nickname: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ kind: 'InvalidAnswerError', code: 'invalid_answer' });
    expect(sim.requests).toHaveLength(0);
    const gone = await call('POST', '/links/unknown-id/answer', { answer: {} });
    expect(gone.status).toBe(410);
  });
});
