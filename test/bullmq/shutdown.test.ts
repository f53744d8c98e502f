import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppDb } from '../../examples/workers/db.js';
import { appDb, bundleExample, run } from './processes.js';
import { prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
let scripts: Awaited<ReturnType<typeof bundleExample>>;
beforeAll(async () => {
  [rig, scripts] = await Promise.all([startRig(), bundleExample()]);
}, 60_000);
afterAll(async () => {
  await rig?.stop();
});

function decorates(operationIds: string[]) {
  return rig.sims.powerauth.requests.filter((r) => r.endpoint === 'operation/formdata/decorate' && operationIds.some((id) => r.body?.includes(id)));
}
const operationOf = (key: string) => (rig.db.get(key)?.ref as { operationId: string }).operationId;

describe('worker processes: SIGTERM finishes what is in flight, SIGKILL is taken over', () => {
  it('SIGTERM: the two in-flight jobs finish and are reported, no new job starts, the process exits 0; another worker does the rest once', async () => {
    const prefix = prefixFor();
    const keys = store(rig, 'powerauth', 6);
    const { path } = appDb(rig, scripts.dir);
    const queue = queueOf(rig, prefix);
    rig.sims.powerauth.latency = 1_200;
    const worker = run(scripts.worker, rig, { REDIS_PREFIX: prefix, DB_PATH: path, CONCURRENCY: '2', RATES: '{}', CLOSE_TIMEOUT_MS: '15000' });
    await worker.ready;
    for (const key of keys) await queue.refreshNow('powerauth', key);
    const ops = keys.map(operationOf);
    await until(() => decorates(ops).length === 2, 15_000, 'two jobs in flight');
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    rig.sims.powerauth.latency = 0;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(worker.output).toContain(`closed worker-${worker.child.pid}`);
    // It waited for the provider's answers (1.2 s) instead of dropping them.
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(500);
    const first = decorates(ops);
    expect(first).toHaveLength(2);
    expect(first.every((r) => r.status === 200)).toBe(true);
    const reported = new AppDb(path).results();
    expect(reported.map((r) => r.ok)).toEqual([true, true]);
    expect((await queue.counts()).powerauth).toMatchObject({ waiting: 4, active: 0 });
    const rest = startWorker(rig, prefix);
    await until(() => rest.results.length === 4, 15_000, 'the other four');
    await rest.close();
    await queue.close();
    // Each connection reached the provider exactly once.
    expect(ops.map((id) => decorates([id]).length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('SIGTERM while jobs wait for their rate slot: they go back to the queue untouched at once', async () => {
    const prefix = prefixFor();
    const keys = store(rig, 'powerauth', 3);
    const { path } = appDb(rig, scripts.dir);
    const queue = queueOf(rig, prefix);
    const worker = run(scripts.worker, rig, { REDIS_PREFIX: prefix, DB_PATH: path, CONCURRENCY: '3', RATES: JSON.stringify({ powerauth: { requests: 1, perSeconds: 8 } }) });
    await worker.ready;
    for (const key of keys) await queue.refreshNow('powerauth', key);
    await until(() => decorates(keys.map(operationOf)).length === 1, 10_000, 'the first start');
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    // Not the 8 s of the next slot: waiting jobs had not called the provider, they were handed back.
    expect(Date.now() - signalled).toBeLessThan(4_000);
    const counts = (await queue.counts()).powerauth;
    expect(counts.active).toBe(0);
    expect(counts.waiting + counts.delayed).toBe(2);
    const jobs = await queue.queue('powerauth').getJobs(['wait', 'delayed']);
    expect(jobs.map((j) => j.attemptsMade)).toEqual([0, 0]);
    expect(decorates(keys.map(operationOf))).toHaveLength(1);
    await queue.queue('powerauth').obliterate({ force: true });
    await queue.close();
  });

  it('SIGKILL mid-job: another worker takes the job over once its lock expires and completes it once', async () => {
    const prefix = prefixFor();
    const [key] = store(rig, 'powerauth', 1) as [string];
    const { path } = appDb(rig, scripts.dir);
    const queue = queueOf(rig, prefix);
    rig.sims.powerauth.latency = 800;
    const timing = { LOCK_MS: '1500', STALLED_MS: '500' };
    const doomed = run(scripts.worker, rig, { REDIS_PREFIX: prefix, DB_PATH: path, CONCURRENCY: '1', RATES: '{}', ...timing });
    await doomed.ready;
    await queue.schedule('powerauth', key, { every: 3_600_000 });
    await until(() => decorates([operationOf(key)]).length === 1, 10_000, 'the job in flight');
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const survivor = startWorker(rig, prefix, { lockDuration: 1_500, stalledInterval: 500 });
    await until(() => survivor.results.length === 1, 15_000, 'the takeover');
    rig.sims.powerauth.latency = 0;
    await until(async () => (await queue.counts()).powerauth.completed === 1, 5_000, 'completion');
    const [job] = await queue.queue('powerauth').getJobs(['completed']);
    await survivor.close();
    await queue.close();
    expect(survivor.results[0]).toMatchObject({ ok: true, key, attempt: 1, takenOver: 1 });
    expect(job).toMatchObject({ attemptsMade: 1, stalledCounter: 1 });
    const calls = decorates([operationOf(key)]);
    // The dead worker's call and the takeover's, one after the other (never at once).
    expect(calls).toHaveLength(2);
    expect((calls[1]?.at ?? 0) - killedAt).toBeGreaterThan(0);
    expect(calls[1]?.at ?? 0).toBeGreaterThanOrEqual(calls[0]?.answeredAt ?? Infinity);
  });
});
