import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

function syncsOf(key: string): number {
  const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
  return rig.sims.powens.requests.filter((r) => r.endpoint === 'SyncConnection' && r.path.endsWith(`/connections/${connectionId}`)).length;
}

describe('one job id per connection', () => {
  it('refreshNow three times before any worker runs: one job, one refresh at the provider; once done the id is free again', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const [key] = store(rig, 'powens', 1) as [string];
    const ids = await Promise.all([queue.refreshNow('powens', key), queue.refreshNow('powens', key), queue.refreshNow('powens', key)]);
    expect(new Set(ids.map((i) => i.jobId)).size).toBe(1);
    expect(ids[0]?.jobId).toBe(`powens.${key}`);
    expect((await queue.counts()).powens.waiting).toBe(1);
    const worker = startWorker(rig, prefix);
    await until(() => worker.results.length === 1, 15_000, 'the first result');
    expect(syncsOf(key)).toBe(1);
    await until(async () => (await queue.counts()).powens.active === 0, 5_000, 'the job to finish');
    await queue.refreshNow('powens', key);
    await until(() => worker.results.length === 2, 15_000, 'the second result');
    await worker.close();
    await queue.close();
    expect(syncsOf(key)).toBe(2);
    expect(worker.results.map((r) => r.jobId)).toEqual([`powens.${key}`, `powens.${key}`]);
  });

  it('a key with any characters maps to one stable id without ":" (BullMQ reserves it)', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const { jobId } = await queue.refreshNow('flinks', 'tenant:7/user 42');
    expect(jobId).toBe('flinks.tenant%3A7%2Fuser%2042');
    expect((await queue.refreshNow('flinks', 'tenant:7/user 42')).jobId).toBe(jobId);
    await queue.queue('flinks').obliterate({ force: true });
    await queue.close();
  });

  it('schedule twice: one scheduler, one due iteration; after its run the next one waits; unschedule removes it', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const [key] = store(rig, 'powens', 1) as [string];
    await queue.schedule('powens', key, { every: 3_600_000 });
    await queue.schedule('powens', key, { every: 3_600_000 });
    expect((await queue.counts()).powens).toMatchObject({ schedulers: 1, waiting: 1, delayed: 0 });
    const worker = startWorker(rig, prefix);
    await until(() => worker.results.length === 1, 15_000, 'the first iteration');
    await until(async () => (await queue.counts()).powens.completed === 1, 5_000, 'completion');
    const after = (await queue.counts()).powens;
    expect(after).toMatchObject({ schedulers: 1, waiting: 0, delayed: 1, completed: 1 });
    expect(await queue.unschedule('powens', key)).toBe(true);
    expect((await queue.counts()).powens).toMatchObject({ schedulers: 0, delayed: 0 });
    expect(await queue.unschedule('powens', key)).toBe(false);
    await worker.close();
    await queue.close();
    expect(syncsOf(key)).toBe(1);
    expect(worker.results[0]?.jobId).toMatch(/^repeat:powens\.powens-\d+:\d+$/);
  });
});
