import { describe, expect, it } from 'vitest';
import { Polybank, isProviderResponseError, isValidationError, type Challenge } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, powens } from '../../../src/providers/powens/index.js';
import { failureOf } from '../../../src/core/failures.js';
import { HttpResponse } from '../../../src/core/http.js';
import { failures } from '../../../src/providers/powens/mapping.js';
import { AccountsList, AuthInit, BankAccount, Connection, Connector, ServiceError, TransactionsList } from '../../../src/providers/powens/schemas/wire.js';
import { drive, failure } from './helpers.js';
import { Replay, composed, example, exampleBody, recording, type Exchange } from './replay.js';

/**
 * The recorded exchanges with the real Budget Insight sandbox (test connector) served
 * as the server's responses: the adapter must speak their wire format and map each
 * to the normalized result. Where a flow needs a response the recording lacks (a GET
 * the old client never made), a recorded body is served at that path ("composed").
 */
const BASE = 'https://oney-dev-sandbox.biapi.pro/2.0';
const CREDENTIALS = { login: 'Identifiant', password: '1234' };

function bank(replay: Replay): Polybank<ReturnType<typeof powens>> {
  return new Polybank({
    providers: [powens({ baseUrl: BASE, clientId: '12345678', clientSecret: 'recorded-secret', polling: { intervalMs: 10, maxIntervalMs: 20 } })],
    fetch: replay.fetch,
    retry: { limit: 2, backoffLimitMs: 10 },
  });
}

/** The reason the provider's failure table gives a recorded error answer. */
function reasonOf(status: number, body: unknown, answering = false): unknown {
  const res = new HttpResponse('powens', 'Recorded', status, new Headers({ 'content-type': 'application/json' }), JSON.stringify(body));
  const error = failureOf({ provider: 'powens', retryAfter: () => undefined }, failures, res, answering ? { answering: true } : undefined) as { reason?: string };
  return error.reason;
}

const userDeleted = (): Exchange => example('user-delete-200');
const connectionDeleted = (): Exchange => example('connection-delete-200-empty');

function recordedBody(exchanges: Exchange[], method: string, path: string): unknown {
  return exchanges.find((e) => e.method === method && e.path.startsWith(path))?.body;
}

