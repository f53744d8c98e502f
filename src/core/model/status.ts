import * as z from 'zod/mini';

/**
 * Why a connection is not usable. Every provider code maps to exactly one of these
 * (see each provider's mapping table); a code nobody has seen yet maps to `unknown`.
 */
export const ErrorReason = z.enum([
  'invalid_credentials',
  'password_expired',
  'action_needed',
  'sca_required',
  'auth_rejected',
  'auth_expired',
  'rate_limited',
  'provider_unavailable',
  'provider_bug',
  'consent_expired',
  'account_locked',
  'cancelled',
  'unknown',
]);
export type ErrorReason = z.infer<typeof ErrorReason>;

/** What the end user (or the integrating app) has to do before trying again. */
export const UserAction = z.enum([
  'none', // nothing: the app may retry later on its own
  'authenticate', // run authenticate() again with the user present
  'update_credentials', // ask the user for new credentials
  'visit_bank', // the user must act on the bank's site or app first
  'reconsent', // the user must give consent again
  'contact_support', // nobody can fix it from here
]);
export type UserAction = z.infer<typeof UserAction>;

/** One row of {@link REASONS}: what an {@link ErrorReason} implies. */
export interface ReasonInfo {
  /** Whether trying again later, without the user, can succeed. */
  readonly retryable: boolean;
  /** What has to happen first (see {@link UserAction}). */
  readonly userAction: UserAction;
  /** The reason in a few words, for logs and developers (not for end users). */
  readonly meaning: string;
}

/** The reason table of DESIGN.md: one row per reason, the single source of `retryable` and `userAction`. */
export const REASONS: Readonly<Record<ErrorReason, ReasonInfo>> = {
  invalid_credentials: { retryable: false, userAction: 'update_credentials', meaning: 'credentials wrong or obsolete' },
  password_expired: { retryable: false, userAction: 'visit_bank', meaning: 'the user must renew the password at the bank' },
  action_needed: { retryable: false, userAction: 'visit_bank', meaning: "the user must act on the bank's site or app" },
  sca_required: { retryable: false, userAction: 'authenticate', meaning: 'needs the user; resume with authenticate()' },
  auth_rejected: { retryable: false, userAction: 'authenticate', meaning: 'the user refused or failed SCA' },
  auth_expired: { retryable: false, userAction: 'authenticate', meaning: 'the approval or OTP window ran out' },
  rate_limited: { retryable: true, userAction: 'none', meaning: 'retry later; resumes by itself' },
  provider_unavailable: { retryable: true, userAction: 'none', meaning: 'provider or bank down; retry later' },
  provider_bug: { retryable: true, userAction: 'none', meaning: 'provider-side error; retry later' },
  consent_expired: { retryable: false, userAction: 'reconsent', meaning: 'access lapsed; the user must re-consent' },
  account_locked: { retryable: false, userAction: 'visit_bank', meaning: 'too many failures; blocked at the bank' },
  cancelled: { retryable: false, userAction: 'authenticate', meaning: 'the authentication was cancelled by the app' },
  unknown: { retryable: false, userAction: 'contact_support', meaning: 'an unrecognised provider state; not retried automatically' },
};

const IsoDate = z.iso.datetime({ offset: true });

/** Made, not authenticated yet. */
export const NewStatus = z.object({
  /** Nothing sent yet. */
  status: z.literal('new'),
});
/** Talking to the provider: a step or a poll is under way. */
export const AuthenticatingStatus = z.object({
  /** Between challenges: the loop is sending or waiting. */
  status: z.literal('authenticating'),
});
/** Waiting for the user: a challenge was yielded and not answered yet. */
export const ChallengeStatus = z.object({
  /** A challenge is pending. */
  status: z.literal('challenge'),
  /** The pending challenge's `id`. */
  challengeId: z.string(),
  /** The pending challenge's `type` (`otp`, `redirect`, …). */
  challengeType: z.string(),
});
/** Authenticated: the data calls work. */
export const ActiveStatus = z.object({
  /** The connection can be read. */
  status: z.literal('active'),
  /** When the consent (PSD2 90/180 days) runs out: re-consent before this date. */
  consentExpiresAt: z.optional(IsoDate),
  /** When the provider last refreshed the data. */
  lastSyncedAt: z.optional(IsoDate),
});
/** Not usable: why, whether a retry can help, and what the user has to do. */
export const ErrorStatus = z.object({
  /** The connection failed or lapsed. */
  status: z.literal('error'),
  /** Why, in the one vocabulary of every provider. */
  reason: ErrorReason,
  /** From the reason table ({@link REASONS}): whether trying again later without the user can succeed. */
  retryable: z.boolean(),
  /** From the reason table: what has to happen before trying again. */
  userAction: UserAction,
  /** The provider's own state or code (e.g. Powens `wrongpass`, FlinksCode `DISABLED_LOGIN`). */
  providerState: z.optional(z.string()),
  /** A message meant for the end user, when the provider gives one. */
  message: z.optional(z.string()),
  /** When it makes sense to try again (rate limits, outages). */
  retryAfter: z.optional(IsoDate),
});

/** The normalized state of a connection: a discriminated union on `status`. */
export const ConnectionStatus = z.discriminatedUnion('status', [
  NewStatus,
  AuthenticatingStatus,
  ChallengeStatus,
  ActiveStatus,
  ErrorStatus,
]);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;
export type ErrorStatus = z.infer<typeof ErrorStatus>;
export type ActiveStatus = z.infer<typeof ActiveStatus>;

/** Builds the `error` status for a reason, taking retryable and userAction from the reason table. */
export function errorStatus(
  reason: ErrorReason,
  extra: { providerState?: string; message?: string; retryAfter?: string } = {},
): ErrorStatus {
  const info = REASONS[reason];
  return { status: 'error', reason, retryable: info.retryable, userAction: info.userAction, ...extra };
}
