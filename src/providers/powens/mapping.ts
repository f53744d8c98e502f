/**
 * Powens → polybank: the tables. Connection states → what to do, error codes → reasons
 * (the failure table, with the cases a table cannot say as `special` rules), webview
 * callback errors → reasons, account type names. Every value is looked up as an own
 * property only; an unknown one maps to a safe default.
 */
import { ConnectionError, ValidationError, accountTypeOf, failureTable, type AccountType, type ErrorReason, type FailureHint, type HttpResponse } from '../../provider.js';
import { ServiceError } from './schemas/wire.js';

export const PROVIDER = 'powens';

/** The own property `key` of a table, or undefined (a state `constructor` is not a row). */
export function own<V>(table: Readonly<Record<string, V>>, key: string | null | undefined): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

// ---------------------------------------------------------------- connection states

/** What a connection state asks for. */
export type StateAction =
  /** Synced (`state: null`): usable. */
  | {
      /** Usable. */
      kind: 'active';
    }
  /** `validating`: Powens is processing; poll the connection. */
  | {
      /** Processing. */
      kind: 'pending';
    }
  /** Needs the user: with one present, the adapter handles it `via` …; without, `sca_required`. */
  | {
      /** Needs the user. */
      kind: 'sca';
      /** How: a forced sync, fields to fill, a decoupled approval, or the webview. */
      via: 'force' | 'fields' | 'decoupled' | 'redirect';
    }
  /** Not usable: fails with `reason` (`retryAfter` from `next_try` for the automatic-retry states). */
  | {
      /** Not usable. */
      kind: 'fail';
      /** The normalized reason. */
      reason: ErrorReason;
      /** Read `next_try` as the error's `retryAfter`. */
      retryAfter?: true;
      /** With a user present, ask for the credentials again instead of failing. */
      recoverWithFields?: true;
    };

/** The seed's state table plus `validating` and `notSupported` (DESIGN.md reason table). */
export const CONNECTION_STATES: Readonly<Record<string, StateAction>> = {
  SCARequired: { kind: 'sca', via: 'force' },
  webauthRequired: { kind: 'sca', via: 'redirect' },
  additionalInformationNeeded: { kind: 'sca', via: 'fields' },
  decoupled: { kind: 'sca', via: 'decoupled' },
  validating: { kind: 'pending' },
  actionNeeded: { kind: 'fail', reason: 'action_needed' },
  passwordExpired: { kind: 'fail', reason: 'password_expired' },
  // The docs spell it both ways; a user present may re-enter the credentials (`fields`).
  wrongpass: { kind: 'fail', reason: 'invalid_credentials', recoverWithFields: true },
  wrongPass: { kind: 'fail', reason: 'invalid_credentials', recoverWithFields: true },
  rateLimiting: { kind: 'fail', reason: 'rate_limited', retryAfter: true },
  websiteUnavailable: { kind: 'fail', reason: 'provider_unavailable', retryAfter: true },
  bug: { kind: 'fail', reason: 'provider_bug', retryAfter: true },
  // The source (bank website/API) is not supported: nothing to retry, nothing the user can do.
  notSupported: { kind: 'fail', reason: 'unknown' },
};

/** A state nobody has seen yet: not usable, not retried, support should look at it. */
export const UNKNOWN_STATE: StateAction = { kind: 'fail', reason: 'unknown' };

export function stateAction(state: string | null): StateAction {
  if (state === null) return { kind: 'active' };
  return own(CONNECTION_STATES, state) ?? UNKNOWN_STATE;
}

// ---------------------------------------------------------------- error codes

/** `ServiceError.code` (SPEC list, docs, recordings, legacy) → reason. */
export const ERROR_CODES: Readonly<Record<string, ErrorReason>> = {
  wrongpass: 'invalid_credentials',
  wrongPass: 'invalid_credentials',
  authFailure: 'invalid_credentials', // legacy docs
  // Invalid field value (woob's configuration check): a value the user gave is wrong.
  config: 'invalid_credentials',
  passwordExpired: 'password_expired',
  actionNeeded: 'action_needed',
  bankMessage: 'action_needed',
  SCARequired: 'sca_required', // with "App validation has been cancelled / has expired": see appValidationReason
  webauthRequired: 'sca_required',
  additionalInformationNeeded: 'sca_required',
  decoupled: 'sca_required',
  rateLimiting: 'rate_limited',
  tooManySync: 'rate_limited',
  connectionLocked: 'rate_limited', // a sync is already running: retry later
  websiteUnavailable: 'provider_unavailable',
  bug: 'provider_bug',
  internalServerError: 'provider_bug',
  keymanager: 'provider_bug',
  dataError: 'provider_bug',
  notSupported: 'unknown',
  noAccount: 'unknown', // data endpoints treat it as "no data" before reaching this table
  unauthorized: 'unknown', // a bad or revoked token, or client credentials: an integration problem
  forbidden: 'unknown',
  badRequest: 'unknown', // except "give the resume parameter", handled by resuming
  missingParameter: 'unknown',
  invalidValue: 'unknown',
  methodNotAllowed: 'unknown',
};

/**
 * The same `wrongpass` code means a wrong OTP or answer when it answers the fields
 * of an additionalInformationNeeded connection (recorded: "Il fallait dire « abcd »"): the
 * user failed the SCA, the stored credentials are fine.
 */
export const ANSWER_CODES: Readonly<Record<string, ErrorReason>> = {
  wrongpass: 'auth_rejected',
  wrongPass: 'auth_rejected',
};

/** App validation outcomes, sent as `400 SCARequired` with a description (or as an error_message). */
export function appValidationReason(text: string | null | undefined): ErrorReason | undefined {
  if (!text) return undefined;
  if (/cancel|refus|denied|reject/i.test(text)) return 'auth_rejected';
  if (/expir|timed? ?out/i.test(text)) return 'auth_expired';
  return undefined;
}

