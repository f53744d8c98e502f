import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderResponseError, type ErrorReason } from '../../../src/index.js';
import { FLINKS_CODES } from '../../../src/providers/flinks/mapping.js';

// Codes whose Message is written for the end user (Flinks Connect's own error screens); the rest is for developers.
const FOR_THE_USER = ['INVALID_USERNAME', 'INVALID_PASSWORD', 'INVALID_LOGIN', 'INVALID_SECURITY_RESPONSE', 'INVALID_SECURITY_RESPONSE_NO_RETRY', 'RETRY_LATER', 'NEW_ACCOUNT', 'AGGREGATION_ERROR', 'DISABLED_INSTITUTION', 'DISABLED_LOGIN'];
// A RequestId that lapses while the user authenticates is an expired authentication (issue #14, item 8).
const IN_AUTHENTICATE: Partial<Record<string, ErrorReason>> = { SESSION_NONEXISTENT: 'auth_expired', SESSION_EXPIRED: 'auth_expired' };
import { AUTH_KEY, PASSWORD, failure, link, startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks();
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

// The research table (§3.2) row by row, with the HTTP statuses the sources give each code.
const TABLE: Array<[code: string, statuses: number[], reason: ErrorReason]> = [
  ['OPERATION_PENDING', [202], 'provider_unavailable'],
  ['OPERATION_DISPATCHED', [202], 'provider_unavailable'],
  ['SESSION_NONEXISTENT', [400], 'consent_expired'],
  ['CARD_IN_USE', [400], 'rate_limited'],
  ['ACCESS_DENIED', [401], 'unknown'],
  ['INVALID_LOGIN', [401, 400], 'invalid_credentials'],
  ['INVALID_REQUEST', [401, 400], 'invalid_credentials'],
  ['INVALID_USERNAME', [401], 'invalid_credentials'],
  ['INVALID_PASSWORD', [401], 'invalid_credentials'],
  ['INVALID_SECURITY_RESPONSE', [401], 'auth_rejected'],
  ['INVALID_SECURITY_RESPONSE_NO_RETRY', [401], 'auth_rejected'],
  ['QUESTION_NOT_FOUND', [401], 'sca_required'],
  ['RETRY_LATER', [401], 'rate_limited'],
  ['TOO_MANY_REQUESTS', [401, 403], 'rate_limited'],
  ['UNKNOWN_CHALLENGE_KEY', [401], 'auth_rejected'],
  ['CONCURRENT_SESSION', [401], 'rate_limited'],
  ['UNAUTHORIZED', [401], 'unknown'],
  ['DISABLED_LOGIN', [401], 'account_locked'],
  ['NEW_ACCOUNT', [401], 'action_needed'],
  ['SESSION_EXPIRED', [401], 'consent_expired'],
  ['ALREADY_AUTHORIZED', [401], 'unknown'],
  ['SECURITYRESPONSES_INCOMPLETE', [401], 'auth_rejected'],
  ['NO_TRANSACTION', [400], 'unknown'],
  ['DISABLED_INSTITUTION', [405], 'provider_unavailable'],
  ['AGGREGATION_ERROR', [500], 'provider_bug'],
  ['METHOD_NOT_AVAILABLE', [400], 'unknown'],
  ['UNKNOWN_CARD', [401], 'invalid_credentials'],
];

async function connectError(institution = 'FlinksCapital', username = 'greatday_nomfa', password = PASSWORD): Promise<Record<string, unknown>> {
  const conn = rig.bank().connect('flinks', { institution, username, password });
  return failure(async () => {
    for await (const c of conn.authenticate()) void c;
  });
}

describe('every FlinksCode maps to one normalized reason', () => {
  it('the table covers every code of the research table and no more', () => {
    expect(Object.keys(FLINKS_CODES).sort()).toEqual(TABLE.map(([code]) => code).sort());
  });

  for (const [code, statuses, reason] of TABLE) {
    for (const status of statuses.filter((s) => s !== 202)) {
      const during = IN_AUTHENTICATE[code] ?? reason;
      it(`${code} (HTTP ${status}) → ${during} on /Authorize, with Flinks' RequestId`, async () => {
        const requestId = '3b1f0a52-7c4e-4d2a-9f1e-5a6b7c8d9e0f';
        rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status, body: JSON.stringify({ HttpStatusCode: status, Message: `about ${code}`, FlinksCode: code, RequestId: requestId }) });
        const error = await connectError();
        expect(error).toMatchObject({ kind: 'ConnectionError', reason: during, providerCode: code, status, endpoint: 'Authorize', requestId });
        expect(String(error.message)).toContain(`about ${code}`);
        // The provider's message reaches userMessage only where Flinks writes it for the user.
        expect(error.userMessage).toBe(FOR_THE_USER.includes(code) ? `about ${code}` : undefined);
        // Credentials are sent at most once, whatever the answer: no retry, even on a 5xx.
        expect(rig.sim.count('Authorize')).toBe(1);
      });
    }
  }

  it('an undocumented code falls back on its HTTP class', async () => {
    const cases: Array<[number, ErrorReason]> = [
      [401, 'unknown'],
      [409, 'unknown'],
      [503, 'provider_unavailable'],
      [429, 'rate_limited'],
    ];
    for (const [status, reason] of cases) {
      rig.sim.reset();
      rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status, body: JSON.stringify({ HttpStatusCode: status, FlinksCode: 'BRAND_NEW_CODE' }) });
      expect(await connectError()).toMatchObject({ reason, providerCode: 'BRAND_NEW_CODE', status });
    }
  });

  it('a body without FlinksCode: 5xx and HTML pages are provider_unavailable, others a ProviderResponseError', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'html', status: 502 });
    expect(await connectError()).toMatchObject({ reason: 'provider_unavailable', status: 502 });
    rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 418, body: '{}' });
    const error = await connectError();
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ status: 418, endpoint: 'Authorize' });
  });
});

