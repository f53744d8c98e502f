import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/index.js';
import { retryDelay, type RetryEvent } from '../../src/bullmq/index.js';
import { prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

/** The requests a Powens stored connection made, by connection id (from the path). */
function powensRequests(connectionId: number) {
  return rig.sims.powens.requests.filter((r) => r.path.includes(`/connections/${connectionId}`));
}

describe('retries: backoff never sooner than the provider’s retryAfter', () => {
  it('retryDelay: exponential from the base with upward jitter, capped, floored by retryAfter', () => {
    const none = { now: 1_000_000, random: () => 0, maxMs: 10_000, baseMs: 100 };
    expect([1, 2, 3, 4].map((attempt) => retryDelay({ ...none, attempt, error: new Error('x') }))).toEqual([100, 200, 400, 800]);
    expect(retryDelay({ ...none, attempt: 20, error: undefined })).toBe(10_000);
    expect(retryDelay({ ...none, attempt: 1, error: undefined, random: () => 0.999 })).toBeLessThanOrEqual(120);
    const later = new ConnectionError('rate_limited', 'slow down', { retryAfter: new Date(1_000_000 + 45_000) });
    // The provider's date wins over both the exponential delay and its cap.
    expect(retryDelay({ ...none, attempt: 1, error: later })).toBe(45_000);
    const past = new ConnectionError('rate_limited', 'slow down', { retryAfter: new Date(1_000_000 - 5_000) });
    expect(retryDelay({ ...none, attempt: 2, error: past })).toBe(200);
  });

  it('a 429 with Retry-After beyond the SDK bound: the job runs again no sooner than the date, then succeeds', async () => {
    const prefix = prefixFor();
    const [key] = store(rig, 'powens', 1);
    const { connectionId } = rig.db.get(key as string)?.ref as { connectionId: number };
    const queue = queueOf(rig, prefix, { backoffMs: 50 });
    const worker = startWorker(rig, prefix, { bank: undefined });
    const retries: RetryEvent[] = [];
    worker.worker.on('retry', (e) => void retries.push(e));
    rig.sims.powens.inject({ endpoint: 'ListAccounts', kind: 'status', status: 429, retryAfter: 2, times: 1 });
    await queue.refreshNow('powens', key as string);
    await until(() => worker.results.length === 1, 15_000, 'the result');
    await worker.close();
    await queue.close();
    const [result] = worker.results;
    expect(result).toMatchObject({ ok: true, attempt: 2 });
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toMatchObject({ code: 'rate_limited' });
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1_900);
    const requests = powensRequests(connectionId);
    const faulted = requests.findIndex((r) => r.status === 429);
    const rerun = requests[faulted + 1];
    expect(faulted).toBeGreaterThan(-1);
    // Measured at the provider: the next request of this connection came after Retry-After.
    expect((rerun?.at ?? 0) - (requests[faulted]?.answeredAt ?? 0)).toBeGreaterThanOrEqual(1_950);
  });

  it('a 503 without Retry-After: retried after the exponential backoff, not at once and not later than needed', async () => {
    const prefix = prefixFor();
    const [key] = store(rig, 'powens', 1);
    const { connectionId } = rig.db.get(key as string)?.ref as { connectionId: number };
    const queue = queueOf(rig, prefix, { backoffMs: 300 });
    const worker = startWorker(rig, prefix);
    rig.sims.powens.inject({ endpoint: 'SyncConnection', kind: 'status', status: 503, times: 2 });
    await queue.refreshNow('powens', key as string);
    await until(() => worker.results.length === 1, 15_000, 'the result');
    await worker.close();
    await queue.close();
    expect(worker.results[0]).toMatchObject({ ok: true, attempt: 3 });
    const syncs = powensRequests(connectionId).filter((r) => r.endpoint === 'SyncConnection');
    expect(syncs.map((r) => r.status)).toEqual([503, 503, 200]);
    const gaps = [1, 2].map((i) => (syncs[i]?.at ?? 0) - (syncs[i - 1]?.answeredAt ?? 0));
    // 300 ms then 600 ms (+ up to 20% jitter, + the job's own GetConnection before its sync).
    expect(gaps[0]).toBeGreaterThanOrEqual(290);
    expect(gaps[1]).toBeGreaterThanOrEqual(590);
    expect(gaps[1]).toBeLessThan(2_000);
  });
});
