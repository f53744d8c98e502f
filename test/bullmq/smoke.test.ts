import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

describe('polybank/bullmq: a refresh job per stored connection', () => {
  it('refreshes one stored connection of every provider through the Connection API', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const worker = startWorker(rig, prefix);
    const keys = PROVIDERS.flatMap((p) => store(rig, p, 1));
    for (const key of keys) await queue.refreshNow(rig.db.get(key)?.provider as never, key);
    await until(() => worker.results.length === keys.length, 15_000, 'results');
    await worker.close();
    await queue.close();
    for (const result of worker.results) expect(result, JSON.stringify(result)).toMatchObject({ ok: true, kind: 'refresh', attempt: 1 });
    expect(worker.results.map((r) => r.key).sort()).toEqual([...keys].sort());
  });
});
