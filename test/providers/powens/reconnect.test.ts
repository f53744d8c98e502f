import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isChallengeStateError, isValidationError } from '../../../src/index.js';
import { drive, fields, otp, startPowens, POWENS_TEST_CONNECTOR, type PowensHarness } from './helpers.js';

/**
 * The seed's first recovery option, one call each way: `reconnectUrl` (temporary code +
 * webview URL + state), `completeReconnect` (state and error checks, then the
 * connection's new status), usable across processes with only secret-free values stored.
 */
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

const REDIRECT = 'https://app.example/powens/reconnected';

async function needsUser(scenario = 'SCARequired'): Promise<{ connectionId: number; userId: number }> {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn, otp());
  const ref = conn.ref as { connectionId: number; userId: number };
  h.sim.backgroundSync(ref.connectionId); // the daily sync without the user: SCARequired
  return ref;
}

/** What the user's browser does with the webview: follows it back to the app. */
async function browse(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location') as string;
}

describe('conn.actions.reconnectUrl → the user → conn.actions.completeReconnect', () => {
  it('one call each way, in two processes that share only the ref and the state (no secret)', async () => {
    const ref = await needsUser();
    h.sim.resetCounts();
    // Process A: the app asks for the URL and stores what the way back needs.
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT, lang: 'fr' });
    expect(link.connectionId).toBe(ref.connectionId);
    expect(link.state).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(link.expiresAt as string) - Date.now()).toBeGreaterThan(29 * 60_000);
    const url = new URL(link.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sim.baseUrl}/auth/webview/fr/reconnect`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: h.sim.client.clientId,
      redirect_uri: REDIRECT,
      code: expect.stringMatching(/^sim-code-/),
      connection_id: String(ref.connectionId),
      state: link.state,
    });
    expect(h.sim.received('GetTemporaryCode')[0]?.query).toEqual({ type: 'singleAccess' });
    const stored = JSON.stringify({ ref, state: link.state });
    for (const token of h.sim.state.issuedTokens) expect(stored).not.toContain(token);
    expect(stored).not.toContain(url.searchParams.get('code'));

    // The user goes through the webview and comes back.
    const callback = await browse(link.url);
    expect(callback).toBe(`${REDIRECT}?state=${link.state}`);

    // Process B: another Polybank, from what was stored.
    const { ref: storedRef, state } = JSON.parse(stored) as { ref: typeof ref; state: string };
    const conn = h.bank().connection('powens', storedRef);
    expect(await conn.actions.completeReconnect({ callback, state })).toMatchObject({ status: 'active' });
    expect(await conn.accounts()).toHaveLength(9);
    // Nothing forced the SCA from the SDK: the webview did it.
    expect(h.sim.connection(ref.connectionId).forcedSyncs).toBe(0);
  });

  it('a callback without the state it issued is refused before anything is read', async () => {
    const ref = await needsUser();
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT, state: 'my-own-state-1' });
    expect(link.state).toBe('my-own-state-1');
    const callback = await browse(link.url);
    h.sim.resetCounts();
    const conn = h.bank().connection('powens', ref);
    for (const [given, message] of [
      [{ callback, state: 'another-state' }, /state does not match/],
      [{ callback: `${REDIRECT}?foo=bar`, state: link.state }, /missing state/],
      [{ callback: '', state: link.state }, /not a callback URL/],
    ] as const) {
      const error = await conn.actions.completeReconnect(given).catch((e: unknown) => e);
      expect(isValidationError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(message);
    }
    expect(h.sim.counts).toEqual({});
  });

  it.each([
    ['access_denied', 'auth_rejected', 'authenticate'],
    ['session_expired', 'auth_expired', 'authenticate'],
    ['server_error', 'provider_unavailable', 'none'],
  ] as const)('the webview ends with %s → status %s, nothing else read', async (outcome, reason, userAction) => {
    const ref = await needsUser();
    h.sim.state.options.webauthOutcome = outcome;
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT });
    const callback = await browse(link.url);
    expect(new URL(callback).searchParams.get('error')).toBe(outcome);
    h.sim.resetCounts();
    const status = await h.bank().connection('powens', ref).actions.completeReconnect({ callback, state: link.state });
    expect(status).toMatchObject({ status: 'error', reason, userAction, providerState: outcome, message: `The user ended with ${outcome}` });
    expect(h.sim.count('GetConnection')).toBe(0);
  });

  it('the code is single-use: a second visit comes back with session_expired', async () => {
    const ref = await needsUser();
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT });
    await browse(link.url);
    const again = await browse(link.url);
    expect(await h.bank().connection('powens', ref).actions.completeReconnect({ callback: again, state: link.state })).toMatchObject({ status: 'error', reason: 'auth_expired' });
  });

  it('when the connection still needs the user after the webview, the status says so (sca_required)', async () => {
    const ref = await needsUser();
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT });
    // The user closed the webview; the app got a callback with its state anyway (e.g. a retry link).
    const status = await h.bank().connection('powens', ref).actions.completeReconnect({ callback: `${REDIRECT}?state=${link.state}`, state: link.state });
    expect(status).toMatchObject({ status: 'error', reason: 'sca_required', providerState: 'SCARequired', userAction: 'authenticate' });
  });

  it('a callback for another connection is refused', async () => {
    const ref = await needsUser();
    const link = await h.bank().connection('powens', ref).actions.reconnectUrl({ redirectUri: REDIRECT });
    const error = await h
      .bank()
      .connection('powens', ref)
      .actions.completeReconnect({ callback: `${REDIRECT}?state=${link.state}&connection_id=${ref.connectionId + 1}`, state: link.state })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'ValidationError' });
    expect(String((error as Error).message)).toMatch(/is for connection \d+, not/);
  });

  it('bad arguments are a ValidationError before any request; a connection not linked yet is refused', async () => {
    const ref = await needsUser();
    h.sim.resetCounts();
    const actions = h.bank().connection('powens', ref).actions;
    for (const bad of [{ redirectUri: 'https://app.example/cb?x=1' }, { redirectUri: 'not a url' }, { redirectUri: REDIRECT, state: 'has spaces' }, { redirectUri: REDIRECT, lang: 'xx' }]) {
      const error = await actions.reconnectUrl(bad as never).catch((e: unknown) => e);
      expect(isValidationError(error)).toBe(true);
    }
    expect(h.sim.counts).toEqual({});
    const fresh = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR });
    const error = await fresh.actions.reconnectUrl({ redirectUri: REDIRECT }).catch((e: unknown) => e);
    expect(isChallengeStateError(error)).toBe(true);
  });

  it('with the token the app keeps (ref.userToken) no token is renewed', async () => {
    const ref = await needsUser();
    const renew = await fetch(`${h.sim.baseUrl}/auth/renew`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: h.sim.client.clientId, client_secret: h.sim.client.clientSecret, id_user: ref.userId }),
    });
    const { access_token: userToken } = (await renew.json()) as { access_token: string };
    h.sim.resetCounts();
    await h.bank().connection('powens', { ...ref, userToken }).actions.reconnectUrl({ redirectUri: REDIRECT });
    expect(h.sim.counts).toEqual({ GetTemporaryCode: 1 });
  });
});
