import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConfigurationError, type Challenge, type ConnectionStatus } from '../../../src/index.js';
import { reconnectWebviewUrl } from '../../../src/providers/powens/index.js';
import { POWENS_TEST_CONNECTOR, drive, failure, fields, otp, startPowens, type PowensHarness } from './helpers.js';

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

const REDIRECT = 'https://app.example/powens/callback';

async function newUser(): Promise<{ id: number; token: string }> {
  const res = await fetch(`${h.sim.baseUrl}/auth/init`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: h.sim.client.clientId, client_secret: h.sim.client.clientSecret }),
  });
  const body = (await res.json()) as { auth_token: string; id_user: number };
  return { id: body.id_user, token: body.auth_token };
}

async function linked(scenario: string): Promise<{ connectionId: number; userId: number }> {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn, otp());
  if (!conn.ref) throw new Error('not linked');
  return conn.ref;
}

describe('a new connection through the test connector', () => {
  it('asks for the connector fields when none are given, then creates the user and the connection', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR });
    const seen = await drive(conn, (c) => {
      if (c.type !== 'credentials') return;
      expect(c.message).toBe('Sign in to Connecteur de test');
      expect(c.fields.map((f) => [f.name, f.kind, f.secret, f.required])).toEqual([
        ['login', 'text', false, true],
        ['password', 'password', true, true],
        ['openapiwebsite', 'list', false, false],
        ['directaccesswebsite', 'list', false, false],
      ]);
      // The connector's list is advisory (Powens judges the value): suggested, not a closed menu.
      expect(c.fields[2]?.choices).toBeUndefined();
      expect(c.fields[2]?.suggestions?.slice(0, 2)).toEqual([
        { value: 'par', label: 'Particuliers' },
        { value: 'pro', label: 'Professionnels' },
      ]);
      expect(c.fields[2]?.suggestions?.map((v) => v.value)).toContain('additionalInformationNeeded');
      expect(c.fields[2]?.pattern).toBe('[A-Za-z0-9_.:-]{1,128}');
      // Nothing but the public connector was asked so far: no user, no credentials sent.
      expect(h.sim.state.received.map((r) => r.endpoint)).toEqual(['GetConnector']);
      c.answer({ login: 'Identifiant', password: '1234', openapiwebsite: 'par' });
    });
    expect(seen).toEqual(['credentials']);
    expect(conn.status.status).toBe('active');
    expect(h.sim.state.received.map((r) => r.endpoint)).toEqual(['GetConnector', 'AuthInit', 'CreateConnection']);
    const [create] = h.sim.received('CreateConnection');
    expect(create?.body).toEqual({ connector_uuid: POWENS_TEST_CONNECTOR, login: 'Identifiant', password: '1234', openapiwebsite: 'par' });
    const connection = h.sim.connection(conn.ref?.connectionId as number);
    expect(conn.ref).toEqual({ connectionId: connection.id, userId: connection.userId });
    expect(create?.userId).toBe(connection.userId);
  });

  it('targets a source: only its fields are asked, `?source=` is sent', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, source: 'openapi' });
    await drive(conn, (c) => {
      if (c.type !== 'credentials') return;
      expect(c.fields.map((f) => f.name)).toEqual(['login', 'password', 'openapiwebsite']);
      c.answer({ login: 'Identifiant', password: '1234' });
    });
    expect(h.sim.received('CreateConnection')[0]?.query).toEqual({ source: 'openapi' });
    expect(conn.status.status).toBe('active');
  });

  it('with the fields given: no challenge; the documented 201 is accepted like the recorded 200', async () => {
    h.sim.state.options.createStatus = 201;
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') });
    expect(await drive(conn)).toEqual([]);
    expect(conn.status.status).toBe('active');
  });

  it('accepts a numeric connector id (deprecated): `id_connector` is sent', async () => {
    const conn = h.bank().connect('powens', { connector: '59', fields: fields('par') });
    await drive(conn);
    expect(h.sim.received('CreateConnection')[0]?.body).toMatchObject({ id_connector: 59 });
    expect(h.sim.received('GetConnector')[0]?.path).toBe('/2.0/connectors/59');
  });

  it('additionalInformationNeeded → otp (sms), posted under the field name; expiresAt is the expire window', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') });
    const challenges: Challenge[] = [];
    await drive(conn, (c) => {
      challenges.push(c);
      otp()(c);
    });
    expect(challenges).toHaveLength(1);
    const [challenge] = challenges;
    expect(challenge).toMatchObject({ type: 'otp', channel: 'sms', label: 'Dites abcd', message: 'openapisms: Dites abcd' });
    const window = Date.parse(challenge?.expiresAt as string) - Date.now();
    expect(window).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(window).toBeLessThanOrEqual(2 * 3600_000);
    expect(h.sim.received('UpdateConnection').map((r) => r.body)).toEqual([{ openapisms: 'abcd' }]);
    const connection = h.sim.connection(conn.ref?.connectionId as number);
    expect(connection.otpSends).toBe(1);
    expect(connection.state).toBeNull();
  });

  it('doubleotp → two OTP challenges in a row', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('doubleotp') });
    expect(await drive(conn, otp())).toEqual(['otp', 'otp']);
    expect(h.sim.count('UpdateConnection')).toBe(2);
    expect(h.sim.connection(conn.ref?.connectionId as number).otpSends).toBe(2);
  });

  it('shortDecoupled → decoupled, resumed in the background, then polled while validating', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled') });
    const statuses: ConnectionStatus['status'][] = [];
    conn.on('status', (s) => statuses.push(s.status));
    const seen: Challenge[] = [];
    await drive(conn, (c) => seen.push(c));
    expect(seen.map((c) => [c.type, c.message])).toEqual([['decoupled', 'You need to confirm the connection on your bank website']]);
    const resumes = h.sim.received('UpdateConnection');
    expect(resumes).toHaveLength(1);
    expect(resumes[0]?.body).toEqual({ resume: true });
    expect(resumes[0]?.query).toEqual({ background: 'true' });
    expect(h.sim.count('GetConnection')).toBe(2);
    expect(statuses).toEqual(['authenticating', 'challenge', 'active']);
    expect(h.sim.connection(conn.ref?.connectionId as number).pushes).toBe(1);
  });

  it('longDecoupled: polled as long as Powens validates', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('longDecoupled') });
    expect(await drive(conn)).toEqual(['decoupled']);
    expect(h.sim.count('GetConnection')).toBe(6);
    expect(h.sim.count('UpdateConnection')).toBe(1);
    expect(conn.status.status).toBe('active');
  });

  it.each([
    ['AppValidationCancelled', 'auth_rejected', 'App validation has been cancelled'],
    ['AppValidationExpired', 'auth_expired', 'App validation has expired'],
  ])('%s → %s; what the flow created is removed', async (scenario, reason, message) => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
    const error = await failure(conn);
    expect(error).toMatchObject({ reason, providerCode: 'SCARequired', userMessage: message });
    expect(conn.status).toMatchObject({ status: 'error', reason, message });
    expect(h.sim.count('DeleteUser')).toBe(1);
    expect(h.sim.state.connections.size).toBe(0);
  });

  it('an approval past the expire window ends with auth_expired (the purged connection is not a lapsed consent)', async () => {
    const local = await startPowens({ expireMs: 1_500, longDecoupledPolls: 10_000 });
    try {
      const conn = local.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('longDecoupled') });
      const started = Date.now();
      const error = await failure(conn);
      expect(error).toMatchObject({ reason: 'auth_expired', userAction: 'authenticate' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(local.sim.count('DeleteUser')).toBe(1);
    } finally {
      await local.server.close();
    }
  });
});

