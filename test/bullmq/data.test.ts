import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FintectureSimState } from '../../src/testing/index.js';
import type { PowensSimState } from '../../src/testing/powens/index.js';
import { bankOf, prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every string value stored under a prefix, whatever the Redis type (jobs, streams, schedulers, leases). */
async function everythingIn(prefix: string): Promise<string> {
  const client = rig.redis.client;
  const keys = await client.keys(`${prefix}:*`);
  const parts: string[] = [...keys];
  for (const key of keys) {
    const type = await client.type(key);
    if (type === 'string') parts.push(String(await client.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await client.hgetallBuffer(key).then((h) => Object.entries(h).map(([k, v]) => [k, v.toString('latin1')]))));
    else if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
    else if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
    else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
  }
  return parts.join('\n');
}

describe('what a job reads and what Redis holds', () => {
  it('new transactions since the last run: the first run reads firstDays back, the next one from the last run’s day', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const worker = startWorker(rig, prefix, { transactions: { firstDays: 30 } });
    const [key] = store(rig, 'powens', 1) as [string];
    const state = rig.sims.powens.state as PowensSimState;
    const started = Date.now();
    await queue.refreshNow('powens', key);
    await until(() => worker.results.length === 1, 15_000, 'the first run');
    await until(async () => (await queue.counts()).powens.active === 0, 5_000, 'the first job to end');
    await queue.refreshNow('powens', key);
    await until(() => worker.results.length === 2, 15_000, 'the second run');
    await worker.close();
    await queue.close();
    const [first, second] = worker.results;
    expect(first).toMatchObject({ ok: true });
    expect(first?.ok && Array.isArray(first.transactions)).toBe(true);
    const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
    const accountIds = [...state.accounts.values()].filter((a) => a.id_connection === connectionId && a.disabled === null).map((a) => String(a.id));
    const asked = state.received.filter((r) => r.endpoint === 'ListTransactions' && accountIds.some((id) => r.path.includes(`/accounts/${id}/`)));
    expect(asked.length).toBe(accountIds.length * 2);
    const froms = asked.map((r) => r.query.min_date);
    expect(new Set(froms.slice(0, accountIds.length))).toEqual(new Set([day(started - 30 * 86_400_000)]));
    expect(new Set(froms.slice(accountIds.length))).toEqual(new Set([day(started)]));
    expect(second?.ok && second.transactions?.every((t) => t.accountId && t.amount.amount)).toBe(true);
  });

  it('a refresh token the provider rotates reaches saveRef; the next worker process goes on with it', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const state = rig.sims.fintecture.state as FintectureSimState;
    state.rotateRefreshTokens = true;
    const [key] = store(rig, 'fintecture', 1) as [string];
    const original = (rig.db.get(key)?.ref as { refreshToken: string }).refreshToken;
    const saved: unknown[] = [];
    const saveRef = (provider: string, k: string, ref: unknown) => {
      saved.push(ref);
      rig.db.set(k, { provider: provider as 'fintecture', ref });
    };
    const first = startWorker(rig, prefix, { saveRef });
    await queue.refreshNow('fintecture', key);
    await until(() => first.results.length === 1, 15_000, 'the first run');
    await first.close();
    // Another process: nothing in memory, only what saveRef stored.
    const second = startWorker(rig, prefix, { saveRef, bank: bankOf(rig) });
    await queue.refreshNow('fintecture', key);
    await until(() => second.results.length === 1, 15_000, 'the second run');
    await second.close();
    await queue.close();
    state.rotateRefreshTokens = false;
    expect(first.results[0]).toMatchObject({ ok: true });
    expect(second.results[0]).toMatchObject({ ok: true });
    expect(saved).toHaveLength(2);
    expect((saved[0] as { refreshToken: string }).refreshToken).not.toBe(original);
    expect(state.refreshTokens.get(original)?.revoked).toBe(true);
  });

  it('Redis never holds a ref or a token: jobs, schedulers, results, leases and windows carry keys and counts only', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 2, backoffMs: 20 });
    const worker = startWorker(rig, prefix, { perProviderRate: { fintecture: 100, powens: 100 }, transactions: true });
    const keys = [...store(rig, 'fintecture', 3), ...store(rig, 'powens', 3), ...store(rig, 'fintecture', 1, { refused: true })];
    rig.sims.powens.inject({ endpoint: 'ListAccounts', kind: 'status', status: 503, times: 1 });
    rig.sims.fintecture.latency = 30;
    // Scheduled jobs stay in Redis once finished (completed or failed): all of it is scanned,
    // also while jobs run (leases, active jobs, retries waiting).
    for (const key of keys.slice(0, -1)) await queue.schedule(rig.db.get(key)?.provider as never, key, { every: 3_600_000 });
    await queue.refreshNow('fintecture', keys.at(-1) as string);
    const snapshots: string[] = [];
    await until(async () => {
      snapshots.push(await everythingIn(prefix));
      return worker.results.length === keys.length;
    }, 20_000, 'every result');
    rig.sims.fintecture.latency = 0;
    await until(async () => (await queue.counts()).fintecture.active === 0, 5_000, 'the last job to end');
    snapshots.push(await everythingIn(prefix));
    const stored = snapshots.join('\n');
    await worker.close();
    await queue.close();
    const fintecture = rig.sims.fintecture.state as FintectureSimState;
    const powens = rig.sims.powens.state as PowensSimState;
    const secrets = [
      ...[...fintecture.refreshTokens.keys()],
      ...[...fintecture.tokens.keys()],
      ...powens.issuedTokens,
      ...keys.map((k) => JSON.stringify(rig.db.get(k)?.ref)),
    ];
    expect(stored).toContain(keys[0]);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(stored.includes(secret), `found in Redis: ${secret.slice(0, 12)}…`).toBe(false);
    // Results handed to the app show refs with their secrets redacted.
    const shown = JSON.stringify(worker.results);
    for (const secret of secrets.slice(0, -keys.length)) expect(shown.includes(secret)).toBe(false);
  });
});
