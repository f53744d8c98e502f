/**
 * The tables of this adapter: the Data Adapter's error codes and stated blocks → reasons,
 * its i18n keys → texts for the end user, verification results → a verdict, and
 * BANK_ACCOUNT_CHOICE accounts → `Account` (type from the name, balances from the
 * holder's side).
 */
import {
  ProviderResponseError,
  accountTypeOf,
  failureTable,
  money,
  owedBalance,
  type Account,
  type AccountType,
  type ErrorReason,
  type Money,
} from '../../provider.js';
import { ErrorEnvelope, type BankAccount, type VerificationResult } from './schemas.js';

/**
 * Every error code a Data Adapter (or a proxy in front of it) sends → one reason.
 * USER_NOT_FOUND never reaches the user from the lookup (the flow goes on as for anyone,
 * see factors.ts); it only ends a call where no user can be hidden (accounts()).
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

/**
 * Blocks the bank states in a failed verification of a user it knows (never a count
 * reaching zero: `remainingAttempts: 0` on one SMS message while the account is ACTIVE
 * only means that code is spent).
 */
export const STATES: Readonly<Record<string, ErrorReason>> = {
  /** `accountStatus: NOT_ACTIVE` in a failed verification: the account got blocked. */
  NOT_ACTIVE: 'account_locked',
  /** `errorMessage: login.authenticationBlocked`: the sample's "your account was blocked temporarily". */
  AUTHENTICATION_BLOCKED: 'account_locked',
};

/** English texts for the Data Adapter's i18n keys the end user may see (a Map: only its own keys). */
const TEXTS = new Map<string, string>([
  ['login.authenticationFailed', 'Authentication failed.'],
  ['login.authenticationBlocked', 'The maximum number of authentication attempts has been exceeded. Your account was blocked temporarily.'],
  ['smsAuthorization.deliveryFailed', 'The SMS could not be delivered. Ask for a new code.'],
  ['smsAuthorization.expired', 'The code has expired. Ask for a new one.'],
  ['smsAuthorization.maxAttemptsExceeded', 'The maximum number of attempts has been exceeded.'],
  ['error.remote', "The bank's system is not available. Try again later."],
  ['error.communication', 'The consent could not be saved. Try again.'],
]);

export function text(key: string | null | undefined): string | undefined {
  return key ? TEXTS.get(key) : undefined;
}

/** The generic failure every factor shows, so that nobody learns which one failed or whether the user exists. */
export const FAILED_TEXT = 'Authentication failed.';
export const BLOCKED_TEXT = 'The maximum number of authentication attempts has been exceeded. Your account was blocked temporarily.';
export const EXPIRED_TEXT = 'The code has expired. Ask for a new one.';
export const UNDELIVERED_TEXT = 'The SMS could not be delivered. Ask for a new code.';
export const NOT_SAVED_TEXT = 'The consent could not be saved. Try again.';

export function attemptsText(remaining: number | undefined): string {
  return remaining === undefined ? FAILED_TEXT : `${FAILED_TEXT} ${remaining} ${remaining === 1 ? 'attempt' : 'attempts'} left.`;
}

/** The Data Adapter's error envelope, whatever the HTTP status: code, developer text, the user's text. */
export const failures = failureTable({
  read(response) {
    const parsed = ErrorEnvelope.safeParse(response.body);
    if (!parsed.success) return undefined;
    const error = parsed.data.responseObject;
    const details = error.validationErrors?.length ? ` [${error.validationErrors.slice(0, 5).join(', ')}]` : '';
    const userMessage = text(error.message);
    return {
      code: error.code,
      ...(error.message || details ? { message: `${error.message ?? ''}${details}` } : {}),
      ...(userMessage ? { userMessage } : {}),
    };
  },
  codes: ERROR_CODES,
});

export type Verdict = 'succeeded' | 'failed';

/** Both result vocabularies: only SUCCEEDED (0.22: VERIFIED_SUCCEEDED) passes; SKIPPED/NOT_VERIFIED is no pass. */
export function verdict(result: VerificationResult | null | undefined): Verdict {
  return result === 'SUCCEEDED' || result === 'VERIFIED_SUCCEEDED' ? 'succeeded' : 'failed';
}

// ---------------------------------------------------------------- accounts

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

/**
 * The Data Adapter's BankAccount has no type: the bank's account name says it. Czech names
 * first (the sample adapter's language), then the shared vocabulary (English and others).
 */
const NAME_WORDS: ReadonlyArray<readonly [RegExp, AccountType]> = [
  [/kreditn|platebn[íi] karta|\bkarta\b|\bkarty\b/i, 'card'],
  [/[úu]v[ěe]r|hypot[ée]k|p[ůu]j[čc]k/i, 'loan'],
  [/spo[řr][íi]c|term[íi]nov|vklad/i, 'savings'],
  [/b[ěe][žz]n[ýy]|osobn[íi] [úu][čc]et/i, 'checking'],
];

export function accountType(name: string | null | undefined): AccountType {
  if (!name) return 'other';
  for (const [pattern, type] of NAME_WORDS) if (pattern.test(name)) return type;
  return accountTypeOf(name);
}

/**
 * A balance from the holder's side. A card's or a loan's balance is what the holder owes:
 * negative, whichever sign the bank sent it with (banks report that debt as a positive
 * amount; one already negative is kept).
 */
function holderSide(balance: Money, type: AccountType): Money {
  const owed = type === 'card' || type === 'loan';
  return owed && !balance.amount.startsWith('-') && !/^0(\.0+)?$/.test(balance.amount) ? owedBalance(balance) : balance;
}

/**
 * A BANK_ACCOUNT_CHOICE bank account as an `Account`: exact balance from the holder's
 * side, IBAN when `accountId` is one. `at` is the account's path in the response, for
 * errors (`…parameters.4.bankAccounts.1`).
 */
export function toAccount(account: BankAccount, connectionId: string, where: { endpoint: string; at: string }): Account {
  const field = (name: string): string => `${where.at}.${name}`;
  const id = account.accountId ?? account.number;
  if (!id) throw new ProviderResponseError('powerauth', where.endpoint, field('accountId'), 'required');
  const currency = (account.currency ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new ProviderResponseError('powerauth', where.endpoint, field('currency'), 'expected an ISO 4217 currency code');
  const name = account.name ?? account.number ?? id;
  const type = accountType(account.name);
  const balance =
    account.balance === null || account.balance === undefined
      ? undefined
      : holderSide(money({ provider: 'powerauth', endpoint: where.endpoint, field: field('balance') }, account.balance, currency), type);
  const compactId = account.accountId?.replace(/\s+/g, '').toUpperCase();
  const iban = compactId && IBAN.test(compactId) ? compactId : undefined;
  return {
    id,
    provider: 'powerauth',
    connectionId,
    name,
    type,
    ...(iban ? { iban } : {}),
    ...(account.number ? { number: account.number } : {}),
    currency,
    balances: balance ? { current: balance } : {},
    ...(typeof account.usableForPayment === 'boolean' ? { usableForPayment: account.usableForPayment } : {}),
    ...(account.unusableForPaymentReason ? { unusableForPaymentReason: account.unusableForPaymentReason } : {}),
    raw: account,
  };
}
