import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/providers/powens/index.js';
import type { PowensSimulator, RecordedRequest } from '../../src/testing/index.js';
import { busiestWindow, prefixFor, queueOf, startRig, startWorker, store, until, watchStalls, type Rig } from './support.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig?.stop();
});

function overlapping(requests: readonly RecordedRequest[]): Array<[RecordedRequest, RecordedRequest]> {
  const pairs: Array<[RecordedRequest, RecordedRequest]> = [];
  const sorted = [...requests].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as RecordedRequest;
    const current = sorted[i] as RecordedRequest;
    if (current.at < (previous.answeredAt ?? Infinity)) pairs.push([previous, current]);
  }
  return pairs;
}

describe('a connection never refreshes on two workers at once; a provider’s rate holds across workers', () => {
  it('a schedule, a refreshNow and two webhooks for one connection on two workers: its requests never overlap', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const sim = rig.sims.powens as unknown as PowensSimulator;
    const [key] = store(rig, 'powens', 1) as [string];
    const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
    sim.latency = 150;
    const workers = [startWorker(rig, prefix, { concurrency: 4, lockDuration: 3_000 }), startWorker(rig, prefix, { concurrency: 4, lockDuration: 3_000 })];
    await Promise.all(workers.map((w) => w.worker.waitUntilReady()));
    const url = 'https://app.example/webhooks/powens';
    const webhook = async () => verifyWebhook(await sim.webhook(url, sim.connectionSyncedBody(connectionId)), { secret: sim.state.options.webhookSecret, event: 'CONNECTION_SYNCED' });
    const [first, second] = [await webhook(), await webhook()];
    await Promise.all([queue.schedule('powens', key, { every: 3_600_000 }), queue.refreshNow('powens', key), queue.powensWebhook(first, key), queue.powensWebhook(second, key)]);
    const results = () => workers.flatMap((w) => w.results);
    await until(() => results().length === 4, 20_000, 'four results');
    sim.latency = 0;
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    expect(results().every((r) => r.ok)).toBe(true);
    expect(results().map((r) => r.kind).sort()).toEqual(['fetch', 'fetch', 'refresh', 'refresh']);
    const mine = sim.requests.filter((r) => r.path.includes(`/connections/${connectionId}`));
    expect(mine.length).toBe(3 + 3 + 2 + 2);
    expect(overlapping(mine)).toEqual([]);
  });

  it('1 start, then 19 more 350 ms later, on three workers at 10 per 500 ms: never more than 10 in any 500 ms at the provider', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const keys = store(rig, 'powerauth', 20);
    const rate = { powerauth: { requests: 10, perSeconds: 0.5 } };
    const workers = [0, 1, 2].map(() => startWorker(rig, prefix, { concurrency: 6, perProviderRate: rate }));
    await Promise.all(workers.map((w) => w.worker.waitUntilReady()));
    const operations = new Set(keys.map((k) => (rig.db.get(k)?.ref as { operationId: string }).operationId));
    const stalls = watchStalls();
    await queue.refreshNow('powerauth', keys[0] as string);
    await new Promise((r) => setTimeout(r, 350));
    await Promise.all(keys.slice(1).map((k) => queue.refreshNow('powerauth', k)));
    const results = () => workers.flatMap((w) => w.results);
    await until(() => results().length === 20, 20_000, 'twenty results');
    const stallMs = stalls.stop();
    const metrics = await Promise.all(workers.map((w) => w.worker.metrics()));
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    const starts = rig.sims.powerauth.requests.filter((r) => r.endpoint === 'operation/formdata/decorate' && [...operations].some((id) => r.body?.includes(id))).map((r) => r.at);
    expect(starts).toHaveLength(20);
    // Shorter than the window: what the provider sees lags the grant by a request's travel and
    // by this process's longest stall (at most half the window; a limiter per worker lets 30 through).
    const windowMs = Math.max(250, 450 - stallMs);
    expect(busiestWindow(starts, windowMs), `busiest ${windowMs} ms window`).toBeLessThanOrEqual(10);
    // And the limit is a rate, not a stall: 20 starts at 10 per 500 ms take about one window more.
    const span = Math.max(...starts) - Math.min(...starts);
    expect(span).toBeGreaterThanOrEqual(480);
    expect(span).toBeLessThan(2_500);
    expect(metrics.reduce((n, m) => n + (m.powerauth?.rateLimited ?? 0), 0)).toBeGreaterThanOrEqual(9);
  });

  it('a worker whose process stalls while its jobs wait for their slots reserves again: no burst at the provider after the stall', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const keys = store(rig, 'powerauth', 30);
    const worker = startWorker(rig, prefix, { concurrency: 30, perProviderRate: { powerauth: { requests: 10, perSeconds: 0.5 } } });
    await worker.worker.waitUntilReady();
    const operations = new Set(keys.map((k) => (rig.db.get(k)?.ref as { operationId: string }).operationId));
    const mine = () => rig.sims.powerauth.requests.filter((r) => r.endpoint === 'operation/formdata/decorate' && [...operations].some((id) => r.body?.includes(id)));
    await Promise.all(keys.map((k) => queue.refreshNow('powerauth', k)));
    // The first window's ten have reached the provider; the twenty others sleep until their slots (+500, +1000 ms).
    await until(() => mine().length >= 10, 10_000, 'the first ten starts');
    await new Promise((r) => setTimeout(r, 50));
    const stallUntil = Date.now() + 1_200;
    while (Date.now() < stallUntil); // this process (worker and simulator) stalls past both slots
    // Any stall after that one is the instrument's error again (a loaded machine), measured.
    const stalls = watchStalls();
    await until(() => worker.results.length === 30, 20_000, 'thirty results');
    const stallMs = stalls.stop();
    await worker.close();
    await queue.close();
    const starts = mine().map((r) => r.at);
    expect(starts).toHaveLength(30);
    expect(worker.results.every((r) => r.ok)).toBe(true);
    // Woken together, the twenty would start at once; reserved again, they keep ten per window.
    expect(busiestWindow(starts, Math.max(250, 450 - stallMs))).toBeLessThanOrEqual(10);
  });
});
