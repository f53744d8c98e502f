/** GoCardless's codes → polybank's: the mapping tables of the adapter (RESEARCH.md §4, §5). */
import type { AccountType, ErrorReason } from 'polybank/provider';

/** What a requisition status means for the link: still going, linked, or a failure reason. */
export type StatusMeaning = { kind: 'pending' } | { kind: 'linked' } | { kind: 'failed'; reason: ErrorReason; explain: string };

const PENDING: StatusMeaning = { kind: 'pending' };

/** Short codes (what the API sends) and long names (what the OpenAPI document lists). */
const STATUSES: Readonly<Record<string, StatusMeaning | 'expired'>> = {
  CR: PENDING,
  GC: PENDING,
  UA: PENDING,
  SA: PENDING,
  GA: PENDING,
  LN: { kind: 'linked' },
  RJ: { kind: 'failed', reason: 'auth_rejected', explain: 'the bank rejected the authentication (wrong credentials or SSN verification failed)' },
  EX: 'expired',
  SU: { kind: 'failed', reason: 'consent_expired', explain: 'GoCardless suspended the requisition after repeated errors; link the account again' },
  CREATED: PENDING,
  GIVING_CONSENT: PENDING,
  UNDERGOING_AUTHENTICATION: PENDING,
  SELECTING_ACCOUNTS: PENDING,
  GRANTING_ACCESS: PENDING,
  LINKED: { kind: 'linked' },
  REJECTED: { kind: 'failed', reason: 'auth_rejected', explain: 'the bank rejected the authentication (wrong credentials or SSN verification failed)' },
  EXPIRED: 'expired',
  SUSPENDED: { kind: 'failed', reason: 'consent_expired', explain: 'GoCardless suspended the requisition after repeated errors; link the account again' },
};

/**
 * What a status means. `EX` depends on when it is seen: while authenticating, the
 * agreement ran out before the user finished (`auth_expired`); on a linked connection, the
 * access lapsed (`consent_expired`). A status nobody documented is `unknown`, never a loop.
 */
export function statusMeaning(status: string, authenticating: boolean): StatusMeaning {
  const key = status.trim().toUpperCase();
  const meaning = Object.hasOwn(STATUSES, key) ? STATUSES[key] : undefined;
  if (meaning === 'expired') {
    return authenticating
      ? { kind: 'failed', reason: 'auth_expired', explain: 'the requisition expired before the user finished at the bank' }
      : { kind: 'failed', reason: 'consent_expired', explain: 'the access granted by the end-user agreement has expired' };
  }
  return meaning ?? { kind: 'failed', reason: 'unknown', explain: `an undocumented requisition status` };
}

/** The `error` a bank sends the user back with (`?ref=…&error=…&details=…`). */
export const CALLBACK_ERRORS: Readonly<Record<string, ErrorReason>> = {
  UserCancelledSession: 'auth_rejected',
  SSNVerificationFailed: 'auth_rejected',
  InstitutionTechnicalError: 'provider_unavailable',
  GoCardlessTechnicalError: 'provider_bug',
  RequisitionLinkReused: 'auth_expired',
  UnknownError: 'unknown',
};

/** Which Berlin Group balance types make each polybank balance, best first (RESEARCH.md §5). */
export const BALANCE_TYPES = {
  current: ['interimBooked', 'closingBooked', 'openingBooked', 'previouslyClosedBooked', 'expected', 'information'],
  available: ['interimAvailable', 'closingAvailable', 'forwardAvailable', 'openingAvailable', 'expected'],
} as const;

/** ISO 20022 cash-account codes the shared vocabulary does not name. */
export const CASH_ACCOUNT_TYPES: Readonly<Record<string, AccountType>> = {
  slry: 'checking',
  sacc: 'checking',
  cish: 'checking',
  comm: 'checking',
  cpac: 'checking',
  taxe: 'checking',
  tras: 'checking',
  odft: 'checking',
  llsv: 'savings',
  ondp: 'savings',
  sabs: 'savings',
  mgld: 'loan',
  othr: 'other',
};

/** Account statuses (metadata) where no data call can succeed. */
export const UNREADABLE_ACCOUNT: Readonly<Record<string, { reason: ErrorReason; explain: string }>> = {
  EXPIRED: { reason: 'consent_expired', explain: 'the access to this account has expired' },
  SUSPENDED: { reason: 'consent_expired', explain: 'GoCardless suspended this account after repeated errors; link it again' },
};
