/**
 * The pages Web Flow would show, as challenges. Everything in them comes from polybank's
 * own state (the step, its tries, the code's deadline) or from the bank's form texts,
 * never from a verification answer: so they read the same for every user.
 */
import type { ChallengeSpec } from '../../provider.js';
import type { Env, PowerAuthStep } from './env.js';
import type { State, StateIn } from './model.js';

export function challenge(state: State, spec: ChallengeSpec, sealed?: Record<string, string>): PowerAuthStep {
  return { kind: 'challenge', state, challenge: spec, ...(sealed ? { sealed } : {}) };
}

const USERNAME = { name: 'username', label: 'Username', kind: 'text' as const, secret: false, required: true };
const PASSWORD = { name: 'password', label: 'Password', kind: 'password' as const, secret: true, required: true };

export interface Retry {
  message?: string;
  remainingAttempts?: number;
}

function retry(extra: Retry): Retry {
  return {
    ...(extra.message ? { message: extra.message } : {}),
    ...(extra.remainingAttempts !== undefined ? { remainingAttempts: extra.remainingAttempts } : {}),
  };
}

export function identifyChallenge(state: State, extra: Retry = {}): ChallengeSpec {
  // LOGIN_SCA asks the username alone; the password comes with the SMS code (Web Flow's SCA login).
  const fields = state.steps[0] === 'LOGIN_SCA' ? [USERNAME] : state.usernameGiven ? [PASSWORD] : [USERNAME, PASSWORD];
  return { type: 'credentials', fields, ...retry(extra) };
}

export function passwordChallenge(extra: Retry = {}): ChallengeSpec {
  return { type: 'credentials', fields: [PASSWORD], ...retry(extra) };
}

/** What the user is asked to approve (dynamic linking: the payment's summary). */
function summary(state: State): string | undefined {
  const formData = state.operation.formData as { summary?: { message?: unknown } } | null | undefined;
  const message = formData?.summary?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

export function otpChallenge(env: Env, state: StateIn<'otp'>, extra: Retry = {}): ChallengeSpec {
  const length = env.settings.otpLength;
  const message = extra.message ?? summary(state);
  return {
    type: 'otp',
    channel: 'sms',
    label: 'SMS authorization code',
    length,
    pattern: `[0-9]{${length}}`,
    canResend: true,
    passwordRequired: state.withPassword,
    expiresAt: state.expiresAt,
    ...retry({ ...extra, ...(message ? { message } : {}) }),
  };
}

export interface ConsentErrors {
  message?: string;
  /** Per option id (a Map: an id such as `constructor` is never an inherited property). */
  options?: ReadonlyMap<string, string>;
}

export function consentChallenge(state: StateIn<'consent'>, errors: ConsentErrors = {}): ChallengeSpec {
  return {
    type: 'consent',
    text: state.html,
    options: state.options.map((o) => {
      const error = errors.options?.get(o.id);
      return { id: o.id, label: o.descriptionHtml ?? o.id, required: o.required, defaultChecked: (o.value ?? o.defaultValue) === 'CHECKED', ...(error ? { error } : {}) };
    }),
    ...(errors.message ? { error: errors.message } : {}),
  };
}