describe('SCA on a stored connection', () => {
  it.each([
    ['SCARequired', []],
    ['SCARequiredAndOTP', ['otp']],
    ['SCARequiredAndDecoupled', ['decoupled']],
  ])('%s: sca_required without the user; with the user an empty POST forces the sync, then %j', async (scenario, expected) => {
    const ref = await linked(scenario);
    h.sim.backgroundSync(ref.connectionId);
    h.sim.resetCounts();

    const background = h.bank().connection('powens', ref);
    await expect(background.accounts()).rejects.toMatchObject({ reason: 'sca_required', providerCode: 'SCARequired', userAction: 'authenticate' });
    // No token in the ref: one is renewed with the client credentials; nothing triggers the SCA.
    expect(h.sim.count('RenewToken')).toBe(1);
    expect(h.sim.count('UpdateConnection')).toBe(0);
    expect(h.sim.connection(ref.connectionId).forcedSyncs).toBe(0);

    const conn = h.bank().connection('powens', ref);
    expect(await drive(conn, otp())).toEqual(expected);
    expect(h.sim.received('UpdateConnection')[0]?.body).toEqual({});
    expect(h.sim.connection(ref.connectionId).forcedSyncs).toBe(1);
    expect(conn.status.status).toBe('active');
    expect(await conn.accounts()).toHaveLength(9);
  });

  it('a stored connection is never deleted when the loop is left', async () => {
    const ref = await linked('SCARequiredAndOTP');
    h.sim.backgroundSync(ref.connectionId);
    const conn = h.bank().connection('powens', ref);
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('otp');
      break;
    }
    expect(h.sim.count('DeleteConnection') + h.sim.count('DeleteUser')).toBe(0);
    expect(h.sim.state.connections.has(ref.connectionId)).toBe(true);
  });

  it('a validating connection is polled until it settles; in the background its data stays readable', async () => {
    const ref = await linked('par');
    h.sim.setConnectionState(ref.connectionId, 'validating');
    expect(await h.bank().connection('powens', ref).accounts()).toHaveLength(9);
    h.sim.setConnectionState(ref.connectionId, 'validating');
    h.sim.resetCounts();
    const conn = h.bank().connection('powens', ref);
    const statuses: string[] = [];
    conn.on('status', (s) => statuses.push(s.status));
    expect(await drive(conn)).toEqual([]);
    expect(statuses).not.toContain('challenge');
    expect(statuses.at(-1)).toBe('active');
    expect(h.sim.count('GetConnection')).toBe(2); // the open, then one poll: Powens settles after two GETs
  });
});

