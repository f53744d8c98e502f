import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isNetworkError, type Polybank } from '../../../src/index.js';
import type { FintectureProvider, FintectureRef } from '../../../src/providers/fintecture/index.js';
import { PSU_IP, caught, drive, envelope, startFintecture, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startFintecture();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function link(bank: Polybank<FintectureProvider> = h.bank(), psuId = 'approve-1'): Promise<{ ref: FintectureRef; conn: ReturnType<typeof bank.connect> }> {
  const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId, psuIpAddress: PSU_IP });
  await drive(conn);
  return { ref: conn.ref as FintectureRef, conn };
}

describe('AIS tokens', () => {
  it('token expiry mid-flow: a 401 refreshes once and the call succeeds', async () => {
    const { conn } = await link();
    h.sim.resetCounts();
    h.sim.state.expireAccessTokens();
    expect((await conn.accounts()).length).toBe(2);
    expect(h.sim.counts).toEqual({ ListAccounts: 2, RefreshToken: 1 });
    // The new token is remembered: the next call needs no refresh.
    await conn.accounts();
    expect(h.sim.count('RefreshToken')).toBe(1);
  });

  it('token expiry between two pages of transactions: refreshed once, the iteration goes on', async () => {
    const { conn } = await link();
    const [account] = await conn.accounts();
    h.sim.resetCounts();
    const amounts: string[] = [];
    for await (const t of conn.transactions(account?.id as string)) {
      amounts.push(t.amount.amount);
      if (amounts.length === 1) h.sim.state.expireAccessTokens();
    }
    expect(amounts).toHaveLength(7);
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['ListTransactions', 'ListTransactions', 'RefreshToken', 'ListTransactions', 'ListTransactions']);
  });

  it('refreshes before expiry, without waiting for a 401', async () => {
    h.sim.state.tokenTtlSeconds = 30; // less than the one-minute margin
    const { conn } = await link();
    h.sim.resetCounts();
    await conn.accounts();
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['RefreshToken', 'ListAccounts']);
  });

  it('refreshes once on a 401, never in a loop', async () => {
    const { conn } = await link();
    h.sim.resetCounts();
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 401, body: envelope(401, 'invalid_token', 'unauthorized'), times: Infinity });
    const error = await caught(() => conn.accounts());
    expect(error).toMatchObject({ reason: 'consent_expired', providerCode: 'invalid_token', status: 401 });
    expect(h.sim.counts).toEqual({ ListAccounts: 2, RefreshToken: 1 });
  });

  it('concurrent calls share one refresh request', async () => {
    const { ref } = await link();
    h.sim.state.expireAccessTokens();
    h.sim.resetCounts();
    const bank = h.bank();
    // Two handles on the same stored link, in one process: one refresh between them.
    const [a, b, c] = [bank.connection('fintecture', ref), bank.connection('fintecture', ref), bank.connection('fintecture', ref)];
    const results = await Promise.all([a.accounts(), b.accounts(), c.holders()]);
    expect(results.map((r) => r.length)).toEqual([2, 2, 1]);
    expect(h.sim.count('RefreshToken')).toBe(1);
  });

  it('a caller that aborts a shared refresh does not fail the others', async () => {
    const { ref } = await link();
    h.sim.state.expireAccessTokens();
    h.sim.resetCounts();
    h.sim.inject({ endpoint: 'RefreshToken', kind: 'latency', ms: 150 });
    const bank = h.bank();
    const controller = new AbortController();
    const first = bank.connection('fintecture', ref).accounts({ signal: controller.signal });
    const second = bank.connection('fintecture', ref).accounts();
    setTimeout(() => controller.abort(), 40);
    await expect(first).rejects.toMatchObject({ kind: 'AbortedError' });
    expect((await second).length).toBe(2);
    expect(h.sim.count('RefreshToken')).toBe(2);
  });

  it('reopens a stored link in another process with its refresh token', async () => {
    const { ref } = await link();
    h.sim.resetCounts();
    const conn = h.bank().connection('fintecture', { customerId: ref.customerId, refreshToken: ref.refreshToken as string });
    expect((await conn.accounts()).length).toBe(2);
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['RefreshToken', 'ListAccounts']);
    expect(conn.status.status).toBe('active');
  });

  it('follows a rotated refresh token', async () => {
    h.sim.state.rotateRefreshTokens = true;
    const bank = h.bank();
    const { ref } = await link(bank);
    const conn = bank.connection('fintecture', ref);
    h.sim.state.expireAccessTokens();
    await conn.accounts();
    h.sim.state.expireAccessTokens();
    // The original refresh token is revoked now; the adapter uses the rotated one.
    await conn.accounts();
    expect(h.sim.count('RefreshToken')).toBe(2);
    const original = h.sim.state.refreshTokens.get(ref.refreshToken as string);
    expect(original?.revoked).toBe(true);
  });

  it('a refresh token rotated by a data call reaches conn.ref (the ref event): another process can go on with it', async () => {
    h.sim.state.rotateRefreshTokens = true;
    const { ref } = await link();
    const conn = h.bank().connection('fintecture', ref);
    const events: unknown[] = [];
    conn.on('ref', (shown) => events.push(shown));
    h.sim.state.expireAccessTokens();
    await conn.accounts();
    const rotated = conn.ref as FintectureRef;
    expect(rotated.customerId).toBe(ref.customerId);
    expect(rotated.refreshToken).not.toBe(ref.refreshToken);
    // The event says that it changed, never what the token is.
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(rotated.refreshToken);
    // A fresh bank (another worker process) with the stored new ref: the revoked original is not needed.
    h.sim.state.expireAccessTokens();
    expect((await h.bank().connection('fintecture', rotated).accounts()).length).toBe(2);
  });

  it('a reference without a refresh token cannot be reopened: consent_expired, nothing sent', async () => {
    const conn = h.bank().connection('fintecture', { customerId: 'f1923614953cb0e1f1da8b5c016fd5a7' });
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'consent_expired', userAction: 'reconsent' });
    expect(h.sim.requests).toHaveLength(0);
  });

  it('a dead refresh token is consent_expired', async () => {
    const { ref } = await link();
    for (const token of h.sim.state.refreshTokens.values()) token.revoked = true;
    h.sim.state.expireAccessTokens();
    await expect(h.bank().connection('fintecture', ref).accounts()).rejects.toMatchObject({ reason: 'consent_expired', providerCode: 'invalid_token' });
  });
});

