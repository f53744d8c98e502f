import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorReason, isConnectionError, isProviderResponseError, type PolybankError } from '../../../src/index.js';
import { POWERAUTH_ERROR_CODES, POWERAUTH_STATES } from '../../../src/providers/powerauth/index.js';
import { PASSWORD, answerRight, startPowerAuth, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startPowerAuth();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function failure(input: Parameters<ReturnType<Harness['bank']>['connect']>[1] = { username: 'user1234' }, answer = answerRight): Promise<PolybankError> {
  const conn = h.bank().connect('powerauth', input);
  try {
    for await (const c of conn.authenticate()) answer(h.sim, c);
  } catch (error) {
    return error as PolybankError;
  }
  throw new Error('the flow did not fail');
}

describe('powerauth: every Data Adapter code maps to one reason', () => {
  it('the tables only hold normalized reasons', () => {
    for (const reason of [...Object.values(POWERAUTH_ERROR_CODES), ...Object.values(POWERAUTH_STATES)]) expect(ErrorReason.options).toContain(reason);
    expect(Object.keys(POWERAUTH_ERROR_CODES).sort()).toEqual([
      'AUTHENTICATION_FAILED',
      'COMMUNICATION_ERROR',
      'CONSENT_DATA_INVALID',
      'DATA_ADAPTER_CLIENT_ERROR',
      'ERROR_GENERIC',
      'INPUT_INVALID',
      'OPERATION_CONTEXT_INVALID',
      'REMOTE_ERROR',
      'SMS_AUTHORIZATION_FAILED',
      'USER_NOT_FOUND',
    ]);
  });

  const rows: Array<{ code: string; endpoint: string; status?: number; reason: string; retryable: boolean; calls?: number }> = [
    { code: 'INPUT_INVALID', endpoint: 'sms/password/verify', reason: 'invalid_credentials', retryable: false },
    { code: 'OPERATION_CONTEXT_INVALID', endpoint: 'sms/create', reason: 'unknown', retryable: false },
    { code: 'CONSENT_DATA_INVALID', endpoint: 'consent/validate', reason: 'auth_rejected', retryable: false },
    // Documented as 400; the sample adapter answers 500. A secret-bearing request is never retried.
    { code: 'REMOTE_ERROR', endpoint: 'sms/password/verify', status: 400, reason: 'provider_unavailable', retryable: true, calls: 1 },
    { code: 'REMOTE_ERROR', endpoint: 'sms/password/verify', status: 500, reason: 'provider_unavailable', retryable: true, calls: 1 },
    { code: 'ERROR_GENERIC', endpoint: 'consent/save', reason: 'provider_bug', retryable: true, calls: 1 },
    { code: 'COMMUNICATION_ERROR', endpoint: 'consent/validate', status: 502, reason: 'provider_unavailable', retryable: true },
    { code: 'DATA_ADAPTER_CLIENT_ERROR', endpoint: 'consent/validate', status: 400, reason: 'provider_bug', retryable: true },
    // Codes nobody mapped: by HTTP class.
    { code: 'SOMETHING_NEW', endpoint: 'consent/validate', status: 409, reason: 'unknown', retryable: false },
    { code: 'SOMETHING_NEW', endpoint: 'consent/validate', status: 503, reason: 'provider_unavailable', retryable: true },
  ];
  for (const row of rows) {
    it(`${row.code} (HTTP ${row.status ?? 'documented'}) on ${row.endpoint} → ${row.reason}`, async () => {
      h.sim.state.script.errors.push({ endpoint: row.endpoint, code: row.code, message: `${row.code.toLowerCase()}.key`, ...(row.status ? { status: row.status } : {}), validationErrors: ['a.b.c'] });
      const error = await failure();
      expect(isConnectionError(error)).toBe(true);
      expect(error).toMatchObject({ code: row.reason, providerCode: row.code, endpoint: row.endpoint, retryable: row.retryable });
      expect(error.message).toContain(`${row.code.toLowerCase()}.key`);
      if (row.calls) expect(h.sim.count(row.endpoint)).toBe(row.calls);
    });
  }

  it('REMOTE_ERROR gets a user message from its i18n key', async () => {
    h.sim.state.script.errors.push({ endpoint: 'consent/validate', code: 'REMOTE_ERROR', message: 'error.remote' });
    const error = await failure();
    expect(error).toMatchObject({ userMessage: "The bank's system is not available. Try again later." });
  });

  it('a too long username is the adapter’s INPUT_INVALID (invalid_credentials) with its validation codes', async () => {
    const error = await failure({}, (sim, c) => answerRight(sim, c, 'u'.repeat(41)));
    expect(error).toMatchObject({ code: 'invalid_credentials', providerCode: 'INPUT_INVALID', endpoint: 'user/lookup', status: 400 });
    expect(error.message).toContain('login.username.long.requestObject.username');
  });

  it('USER_NOT_FOUND where no user can be hidden (a stored link whose user is gone) is invalid_credentials', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    h.sim.state.users = h.sim.state.users.filter((u) => u.username !== 'user1234');
    const stored = h.bank().connection('powerauth', conn.ref!);
    await expect(stored.accounts()).rejects.toMatchObject({ code: 'invalid_credentials', providerCode: 'USER_NOT_FOUND', endpoint: 'operation/formdata/decorate' });
  });

  it('NOT_ACTIVE in a failed verification ends as account_locked', async () => {
    h.sim.inject({
      endpoint: 'sms/password/verify',
      kind: 'mutate',
      mutate: (body) => ({ ...(body as object), responseObject: { ...(body as { responseObject: object }).responseObject, remainingAttempts: null, accountStatus: 'NOT_ACTIVE' } }),
    });
    const error = await failure({ username: 'user1234' }, (sim, c) => (c.type === 'otp' ? c.answer({ code: '00000000', password: PASSWORD }) : answerRight(sim, c)));
    expect(error).toMatchObject({ code: 'account_locked', providerCode: 'NOT_ACTIVE' });
  });

  it('an HTML error page from a proxy is provider_unavailable; a 429 is rate_limited with its Retry-After', async () => {
    h.sim.inject({ endpoint: 'consent/validate', kind: 'html', status: 502 });
    expect(await failure()).toMatchObject({ code: 'provider_unavailable', status: 502 });
    h.sim.reset();
    h.sim.inject({ endpoint: 'consent/save', kind: 'status', status: 429, retryAfter: 120, body: 'slow down' });
    const limited = await failure();
    expect(limited).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(limited.retryAfter!.getTime()).toBeGreaterThan(Date.now() + 100_000);
  });
});