describe('the simulator produces the documented codes itself', () => {
  it('sandbox users: test_disabled_account, test_service_unavailable', async () => {
    expect(await connectError('FlinksCapital', 'test_disabled_account')).toMatchObject({ reason: 'account_locked', providerCode: 'DISABLED_LOGIN', userAction: 'visit_bank' });
    expect(await connectError('FlinksCapital', 'test_service_unavailable')).toMatchObject({ reason: 'rate_limited', providerCode: 'RETRY_LATER', retryable: true });
  });

  it('a wrong password is INVALID_LOGIN, as 401 (current docs) or 400 (oldest docs)', async () => {
    expect(await connectError('FlinksCapital', 'Greatday', 'Weekday')).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', status: 401, userAction: 'update_credentials' });
    const old = await startFlinks({ authKey: AUTH_KEY, invalidLoginStatus: 400 });
    try {
      const conn = old.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: 'Weekday' });
      const error = await failure(async () => {
        for await (const c of conn.authenticate()) void c;
      });
      expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', status: 400 });
    } finally {
      await old.server.close();
    }
  });

  it('an unknown institution is DISABLED_INSTITUTION (405)', async () => {
    expect(await connectError('Hogwarts Credit Union', 'x')).toMatchObject({ reason: 'provider_unavailable', providerCode: 'DISABLED_INSTITUTION', status: 405 });
  });

  it('SESSION_NONEXISTENT after 8 idle minutes: a typed error that says to authorize again', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'Greatday');
    rig.sim.state.clockOffsetMs += 8 * 60_000 + 1_000;
    const error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'consent_expired', providerCode: 'SESSION_NONEXISTENT', status: 400, endpoint: 'GetAccountsDetail' });
    expect(String((error as { message: string }).message)).toMatch(/authorize again/);
    // Reopening the stored link works without the user (cached mode, a new RequestId).
    const again = rig.bank().connection('flinks', { loginId: conn.ref?.loginId as string });
    expect(await again.accounts()).toHaveLength(5);
  });

  it('SESSION_NONEXISTENT while the user takes more than 8 minutes to answer', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) {
        rig.sim.state.clockOffsetMs += 9 * 60_000;
        if (c.type === 'questions') c.answer({ q1: 'Triangle' });
      }
    });
    // Inside authenticate(): an expired authentication, to run again (issue #14, item 8), not an expired consent.
    expect(error).toMatchObject({ reason: 'auth_expired', userAction: 'authenticate', providerCode: 'SESSION_NONEXISTENT' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_expired', userAction: 'authenticate' });
  });

  it('a wrong auth key fails on GenerateAuthorizeToken, before any credential is sent', async () => {
    const error = await failure(async () => {
      const conn = rig.bank({ flinks: { authKey: 'not-the-key' } }).connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ reason: 'unknown', providerCode: 'UNAUTHORIZED', endpoint: 'GenerateAuthorizeToken' });
    // About the integration's keys: for developers (error.message), never shown to the user.
    expect(String(error.message)).toContain('You must provide a valid auth key');
    expect(error.userMessage).toBeUndefined();
    expect(rig.sim.count('Authorize')).toBe(0);
  });

  it('without an auth key, an instance that requires a token refuses /Authorize', async () => {
    const error = await failure(async () => {
      const conn = rig.bank({ flinks: { authKey: undefined } }).connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ providerCode: 'UNAUTHORIZED', endpoint: 'Authorize' });
    expect(String(error.message)).toContain('You must provide a valid authorize token');
    expect(error.userMessage).toBeUndefined();
  });

  it('a missing x-api-key is refused on data endpoints', async () => {
    const { conn } = await link(rig.bank({ flinks: { apiKey: undefined } }), 'FlinksCapital', 'greatday_nomfa');
    expect(await failure(() => conn.accounts())).toMatchObject({ providerCode: 'UNAUTHORIZED', endpoint: 'GetAccountsDetail', status: 401 });
  });
});

describe('malformed responses are typed errors naming the field', () => {
  it('a 203 without SecurityChallenges, a 200 without Login.Id, a balance that is not a number', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'mutate', mutate: (b) => ({ ...(b as object), SecurityChallenges: undefined }) });
    let error = await connectError('FlinksCapital', 'Greatday');
    expect(error).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'Authorize', field: 'SecurityChallenges' });

    rig.sim.reset();
    rig.sim.inject({ endpoint: 'Authorize', kind: 'mutate', mutate: (b) => ({ ...(b as object), Login: { Username: 'x' } }) });
    error = await connectError();
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'Login.Id' });

    rig.sim.reset();
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'greatday_nomfa');
    rig.sim.inject({
      endpoint: 'GetAccountsDetail',
      kind: 'mutate',
      mutate: (b) => {
        const body = b as { Accounts: Array<{ Balance: Record<string, unknown> }> };
        (body.Accounts[1] as { Balance: Record<string, unknown> }).Balance.Current = 'lots';
        return body;
      },
    });
    error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'GetAccountsDetail', field: 'Accounts.1.Balance.Current' });
  });

  it('truncated and garbage bodies', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'truncate' });
    expect(isProviderResponseError(await connectError())).toBe(true);
    rig.sim.inject({ endpoint: 'Authorize', kind: 'garbage' });
    const error = await connectError();
    expect(error).toMatchObject({ kind: 'ProviderResponseError', status: 200 });
    // One /Authorize per attempt: a spoiled answer to a credential post is never retried.
    expect(rig.sim.count('Authorize')).toBe(2);
  });
});