describe('webauthRequired', () => {
  async function browse(url: string): Promise<string> {
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return res.headers.get('location') as string;
  }

  it('→ redirect to the webauth URL; answering with the callback URL completes the connection', async () => {
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    expect(challenge.url.startsWith(`${h.sim.baseUrl}/webauth?`)).toBe(true);
    expect(challenge.state).toMatch(/^[0-9a-f]{32}$/);
    expect(h.sim.received('GetWebauthUrl')[0]?.query).toMatchObject({ client_id: h.sim.client.clientId, redirect_uri: REDIRECT, state: challenge.state });
    // The user's browser goes to the bank and comes back to the app's callback.
    const callback = await browse(challenge.url);
    expect(callback).toMatch(new RegExp(`^${REDIRECT}\\?id_connection=\\d+&state=${challenge.state}$`));
    challenge.answer({ callback });
    expect((await iterator.next()).done).toBe(true);
    expect(conn.status.status).toBe('active');
    expect(conn.ref?.connectionId).toBe(Number(new URL(callback).searchParams.get('id_connection')));
  });

  it('leaving the loop keeps the redirect; bank.resume(checkpoint, { callback }) completes it in another process', async () => {
    const keys = { k1: Buffer.alloc(32, 7).toString('base64') };
    const options = { powens: { redirectUri: REDIRECT }, checkpoints: { signingKey: 'a-signing-key-for-powens-tests', encryption: { keys, currentKeyId: 'k1' } } };
    const conn = h.bank(options).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    let url = '';
    for await (const c of conn.authenticate()) {
      if (c.type === 'redirect') url = c.url;
      break;
    }
    const checkpoint = await conn.checkpoint();
    expect(h.sim.count('DeleteUser') + h.sim.count('DeleteConnection')).toBe(0);
    for (const token of h.sim.state.tokens.keys()) expect(JSON.stringify(checkpoint)).not.toContain(token);
    const callback = await browse(url);
    const resumed = await h.bank(options).resume(JSON.parse(JSON.stringify(checkpoint)), { callback });
    expect(resumed.status.status).toBe('active');
    expect(h.sim.count('RenewToken')).toBe(0); // the user token travelled encrypted
  });

  it.each([
    ['access_denied', 'auth_rejected'],
    ['tos_declined', 'auth_rejected'],
    ['session_expired', 'auth_expired'],
    ['server_error', 'provider_unavailable'],
  ] as const)('the bank answers %s → %s', async (outcome, reason) => {
    h.sim.state.options.webauthOutcome = outcome;
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    challenge.answer({ callback: await browse(challenge.url) });
    await expect(iterator.next()).rejects.toMatchObject({ reason, providerCode: outcome });
  });

  it('a reused webauth token is refused by Powens (single use)', async () => {
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    await browse(challenge.url);
    expect(await browse(challenge.url)).toContain('error=session_expired');
    await iterator.return(undefined);
  });

  it('without a redirectUri: ConfigurationError, and no webauth URL is asked', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    const error = await failure(conn);
    expect(isConfigurationError(error)).toBe(true);
    expect(String(error.message)).toMatch(/redirectUri/);
    expect(h.sim.count('GetWebauthUrl')).toBe(0);
  });

  it('the Reconnect webview URL built from a temporary code resolves a connection; the code is single-use', async () => {
    const ref = await linked('SCARequired');
    h.sim.backgroundSync(ref.connectionId);
    const renew = await fetch(`${h.sim.baseUrl}/auth/renew`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: h.sim.client.clientId, client_secret: h.sim.client.clientSecret, id_user: ref.userId }),
    });
    const { access_token: token } = (await renew.json()) as { access_token: string };
    const codeRes = await fetch(`${h.sim.baseUrl}/auth/token/code?type=singleAccess`, { headers: { authorization: `Bearer ${token}` } });
    const { code } = (await codeRes.json()) as { code: string };
    const url = reconnectWebviewUrl({ baseUrl: h.sim.baseUrl, clientId: h.sim.client.clientId, code, connectionId: ref.connectionId, redirectUri: REDIRECT, state: 'st-1', lang: 'fr' });
    expect(url.startsWith(`${h.sim.baseUrl}/auth/webview/fr/reconnect?`)).toBe(true);
    expect(await browse(url)).toBe(`${REDIRECT}?state=st-1`);
    expect(h.sim.connection(ref.connectionId).state).toBeNull();
    expect(await browse(url)).toContain('error=session_expired');
    expect(await h.bank().connection('powens', ref).accounts()).toHaveLength(9);
  });
});

