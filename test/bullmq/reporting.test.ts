import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetryEvent } from '../../src/bullmq/index.js';
import { prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outcomes: reported once, retried only when it can help', () => {
  it('non-retryable (sca_required, consent_expired, invalid_credentials): one attempt, one report with its userAction, the job failed', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 5, backoffMs: 50 });
    const worker = startWorker(rig, prefix);
    const retries: RetryEvent[] = [];
    worker.worker.on('retry', (e) => void retries.push(e));
    const keys = {
      powens: store(rig, 'powens', 1, { refused: true })[0] as string,
      fintecture: store(rig, 'fintecture', 1, { refused: true })[0] as string,
      flinks: store(rig, 'flinks', 1, { refused: true })[0] as string,
    };
    rig.sims.powens.resetCounts();
    rig.sims.fintecture.resetCounts();
    rig.sims.flinks.resetCounts();
    for (const [provider, key] of Object.entries(keys)) await queue.refreshNow(provider as never, key);
    await until(() => worker.results.length === 3, 15_000, 'three reports');
    // Long enough for a wrongly scheduled retry (backoff 50 ms) to have happened.
    await sleep(600);
    const counts = await queue.counts();
    await worker.close();
    await queue.close();
    const byProvider = Object.fromEntries(worker.results.map((r) => [r.provider, r]));
    expect(byProvider.powens).toMatchObject({ ok: false, attempt: 1, error: { reason: 'sca_required', userAction: 'authenticate', retryable: false } });
    expect(byProvider.fintecture).toMatchObject({ ok: false, attempt: 1, error: { reason: 'consent_expired', userAction: 'reconsent' } });
    expect(byProvider.flinks).toMatchObject({ ok: false, attempt: 1, error: { reason: 'invalid_credentials', userAction: 'update_credentials' } });
    expect(worker.results).toHaveLength(3);
    expect(retries).toEqual([]);
    // One attempt each at the provider.
    expect(rig.sims.powens.count('GetConnection')).toBe(1);
    expect(rig.sims.fintecture.count('RefreshToken')).toBe(1);
    expect(rig.sims.flinks.count('Authorize')).toBe(1);
    // refreshNow jobs are removed when done (their id is reused), so nothing stays failed.
    expect(counts.powens).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
  });

  it('a retryable failure that never clears: every attempt made, then one final report; metrics count it', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 3, backoffMs: 40 });
    const worker = startWorker(rig, prefix);
    const [key] = store(rig, 'powerauth', 1);
    const [okKey] = store(rig, 'powerauth', 1);
    const { operationId } = rig.db.get(key as string)?.ref as { operationId: string };
    const stop = rig.sims.powerauth.inject({ endpoint: 'operation/formdata/decorate', kind: 'status', status: 503, times: 3 });
    await queue.refreshNow('powerauth', key as string);
    await until(() => worker.results.length === 1, 15_000, 'the final report');
    stop();
    await queue.refreshNow('powerauth', okKey as string);
    await until(() => worker.results.length === 2, 15_000, 'the second result');
    const metrics = await worker.worker.metrics();
    await worker.close();
    await queue.close();
    expect(worker.results[0]).toMatchObject({ key, ok: false, attempt: 3, error: { code: 'provider_unavailable', retryable: true } });
    const attempts = rig.sims.powerauth.requests.filter((r) => r.body?.includes(operationId));
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(metrics.powerauth).toMatchObject({ done: 1, failed: { provider_unavailable: 1 }, retried: { provider_unavailable: 2 }, waiting: 0 });
  });

  it('a stored connection your database no longer has: reported as a ValidationError, nothing sent', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 4, backoffMs: 40 });
    const worker = startWorker(rig, prefix);
    rig.sims.flinks.resetCounts();
    await queue.refreshNow('flinks', 'deleted-row-17');
    await until(() => worker.results.length === 1, 15_000, 'the report');
    await worker.close();
    await queue.close();
    expect(worker.results[0]).toMatchObject({ key: 'deleted-row-17', ok: false, ref: undefined, attempt: 1, error: { kind: 'ValidationError' } });
    expect(rig.sims.flinks.requests).toHaveLength(0);
  });
});
