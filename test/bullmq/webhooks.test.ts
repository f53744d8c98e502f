import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/providers/powens/index.js';
import type { PowensSimulator } from '../../src/testing/index.js';
import { prefixFor, queueOf, startRig, startWorker, store, until, type Rig } from './support.js';

let rig: Rig;
let sim: PowensSimulator;
beforeAll(async () => {
  rig = await startRig();
  sim = rig.sims.powens as unknown as PowensSimulator;
});
afterAll(async () => {
  await rig?.stop();
});

const URL_ = 'https://app.example/webhooks/powens';
async function delivered(body: unknown) {
  return verifyWebhook(await sim.webhook(URL_, body), { secret: sim.state.options.webhookSecret, event: 'CONNECTION_SYNCED' });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Powens webhooks as jobs', () => {
  it('CONNECTION_SYNCED: a job reads the new data without another sync; a redelivery (same id) queues nothing, before or after it ran', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const [key] = store(rig, 'powens', 1) as [string];
    const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
    const body = sim.connectionSyncedBody(connectionId);
    const first = await queue.powensWebhook(await delivered(body), key);
    const again = await queue.powensWebhook(await delivered(body), key);
    expect(first).toEqual({ action: 'fetch', jobId: `webhook.powens.${String(body.id_webhook_data)}` });
    expect(again).toEqual(first);
    const worker = startWorker(rig, prefix);
    await until(() => worker.results.length === 1, 15_000, 'the fetch');
    await until(async () => (await queue.counts()).powens.completed === 1, 5_000, 'completion');
    expect(await queue.powensWebhook(await delivered(body), key)).toEqual(first);
    await sleep(300);
    await worker.close();
    await queue.close();
    expect(worker.results).toHaveLength(1);
    expect(worker.results[0]).toMatchObject({ ok: true, kind: 'fetch', key });
    const mine = sim.requests.filter((r) => r.path.includes(`/connections/${connectionId}`)).map((r) => r.endpoint);
    expect(mine).toEqual(['GetConnection', 'ListAccounts']);
  });

  it('a connection in an error state: a job reports its normalized reason and userAction, with no provider call', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix, { attempts: 5 });
    const [key] = store(rig, 'powens', 1) as [string];
    const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
    sim.setConnectionState(connectionId, 'wrongpass', { errorMessage: 'Wrong password' });
    const enqueued = await queue.powensWebhook(await delivered(sim.connectionSyncedBody(connectionId)), key);
    expect(enqueued).toMatchObject({ action: 'report', reason: 'invalid_credentials' });
    const before = sim.requests.length;
    const worker = startWorker(rig, prefix);
    await until(() => worker.results.length === 1, 15_000, 'the report');
    await sleep(300);
    await worker.close();
    await queue.close();
    expect(worker.results).toHaveLength(1);
    expect(worker.results[0]).toMatchObject({
      ok: false,
      kind: 'report',
      key,
      error: { kind: 'ConnectionError', reason: 'invalid_credentials', userAction: 'update_credentials', providerCode: 'wrongpass', provider: 'powens' },
    });
    expect(sim.requests.length).toBe(before);
  });

  it('events without connection work, and connections still authenticating, are ignored', async () => {
    const prefix = prefixFor();
    const queue = queueOf(rig, prefix);
    const [key] = store(rig, 'powens', 1) as [string];
    const { connectionId } = rig.db.get(key)?.ref as { connectionId: number };
    const deleted = await verifyWebhook(await sim.webhook(URL_, { id: connectionId }), { secret: sim.state.options.webhookSecret, event: 'CONNECTION_DELETED' });
    expect(await queue.powensWebhook(deleted, key)).toEqual({ action: 'ignored' });
    sim.setConnectionState(connectionId, 'validating');
    expect(await queue.powensWebhook(await delivered(sim.connectionSyncedBody(connectionId)), key)).toEqual({ action: 'ignored' });
    expect((await queue.counts()).powens.waiting).toBe(0);
    await queue.close();
  });
});
