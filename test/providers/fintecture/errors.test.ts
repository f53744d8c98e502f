import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REASONS, type Checkpoint, type ErrorReason } from '../../../src/index.js';
import type { FintectureRef } from '../../../src/providers/fintecture/index.js';
import { CALLBACK_ERROR_DEFAULT, FAILURE_CODES as FINTECTURE_REASONS, REASON_BY_CALLBACK_ERROR } from '../../../src/providers/fintecture/mapping.js';
import { PSU_IP, caught, drive, envelope, startFintecture, type Harness } from './support.js';

let h: Harness;
let ref: FintectureRef;
beforeAll(async () => {
  h = await startFintecture({ shapes: 'official' });
  const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
  await drive(conn);
  ref = conn.ref as FintectureRef;
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.faults.clear();
  h.sim.resetCounts();
});

// The HTTP status each documented code comes with (research/fintecture.md §4.1).
const STATUS: Record<string, number> = {
  bad_request: 400,
  invalid_field: 400,
  mandatory_field_missing: 400,
  invalid_debited_account: 400,
  account_unknown: 400,
  customer_unknown: 400,
  session_id_invalid_or_expired: 400,
  unauthorized: 401,
  invalid_token: 401,
  invalid_grant: 400,
  invalid_code: 401,
  invalid_scopes: 401,
  invalid_app_id: 401,
  invalid_app_url: 401,
  invalid_signature: 401,
  forbidden: 403,
  not_found: 404,
  too_many_requests: 429,
  internal_server_error: 500,
  service_unavailable: 503,
};

/** A fresh handle on the linked connection whose data call answers `status` with `body`. */
async function accountsFailing(status: number, body: string, headers?: Record<string, string>): Promise<unknown> {
  h.sim.faults.clear();
  h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status, body, times: Infinity, ...(headers ? { headers } : {}) });
  return caught(() => h.bank({ retry: false }).connection('fintecture', ref).accounts());
}

describe('every provider code maps to one reason', () => {
  it('the table covers every code the simulator is told about', () => {
    expect(Object.keys(FINTECTURE_REASONS).sort()).toEqual(Object.keys(STATUS).sort());
  });

  for (const [code, reason] of Object.entries(FINTECTURE_REASONS)) {
    it(`${code} → ${reason}`, async () => {
      const status = STATUS[code] as number;
      const error = await accountsFailing(status, envelope(status, code, 'x'));
      expect(error).toMatchObject({ kind: 'ConnectionError', reason, providerCode: code, status, endpoint: 'ListAccounts', retryable: REASONS[reason as ErrorReason].retryable });
      expect(String((error as Error).message)).toContain('log_id 3006ddbf-2f97-44d8-9f63-35711b78e8a6');
      // A 401 is refreshed once and tried once more; nothing else is repeated (retries are off here).
      expect(h.sim.count('ListAccounts')).toBe(status === 401 ? 2 : 1);
    });
  }

  it('an unknown code falls back to its HTTP class', async () => {
    expect(await accountsFailing(418, envelope(418, 'teapot_code'))).toMatchObject({ reason: 'unknown', providerCode: 'teapot_code' });
    expect(await accountsFailing(502, envelope(502, 'bank_gateway_down'))).toMatchObject({ reason: 'provider_unavailable', providerCode: 'bank_gateway_down' });
    expect(await accountsFailing(429, envelope(429, 'slow_down'))).toMatchObject({ reason: 'rate_limited' });
  });

  it('reads the top-level code, the meta fallback (Ruby SDK) and detail instead of message', async () => {
    expect(await accountsFailing(400, JSON.stringify({ status: '400', code: 'customer_unknown', log_id: 'x' }))).toMatchObject({ reason: 'consent_expired', providerCode: 'customer_unknown' });
    expect(await accountsFailing(503, JSON.stringify({ meta: { code: 'service_unavailable', message: 'bank down' } }))).toMatchObject({
      reason: 'provider_unavailable',
      message: expect.stringContaining('bank down'),
    });
    expect(await accountsFailing(400, JSON.stringify({ code: 'bad_request', errors: [{ code: 'invalid_field', title: 'T', detail: 'the detail' }] }))).toMatchObject({
      reason: 'unknown',
      providerCode: 'invalid_field',
      message: expect.stringContaining('the detail'),
    });
  });

  it('an error body that is not the envelope is a typed error by status', async () => {
    expect(await accountsFailing(400, '{"unexpected":true}')).toMatchObject({ kind: 'ProviderResponseError', status: 400 });
    expect(await accountsFailing(503, 'upstream connect error')).toMatchObject({ kind: 'ConnectionError', reason: 'provider_unavailable' });
  });

  it('429 honours Retry-After: retried when short, reported with retryAfter when long', async () => {
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 429, body: envelope(429, 'too_many_requests'), retryAfter: 0 });
    expect((await h.bank().connection('fintecture', ref).accounts()).length).toBe(2);
    expect(h.sim.count('ListAccounts')).toBe(2);

    h.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 429, body: envelope(429, 'too_many_requests'), retryAfter: 120 });
    const error = await caught(() => h.bank({ retry: { limit: 2, maxRetryAfterMs: 1000 } }).connection('fintecture', ref).accounts());
    expect(error).toMatchObject({ reason: 'rate_limited', retryable: true, providerCode: 'too_many_requests' });
    const wait = ((error as { retryAfter: Date }).retryAfter.getTime() - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(100);
    expect(wait).toBeLessThanOrEqual(120);
  });
});

describe('redirect callback errors', () => {
  let checkpoint: Checkpoint;
  let state: string;
  // A checkpoint is used once: each case resumes a fresh one.
  beforeEach(async () => {
    const conn = h.bank().connect('fintecture', { provider: 'cmcifrpp', redirectUri: 'https://app.example.com/cb' });
    const iterator = conn.authenticate();
    const { value } = await iterator.next();
    state = (value as { state: string }).state;
    checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
  });

  const rows: Array<[string, ErrorReason]> = [...Object.entries(REASON_BY_CALLBACK_ERROR), ['something_new', CALLBACK_ERROR_DEFAULT]];
  for (const [providerError, reason] of rows) {
    it(`provider_error=${providerError} → ${reason}`, async () => {
      const callback = `https://app.example.com/cb?error=provider_error&state=${state}&provider_error=${providerError}`;
      const error = await caught(() => h.bank().resume(checkpoint, { callback }));
      expect(error).toMatchObject({ kind: 'ConnectionError', reason, providerCode: providerError });
      expect(h.sim.count('AccessToken')).toBe(0);
    });
  }

  it('a callback with neither code nor error is a typed error naming code', async () => {
    const error = await caught(() => h.bank().resume(checkpoint, { callback: `https://app.example.com/cb?state=${state}&customer_id=abc` }));
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'code' });
    expect(h.sim.count('AccessToken')).toBe(0);
  });
});
