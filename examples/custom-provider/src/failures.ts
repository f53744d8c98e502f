/**
 * GoCardless's error bodies → polybank's typed errors: one failure table (RESEARCH.md §5),
 * and the quota headers that say when to come back (§6). The core applies both to every
 * answer the adapter does not read itself.
 */
import { ConfigurationError, UnsupportedError, ValidationError, failureTable, parseCountHeader, parseResetHeader, parseRetryAfter, type HttpResponse, type Issue, type ProviderFailure } from 'polybank/provider';

export const PROVIDER = 'gocardless';

/** The keys of the error envelope; any other key of an error body is a field error. */
const ENVELOPE = new Set(['summary', 'detail', 'error', 'type', 'status_code']);

/** `summary` and `detail` are strings, or lists of strings (RESEARCH.md §5). */
function words(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) {
    const parts = value.filter((part): part is string => typeof part === 'string' && part.trim() !== '');
    return parts.length ? parts.join('; ') : undefined;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stable codes for the errors GoCardless names only by their summary (the OpenAPI examples' names). */
const BY_SUMMARY: ReadonlyArray<readonly [RegExp, string]> = [
  [/^invalid token$/i, 'InvalidToken'],
  [/^authentication failed$/i, 'AuthenticationFailed'],
  [/^ip address access denied$/i, 'IPAccessDenied'],
  [/^rate limit exceeded$/i, 'RateLimitExceeded'],
  [/^no valid end user agreement$/i, 'AccountValidEUAError'],
  [/access scope error/i, 'AccountEUAScopeError'],
  [/^account suspended$/i, 'AccountSuspendedError'],
  [/not found\.?$/i, 'NotFoundError'],
  [/^invalid .*id$/i, 'InvalidID'],
  [/^incorrect date range$/i, 'DateRangeError'],
  [/^insufficient permissions$/i, 'InsufficientPermissions'],
  [/^unknown fields$/i, 'UnknownFields'],
  [/^cannot delete end user agreement$/i, 'CannotDeleteEUA'],
];

/** Field errors of a 400: `{field: {summary, detail}}`, `{field: [{…}]}` or `{field: ["text"]}`. */
export function fieldIssues(body: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (ENVELOPE.has(field)) continue;
    const entries = Array.isArray(value) ? value : [value];
    const messages = entries
      .map((entry) => (isObject(entry) ? [words(entry.summary), words(entry.detail)].filter(Boolean).join(': ') : words(entry)))
      .filter((message): message is string => typeof message === 'string' && message !== '');
    if (messages.length) issues.push({ path: INPUT_FIELD[field] ?? field, message: messages.join('; ') });
  }
  return issues;
}

/** Wire fields → the names the user gave them (`bank.connect` input, `transactions` query). */
const INPUT_FIELD: Readonly<Record<string, string>> = {
  institution_id: 'institutionId',
  max_historical_days: 'maxHistoricalDays',
  access_valid_for_days: 'accessValidForDays',
  access_scope: 'accessScope',
  redirect: 'redirectUri',
  user_language: 'userLanguage',
  account_selection: 'accountSelection',
  redirect_immediate: 'redirectImmediate',
  date_from: 'from',
  date_to: 'to',
};

export function readFailure(res: HttpResponse): ProviderFailure | undefined {
  const body = res.body;
  if (!isObject(body)) return undefined;
  const summary = words(body.summary);
  const detail = words(body.detail) ?? words(body.error);
  let code: string | undefined = typeof body.type === 'string' && /^\w{1,64}$/.test(body.type) ? body.type : undefined;
  if (code === undefined && summary) code = BY_SUMMARY.find(([pattern]) => pattern.test(summary))?.[1];
  // A 409 whose body is the account itself: its state does not allow the call.
  if (code === undefined && res.status === 409 && typeof body.status === 'string' && summary === undefined) code = 'AccountStateError';
  if (code === undefined && summary === undefined && fieldIssues(body).length) code = 'FieldErrors';
  const message = summary && detail && summary !== detail ? `${summary}: ${detail}` : (summary ?? detail);
  // "… Please try again in 37 seconds": the general limit's wait, in the body.
  const wait = detail ? /try again in (\d{1,9}) seconds?/i.exec(detail)?.[1] : undefined;
  const retryAfter = wait === undefined ? undefined : parseRetryAfter(wait);
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(retryAfter ? { retryAfter } : {}) };
}

