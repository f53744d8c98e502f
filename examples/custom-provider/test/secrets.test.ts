/**
 * Nothing secret leaves the SDK: the user secret (secret_id, secret_key), the access and
 * refresh tokens GoCardless issues, an SSN. Searched in every event, log line, error (message,
 * JSON, inspect, stack), checkpoint, reference, and in the provider itself.
 */
import { inspect } from 'node:util';
import { isConnectionError } from 'polybank';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gocardless } from '../src/index.js';
import { completeAtBank } from '../src/simulator/index.js';
import { exposed, firstChallenge, harness, leaked, link, secretsOf, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await harness({ dailyAccountLimit: 2 });
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.reset();
  h.leaks.length = 0;
});

describe('secrets', () => {
  it('stay out of events, logs, errors, checkpoints and refs across a whole run', async () => {
    const bank = h.newBank({ checkpoints: { signingKey: 'a-signing-key-of-32-bytes-length!' } });
    const seen: string[] = [];
    // A link, a checkpoint at the redirect, the callback, data, a rate limit, a refused link.
    const { conn, challenge, iterator } = await firstChallenge(h, {}, bank);
    seen.push(JSON.stringify(await conn.checkpoint()));
    if (challenge.type !== 'redirect') throw new Error(challenge.type);
    challenge.answer({ callback: await completeAtBank(challenge.url) });
    await iterator.next();
    seen.push(JSON.stringify(await conn.checkpoint()), JSON.stringify(conn.ref), JSON.stringify(conn.status));
    const accounts = await conn.accounts();
    seen.push(JSON.stringify(accounts), inspect(accounts, { depth: 10 }));
    for await (const t of conn.transactions(accounts[0]?.id ?? '')) seen.push(JSON.stringify(t));
    seen.push(JSON.stringify(await conn.holders())); // the second of the day's two details calls
    const limited = await conn.accounts().catch((e: unknown) => e);
    expect(isConnectionError(limited) && limited.reason).toBe('rate_limited');
    seen.push(exposed(limited));
    const rejected = await link(h, 'RJ', {}, bank).catch((e: unknown) => e);
    expect(isConnectionError(rejected) && rejected.reason).toBe('auth_rejected');
    seen.push(exposed(rejected));
    // The access token expires at GoCardless: refreshed, then a new pair once the refresh token is gone.
    h.sim.state.revokeAccessTokens();
    await link(h, 'approve', {}, bank);
    h.sim.state.advance(31 * 86_400_000);
    await link(h, 'approve', {}, bank);
    expect(h.sim.count('TokenRefresh')).toBeGreaterThanOrEqual(1);
    expect(h.sim.count('TokenNew')).toBe(2);
    const secrets = secretsOf(h);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expect(leaked([...seen, ...h.leaks], secrets)).toEqual([]);
    // The search itself works: the tokens are in the simulator's own log.
    expect(leaked([JSON.stringify(h.sim.requests)], secrets).length).toBeGreaterThan(0);
  });

  it('are redacted when a provider error echoes the access token or the secret key', async () => {
    const { conn } = await link(h);
    const token = h.sim.state.issued.at(-2) ?? '';
    expect(token).not.toBe('');
    h.sim.inject({
      endpoint: 'AccountDetails',
      kind: 'status',
      status: 500,
      times: Infinity,
      body: JSON.stringify({ summary: `Couldn't update account details`, detail: `Bearer ${token} refused; secret_key=${h.sim.state.secretKey}`, type: 'UnknownRequestError', status_code: 500 }),
    });
    const error = await conn.accounts().catch((e: unknown) => e);
    expect(isConnectionError(error) && error.reason).toBe('provider_unavailable');
    expect(exposed(error)).toContain('[REDACTED]');
    expect(leaked([exposed(error), ...h.leaks], secretsOf(h))).toEqual([]);
  });

  it('an SSN given to connect is sent to GoCardless once and shown nowhere', async () => {
    const ssn = '19900101-1234';
    const bank = h.newBank({ checkpoints: { signingKey: 'a-signing-key-of-32-bytes-length!' } });
    const { conn, challenge, iterator } = await firstChallenge(h, { institutionId: 'SEB_ESSESESS_PRIVATE', ssn }, bank);
    const checkpoint = JSON.stringify(await conn.checkpoint());
    if (challenge.type !== 'redirect') throw new Error(challenge.type);
    challenge.answer({ callback: await completeAtBank(challenge.url, 'ssn') });
    const error = await iterator.next().catch((e: unknown) => e);
    expect(isConnectionError(error) && error.providerCode).toBe('SSNVerificationFailed');
    expect(h.sim.state.latestRequisition?.ssn).toBe(ssn);
    expect(h.sim.duplicates(['CreateRequisition'])).toEqual([]);
    expect(leaked([checkpoint, exposed(error), ...h.leaks], [ssn])).toEqual([]);
  });

  it('the provider hides its secrets from inspect and JSON, and a wrong option never echoes one', () => {
    const provider = gocardless({ secretId: 'my-secret-id-123', secretKey: 'my-secret-key-456' });
    const shown = [inspect(provider, { depth: 10, showHidden: false }), JSON.stringify(provider), String(Object.keys(provider))];
    expect(leaked(shown, ['my-secret-id-123', 'my-secret-key-456'])).toEqual([]);
    expect(provider.secrets).toEqual(['my-secret-id-123', 'my-secret-key-456']);
    let message = '';
    try {
      gocardless({ secretId: 'my-secret-id-123', secretKey: 'my-secret-key-456', baseUrl: 'ftp://my-secret-key-456.example' });
    } catch (error) {
      message = exposed(error);
    }
    expect(message).toContain('ConfigurationError');
    expect(message).toContain('baseUrl');
    expect(leaked([message], ['my-secret-key-456'])).toEqual([]);
  });
});
