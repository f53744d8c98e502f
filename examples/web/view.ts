/**
 * What the browser may see of a link: the one place where server-side objects become JSON for
 * the page, field by field. Never `progress.ref` (a Fintecture refresh token), never the
 * authentication id (the browser's session cookie stands for it), never an account's raw
 * provider object or its connection id, never an error's internals: only what the person
 * needs to act.
 */
import { isConnectionError, isConflictError, isInvalidAnswerError, isPolybankError, type Account, type AuthProgress, type ChallengeData } from 'polybank';
import type { Notes } from './sandbox.js';

export type LinkState = 'idle' | 'challenge' | 'waiting' | 'redirect' | 'active' | 'failed' | 'cancelled';

export interface BrowserAccount {
  name: string;
  type: string;
  currency: string;
  balance: string | null;
  iban: string | null;
}

export interface BrowserError {
  /** The provider's text for the person when it has one, else the app's own for the reason. */
  message: string;
  reason: string;
  userAction: string;
  retryable: boolean;
}

export interface View {
  state: LinkState;
  provider?: string;
  case?: string;
  challenge?: ChallengeData;
  accounts?: BrowserAccount[];
  error?: BrowserError;
  /** An answer the SDK refused before sending anything: which field, and why. */
  invalid?: Array<{ path: string; message: string }>;
  /** A one-line notice ("A new code was sent"). */
  notice?: string;
  /** The simulated person's side (sandbox only). */
  sandbox?: Notes;
}

/** The app's words for each reason, when the provider gave none for the person. */
const REASON_TEXT: Record<string, string> = {
  invalid_credentials: 'The bank did not accept these credentials. Check them and try again.',
  password_expired: 'Your password has expired: renew it on your bank’s website, then try again.',
  action_needed: 'Your bank needs you to do something on its website or app first.',
  sca_required: 'Your bank needs you to confirm it is you.',
  auth_rejected: 'The bank refused the authentication.',
  auth_expired: 'This took too long and expired. Start again.',
  rate_limited: 'The bank is busy. Try again in a few minutes.',
  provider_unavailable: 'The bank cannot be reached right now. Try again later.',
  provider_bug: 'Something went wrong on the bank’s side. Try again later.',
  consent_expired: 'Your consent has expired: link your bank again.',
  account_locked: 'Your access is blocked at the bank. Contact your bank.',
  cancelled: 'The link was cancelled.',
  unknown: 'Something unexpected happened. Try again later.',
};

/** The challenge as the page renders it: its own fields only (the SDK's challenge data is secret-free by design). */
function challengeView(challenge: ChallengeData): ChallengeData {
  const { id, provider, type, expiresAt, message } = challenge;
  const base = { id, provider, ...(expiresAt ? { expiresAt } : {}), ...(message ? { message } : {}) };
  switch (challenge.type) {
    case 'credentials':
      return { ...base, type: 'credentials', fields: challenge.fields, ...(challenge.remainingAttempts !== undefined ? { remainingAttempts: challenge.remainingAttempts } : {}) };
    case 'otp': {
      const { channel, label, length, pattern, remainingAttempts, canResend, passwordRequired } = challenge;
      return { ...base, type: 'otp', channel, canResend, passwordRequired, ...(label ? { label } : {}), ...(length ? { length } : {}), ...(pattern ? { pattern } : {}), ...(remainingAttempts !== undefined ? { remainingAttempts } : {}) };
    }
    case 'questions':
      return { ...base, type: 'questions', prompts: challenge.prompts };
    case 'choice':
      return { ...base, type: 'choice', prompt: challenge.prompt, kind: challenge.kind, options: challenge.options, multiple: challenge.multiple, ...(challenge.methods ? { methods: challenge.methods } : {}) };
    case 'decoupled':
      // The app-to-app link is for the person's phone; this page renders no QR code, so qrCode stays here.
      return { ...base, type: 'decoupled', channel: challenge.channel, ...(challenge.appUrl ? { appUrl: challenge.appUrl } : {}) };
    case 'redirect':
      return { ...base, type: 'redirect', url: challenge.url };
    case 'consent':
      return { ...base, type: 'consent', text: challenge.text, options: challenge.options, ...(challenge.error ? { error: challenge.error } : {}) };
  }
  // Exhaustive above; a new challenge type must be added here before it reaches a browser.
  throw new TypeError(`no browser view for challenge type ${type as string}`);
}

/** Where a progress stands, as the page sees it (accounts are added once active). */
export function progressView(progress: AuthProgress): View {
  const challenge = progress.challenge;
  if (progress.status.status === 'active') return { state: 'active', provider: progress.provider };
  if (!challenge) return { state: 'failed', provider: progress.provider, error: errorOf('unknown') };
  const state: LinkState = challenge.type === 'decoupled' ? 'waiting' : challenge.type === 'redirect' ? 'redirect' : 'challenge';
  return { state, provider: progress.provider, challenge: challengeView(challenge) };
}

export function accountsView(accounts: readonly Account[]): BrowserAccount[] {
  return accounts.map((a) => ({
    name: a.name,
    type: a.type,
    currency: a.currency,
    balance: a.balances.current?.amount ?? a.balances.available?.amount ?? null,
    iban: a.iban ?? null,
  }));
}

function errorOf(reason: string, userMessage?: string, userAction = 'contact_support', retryable = false): BrowserError {
  return { message: userMessage ?? REASON_TEXT[reason] ?? REASON_TEXT.unknown!, reason, userAction, retryable };
}

/**
 * A thrown error as the page sees it. A refused answer keeps the step (nothing was sent) and
 * says which field; a ConflictError keeps it too (another request is on it); a connection
 * error ends the link with the provider's words for the person; anything else is told
 * without its details, which stay in the server's log.
 */
export function errorView(error: unknown, current: View): { status: number; view: View } {
  if (isInvalidAnswerError(error)) return { status: 422, view: { ...current, invalid: error.issues.map((i) => ({ path: i.path, message: i.message })) } };
  if (isConflictError(error)) return { status: 409, view: { ...current, notice: 'This step is already being processed.' } };
  if (isConnectionError(error)) {
    const state: LinkState = error.reason === 'cancelled' ? 'cancelled' : 'failed';
    return { status: 200, view: { state, ...(current.provider ? { provider: current.provider } : {}), error: errorOf(error.reason, error.userMessage, error.userAction, error.retryable) } };
  }
  const reason = isPolybankError(error) && error.retryable ? 'provider_unavailable' : 'unknown';
  return { status: isPolybankError(error) ? 502 : 500, view: { state: 'failed', ...(current.provider ? { provider: current.provider } : {}), error: errorOf(reason, undefined, 'none', reason !== 'unknown') } };
}