describe('powerauth: malformed responses are typed errors naming the field', () => {
  it('a verification result that is not in either vocabulary', async () => {
    h.sim.inject({
      endpoint: 'sms/password/verify',
      kind: 'mutate',
      mutate: (body) => ({ ...(body as object), responseObject: { ...(body as { responseObject: object }).responseObject, smsAuthorizationResult: 'MAYBE' } }),
    });
    const error = await failure();
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'powerauth', endpoint: 'sms/password/verify', field: 'responseObject.smsAuthorizationResult' });
  });

  it('a missing message id, a garbage body, a truncated body', async () => {
    h.sim.inject({ endpoint: 'sms/create', kind: 'mutate', mutate: () => ({ status: 'OK', responseObject: { smsDeliveryResult: 'SUCCEEDED' } }) });
    expect(await failure()).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'sms/create', field: 'responseObject.messageId' });
    h.sim.reset();
    h.sim.inject({ endpoint: 'consent/create', kind: 'garbage', times: 3 });
    expect(await failure()).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'consent/create' });
    h.sim.reset();
    h.sim.inject({ endpoint: 'user/lookup', kind: 'truncate', times: 3 });
    expect(await failure({})).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'user/lookup' });
  });

  it('a bank account with a bad balance names its field', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    (h.sim.state.users[0]!.accounts[1] as { balance: unknown }).balance = '1 234,50';
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ProviderResponseError', field: 'responseObject.formData.parameters.0.bankAccounts.1.balance' });
    (h.sim.state.users[0]!.accounts[1] as { balance: unknown }).balance = 12;
    h.sim.state.users[0]!.accounts[2]!.currency = 'euro';
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ProviderResponseError', field: 'responseObject.formData.parameters.0.bankAccounts.2.currency' });
  });
});

describe('powerauth: request ids', () => {
  it('every call carries a W3C traceparent; an error names the request by its trace id (error.requestId), and so do request events', async () => {
    h.sim.state.script.errors.push({ endpoint: 'consent/validate', code: 'REMOTE_ERROR', message: 'error.remote' });
    const bank = h.bank();
    const events: Array<{ endpoint: string; requestId?: string }> = [];
    bank.on('request', (e) => events.push({ endpoint: e.endpoint, ...(e.requestId ? { requestId: e.requestId } : {}) }));
    const conn = bank.connect('powerauth', { username: 'user1234' });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) answerRight(h.sim, c);
    } catch (e) {
      error = e;
    }
    const traces = h.sim.state.requests.map((r) => r.traceId);
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t ?? ''))).toBe(true);
    expect(new Set(traces).size).toBe(traces.length); // a fresh trace per call
    const validate = h.sim.state.requests.find((r) => r.endpoint === 'consent/validate');
    expect(error).toMatchObject({ code: 'provider_unavailable', providerCode: 'REMOTE_ERROR', requestId: validate?.traceId });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ requestId: validate?.traceId });
    expect(events.find((e) => e.endpoint === 'consent/validate')).toEqual({ endpoint: 'consent/validate', requestId: validate?.traceId });
    expect(events.every((e) => e.requestId !== undefined)).toBe(true);
  });

  it('a malformed answer names its request too; a traceparent that is not one is not a request id', async () => {
    h.sim.inject({ endpoint: 'consent/create', kind: 'mutate', mutate: () => ({ status: 'OK', responseObject: { options: 'none' } }) });
    const error = await failure();
    expect(error).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'consent/create', requestId: h.sim.state.requests.find((r) => r.endpoint === 'consent/create')?.traceId });
    h.sim.reset();
    h.sim.inject({ endpoint: 'consent/save', kind: 'status', status: 503, headers: { traceparent: 'not-a-trace' }, times: 3 });
    const unnamed = await failure();
    expect(unnamed).toMatchObject({ status: 503 });
    expect(unnamed.requestId).toBeUndefined();
  });
});
