/**
 * Powens → polybank: the mapping tables (connection states, error codes, account
 * types) and the conversions of connector fields, accounts and transactions.
 * Every provider value maps to one row; an unknown one to a safe default.
 */
import type { ChallengeSpec } from '../../core/provider.js';
import type { Account, AccountType } from '../../core/model/account.js';
import { addMoney } from '../../core/model/money.js';
import type { CredentialField } from '../../core/model/challenge.js';
import type { ErrorReason } from '../../core/model/status.js';
import type { Transaction } from '../../core/model/transaction.js';
import { isoTimestamp, money } from '../../core/kit.js';
import type { BankAccount, ConnectorField, Transaction as WireTransaction } from './schemas.js';

export const PROVIDER = 'powens';

// ---------------------------------------------------------------- connection states

/** What a connection state asks for. */
export type StateAction =
  /** Synced (`state: null`): usable. */
  | { kind: 'active' }
  /** `validating`: Powens is processing; poll the connection. */
  | { kind: 'pending' }
  /** Needs the user: with one present, the adapter handles it `via` …; without, `sca_required`. */
  | { kind: 'sca'; via: 'force' | 'fields' | 'decoupled' | 'redirect' }
  /** Not usable: fails with `reason` (`retryAfter` from `next_try` for the automatic-retry states). */
  | { kind: 'fail'; reason: ErrorReason; retryAfter?: true; recoverWithFields?: true };

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
  return CONNECTION_STATES[state] ?? UNKNOWN_STATE;
}

// ---------------------------------------------------------------- error codes