describe('recorded sandbox exchanges, replayed through the adapter', () => {
  it('signin (par): 200 with state null → active, the create body exactly as recorded', async () => {
    const exchanges = recording('signin');
    const replay = new Replay(exchanges);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'par' } });
    expect(await drive(conn)).toEqual([]);
    expect(conn.status).toEqual({ status: 'active' }); // last_update and expire are null right after creation
    expect(conn.ref).toEqual({ connectionId: 9, userId: 9 });
    expect(replay.unmatched).toEqual([]);
    expect(replay.to('POST', '/2.0/users/me/connections')[0]?.body).toEqual(recordedBody(exchanges, 'POST', '/2.0/users/me/connections'));
    expect(Object.keys(replay.to('POST', '/2.0/auth/init')[0]?.body as object).sort()).toEqual(['client_id', 'client_secret']);
    expect(replay.to('GET', `/2.0/connectors/${POWENS_TEST_CONNECTOR}`)[0]?.query.get('expand')).toBe('fields');
  });

  it.each([
    ['wrongpass', 'invalid_credentials', 'Incorrect password', 'update_credentials'],
    ['passwordExpired', 'password_expired', 'The password has expired', 'visit_bank'],
    ['actionNeeded', 'action_needed', 'Please confirm the new terms and conditions', 'visit_bank'],
  ])('%s on create: 400 → %s with the provider message; the user created for it is deleted', async (scenario, reason, message, userAction) => {
    const replay = new Replay([...recording(scenario), userDeleted()]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: scenario } });
    const error = await failure(conn);
    expect(error).toMatchObject({ kind: 'ConnectionError', reason, providerCode: scenario, userMessage: message, status: 400, userAction, endpoint: 'CreateConnection' });
    expect(conn.status).toMatchObject({ status: 'error', reason, providerState: scenario, message });
    expect(replay.to('DELETE', '/2.0/users/me')).toHaveLength(1);
    expect(replay.unmatched).toEqual([]);
  });

  it('config (invalid list value): the list is advisory, so the value is sent; the recorded 400 config → invalid_credentials with the provider text', async () => {
    const body = ServiceError.parse(recording('requestFailed')[2]?.response);
    expect(body.code).toBe('config');
    expect(reasonOf(400, body)).toBe('invalid_credentials');
    const replay = new Replay([...recording('requestFailed'), userDeleted()]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'azpodkzaodk' } });
    const error = await failure(conn);
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'invalid_credentials', providerCode: 'config', status: 400, endpoint: 'CreateConnection' });
    // Powens' own list (woob's) names `ping`, which the connector does not advertise: Powens decides.
    expect(String(error.message)).toMatch(/is not in list: .*\bping\b/);
    expect(replay.to('POST', '/2.0/users/me/connections')[0]?.body).toMatchObject({ openapiwebsite: 'azpodkzaodk' });
  });

  it('otpResolve: 202 additionalInformationNeeded → otp challenge, answered with the field name → 200 active', async () => {
    const exchanges = recording('otpResolve');
    const replay = new Replay(exchanges);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'additionalInformationNeeded' } });
    const seen: Challenge[] = [];
    await drive(conn, (c) => {
      seen.push(c);
      if (c.type === 'otp') c.answer({ code: 'abcd' });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'otp', channel: 'sms', label: 'Dites abcd', message: 'openapisms: Dites abcd' });
    // The recorded `expire` (2020) is long past: no expiry is invented.
    expect(seen[0]?.expiresAt).toBeUndefined();
    expect(replay.to('POST', '/2.0/users/me/connections/15')[0]?.body).toEqual({ openapisms: 'abcd' });
    expect(conn.status.status).toBe('active');
    expect(conn.ref).toEqual({ connectionId: 15, userId: 15 });
    expect(replay.unmatched).toEqual([]);
  });

  it('otpWrongpassword: 400 wrongpass to an OTP → auth_rejected (a failed SCA, not bad credentials)', async () => {
    const replay = new Replay([...recording('otpWrongpassword'), userDeleted()]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'additionalInformationNeeded' } });
    const error = await failure(conn, (c) => {
      if (c.type === 'otp') c.answer({ code: 'abc' });
    });
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'wrongpass', userAction: 'authenticate' });
    // The provider's message: the wrong code the user typed ("abc") is too short to be hunted
    // inside other words, so the expected "abcd" stays readable.
    expect(error.userMessage).toBe('Il fallait dire «\u00a0abcd\u00a0»');
    expect(replay.to('POST', '/2.0/users/me/connections/16')).toHaveLength(1);
    // Break/failure: what this flow created is removed (the user, with its pending connection).
    expect(replay.to('DELETE', '/2.0/users/me')).toHaveLength(1);
  });

  it('otpRequestFailed: 500 internalServerError on the answer → provider_bug, sent once', async () => {
    const replay = new Replay([...recording('otpRequestFailed'), userDeleted()]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'additionalInformationNeeded' } });
    const error = await failure(conn, (c) => {
      if (c.type === 'otp') c.answer({ code: 'aaaa' });
    });
    expect(error).toMatchObject({ reason: 'provider_bug', providerCode: 'internalServerError', status: 500, retryable: true });
    expect(replay.to('POST', '/2.0/users/me/connections/1342')).toHaveLength(1);
  });

  it('thirdPartyAuth: 202 decoupled → decoupled challenge, resume → 200 state null → active', async () => {
    const replay = new Replay(recording('thirdPartyAuth'));
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'shortDecoupled' } });
    const seen: Challenge[] = [];
    await drive(conn, (c) => seen.push(c));
    expect(seen.map((c) => [c.type, c.message])).toEqual([['decoupled', 'You need to confirm the connection on your bank website']]);
    const resume = replay.to('POST', '/2.0/users/me/connections/1305');
    expect(resume).toHaveLength(1);
    expect(resume[0]?.body).toEqual({ resume: true });
    expect(resume[0]?.query.get('background')).toBe('true');
    expect(conn.status.status).toBe('active');
    expect(replay.unmatched).toEqual([]);
  });

  it.each([
    ['thirdPartyAuthCancelled', 'auth_rejected', 400, 'SCARequired'],
    ['thirdPartyAuthExpired', 'auth_expired', 400, 'SCARequired'],
    ['thirdPartyAuthFailed', 'provider_bug', 500, 'internalServerError'],
  ])('%s: the resume answer maps to %s', async (name, reason, status, code) => {
    const replay = new Replay([...recording(name), userDeleted()]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'shortDecoupled' } });
    const error = await failure(conn);
    expect(error).toMatchObject({ reason, status, providerCode: code });
    expect(conn.status).toMatchObject({ status: 'error', reason });
    expect(replay.to('DELETE', '/2.0/users/me')).toHaveLength(1);
  });

  it('signinWithDecoupledState: re-posting pending credentials (400 badRequest "give the resume parameter") continues that connection', async () => {
    const exchanges = recording('signinWithDecoupledState');
    const pending = exchanges[2]?.response as Record<string, unknown>;
    const replay = new Replay([...exchanges, composed('GET', '/2.0/users/me/connections/1398', 200, pending, 'the recorded 202 decoupled body of connection 1398'), connectionDeleted()]);
    const b = bank(replay);
    const first = b.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'shortDecoupled' } });
    const iterator = first.authenticate();
    expect((await iterator.next()).value).toMatchObject({ type: 'decoupled' });
    await first.checkpoint(); // kept for later: leaving does not cancel it
    await iterator.return(undefined);

    const second = b.connect('powens', {
      connector: POWENS_TEST_CONNECTOR,
      fields: { ...CREDENTIALS, openapiwebsite: 'shortDecoupled' },
      user: { id: 2059, token: 'user-token-of-2059' },
    });
    const again = second.authenticate();
    expect((await again.next()).value).toMatchObject({ type: 'decoupled', message: 'You need to confirm the connection on your bank website' });
    expect(replay.to('POST', '/2.0/users/me/connections')).toHaveLength(2);
    expect(replay.to('GET', '/2.0/users/me/connections/1398')).toHaveLength(1);
    await again.return(undefined); // break: the pending connection this flow took over is deleted
    expect(replay.to('DELETE', '/2.0/users/me/connections/1398')).toHaveLength(1);
    expect(replay.unmatched).toEqual([]);
  });

  it('Trigger_SCA: a stored SCARequired connection is forced with an empty POST → 202 additionalInformationNeeded → otp', async () => {
    const exchanges = recording('forceSync');
    const created = exchanges.find((e) => e.method === 'POST' && e.path === '/2.0/users/me/connections')?.response as Record<string, unknown>;
    const stored = { ...created, state: 'SCARequired', error: 'SCARequired' };
    const replay = new Replay([composed('GET', '/2.0/users/me/connections/2400', 200, stored, 'the recorded connection 2400 after a background sync (state SCARequired)'), ...exchanges]);
    const b = bank(replay);

    // Without the user: nothing is forced.
    const background = b.connection('powens', { connectionId: 2400, userId: 2795, userToken: 'user-token-2795' });
    await expect(background.accounts()).rejects.toMatchObject({ reason: 'sca_required', providerCode: 'SCARequired' });
    expect(replay.to('POST', '/2.0/users/me/connections/2400')).toHaveLength(0);

    const replay2 = new Replay([composed('GET', '/2.0/users/me/connections/2400', 200, stored, 'as above'), ...recording('forceSync')]);
    const conn = bank(replay2).connection('powens', { connectionId: 2400, userId: 2795, userToken: 'user-token-2795' });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    expect(challenge).toMatchObject({ type: 'otp', channel: 'sms', message: 'openapisms: Dites abcd' });
    const force = replay2.to('POST', '/2.0/users/me/connections/2400');
    expect(force).toHaveLength(1);
    expect(force[0]?.body).toEqual({});
    await iterator.return(undefined);
    // A stored connection is never deleted when the loop is left.
    expect(replay2.to('DELETE', '/2.0/users/me/connections/2400')).toHaveLength(0);
  });

  it('an HTML 404 on the forced sync (unknown connection) → consent_expired, typed', async () => {
    const stored = { ...exampleBody('connection-create-200-ok'), id: 22, state: 'SCARequired', error: 'SCARequired' };
    const replay = new Replay([composed('GET', '/2.0/users/me/connections/22', 200, stored, 'connection 22 in SCARequired'), ...recording('forceSyncNotFound')]);
    const conn = bank(replay).connection('powens', { connectionId: 22, userId: 9, userToken: 'user-token-9' });
    const error = await failure(conn);
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'consent_expired', status: 404, providerCode: 'notFound', endpoint: 'UpdateConnection' });
  });

  it('an HTML 404 for an unknown connector → ValidationError naming the connector', async () => {
    const [notFound] = recording('connectorNotFound');
    const uuid = '00000000-0000-4000-8000-000000000000';
    const replay = new Replay([composed('GET', `/2.0/connectors/${uuid}`, 404, notFound?.response, 'the recorded HTML 404 of GET /connectors/FAKE_UID')]);
    const error = await failure(bank(replay).connect('powens', { connector: uuid }));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, endpoint: 'GetConnector' });
    expect(String(error.message)).toMatch(/^powens connector: connector: connector 0000.* was not found/);
  });

  it('401 {"code":"unauthorized"} → a typed error (reason unknown), not a crash', async () => {
    const [unauthorized] = recording('unauthorized');
    const replay = new Replay([
      composed('GET', '/2.0/users/me/connections/9', 200, exampleBody('connection-create-200-ok'), 'connection 9, synced'),
      composed('GET', '/2.0/users/me/connections/9/accounts', unauthorized?.status ?? 401, unauthorized?.response, 'the recorded 401 of GET /users/me/accounts'),
    ]);
    const conn = bank(replay).connection('powens', { connectionId: 9, userId: 9, userToken: 'revoked-token' });
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: 'unauthorized', status: 401, userAction: 'contact_support' });
  });

  it('accounts and transactions of the recorded connection: exact money, types, legacy paging', async () => {
    const exchanges = recording('accountsAndTransactions');
    const enabled = exchanges.find((e) => e.method === 'PUT' && e.path.startsWith('/2.0/users/me/connections/3256/accounts/24293'))?.response;
    const replay = new Replay([...exchanges, composed('GET', '/2.0/users/me/accounts/24293', 200, enabled, 'the recorded PUT …/accounts/24293?all answer (the account object)')]);
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'par' } });
    await drive(conn);
    expect(conn.ref).toEqual({ connectionId: 3256, userId: 3534 });
    const accounts = await conn.accounts();
    expect(replay.to('GET', '/2.0/users/me/connections/3256/accounts')[0]?.query.has('all')).toBe(true);
    expect(accounts).toHaveLength(9);
    const byName = Object.fromEntries(accounts.map((a) => [a.name, a]));
    expect(byName['Compte chèque']).toMatchObject({
      id: '24293',
      provider: 'powens',
      connectionId: '3256',
      type: 'checking',
      iban: 'EX6713335395899300290000026',
      number: '3002900000',
      currency: 'EUR',
    });
    expect(accounts.map((a) => a.type)).toEqual(['checking', 'checking', 'card', 'savings', 'investment', 'investment', 'investment', 'loan', 'investment']);
    const loan = accounts.find((a) => a.type === 'loan');
    expect(loan?.iban).toBeUndefined(); // iban null in the recording
    expect(accounts.find((a) => a.type === 'card')?.number).toBe('XXXXXXXXXX982605');
    for (const account of accounts) {
      const raw = account.raw as { balance: number; coming_balance: number; disabled: string | null };
      expect(account.balances.current?.amount).toBe(raw.balance.toFixed(2));
      expect(account.balances.available?.amount).toBe(raw.coming_balance.toFixed(2));
    }

    const transactions = [];
    for await (const tx of conn.transactions('24293')) transactions.push(tx);
    const page = replay.to('GET', '/2.0/users/me/accounts/24293/transactions');
    expect(page).toHaveLength(1); // total 63, all in the first answer: no second page
    expect(page[0]?.query.get('limit')).toBe('1000');
    expect(transactions).toHaveLength(63 - 7); // 7 recorded transactions have neither value nor original value
    expect(transactions[0]).toMatchObject({ id: '119654', accountId: '24293', amount: { amount: '-196.38', currency: 'EUR' }, status: 'booked', bookingDate: '2021-04-14', description: 'CHEQUE N°0908447' });
    // value null, original_value -12.12 USD: the original amount, in its currency.
    expect(transactions.find((t) => t.id === '119660')?.amount).toEqual({ amount: '-12.12', currency: 'USD' });
    expect(replay.unmatched).toEqual([]);
  });

  it('deleteConnection: DELETE answers 200 {} (recorded) → the connection is removed', async () => {
    const replay = new Replay(recording('deleteConnection'));
    const conn = bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'par' } });
    await drive(conn);
    await conn.delete();
    expect(replay.to('DELETE', '/2.0/users/me/connections/1184')).toHaveLength(1);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });

  it('updateConnection: a stored wrongpass connection asks for the credentials again; the recorded 200 / 400 answers', async () => {
    const base = { ...exampleBody('connection-create-200-ok'), id: 2314, id_user: 2732 };
    const fields = [
      { name: 'login', label: 'Identifiant', regex: null, type: 'text', required: true },
      { name: 'password', label: 'Code (1234)', regex: null, type: 'password', required: true },
    ];
    const stored = { ...base, state: 'wrongpass', error: 'wrongpass', error_message: 'Incorrect password', fields };
    const replay = new Replay([composed('GET', '/2.0/users/me/connections/2314', 200, stored, 'connection 2314 in wrongpass with its fields'), ...recording('updateConnection')]);
    const conn = bank(replay).connection('powens', { connectionId: 2314, userId: 2732, userToken: 'user-token-2732' });
    const seen = await drive(conn, (c) => {
      if (c.type === 'credentials') {
        expect(c.fields.map((f) => [f.name, f.secret])).toEqual([
          ['login', false],
          ['password', true],
        ]);
        c.answer({ login: 'Identifiant', password: '1234' });
      }
    });
    expect(seen).toEqual(['credentials']);
    expect(replay.to('POST', '/2.0/users/me/connections/2314')[0]?.body).toEqual({ login: 'Identifiant', password: '1234' });
    expect(conn.status.status).toBe('active');

    const stored2 = { ...stored, id: 2315, id_user: 2733 };
    const replay2 = new Replay([composed('GET', '/2.0/users/me/connections/2315', 200, stored2, 'connection 2315 in wrongpass'), ...recording('update-connection-wrong-password')]);
    const conn2 = bank(replay2).connection('powens', { connectionId: 2315, userId: 2733, userToken: 'user-token-2733' });
    const error = await failure(conn2, (c) => {
      if (c.type === 'credentials') c.answer({ login: 'Identifiant', password: '4321' });
    });
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'wrongpass', userMessage: 'Incorrect password' });
  });
});

