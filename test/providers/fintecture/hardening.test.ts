import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { splitRef } from '../../../src/core/flow/index.js';
import { isSecretKey } from '../../../src/provider.js';
import type { FintectureRef } from '../../../src/providers/fintecture/index.js';
import { RefSchema, StateSchema } from '../../../src/providers/fintecture/schemas/model.js';
import { PSU_IP, caught, drive, envelope, followBank, startFintecture, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startFintecture({ shapes: 'official' });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function link(): Promise<{ ref: FintectureRef; conn: ReturnType<ReturnType<Harness['bank']>['connect']> }> {
  const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
  await drive(conn);
  return { ref: conn.ref as FintectureRef, conn };
}

const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('provider-defined ids are looked up as own properties only (#13 item 4)', () => {
  for (const name of INHERITED) {
    it(`a callback provider_error=${name} is the default reason, not an inherited property`, async () => {
      const conn = h.bank().connect('fintecture', { provider: 'cmcifrpp', redirectUri: 'https://app.example.com/cb' });
      const iterator = conn.authenticate();
      const { value } = await iterator.next();
      const state = (value as { state: string }).state;
      const checkpoint = await conn.checkpoint();
      await iterator.return(undefined);
      const callback = `https://app.example.com/cb?error=provider_error&state=${state}&provider_error=${encodeURIComponent(name)}`;
      const error = await caught(() => h.bank().resume(checkpoint, { callback }));
      expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'auth_rejected', providerCode: name });
      expect(h.sim.count('AccessToken')).toBe(0);
    });

    it(`an error code ${name} falls back to the HTTP class, never a TypeError`, async () => {
      const { ref } = await link();
      h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 400, body: envelope(400, name, name), times: Infinity });
      const client = await caught(() => h.bank({ retry: false }).connection('fintecture', ref).accounts());
      expect(client).toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: name, status: 400 });
      h.sim.faults.clear();
      h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 503, body: envelope(503, name, name), times: Infinity });
      expect(await caught(() => h.bank({ retry: false }).connection('fintecture', ref).accounts())).toMatchObject({ reason: 'provider_unavailable', providerCode: name });
    });
  }

  it('a callback without a code but with inherited names is a typed error naming code', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'cmcifrpp', redirectUri: 'https://app.example.com/cb' });
    const iterator = conn.authenticate();
    const { value } = await iterator.next();
    const state = (value as { state: string }).state;
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    const error = await caught(() => h.bank().resume(checkpoint, { callback: `https://app.example.com/cb?state=${state}&constructor=x&toString=y` }));
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'code' });
  });
});

describe("Fintecture's request id (log_id) on every error (#18)", () => {
  it('a data-call error carries the log_id of its error body as error.requestId', async () => {
    const { ref } = await link();
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 503, body: envelope(503, 'service_unavailable', 'service_unavailable'), times: Infinity });
    const error = await caught(() => h.bank({ retry: false }).connection('fintecture', ref).accounts());
    expect(error).toMatchObject({ reason: 'provider_unavailable', requestId: '3006ddbf-2f97-44d8-9f63-35711b78e8a6' });
  });

  it("the simulator's own error answers carry a log_id, and so do the typed errors made of them", async () => {
    const { conn } = await link();
    const unknownAccount = await caught(async () => {
      for await (const _ of conn.transactions('not-an-account')) void _;
    });
    expect(unknownAccount).toMatchObject({ kind: 'ValidationError', providerCode: 'account_unknown', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const unknownBank = await caught(() => drive(h.bank().connect('fintecture', { provider: 'nobank', psuId: 'x', psuIpAddress: PSU_IP })));
    expect(unknownBank).toMatchObject({ kind: 'UnsupportedError', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const badCode = await caught(async () => {
      const c = h.bank().connect('fintecture', { provider: 'cmcifrpp', redirectUri: 'https://app.example.com/cb' });
      for await (const challenge of c.authenticate()) {
        if (challenge.type === 'redirect') challenge.answer({ callback: (await followBank(challenge.url)).replace(/code=[0-9a-f]+/, 'code=00000000') });
      }
    });
    expect(badCode).toMatchObject({ reason: 'auth_expired', providerCode: 'invalid_code', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('an answer that is not an error envelope has no request id', async () => {
    const { ref } = await link();
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'html', status: 502, times: Infinity });
    const error = await caught(() => h.bank({ retry: false }).connection('fintecture', ref).accounts());
    expect(error).toMatchObject({ reason: 'provider_unavailable' });
    expect((error as { requestId?: string }).requestId).toBeUndefined();
  });
});

describe('nothing secret in the reference but the refresh token, named as a secret (#13 item 8)', () => {
  it("the ref's keys: customerId is plain, refreshToken is what isSecretKey calls secret; no state key is", () => {
    expect(Object.fromEntries(Object.keys(RefSchema.shape).map((key) => [key, isSecretKey(key)]))).toEqual({ customerId: false, refreshToken: true });
    const stateKeys = StateSchema.def.options.flatMap((option) => Object.keys(option.shape));
    expect(stateKeys.filter((key) => isSecretKey(key))).toEqual([]);
  });

  it('the core splits the refresh token off the reference; the rest and the state hold no token', async () => {
    const { conn, ref } = await link();
    const { ref: plain, secrets } = splitRef(ref);
    expect(plain).toEqual({ customerId: ref.customerId });
    expect(secrets).toEqual({ 'ref.refreshToken': ref.refreshToken });
    const checkpoint = JSON.stringify(await conn.checkpoint());
    const issued = [...h.sim.state.tokens.keys(), ...h.sim.state.refreshTokens.keys(), ...h.sim.state.codes.keys()];
    expect(issued.length).toBeGreaterThan(2);
    for (const value of issued) expect(checkpoint).not.toContain(value);
  });
});

describe('a rotated refresh token becomes the connection’s reference', () => {
  it('after a refresh that rotates, conn.ref has the new refresh token; another process opens with it', async () => {
    h.sim.state.rotateRefreshTokens = true;
    const { conn, ref } = await link();
    const refs: unknown[] = [];
    conn.on('ref', (r) => refs.push(r));
    h.sim.state.expireAccessTokens();
    await conn.accounts();
    const rotated = conn.ref as FintectureRef;
    expect(rotated.customerId).toBe(ref.customerId);
    expect(rotated.refreshToken).not.toBe(ref.refreshToken);
    expect(h.sim.state.refreshTokens.get(rotated.refreshToken as string)?.revoked).toBe(false);
    // The app is told (the event's ref is redacted: it is for logs, conn.ref is for the store).
    expect(refs).toHaveLength(1);
    expect(JSON.stringify(refs)).not.toContain(rotated.refreshToken as string);
    // The old one is revoked at Fintecture: only the new reference opens the link.
    await expect(h.bank().connection('fintecture', ref).accounts()).rejects.toMatchObject({ reason: 'consent_expired', providerCode: 'invalid_token' });
    expect((await h.bank().connection('fintecture', rotated).accounts()).length).toBe(2);
  });
});
