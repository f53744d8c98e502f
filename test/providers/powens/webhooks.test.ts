import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidationError } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, signWebhook, verifyWebhook } from '../../../src/providers/powens/index.js';
import { drive, fields, startPowens, type PowensHarness } from './helpers.js';

let h: PowensHarness;
beforeAll(async () => {
  h = await startPowens();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

const URL_ = 'https://app.example/webhooks/powens/connection-synced';
const SECRET = 'sim-webhook-secret';

async function connectionId(scenario = 'par'): Promise<number> {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn);
  return conn.ref?.connectionId as number;
}

async function rejected(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isValidationError(error)).toBe(true);
    return String((error as Error).message);
  }
  throw new Error('expected the webhook to be rejected');
}

describe('BI-Signature webhooks', () => {
  it('signs exactly as documented: base64(HMAC-SHA256(secret, "POST.<path>.<date>.<body>"))', async () => {
    const date = '2022-06-27T11:08:52.577831Z';
    const body = '{"id": 1, "name": "x"}';
    const expected = createHmac('sha256', 'secret-key').update(`POST./v1/webhook-listener.${date}.${body}`).digest('base64');
    expect(await signWebhook('secret-key', { path: '/v1/webhook-listener', date, body })).toBe(expected);
  });

  it('a CONNECTION_SYNCED webhook is verified and typed, with the normalized status of the connection', async () => {
    const id = await connectionId();
    const request = await h.sim.webhook(URL_, h.sim.connectionSyncedBody(id));
    const webhook = await verifyWebhook(request, { secret: SECRET, event: 'CONNECTION_SYNCED' });
    expect(webhook.event).toBe('CONNECTION_SYNCED');
    expect(webhook.payload.connection.id).toBe(id);
    expect(webhook.payload.connection.accounts).toHaveLength(9);
    expect(webhook.status).toEqual({ status: 'active' });
  });

  it('an SCA state in a background sync is reported as sca_required', async () => {
    const id = await connectionId('SCARequiredAndOTP');
    h.sim.backgroundSync(id);
    const webhook = await verifyWebhook(await h.sim.webhook(URL_, h.sim.connectionSyncedBody(id)), { secret: SECRET, event: 'CONNECTION_SYNCED' });
    expect(webhook.status).toMatchObject({ status: 'error', reason: 'sca_required', providerState: 'SCARequired', userAction: 'authenticate' });
  });

  it('accepts the framework shape { url, headers, body } (raw body), e.g. from Express', async () => {
    const request = await h.sim.webhook(URL_, { id: 42, id_webhook_data: 7 });
    const headers = Object.fromEntries(request.headers);
    const webhook = await verifyWebhook({ url: '/webhooks/powens/connection-synced', headers, body: await request.text() }, { secret: SECRET, event: 'CONNECTION_DELETED' });
    expect(webhook.payload).toMatchObject({ id: 42 });
  });

  it('rejects a tampered body, a wrong secret, a stale or missing date, a missing signature, another path', async () => {
    const body = { id: 42 };
    const good = await h.sim.webhook(URL_, body);
    const headers = Object.fromEntries(good.headers);
    const raw = JSON.stringify(body);
    expect(await rejected(verifyWebhook({ url: URL_, headers, body: raw.replace('42', '43') }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/BI-Signature: does not match/);
    expect(await rejected(verifyWebhook({ url: URL_, headers, body: raw }, { secret: 'another-secret', event: 'USER_DELETED' }))).toMatch(/does not match/);
    expect(await rejected(verifyWebhook({ url: `${URL_}-other`, headers, body: raw }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/does not match/);
    const stale = await h.sim.webhook(URL_, body, { date: new Date(Date.now() - 10 * 60_000) });
    expect(await rejected(verifyWebhook(stale, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/BI-Signature-Date: stale/);
    const { 'bi-signature-date': _date, ...noDate } = headers;
    expect(await rejected(verifyWebhook({ url: URL_, headers: noDate, body: raw }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/BI-Signature-Date: missing/);
    const { 'bi-signature': _signature, ...noSignature } = headers;
    expect(await rejected(verifyWebhook({ url: URL_, headers: noSignature, body: raw }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/BI-Signature: missing/);
    expect(await rejected(verifyWebhook({ url: URL_, headers: { ...headers, 'bi-signature': '%%%' }, body: raw }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/does not match/);
    // The valid one still passes with the same inputs.
    await expect(verifyWebhook({ url: URL_, headers, body: raw }, { secret: SECRET, event: 'USER_DELETED' })).resolves.toMatchObject({ payload: { id: 42 } });
  });

  it('a signed body that is not the event shape is rejected, naming the field', async () => {
    const request = await h.sim.webhook(URL_, { connection: { id: 'x' } });
    expect(await rejected(verifyWebhook(request, { secret: SECRET, event: 'CONNECTION_SYNCED' }))).toMatch(/body\.connection\.id/);
  });
});

describe('gzip-compressed webhooks (webhooks.compression.enabled)', () => {
  it.each(['json', 'compressed'] as const)('a gzip CONNECTION_SYNCED body signed over the %s bytes is inflated, verified and typed', async (signed) => {
    const id = await connectionId();
    const request = await h.sim.webhook(URL_, h.sim.connectionSyncedBody(id), { gzip: true, signed });
    expect(request.headers.get('content-encoding')).toBe('gzip');
    const bytes = new Uint8Array(await request.clone().arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const webhook = await verifyWebhook(request, { secret: SECRET, event: 'CONNECTION_SYNCED' });
    expect(webhook.payload.connection.id).toBe(id);
    expect(webhook.status).toEqual({ status: 'active' });
  });

  it('the framework shape with a raw gzip Buffer, and a body a framework already inflated', async () => {
    const request = await h.sim.webhook(URL_, { id: 42 }, { gzip: true });
    const headers = Object.fromEntries(request.headers);
    const raw = Buffer.from(await request.arrayBuffer());
    await expect(verifyWebhook({ url: '/webhooks/powens/connection-synced', headers, body: raw }, { secret: SECRET, event: 'CONNECTION_DELETED' })).resolves.toMatchObject({ payload: { id: 42 } });
    // Content-Encoding still says gzip, the body is the JSON (signed over the JSON).
    await expect(verifyWebhook({ url: URL_, headers, body: JSON.stringify({ id: 42 }) }, { secret: SECRET, event: 'CONNECTION_DELETED' })).resolves.toMatchObject({ payload: { id: 42 } });
  });

  it('a tampered or broken gzip body, a gzip bomb and an unknown encoding are rejected', async () => {
    const request = await h.sim.webhook(URL_, { id: 42 }, { gzip: true });
    const headers = Object.fromEntries(request.headers);
    const bytes = new Uint8Array(await request.arrayBuffer());
    const truncated = bytes.slice(0, bytes.length - 6);
    expect(await rejected(verifyWebhook({ url: URL_, headers, body: truncated }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/not valid gzip/);
    // Another body, properly compressed, under the first one's signature.
    const other = await h.sim.webhook(URL_, { id: 43 }, { gzip: true });
    const otherBytes = new Uint8Array(await other.arrayBuffer());
    expect(await rejected(verifyWebhook({ url: URL_, headers, body: otherBytes }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/BI-Signature: does not match/);
    // 1 MiB of zeros inflates past a 64 KiB cap.
    const bomb = await h.sim.webhook(URL_, { id: 1, pad: '0'.repeat(1024 * 1024) }, { gzip: true });
    expect(await rejected(verifyWebhook(bomb, { secret: SECRET, event: 'USER_DELETED', maxBytes: 64 * 1024 }))).toMatch(/larger than maxBytes/);
    expect(await rejected(verifyWebhook({ url: URL_, headers: { ...headers, 'content-encoding': 'br' }, body: bytes }, { secret: SECRET, event: 'USER_DELETED' }))).toMatch(/Content-Encoding: br/);
  });
});
