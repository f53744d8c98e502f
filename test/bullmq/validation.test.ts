import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfigurationError, isValidationError } from '../../src/index.js';
import { refreshQueue, refreshWorker } from '../../src/bullmq/index.js';
import { bankOf, prefixFor, queueOf, startRig, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('bad input: a typed error before anything reaches Redis', () => {
  it('queue: options, schedules, keys and providers are checked first', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const before = await rig.redis.client.dbsize();
    expect(isValidationError(thrown(() => refreshQueue(rig.redis.client, { providers: [] })))).toBe(true);
    expect(isValidationError(thrown(() => refreshQueue(rig.redis.client, { providers: ['Not A Provider'] })))).toBe(true);
    expect(isValidationError(thrown(() => refreshQueue(rig.redis.client, { providers: ['powens'], attempts: 0 })))).toBe(true);
    await expect(queue.schedule('powens', 'k1', { every: 10 })).rejects.toMatchObject({ kind: 'ValidationError', issues: [{ path: 'every' }] });
    await expect(queue.schedule('powens', 'k1', { cron: 'every night' })).rejects.toMatchObject({ kind: 'ValidationError', issues: [{ path: 'cron' }] });
    await expect(queue.schedule('powens', 'k1', {} as never)).rejects.toMatchObject({ kind: 'ValidationError' });
    await expect(queue.refreshNow('powens', '')).rejects.toMatchObject({ kind: 'ValidationError', issues: [{ path: 'key' }] });
    await expect(queue.refreshNow('powens', 'line\nbreak')).rejects.toMatchObject({ kind: 'ValidationError' });
    await expect(queue.refreshNow('powens', 'x'.repeat(201))).rejects.toMatchObject({ kind: 'ValidationError' });
    await expect(queue.refreshNow('nordigen' as never, 'k1')).rejects.toMatchObject({ kind: 'ValidationError', issues: [{ path: 'provider' }] });
    expect(await rig.redis.client.dbsize()).toBe(before);
    await queue.schedule('powens', 'k1', { cron: '0 2 * * *', tz: 'Europe/Paris' });
    expect((await queue.counts()).powens.schedulers).toBe(1);
    await queue.queue('powens').obliterate({ force: true });
    await queue.close();
  });

  it('worker: a bank, a client, loadRef, known providers and positive rates are required', () => {
    const bank = bankOf(rig);
    const redis = rig.redis.client;
    const loadRef = () => undefined;
    expect(isConfigurationError(thrown(() => refreshWorker({} as never, redis, { loadRef })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, {} as never, { loadRef })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, {} as never)))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, { loadRef, providers: ['nordigen'] })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, { loadRef, perProviderRate: { powens: -1 } })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, { loadRef, concurrency: 0 })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, { loadRef, concurrency: 2.5 })))).toBe(true);
    expect(isConfigurationError(thrown(() => refreshWorker(bank, redis, { loadRef, lockDuration: Number.NaN })))).toBe(true);
  });

  it('a job whose data in Redis was tampered with fails without retry and without a provider call', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 3 });
    await queue.queue('powens').add('refresh', { v: 1, provider: 'powens' }, { attempts: 3 });
    await queue.queue('powens').add('drop-tables', { v: 1, provider: 'powens', key: 'k' }, { attempts: 3 });
    const errors: Error[] = [];
    const worker = refreshWorker(bankOf(rig), rig.redis.client, { prefix, loadRef: () => undefined });
    worker.on('error', (e) => void errors.push(e));
    const before = rig.sims.powens.requests.length;
    for (let i = 0; i < 200 && (await queue.counts()).powens.failed < 2; i++) await new Promise((r) => setTimeout(r, 25));
    await worker.close();
    const failed = await queue.queue('powens').getJobs(['failed']);
    await queue.queue('powens').obliterate({ force: true });
    await queue.close();
    expect(failed.map((j) => [j.attemptsMade, j.failedReason])).toEqual([
      [1, 'polybank: unreadable job data'],
      [1, 'polybank: unreadable job data'],
    ]);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(rig.sims.powens.requests.length).toBe(before);
  });
});
