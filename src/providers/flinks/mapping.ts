/**
 * The tables of the Flinks adapter: FlinksCode → normalized reason (research notes §3.2;
 * specs/flinks/flinks-codes.json), which provider messages are meant for the end user,
 * and Flinks account types → the shared vocabulary (with the sign rule of credit accounts).
 */
import { failureTable, type AccountType, type CodeRow, type ErrorReason, type FailureHint, type HttpResponse, type ProviderFailure } from '../../provider.js';
import { ErrorBody } from './schemas.js';

const row = (reason: ErrorReason, explain: string): CodeRow => ({ reason, explain });

/** Every documented FlinksCode has exactly one row (upper case: codes compare case-insensitively). */
export const FLINKS_CODES: Readonly<Record<string, CodeRow>> = {
  // 202s are polled, not errors; they only surface when the 30-minute limit is reached.
  OPERATION_PENDING: row('provider_unavailable', 'Flinks was still processing the request'),
  OPERATION_DISPATCHED: row('provider_unavailable', 'Flinks dispatched the request to a background job that did not finish'),
  // Inside authenticate() these two are auth_expired (the `special` rule below).
  SESSION_NONEXISTENT: row(
    'consent_expired',
    "the Flinks session (RequestId) is unknown or ended (8 minutes without activity): authorize again — run authenticate(), or reopen a stored link with bank.connection('flinks', { loginId })",
  ),
  SESSION_EXPIRED: row('consent_expired', 'the Flinks session (RequestId) expired (8 minutes idle during /Authorize, 30 minutes of processing): authorize again'),
  CARD_IN_USE: row('rate_limited', 'the link is still being processed at Flinks; try again shortly'),
  ACCESS_DENIED: row('unknown', 'Flinks refused the integration credentials: check flinks({ authKey, apiKey }) with Flinks'),
  INVALID_LOGIN: row('invalid_credentials', 'the LoginId is unknown (or deleted), or the username/password is wrong'),
  INVALID_REQUEST: row('invalid_credentials', 'the credentials are missing or incomplete'),
  INVALID_USERNAME: row('invalid_credentials', 'the bank rejected the username'),
  INVALID_PASSWORD: row('invalid_credentials', 'the bank rejected the password'),
  INVALID_SECURITY_RESPONSE: row('auth_rejected', 'the bank rejected the MFA answer; it is never resubmitted: run authenticate() again'),
  INVALID_SECURITY_RESPONSE_NO_RETRY: row('auth_rejected', 'the bank rejected the MFA answer and allows no retry'),
  UNKNOWN_CHALLENGE_KEY: row('auth_rejected', 'Flinks did not recognise an MFA answer key (the prompt changed): run authenticate() again'),
  SECURITYRESPONSES_INCOMPLETE: row('auth_rejected', 'Flinks expected more MFA answers than were sent: run authenticate() again'),
  QUESTION_NOT_FOUND: row('sca_required', 'the bank asked an MFA question Flinks has no saved answer for: run authenticate() with the user'),
  RETRY_LATER: row('rate_limited', 'Flinks could not reach the bank; try again later'),
  TOO_MANY_REQUESTS: row('rate_limited', 'too many requests to Flinks; try again later'),
  CONCURRENT_SESSION: row('rate_limited', 'another session is open on this LoginId; try again when it ends'),
  UNAUTHORIZED: row('unknown', 'Flinks refused the call: an invalid/reused authorize token or x-api-key, or a data call before authorization'),
  DISABLED_LOGIN: row('account_locked', 'the bank deactivated this online-banking access'),
  NEW_ACCOUNT: row('action_needed', "the user must first act in the bank's online banking (accept terms, …)"),
  ALREADY_AUTHORIZED: row('unknown', 'Flinks says this RequestId was already authorized'),
  NO_TRANSACTION: row('unknown', 'the account has no (or too few) transactions'),
  DISABLED_INSTITUTION: row('provider_unavailable', 'this institution is not available at Flinks right now'),
  AGGREGATION_ERROR: row('provider_bug', 'Flinks had an unexpected error'),
  METHOD_NOT_AVAILABLE: row('unknown', 'this API is not enabled on your Flinks instance'),
  // Named in no source consulted; a "card" is a login at Flinks (DeleteCard), so read like INVALID_LOGIN.
  UNKNOWN_CARD: row('invalid_credentials', 'Flinks does not know this login'),
};

/**
 * The codes whose `Message` is written for the end user: the errors Flinks Connect itself
 * shows the user (its "handled errors", less UNAUTHORIZED, whose messages are about the
 * integration's keys). Every other message (a RequestId that ended, an answer key not
 * recognised, validation details) is for developers and stays in `error.message`.
 */
const FOR_THE_USER = new Set([
  'INVALID_USERNAME',
  'INVALID_PASSWORD',
  'INVALID_LOGIN',
  'INVALID_SECURITY_RESPONSE',
  'INVALID_SECURITY_RESPONSE_NO_RETRY',
  'RETRY_LATER',
  'NEW_ACCOUNT',
  'AGGREGATION_ERROR',
  'DISABLED_INSTITUTION',
  'DISABLED_LOGIN',
]);