describe('every documented example parses with the wire schemas', () => {
  it.each([
    ['auth-init-permanent', AuthInit],
    ['connection-create-200-ok', Connection],
    ['connection-create-202-additionalInformationNeeded', Connection],
    ['connection-create-202-decoupled', Connection],
    ['connection-force-sync-202-otp-after-SCARequired', Connection],
    ['connection-resume-200-decoupled-validated', Connection],
    ['connection-update-200-otp-resolved', Connection],
    ['connection-create-400-actionNeeded', ServiceError],
    ['connection-create-400-badRequest-duplicate-while-pending', ServiceError],
    ['connection-create-400-config-invalid-list-value', ServiceError],
    ['connection-create-400-passwordExpired', ServiceError],
    ['connection-create-400-wrongpass', ServiceError],
    ['connection-resume-400-SCARequired-appvalidation-cancelled', ServiceError],
    ['connection-resume-400-SCARequired-appvalidation-expired', ServiceError],
    ['connection-update-400-wrongpass-bad-otp', ServiceError],
    ['error-401-unauthorized', ServiceError],
    ['connector-test-connector-expand-fields', Connector],
    ['connection-accounts-all-disabled', AccountsList],
    ['account-enable-put-disabled-false', BankAccount],
    ['account-transactions-list-2021', TransactionsList],
  ] as const)('%s', (name, schema) => {
    const result = (schema as { safeParse(v: unknown): { success: boolean } }).safeParse(exampleBody(name));
    expect(result.success).toBe(true);
  });

  it('the service error codes of the recorded 4xx map as documented', () => {
    const cases: Array<[string, string]> = [
      ['connection-create-400-actionNeeded', 'action_needed'],
      ['connection-create-400-badRequest-duplicate-while-pending', 'unknown'],
      ['connection-create-400-config-invalid-list-value', 'invalid_credentials'],
      ['connection-create-400-passwordExpired', 'password_expired'],
      ['connection-create-400-wrongpass', 'invalid_credentials'],
      ['connection-resume-400-SCARequired-appvalidation-cancelled', 'auth_rejected'],
      ['connection-resume-400-SCARequired-appvalidation-expired', 'auth_expired'],
      ['error-401-unauthorized', 'unknown'],
    ];
    for (const [name, reason] of cases) {
      const e = example(name);
      expect([name, reasonOf(e.status, e.response)]).toEqual([name, reason]);
    }
    const otp = example('connection-update-400-wrongpass-bad-otp');
    expect(reasonOf(otp.status, otp.response, true)).toBe('auth_rejected');
    expect(reasonOf(otp.status, otp.response, false)).toBe('invalid_credentials');
  });

  it('a malformed recorded body is a ProviderResponseError naming the field', async () => {
    const broken = { ...exampleBody('connection-create-200-ok'), id: 'nine' };
    const replay = new Replay([...recording('signin').filter((e) => e.path !== '/2.0/users/me/connections'), composed('POST', '/2.0/users/me/connections', 200, broken, 'signin with a string id'), userDeleted()]);
    const error = await failure(bank(replay).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...CREDENTIALS, openapiwebsite: 'par' } }));
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ endpoint: 'CreateConnection', field: 'id' });
  });
});