describe('at most once for secret-bearing requests', () => {
  it('the code exchange is never retried, even when its answer is lost', async () => {
    h.sim.inject({ endpoint: 'AccessToken', kind: 'reset', when: 'after' });
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const error = await caught(() => drive(conn));
    expect(isNetworkError(error)).toBe(true);
    expect(h.sim.count('AccessToken')).toBe(1);
    expect([...h.sim.state.codes.values()].every((c) => c.used)).toBe(true);
  });

  it('the decoupled authorization (a push to the PSU) is sent once, even on a 503', async () => {
    h.sim.inject({ endpoint: 'Authorize', kind: 'reset', when: 'after' });
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    expect(isNetworkError(await caught(() => drive(conn)))).toBe(true);
    expect(h.sim.count('Authorize')).toBe(1);
    expect(h.sim.state.sessions.size).toBe(1);

    h.sim.reset();
    h.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 503, body: envelope(503, 'service_unavailable', 'service_unavailable') });
    const conn2 = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await expect(drive(conn2)).rejects.toMatchObject({ reason: 'provider_unavailable', providerCode: 'service_unavailable' });
    expect(h.sim.count('Authorize')).toBe(1);
  });

  it('the refresh is sent once when its answer is lost', async () => {
    const { ref } = await link();
    h.sim.state.expireAccessTokens();
    h.sim.inject({ endpoint: 'RefreshToken', kind: 'reset', when: 'after' });
    expect(isNetworkError(await caught(() => h.bank().connection('fintecture', ref).accounts()))).toBe(true);
    expect(h.sim.count('RefreshToken')).toBe(1);
  });

  it('idempotent reads are retried: a 503 on the provider read and on polling is survived', async () => {
    h.sim.inject({ endpoint: 'GetProvider', kind: 'status', status: 503 });
    h.sim.inject({ endpoint: 'PollDecoupled', kind: 'reset' });
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await drive(conn);
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('GetProvider')).toBe(2);
    expect(h.sim.count('Authorize')).toBe(1);
  });
});