describe('users', () => {
  it('an existing user with its token: no /auth/init; with only its id, a token is renewed', async () => {
    const user = await newUser();
    h.sim.resetCounts();
    const withToken = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par'), user });
    await drive(withToken);
    expect(withToken.ref?.userId).toBe(user.id);
    expect([h.sim.count('AuthInit'), h.sim.count('RenewToken')]).toEqual([0, 0]);

    const withId = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...fields('par'), login: 'other' }, user: { id: user.id } });
    await drive(withId);
    expect([h.sim.count('AuthInit'), h.sim.count('RenewToken')]).toEqual([0, 1]);
    expect(h.sim.received('CreateConnection').map((r) => r.userId)).toEqual([user.id, user.id]);
  });

  it('credentials re-posted while a connection is pending continue that connection: no duplicate', async () => {
    const user = await newUser();
    const first = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled'), user });
    const iterator = first.authenticate();
    expect((await iterator.next()).value).toMatchObject({ type: 'decoupled' });
    await first.checkpoint(); // kept: leaving now suspends
    await iterator.return(undefined);
    const [pending] = [...h.sim.state.connections.values()];

    const second = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled'), user });
    expect(await drive(second)).toEqual(['decoupled']);
    expect(second.ref).toEqual({ connectionId: pending?.id, userId: user.id });
    expect(h.sim.state.connections.size).toBe(1);
    expect(h.sim.count('CreateConnection')).toBe(2);
    expect(pending?.pushes).toBe(1);
  });
});