/** What a 404 (often Powens' HTML page) is about, as a request hint. */
export type NotFound = 'connector' | 'connection' | 'account' | 'ownerships';

/** The hints requests give the failure table. */
export interface PowensHint {
  /** The request answers additionalInformationNeeded fields: `wrongpass` then means a failed SCA. */
  answering?: boolean;
  notFound?: NotFound;
  /** The connection is still waiting for the user: gone at Powens means its window ran out. */
  pending?: boolean;
  id?: string | number;
}

export function hint(value: PowensHint): FailureHint {
  return { ...value };
}

function notFoundError(res: HttpResponse, what: NotFound, id: string, pending: boolean): Error {
  const where = { provider: PROVIDER, status: res.status, endpoint: res.endpoint };
  const thing = `${what} ${id}`.trim();
  switch (what) {
    case 'connection':
      // Powens purges a connection still waiting for the user at its `expire`.
      if (pending) return new ConnectionError('auth_expired', `powens: connection ${id} is gone: its authentication window ran out`, { ...where, providerCode: 'notFound' });
      // Deleted at Powens (by the user, a GDPR purge, an unfinished SCA past `expire`): link it again.
      return new ConnectionError('consent_expired', `powens: ${thing} does not exist (HTTP 404 at ${res.endpoint})`, { ...where, providerCode: 'notFound' });
    case 'ownerships':
      return new ValidationError('powens holders', [{ path: '', message: `account ownerships are not available at this Powens domain (HTTP 404 at ${res.endpoint}): they need the Powens Check product` }], where);
    case 'connector':
    case 'account':
      return new ValidationError(`powens ${what}`, [{ path: what === 'connector' ? 'connector' : 'accountId', message: `${thing} was not found at this Powens domain (HTTP 404 at ${res.endpoint}); check the id and the baseUrl` }], where);
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The failure table: the service error code (own properties only), the user-displayable
 * `message` as userMessage, `description` for developers; the request's hint decides
 * what a 404 is about and what `wrongpass` means while answering an SCA.
 */
export const failures = failureTable({
  read(res) {
    if (!res.isJson) return undefined;
    const parsed = ServiceError.safeParse(res.body);
    if (!parsed.success) return undefined;
    const body = parsed.data;
    const message = text(body.description) ?? text(body.message);
    const userMessage = text(body.message);
    return { code: body.code, ...(message ? { message } : {}), ...(userMessage ? { userMessage } : {}) };
  },
  codes: ERROR_CODES,
  special(res, failure, hints) {
    const notFound = hints?.notFound;
    if (res.status === 404 && typeof notFound === 'string') {
      return notFoundError(res, notFound as NotFound, hints?.id === undefined ? '' : String(hints.id), hints?.pending === true);
    }
    const code = failure?.code;
    if (code === undefined) return undefined;
    if (hints?.answering === true) {
      const answered = own(ANSWER_CODES, code);
      if (answered) return answered;
    }
    if (code === 'SCARequired') {
      const body = ServiceError.safeParse(res.body);
      const detail = body.success ? `${body.data.description ?? ''} ${body.data.message ?? ''}` : '';
      return appValidationReason(detail);
    }
    return undefined;
  },
});

/** `noAccount` (400 in the SPEC, 409 in the docs): no activated account, hence no data. */
export function isNoAccount(res: HttpResponse): boolean {
  if (res.status !== 400 && res.status !== 409) return false;
  const parsed = ServiceError.safeParse(res.body);
  return parsed.success && parsed.data.code === 'noAccount';
}

/** The request id Powens puts in its error bodies (`request_id`, SPEC `ServiceError`). */
export function requestIdOf(res: HttpResponse): string | undefined {
  const body = res.isJson ? res.body : undefined;
  if (body === null || typeof body !== 'object' || !Object.hasOwn(body, 'request_id')) return undefined;
  const id = (body as { request_id?: unknown }).request_id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)) ? String(id) : undefined;
}

// ---------------------------------------------------------------- webview / webauth callbacks

/** Webauth / webview callback `error` values (SPEC WebviewErrorCode), then the service codes. */
export const CALLBACK_ERRORS: Readonly<Record<string, ErrorReason>> = {
  access_denied: 'auth_rejected',
  tos_declined: 'auth_rejected',
  session_expired: 'auth_expired',
  server_error: 'provider_unavailable',
};

export function callbackReason(error: string): ErrorReason {
  return own(CALLBACK_ERRORS, error) ?? own(ERROR_CODES, error) ?? 'unknown';
}

// ---------------------------------------------------------------- account types

/** Powens' `AccountTypeName` list (docs + `/account_types`). */
const POWENS_ACCOUNT_TYPES = [
  'checking', 'joint', 'card', 'savings', 'deposit', 'livret_a', 'livret_b', 'ldds', 'cel', 'pel', 'csl', 'cat', 'loan', 'mortgage',
  'consumercredit', 'revolvingcredit', 'market', 'pea', 'pee', 'per', 'perco', 'perp', 'article83', 'rsp', 'madelin', 'lifeinsurance',
  'capitalisation', 'crowdlending', 'real_estate', 'unknown',
] as const;

/** `AccountTypeName` → account type, through the one shared vocabulary (a joint account is `checking`). */
export const ACCOUNT_TYPES: Readonly<Record<string, AccountType>> = Object.fromEntries(POWENS_ACCOUNT_TYPES.map((name) => [name, accountTypeOf(name)]));

export function accountType(name: string | null | undefined): AccountType {
  return accountTypeOf(name);
}
