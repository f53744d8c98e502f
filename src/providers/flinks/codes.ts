/**
 * FlinksCode → normalized reason: the one mapping table of this adapter (research
 * notes §3.2; specs/flinks/flinks-codes.json). Every documented code has exactly one
 * row; a code nobody documented falls back on its HTTP class, never a crash.
 */
import type { HttpResponse } from '../../core/http.js';
import { httpFailure } from '../../core/kit.js';
import type { ErrorReason } from '../../core/model/status.js';
import type { AdapterContext } from '../../core/provider.js';
import { ErrorBody } from './schemas.js';

export interface CodeRow {
  reason: ErrorReason;
  /** What the app should understand (the provider's own message is added after it). */
  explain: string;
}

export const FLINKS_CODES: Readonly<Record<string, CodeRow>> = {
  // 202s are polled, not errors; they only surface when the 30-minute limit is reached.
  OPERATION_PENDING: { reason: 'provider_unavailable', explain: 'Flinks was still processing the request' },
  OPERATION_DISPATCHED: { reason: 'provider_unavailable', explain: 'Flinks dispatched the request to a background job that did not finish' },
  SESSION_NONEXISTENT: {
    reason: 'consent_expired',
    explain:
      "the Flinks session (RequestId) is unknown or ended (8 minutes without activity): authorize again — reopen the link with bank.connection('flinks', { loginId }) or connect again",
  },
  SESSION_EXPIRED: {
    reason: 'consent_expired',
    explain: 'the Flinks session (RequestId) expired (8 minutes idle during /Authorize, 30 minutes of processing): authorize again',
  },
  CARD_IN_USE: { reason: 'rate_limited', explain: 'the link is still being processed at Flinks; try again shortly' },
  ACCESS_DENIED: { reason: 'unknown', explain: 'Flinks refused the integration credentials: check flinks({ authKey, apiKey }) with Flinks' },
  INVALID_LOGIN: { reason: 'invalid_credentials', explain: 'the LoginId is unknown (or deleted), or the username/password is wrong' },
  INVALID_REQUEST: { reason: 'invalid_credentials', explain: 'the credentials are missing or incomplete' },
  INVALID_USERNAME: { reason: 'invalid_credentials', explain: 'the bank rejected the username' },
  INVALID_PASSWORD: { reason: 'invalid_credentials', explain: 'the bank rejected the password' },
  INVALID_SECURITY_RESPONSE: { reason: 'auth_rejected', explain: 'the bank rejected the MFA answer; it is never resubmitted: run authenticate() again' },
  INVALID_SECURITY_RESPONSE_NO_RETRY: { reason: 'auth_rejected', explain: 'the bank rejected the MFA answer and allows no retry' },
  UNKNOWN_CHALLENGE_KEY: { reason: 'auth_rejected', explain: 'Flinks did not recognise an MFA answer key (the prompt changed): run authenticate() again' },
  SECURITYRESPONSES_INCOMPLETE: { reason: 'auth_rejected', explain: 'Flinks expected more MFA answers than were sent: run authenticate() again' },
  QUESTION_NOT_FOUND: { reason: 'sca_required', explain: 'the bank asked an MFA question Flinks has no saved answer for: run authenticate() with the user' },
  RETRY_LATER: { reason: 'rate_limited', explain: 'Flinks could not reach the bank; try again later' },
  TOO_MANY_REQUESTS: { reason: 'rate_limited', explain: 'too many requests to Flinks; try again later' },
  CONCURRENT_SESSION: { reason: 'rate_limited', explain: 'another session is open on this LoginId; try again when it ends' },
  UNAUTHORIZED: {
    reason: 'unknown',
    explain: 'Flinks refused the call: an invalid/reused authorize token or x-api-key, or a data call before authorization',
  },
  DISABLED_LOGIN: { reason: 'account_locked', explain: 'the bank deactivated this online-banking access' },
  NEW_ACCOUNT: { reason: 'action_needed', explain: "the user must first act in the bank's online banking (accept terms, …)" },
  ALREADY_AUTHORIZED: { reason: 'unknown', explain: 'Flinks says this RequestId was already authorized' },
  NO_TRANSACTION: { reason: 'unknown', explain: 'the account has no (or too few) transactions' },
  DISABLED_INSTITUTION: { reason: 'provider_unavailable', explain: 'this institution is not available at Flinks right now' },
  AGGREGATION_ERROR: { reason: 'provider_bug', explain: 'Flinks had an unexpected error' },
  METHOD_NOT_AVAILABLE: { reason: 'unknown', explain: 'this API is not enabled on your Flinks instance' },
  // Named in no source consulted; a "card" is a login at Flinks (DeleteCard), so read like INVALID_LOGIN.
  UNKNOWN_CARD: { reason: 'invalid_credentials', explain: 'Flinks does not know this login' },
};

/** The reason for a code, or for an undocumented one its HTTP class's safe default. */
export function reasonFor(code: string, status: number): ErrorReason {
  const row = FLINKS_CODES[code.toUpperCase()];
  if (row) return row.reason;
  if (status >= 500) return 'provider_unavailable';
  if (status === 429) return 'rate_limited';
  return 'unknown';
}

/** The typed failure for a non-success Flinks response. */
export function flinksFailure(ctx: AdapterContext, res: HttpResponse): Error {
  const parsed = res.isJson ? ErrorBody.safeParse(res.body) : undefined;
  const code = parsed?.success ? parsed.data.FlinksCode : undefined;
  // The legacy /DeleteCard answered a bare "Invalid LoginId" (text, or a JSON string).
  const text = typeof res.body === 'string' ? res.body : res.isJson ? '' : res.text;
  if (!code && /invalid\s+loginid/i.test(text)) return fail(ctx, res, 'INVALID_LOGIN', text.trim());
  if (!code) return httpFailure(ctx, res);
  return fail(ctx, res, code, parsed?.success ? parsed.data : undefined);
}

function fail(ctx: AdapterContext, res: HttpResponse, code: string, body: ErrorBody | string | undefined): Error {
  const message = typeof body === 'string' ? body : (body?.Message ?? undefined);
  const fields = typeof body === 'object' && body.ValidationDetails ? Object.keys(body.ValidationDetails) : [];
  const row = FLINKS_CODES[code.toUpperCase()];
  const explain = row?.explain ?? `undocumented FlinksCode (HTTP ${res.status})`;
  const detail = [message, fields.length ? `fields: ${fields.join(', ')}` : undefined].filter(Boolean).join('; ');
  return ctx.fail(reasonFor(code, res.status), `Flinks ${res.endpoint} answered ${code}: ${explain}${detail ? ` (${detail})` : ''}`, {
    providerCode: code,
    status: res.status,
    endpoint: res.endpoint,
    ...(message ? { userMessage: message } : {}),
    ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}),
  });
}