export const failures = failureTable({
  read: readFailure,
  codes: {
    AccessExpiredError: { reason: 'consent_expired', explain: 'the access has expired or was revoked; link the account again' },
    AccountValidEUAError: { reason: 'consent_expired', explain: 'no valid end-user agreement covers this account any more' },
    AccountSuspendedError: { reason: 'consent_expired', explain: 'GoCardless suspended the account after repeated errors; link it again' },
    NotFoundError: { reason: 'consent_expired', explain: 'the requisition or account no longer exists at GoCardless' },
    AccountInactiveError: 'action_needed',
    AccountAccessForbidden: 'action_needed',
    FailedAuthentication: 'auth_rejected',
    RateLimitError: { reason: 'rate_limited', explain: "the bank's daily limit for this account is spent" },
    RateLimitExceeded: { reason: 'rate_limited', explain: "GoCardless's rate limit is spent" },
    UnknownRequestError: 'provider_unavailable',
    ServiceError: 'provider_unavailable',
    ConnectionError: 'provider_unavailable',
    AccountStateError: 'provider_unavailable',
    // A token GoCardless itself just issued, refused again: nothing the app can fix.
    InvalidToken: 'provider_bug',
    InsufficientPermissions: 'unknown',
  },
  special(res, failure, hint) {
    const where = { provider: PROVIDER, status: res.status, endpoint: res.endpoint, ...(failure?.code ? { providerCode: failure.code } : {}) };
    switch (failure?.code) {
      case 'AuthenticationFailed':
        return new ConfigurationError('gocardless: the user secret (secretId, secretKey) was refused: "No active account found with the given credentials"', where);
      case 'IPAccessDenied':
        return new ConfigurationError(`gocardless: ${failure.message ?? 'this IP address is not allowed'} (allow it in the Bank Account Data portal)`, where);
      case 'AccountEUAScopeError':
        return new UnsupportedError(`gocardless: ${failure.message ?? 'the agreement does not cover this data'}`, where);
      case 'FieldErrors':
      case 'InvalidID':
      case 'DateRangeError':
      case 'UnknownFields': {
        const body = res.body as Record<string, unknown>;
        const issues = fieldIssues(body);
        const path = failure.code === 'DateRangeError' ? 'from' : '';
        return new ValidationError(`gocardless ${res.endpoint}`, issues.length ? issues : [{ path, message: failure.message ?? 'refused by GoCardless' }], where);
      }
      case 'NotFoundError':
        if (hint?.resource === 'institution') {
          return new ValidationError(`gocardless ${res.endpoint}`, [{ path: 'institutionId', message: 'GoCardless has no such institution' }], where);
        }
        return undefined;
      default:
        return undefined;
    }
  },
});

/** A quota header, in either spelling: documented as `HTTP_X_RATELIMIT_…`, sent as `X-RateLimit-…` (RESEARCH.md §6). */
function header(res: HttpResponse, name: string): string | null {
  return res.headers.get(`x-ratelimit-${name}`) ?? res.headers.get(`http_x_ratelimit_${name.replaceAll('-', '_')}`);
}

/** GoCardless's resets are whole seconds; anything else says nothing (not a date: "-50" would parse as one). */
function resetSeconds(res: HttpResponse, name: string): Date | undefined {
  const value = header(res, name);
  return value !== null && /^\s*\d{1,100}\s*$/.test(value) ? parseResetHeader(value) : undefined;
}

/**
 * When a 429 may be tried again: Retry-After if ever sent; the bank's daily window when the
 * account's successful calls are spent; else GoCardless's own window. Other statuses: only
 * Retry-After (the quota headers come on every answer, and say nothing about a 503).
 */
export function retryAfter(res: HttpResponse): Date | undefined {
  const asked = parseRetryAfter(res.headers.get('retry-after'));
  if (asked || res.status !== 429) return asked;
  if (parseCountHeader(header(res, 'account-success-remaining')) === 0) return resetSeconds(res, 'account-success-reset');
  return resetSeconds(res, 'reset');
}

/** A 401 that says the access token is bad (not an expired access to the account). */
export function isInvalidToken(res: HttpResponse): boolean {
  return res.status === 401 && readFailure(res)?.code === 'InvalidToken';
}