// What request data looks like when a server echoes it: ids, quoted text, long digit runs (card numbers are usernames), e-mails.
const ECHO = /[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}|["“”`]|\d{4,}|[^\s@]+@[^\s@]+/i;
const MAX_USER_MESSAGE = 300;

/** The provider's message as `userMessage`, only where it is meant for the user and repeats nothing the request carried. */
export function userMessageOf(code: string | undefined, message: string | null | undefined): string | undefined {
  if (code === undefined || !message || !FOR_THE_USER.has(code.toUpperCase())) return undefined;
  const text = message.trim();
  if (text === '' || text.length > MAX_USER_MESSAGE || ECHO.test(text)) return undefined;
  return text;
}

const SESSION_CODES = new Set(['SESSION_NONEXISTENT', 'SESSION_EXPIRED']);

/** The hint of a request sent inside authenticate(): a session that lapses there is an expired authentication. */
export const DURING_AUTHENTICATION: FailureHint = { authenticating: true };

function readFailure(body: unknown, text: string): ProviderFailure | undefined {
  // The legacy /DeleteCard answered a bare "Invalid LoginId" (text, or a JSON string).
  const bare = typeof body === 'string' ? body : text;
  if (body === undefined || typeof body === 'string') {
    return /invalid\s+loginid/i.test(bare) ? { code: 'INVALID_LOGIN', message: bare.trim().slice(0, 200) } : undefined;
  }
  const parsed = ErrorBody.safeParse(body);
  if (!parsed.success) return undefined;
  const { FlinksCode: code, Message: message, ValidationDetails: details } = parsed.data;
  const fields = details ? Object.keys(details) : [];
  const developer = [message ?? undefined, fields.length ? `fields: ${fields.join(', ')}` : undefined].filter((part) => part !== undefined).join('; ');
  const userMessage = userMessageOf(code ?? undefined, message);
  return {
    ...(code ? { code } : {}),
    ...(developer ? { message: developer } : {}),
    ...(userMessage ? { userMessage } : {}),
  };
}

/** Flinks' failures: the code table, and the one rule it cannot say (a session lapsing during MFA). */
export const flinksFailures = failureTable({
  read: (response) => readFailure(response.isJson ? response.body : undefined, response.isJson ? '' : response.text),
  codes: FLINKS_CODES,
  caseInsensitive: true,
  special: (_response, failure, hint) => {
    // A RequestId that lapses while the user is authenticating is an expired authentication, not an expired consent.
    if (hint?.authenticating === true && failure?.code !== undefined && SESSION_CODES.has(failure.code.toUpperCase())) return 'auth_expired';
    return undefined;
  },
});

/** Flinks' request id: the `RequestId` of the body (Flinks documents no header); an Async poll also carries it in its path. */
export function requestIdOf(response: HttpResponse): string | undefined {
  const body = response.isJson ? response.body : undefined;
  if (body !== null && typeof body === 'object' && 'RequestId' in body && typeof body.RequestId === 'string') return body.RequestId;
  // An answer that does not name it (an outage page): the RequestId the request was made on.
  const sent = response.request?.json;
  if (sent !== null && typeof sent === 'object' && 'RequestId' in sent && typeof sent.RequestId === 'string') return sent.RequestId;
  return /Async\/([^/?#]+)/.exec(response.url)?.[1];
}

// ---------------------------------------------------------------- account types

/** Flinks `Type` names (help article 43000436169), lower case, before the shared vocabulary. */
const FLINKS_TYPES: Readonly<Record<string, AccountType>> = {
  chequing: 'checking',
  checking: 'checking',
  cashmanagement: 'checking',
  savings: 'savings',
  deposit: 'savings',
  creditcard: 'card',
  creditcardprepaid: 'card',
  lineofcredit: 'loan',
  lineofcredithomeequity: 'loan',
  loan: 'loan',
  mortgage: 'loan',
  rrsp: 'investment',
  tfsa: 'investment',
  fhsa: 'investment',
  resp: 'investment',
  rrif: 'investment',
  lira: 'investment',
  gic: 'investment',
  certificateofdeposit: 'investment',
  brokerage: 'investment',
  investment: 'investment',
  otherasset: 'investment',
  rewards: 'other',
  unknown: 'other',
};

/** When the Type says nothing known, its Category still says enough. */
const FLINKS_CATEGORIES: Readonly<Record<string, AccountType>> = {
  operations: 'checking',
  credits: 'loan',
  products: 'investment',
  other: 'other',
};

/** Own-property lookup of a lower-cased name (a Type `constructor` is not a row). */
function lookup(table: Readonly<Record<string, AccountType>>, name: string | null | undefined): AccountType | undefined {
  const key = (name ?? '').trim().toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function accountType(type: string | null | undefined, category: string | null | undefined): AccountType {
  const t = (type ?? '').trim().toLowerCase();
  const byPrefix = t.startsWith('loan') || t.startsWith('lineofcredit') ? 'loan' : t.startsWith('creditcard') ? 'card' : undefined;
  return lookup(FLINKS_TYPES, t) ?? byPrefix ?? lookup(FLINKS_CATEGORIES, category) ?? 'other';
}

/**
 * Flinks reports what is owed on a credit account (a card, a line of credit, a loan, a
 * mortgage) as a positive `Balance.Current`; polybank's balances are from the holder's
 * side, so it is negated. A credit account is a card or loan type, or the `Credits` category.
 */
export function isCreditAccount(type: AccountType, category: string | null | undefined): boolean {
  return type === 'card' || type === 'loan' || (category ?? '').trim().toLowerCase() === 'credits';
}
