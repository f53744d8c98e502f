/**
 * The Data Adapter's codes and results → normalized reasons, texts for the end user, and
 * BANK_ACCOUNT_CHOICE accounts → `Account`. The only mapping tables of this adapter.
 */
import { ProviderResponseError } from '../../core/errors.js';
import { money } from '../../core/kit.js';
import type { Account } from '../../core/model/account.js';
import type { ErrorReason } from '../../core/model/status.js';
import type { BankAccount, VerificationResult } from './schemas.js';

/**
 * Every error code a Data Adapter (or a proxy in front of it) sends → one reason.
 * USER_NOT_FOUND never reaches the user from the lookup (it continues as a failed
 * attempt, see adapter); it only ends a call where no user can be hidden (accounts()).
 */
export const ERROR_CODES: Readonly<Record<string, ErrorReason>> = {
  /** The username, password or code has an invalid format (too long, unsupported characters). */
  INPUT_INVALID: 'invalid_credentials',
  USER_NOT_FOUND: 'invalid_credentials',
  /** ≤0.21 failed authentication (HTTP 401), or the step's tries ran out. */
  AUTHENTICATION_FAILED: 'invalid_credentials',
  /** ≤0.21 failed SMS code (HTTP 401), or the code step's tries ran out. */
  SMS_AUTHORIZATION_FAILED: 'auth_rejected',
  /** The bank does not accept the operation (unknown name, missing data): nobody can fix it by retrying. */
  OPERATION_CONTEXT_INVALID: 'unknown',
  /** The consent sent does not match the form: the consent was not given. */
  CONSENT_DATA_INVALID: 'auth_rejected',
  /** The bank's back end behind the Data Adapter failed (HTTP 400 in the docs, 500 in the sample). */
  REMOTE_ERROR: 'provider_unavailable',
  ERROR_GENERIC: 'provider_bug',
  /** Produced by Web Flow's Java client; a proxying adapter may pass them on. */
  COMMUNICATION_ERROR: 'provider_unavailable',
  DATA_ADAPTER_CLIENT_ERROR: 'provider_bug',
};

/** Provider states that are not error codes but end a flow. */
export const STATES: Readonly<Record<string, ErrorReason>> = {
  /** `remainingAttempts: 0` in a failed verification: the bank blocked the user or the code. */
  ATTEMPTS_EXHAUSTED: 'account_locked',
  /** `accountStatus: NOT_ACTIVE` in a failed verification (the account got blocked meanwhile). */
  NOT_ACTIVE: 'account_locked',
};

/** A code nobody has mapped: 5xx is an outage, anything else unknown. */
export function reasonForCode(code: string, httpStatus: number): ErrorReason {
  return ERROR_CODES[code] ?? (httpStatus >= 500 ? 'provider_unavailable' : 'unknown');
}

export type Verdict = 'succeeded' | 'failed';

/** Both result vocabularies: only SUCCEEDED (0.22: VERIFIED_SUCCEEDED) passes; SKIPPED/NOT_VERIFIED is no pass. */
export function verdict(result: VerificationResult | null | undefined): Verdict {
  return result === 'SUCCEEDED' || result === 'VERIFIED_SUCCEEDED' ? 'succeeded' : 'failed';
}

/** English texts for the Data Adapter's i18n keys the end user may see. */
const TEXTS: Readonly<Record<string, string>> = {
  'login.authenticationFailed': 'Authentication failed.',
  'login.authenticationBlocked': 'The maximum number of authentication attempts has been exceeded. Your account was blocked temporarily.',
  'smsAuthorization.deliveryFailed': 'The SMS could not be delivered. Ask for a new code.',
  'smsAuthorization.expired': 'The code has expired. Ask for a new one.',
  'smsAuthorization.maxAttemptsExceeded': 'The maximum number of attempts has been exceeded.',
  'error.remote': "The bank's system is not available. Try again later.",
  'error.communication': 'The consent could not be saved. Try again.',
};

/** The generic failure every factor shows, so that nobody learns which one failed or whether the user exists. */
export const FAILED_TEXT = TEXTS['login.authenticationFailed'] as string;
export const BLOCKED_TEXT = TEXTS['login.authenticationBlocked'] as string;
export const EXPIRED_TEXT = TEXTS['smsAuthorization.expired'] as string;
export const UNDELIVERED_TEXT = TEXTS['smsAuthorization.deliveryFailed'] as string;
export const NOT_SAVED_TEXT = TEXTS['error.communication'] as string;

export function text(key: string | null | undefined): string | undefined {
  return key ? TEXTS[key] : undefined;
}

export function attemptsText(remaining: number | undefined): string {
  return remaining === undefined ? FAILED_TEXT : `${FAILED_TEXT} ${remaining} ${remaining === 1 ? 'attempt' : 'attempts'} left.`;
}

// ---------------------------------------------------------------- accounts

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

/**
 * A BANK_ACCOUNT_CHOICE bank account as an `Account`: exact balance, IBAN when `accountId`
 * is one. `at` is the account's path in the response, for errors (`…parameters.4.bankAccounts.1`).
 */
export function toAccount(account: BankAccount, connectionId: string, where: { endpoint: string; at: string }): Account {
  const field = (name: string): string => `${where.at}.${name}`;
  const id = account.accountId ?? account.number;
  if (!id) throw new ProviderResponseError('powerauth', where.endpoint, field('accountId'), 'required');
  const currency = (account.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new ProviderResponseError('powerauth', where.endpoint, field('currency'), 'expected an ISO 4217 currency code');
  const balance =
    account.balance === null || account.balance === undefined ? undefined : money({ provider: 'powerauth', endpoint: where.endpoint, field: field('balance') }, account.balance, currency);
  const compactId = account.accountId?.replace(/\s+/g, '').toUpperCase();
  const iban = compactId && IBAN.test(compactId) ? compactId : undefined;
  return {
    id,
    provider: 'powerauth',
    connectionId,
    name: account.name ?? account.number ?? id,
    // The Data Adapter does not say what kind of account it is.
    type: 'other',
    ...(iban ? { iban } : {}),
    ...(account.number ? { number: account.number } : {}),
    currency,
    balances: balance ? { current: balance } : {},
    ...(typeof account.usableForPayment === 'boolean' ? { usableForPayment: account.usableForPayment } : {}),
    ...(account.unusableForPaymentReason ? { unusableForPaymentReason: account.unusableForPaymentReason } : {}),
    raw: account,
  };
}