/** `ServiceError.code` (SPEC list, docs, recordings, legacy) → reason. */
export const ERROR_CODES: Readonly<Record<string, ErrorReason>> = {
  wrongpass: 'invalid_credentials',
  wrongPass: 'invalid_credentials',
  authFailure: 'invalid_credentials', // legacy docs
  // Invalid field value (woob configuration check): the values the user gave are wrong.
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

/** What a code means, with the HTTP class as the fallback for codes nobody has seen. */
export function errorReason(code: string, status: number, description: string | null | undefined, answering: boolean): ErrorReason {
  if (code === 'SCARequired') return appValidationReason(description) ?? 'sca_required';
  const known = (answering ? ANSWER_CODES[code] : undefined) ?? ERROR_CODES[code];
  if (known) return known;
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_unavailable';
  return 'unknown';
}

/** Webauth / webview callback `error` values (SPEC WebviewErrorCode), then the service codes. */
export const CALLBACK_ERRORS: Readonly<Record<string, ErrorReason>> = {
  access_denied: 'auth_rejected',
  tos_declined: 'auth_rejected',
  session_expired: 'auth_expired',
  server_error: 'provider_unavailable',
};

export function callbackReason(error: string): ErrorReason {
  return CALLBACK_ERRORS[error] ?? ERROR_CODES[error] ?? 'unknown';
}

// ---------------------------------------------------------------- fields → challenges

const FIELD_KINDS = new Set(['text', 'password', 'date', 'number', 'list']);

function kindOf(field: ConnectorField): CredentialField['kind'] {
  const type = field.type ?? 'text';
  return (FIELD_KINDS.has(type) ? type : 'text') as CredentialField['kind'];
}

function labelOf(field: ConnectorField): string {
  return field.label || field.description || field.name;
}

/** A connector field as a credentials field (password → secret, list → choices, regex → pattern). */
export function credentialField(field: ConnectorField, requiredByDefault = true): CredentialField {
  const kind = kindOf(field);
  return {
    name: field.name,
    label: labelOf(field),
    kind,
    secret: kind === 'password',
    required: field.required ?? requiredByDefault,
    ...(field.description ? { description: field.description } : {}),
    ...(field.regex ? { pattern: field.regex } : {}),
    ...(field.values?.length ? { choices: field.values.map((v) => ({ value: v.value, label: v.label ?? v.value })) } : {}),
  };
}

/** The fields a user fills to create a connection (credentials mechanism, the chosen source). */
export function connectorCredentialFields(fields: readonly ConnectorField[], source: string | undefined): ConnectorField[] {
  return fields.filter((field) => {
    if (field.type === 'hidden') return false;
    if (field.auth_mechanisms?.length && !field.auth_mechanisms.includes('credentials')) return false;
    if (source !== undefined && field.connector_sources?.length && !field.connector_sources.includes(source)) return false;
    return true;
  });
}

function otpChannel(field: ConnectorField): 'sms' | 'email' | 'app' | 'unknown' {
  const text = `${field.name} ${field.label ?? ''} ${field.description ?? ''}`;
  if (/sms/i.test(text)) return 'sms';
  if (/e-?mail/i.test(text)) return 'email';
  if (/\bapp\b|application/i.test(text)) return 'app';
  return 'unknown';
}

function isCodeLike(field: ConnectorField): boolean {
  const kind = kindOf(field);
  return (kind === 'text' || kind === 'password' || kind === 'number') && !field.values?.length;
}

/**
 * `additionalInformationNeeded` fields as a challenge: one code-like field → `otp`;
 * plain text or list questions → `questions` (answered together); anything richer
 * (passwords, dates, patterns, optional fields) → `credentials`.
 */
export function fieldsChallenge(fields: readonly ConnectorField[], message: string | undefined, expiresAt: string | undefined): ChallengeSpec {
  const base = { ...(message ? { message } : {}), ...(expiresAt ? { expiresAt } : {}) };
  const [only] = fields;
  if (fields.length === 1 && only && isCodeLike(only)) {
    return { type: 'otp', channel: otpChannel(only), label: labelOf(only), ...(only.regex ? { pattern: only.regex } : {}), ...base };
  }
  const simple = fields.every((f) => (kindOf(f) === 'text' || kindOf(f) === 'list') && !f.regex && f.required !== false);
  if (simple) {
    return {
      type: 'questions',
      prompts: fields.map((f) => ({
        id: f.name,
        text: labelOf(f),
        ...(f.values?.length ? { choices: f.values.map((v) => ({ id: v.value, label: v.label ?? v.value })) } : {}),
      })),
      ...base,
    };
  }
  return { type: 'credentials', fields: fields.map((f) => credentialField(f)), ...base };
}

// ---------------------------------------------------------------- dates

/** A Powens `YYYY-MM-DD HH:MM:SS` (no zone; read as UTC) as ISO, or undefined. */
export function powensTime(value: string | null | undefined): string | undefined {
  return isoTimestamp(value);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | null | undefined): string | undefined {
  return value && ISO_DAY.test(value) ? value : undefined;
}

// ---------------------------------------------------------------- accounts

/** `AccountTypeName` (docs list + `/account_types`) → account type; unknown names → `other`. */
export const ACCOUNT_TYPES: Readonly<Record<string, AccountType>> = {
  checking: 'checking',
  joint: 'checking',
  card: 'card',
  savings: 'savings',
  deposit: 'savings',
  livret_a: 'savings',
  livret_b: 'savings',
  ldds: 'savings',
  cel: 'savings',
  pel: 'savings',
  csl: 'savings',
  cat: 'savings',
  loan: 'loan',
  mortgage: 'loan',
  consumercredit: 'loan',
  revolvingcredit: 'loan',
  market: 'investment',
  pea: 'investment',
  pee: 'investment',
  per: 'investment',
  perco: 'investment',
  perp: 'investment',
  article83: 'investment',
  rsp: 'investment',
  madelin: 'investment',
  lifeinsurance: 'investment',
  capitalisation: 'investment',
  crowdlending: 'investment',
  real_estate: 'investment',
  unknown: 'other',
};

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

/**
 * A Powens bank account as an Account: exact balances with the currency's own
 * `precision`; `available` is Powens' balance plus coming operations. Returns
 * undefined for an account without a currency (the API allows it; no Money can be built).
 */
export function toAccount(raw: unknown, account: BankAccount, connectionId: number, where: { endpoint: string; index: number }): Account | undefined {
  const currency = account.currency;
  if (!currency) return undefined;
  const field = (name: string): { provider: string; endpoint: string; field: string } => ({
    provider: PROVIDER,
    endpoint: where.endpoint,
    field: `accounts.${where.index}.${name}`,
  });
  const precision = currency.precision ?? undefined;
  const current = account.balance === null || account.balance === undefined ? undefined : money(field('balance'), account.balance, currency.id, precision);
  let available;
  if (account.coming_balance !== null && account.coming_balance !== undefined) {
    available = money(field('coming_balance'), account.coming_balance, currency.id, precision);
  } else if (current && account.coming !== null && account.coming !== undefined) {
    const coming = money(field('coming'), account.coming, currency.id, precision);
    available = addMoney(current, coming);
  }
  const iban = account.iban?.replace(/\s+/g, '').toUpperCase();
  return {
    id: String(account.id),
    provider: PROVIDER,
    connectionId: String(account.id_connection ?? connectionId),
    name: account.name || account.original_name || `Account ${account.id}`,
    type: ACCOUNT_TYPES[account.type ?? 'unknown'] ?? 'other',
    ...(iban && IBAN.test(iban) ? { iban } : {}),
    ...(account.number ? { number: account.number } : {}),
    currency: currency.id.toUpperCase(),
    balances: { ...(current ? { current } : {}), ...(available ? { available } : {}) },
    ...(account.company_name ? { holder: account.company_name } : {}),
    // New accounts are disabled until the user enables them (GDPR): listed, not synchronized.
    status: account.disabled ? 'disabled' : 'active',
    raw,
  };
}

// ---------------------------------------------------------------- transactions

export interface AccountMoney {
  id: string;
  currency: string;
  precision: number | undefined;
}

/**
 * A Powens transaction as a Transaction (signed amount, exact). `value` may be null
 * (SPEC; recorded): the original-currency amount is used then; a transaction with no
 * amount at all returns undefined.
 */
export function toTransaction(raw: unknown, tx: WireTransaction, account: AccountMoney, where: { endpoint: string; index: number }): Transaction | undefined {
  const field = (name: string): { provider: string; endpoint: string; field: string } => ({
    provider: PROVIDER,
    endpoint: where.endpoint,
    field: `transactions.${where.index}.${name}`,
  });
  let amount;
  if (tx.value !== null && tx.value !== undefined) {
    amount = money(field('value'), tx.value, account.currency, account.precision);
  } else if (tx.original_value !== null && tx.original_value !== undefined && tx.original_currency) {
    amount = money(field('original_value'), tx.original_value, tx.original_currency.id, tx.original_currency.precision ?? undefined);
  } else {
    return undefined;
  }
  const bookingDate = day(tx.date) ?? day(tx.rdate);
  const valueDate = day(tx.vdate);
  const counterparty = tx.counterparty?.label;
  return {
    id: String(tx.id),
    provider: PROVIDER,
    accountId: account.id,
    amount,
    status: tx.coming ? 'pending' : 'booked',
    ...(bookingDate ? { bookingDate } : {}),
    ...(valueDate ? { valueDate } : {}),
    description: tx.wording ?? tx.simplified_wording ?? tx.original_wording ?? '',
    ...(counterparty ? { counterparty } : {}),
    raw,
  };
}
