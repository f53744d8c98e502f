import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/providers/fintecture/signature.js';
import { APP_ID, PSU_IP, caught, drive, rsaKeyPair, startFintecture, type Harness, type KeyPair } from './support.js';

/** Strict mode: the simulator verifies every API call against the app's public key, as production does. */
let h: Harness;
let keys: KeyPair;
beforeAll(async () => {
  keys = await rsaKeyPair();
  h = await startFintecture({ publicKey: keys.publicPem, pageSize: 2 });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

function parseSignature(header: string): Record<string, string> {
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

describe('HTTP signatures (draft-cavage, rsa-sha256)', () => {
  it('every API call of a full link is signed and verifies; token calls stay Basic and unsigned', async () => {
    const bank = h.bank({ fintecture: { privateKey: keys.privatePem } });
    const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await drive(conn);
    const [account] = await conn.accounts();
    // Pagination links carry `filter[...]` and `page`: the request-target is signed exactly as sent.
    const rows = [];
    for await (const t of conn.transactions(account?.id as string, { from: '2026-05-01', to: '2026-05-31' })) rows.push(t);
    expect(rows).toHaveLength(7);
    expect(h.sim.count('ListTransactions')).toBe(4);
    await conn.holders();
    await conn.delete();

    const apiCalls = h.sim.requests.filter((r) => !['AccessToken', 'RefreshToken'].includes(r.endpoint)).length;
    expect(h.sim.state.signatures).toEqual({ verified: apiCalls, rejected: 0, unsigned: 0 });
    expect(h.sim.count('AccessToken')).toBe(1);
  });

  it('verifies a next link written with raw brackets, signed as sent', async () => {
    h.sim.inject({
      endpoint: 'ListTransactions',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { links: { next?: string } };
        if (b.links.next) b.links.next = decodeURIComponent(new URL(b.links.next).pathname + new URL(b.links.next).search);
        return b;
      },
    });
    const bank = h.bank({ fintecture: { privateKey: keys.privatePem } });
    const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await drive(conn);
    const [account] = await conn.accounts();
    const rows = [];
    for await (const t of conn.transactions(account?.id as string, { from: '2026-05-01' })) rows.push(t);
    expect(rows).toHaveLength(7);
    expect(h.sim.state.signatures.rejected).toBe(0);
  });

  it('an unsigned client is refused in strict mode (401 invalid_signature) and nothing else is sent', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const error = await caught(() => drive(conn));
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: 'invalid_signature', status: 401 });
    expect(h.sim.counts).toEqual({ GetProvider: 1 });
    expect(h.sim.state.signatures.rejected).toBe(1);
  });

  it('a signature made with another key is refused', async () => {
    const other = await rsaKeyPair();
    const conn = h.bank({ fintecture: { privateKey: other.privatePem } }).connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await expect(drive(conn)).rejects.toMatchObject({ providerCode: 'invalid_signature' });
    expect(h.sim.state.signatures).toMatchObject({ verified: 0, rejected: 1 });
  });

  it('a CryptoKey works as well as a PEM', async () => {
    const conn = h.bank({ fintecture: { privateKey: keys.privateKey } }).connect('fintecture', { provider: 'handse', psuId: 'approve-2', psuIpAddress: PSU_IP });
    await drive(conn);
    expect(conn.status.status).toBe('active');
    expect(h.sim.state.signatures.rejected).toBe(0);
  });
});

describe('the signing string', () => {
  it('signs (request-target) with the query as sent, date and x-request-id on a GET', async () => {
    const url = 'https://api-sandbox.fintecture.com/ais/v1/customer/123/accounts/abc/transactions?filter%5Bdate_from%5D=max&page=2';
    const signed = await signRequest(new Request(url, { headers: { authorization: 'Bearer t' } }), APP_ID, keys.privateKey);
    const fields = parseSignature(signed.headers.get('signature') as string);
    expect(fields).toMatchObject({ keyId: APP_ID, algorithm: 'rsa-sha256', headers: '(request-target) date x-request-id' });
    expect(signed.headers.get('digest')).toBeNull();
    const text = [
      '(request-target): get /ais/v1/customer/123/accounts/abc/transactions?filter%5Bdate_from%5D=max&page=2',
      `date: ${signed.headers.get('date')}`,
      `x-request-id: ${signed.headers.get('x-request-id')}`,
    ].join('\n');
    const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', keys.publicKey, Buffer.from(fields.signature as string, 'base64'), new TextEncoder().encode(text));
    expect(ok).toBe(true);
    expect(signed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Date.parse(signed.headers.get('date') as string) - Date.now())).toBeLessThan(5000);
    expect(signed.headers.get('authorization')).toBe('Bearer t');
  });

  it('adds and signs Digest: SHA-256=base64(sha256(body)) on a body, keeping the body intact', async () => {
    const body = JSON.stringify({ meta: { psu_name: 'Jérôme' } });
    const request = new Request('https://api-sandbox.fintecture.com/pis/v2/connect?state=test', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const signed = await signRequest(request, APP_ID, keys.privateKey);
    const expected = `SHA-256=${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64')}`;
    expect(signed.headers.get('digest')).toBe(expected);
    const fields = parseSignature(signed.headers.get('signature') as string);
    expect(fields.headers).toBe('(request-target) date digest x-request-id');
    const text = [
      '(request-target): post /pis/v2/connect?state=test',
      `date: ${signed.headers.get('date')}`,
      `digest: ${expected}`,
      `x-request-id: ${signed.headers.get('x-request-id')}`,
    ].join('\n');
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', keys.publicKey, Buffer.from(fields.signature as string, 'base64'), new TextEncoder().encode(text))).toBe(true);
    expect(await signed.text()).toBe(body);
  });

  it('leaves Basic-authenticated token calls alone', async () => {
    const request = new Request('https://api-sandbox.fintecture.com/oauth/accesstoken', { method: 'POST', body: 'grant_type=x', headers: { authorization: 'Basic abc' } });
    const signed = await signRequest(request, APP_ID, keys.privateKey);
    expect(signed).toBe(request);
    expect(signed.headers.get('signature')).toBeNull();
  });
});
