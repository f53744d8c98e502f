/**
 * Polybank as the Web Flow server: walks an operation's chain of steps (Next Step's
 * USERNAME_PASSWORD_AUTH, LOGIN_SCA, SMS_KEY, APPROVAL_SCA, CONSENT), calling the Data
 * Adapter the way Web Flow does and turning each page Web Flow would show into a
 * challenge. A failed try re-yields the same challenge (the user's new answer, as Web
 * Flow lets the user try again) until the bank blocks or the step's tries run out.
 */
import { ProviderResponseError } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import type { ChallengeSpec, AdapterContext, Step } from '../../core/provider.js';
import * as da from './client.js';
import {
  BLOCKED_TEXT,
  EXPIRED_TEXT,
  FAILED_TEXT,
  NOT_SAVED_TEXT,
  UNDELIVERED_TEXT,
  attemptsText,
  verdict,
  type Verdict,
} from './mapping.js';
import { atLeast, type Settings } from './options.js';
import type { AccountStatus } from './schemas.js';
import { isApproval, refFrom, type AuthMethod, type Phase, type PowerAuthRef, type State, type StoredConsentOption } from './session.js';

export type PowerAuthStep = Step<State, PowerAuthRef>;

/** One call's context: HTTP and helpers, the factory's settings, the sealed AFS cookies. */
export interface Env {
  ctx: AdapterContext;
  settings: Settings;
  afsExtras: Record<string, string>;
}

/** How a verification went, whatever the endpoint and version said. */
interface Attempt {
  verdict: Verdict;
  remaining?: number | null | undefined;
  show?: boolean | null | undefined;
  accountStatus?: AccountStatus | null | undefined;
  expired?: boolean;
}

type Factor = 'password' | 'sms';

// ---------------------------------------------------------------- challenges

function challenge(state: State, spec: ChallengeSpec): PowerAuthStep {
  return { kind: 'challenge', state, challenge: spec };
}

function identifyChallenge(state: State, message?: string): ChallengeSpec {
  const method = state.steps[0];
  const username = { name: 'username', label: 'Username', kind: 'text' as const, secret: false, required: true };
  const password = { name: 'password', label: 'Password', kind: 'password' as const, secret: true, required: true };
  // LOGIN_SCA asks the username alone; the password comes with the SMS code (Web Flow's SCA login).
  const fields = method === 'LOGIN_SCA' ? [username] : state.usernameGiven ? [password] : [username, password];
  return { type: 'credentials', fields, ...(message ? { message } : {}) };
}

function passwordChallenge(message?: string): ChallengeSpec {
  return {
    type: 'credentials',
    fields: [{ name: 'password', label: 'Password', kind: 'password', secret: true, required: true }],
    ...(message ? { message } : {}),
  };
}

/** What the user is asked to approve (dynamic linking: the payment's summary). */
function summary(state: State): string | undefined {
  const formData = state.operation.formData as { summary?: { message?: unknown } } | null | undefined;
  const message = formData?.summary?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function otpChallenge(env: Env, state: State, extra: { message?: string; remainingAttempts?: number } = {}): ChallengeSpec {
  const at = state.at as Extract<Phase, { kind: 'otp' }>;
  const length = env.settings.otpLength;
  const message = extra.message ?? summary(state);
  return {
    type: 'otp',
    channel: 'sms',
    label: 'SMS authorization code',
    length,
    pattern: `[0-9]{${length}}`,
    canResend: true,
    passwordRequired: at.withPassword,
    expiresAt: at.expiresAt,
    ...(extra.remainingAttempts !== undefined ? { remainingAttempts: extra.remainingAttempts } : {}),
    ...(message ? { message } : {}),
  };
}

function consentChallenge(at: Extract<Phase, { kind: 'consent' }>, errors: { message?: string; options?: Record<string, string> } = {}): ChallengeSpec {
  return {
    type: 'consent',
    text: at.html,
    options: at.options.map((o) => {
      const checked = (o.value ?? o.defaultValue) === 'CHECKED';
      const error = errors.options?.[o.id];
      return { id: o.id, label: o.descriptionHtml ?? o.id, required: o.required === true, defaultChecked: checked, ...(error ? { error } : {}) };
    }),
    ...(errors.message ? { error: errors.message } : {}),
  };
}

// ---------------------------------------------------------------- walking the steps

/** Enters the current step (and the next ones that need nobody) until a challenge or the end. */
export async function enter(env: Env, state: State): Promise<PowerAuthStep> {
  for (;;) {
    state.fails = 0;
    const method = state.steps[0];
    switch (method) {
      case undefined:
        return finish(env, state);
      case 'USERNAME_PASSWORD_AUTH':
        state.at = { kind: 'identify' };
        return challenge(state, identifyChallenge(state));
      case 'LOGIN_SCA':
        if (state.username === undefined) {
          state.at = { kind: 'identify' };
          return challenge(state, identifyChallenge(state));
        }
        return beginFactors(env, state, method);
      case 'SMS_KEY':
      case 'APPROVAL_SCA':
        return beginFactors(env, state, method);
      case 'CONSENT': {
        const step = await beginConsent(env, state);
        if (step) return step;
        state.steps.shift();
        continue;
      }
    }
  }
}

/** The current step succeeded: tell the AFS, move on. */
async function stepDone(env: Env, state: State, factors: Factor[]): Promise<PowerAuthStep> {
  await afsAuth(env, state, factors, 'CONFIRMED');
  state.steps.shift();
  return enter(env, state);
}

async function finish(env: Env, state: State): Promise<PowerAuthStep> {
  if (!state.userId || state.known !== true) {
    // Unreachable by design (an unknown user fails every factor); never link a user nobody authenticated.
    throw new ProviderResponseError('powerauth', 'operation/change', 'userId', 'the operation completed without an authenticated user');
  }
  state.at = { kind: 'none' };
  state.done = true;
  await notify(env, 'operation/change', () => da.operationChange(env.ctx, env.settings, state, 'DONE'));
  if (state.afs?.loginAuth) await notify(env, 'afs/action/execute', () => da.afsExecute(env.ctx, env.settings, state, afsParams(env, state, 'LOGOUT', [], null, 'DONE')));
  return { kind: 'active', state, ref: refFrom(state) };
}

/** Notifications are best effort, as in Web Flow: a failure is logged, never fatal. */
async function notify(env: Env, endpoint: string, call: () => Promise<da.Outcome<unknown>>): Promise<void> {
  try {
    const outcome = await call();
    if (!outcome.ok) throw da.failure(env.ctx, outcome);
  } catch (error) {
    const message = env.ctx.secrets.redactString(String((error as Error)?.message ?? error));
    log(env.ctx.log, 'warn', { provider: 'powerauth', endpoint, error: message }, 'polybank: powerauth notification failed');
  }
}

// ---------------------------------------------------------------- user

/** `user/lookup`: an unknown or blocked user continues on the fake path (never revealed). */
async function identifyUser(env: Env, state: State): Promise<void> {
  delete state.userId;
  delete state.accountStatus;
  const outcome = await da.lookup(env.ctx, env.settings, state, state.username ?? '');
  if (!outcome.ok) {
    if (outcome.error.code !== 'USER_NOT_FOUND') throw da.failure(env.ctx, outcome);
    state.known = false;
    return;
  }
  const user = outcome.data;
  // The sample adapter may answer a miss with a null id instead of USER_NOT_FOUND.
  if (!user.id) {
    state.known = false;
    return;
  }
  state.userId = user.id;
  if (user.organizationId) state.organizationId = user.organizationId;
  state.accountStatus = user.accountStatus ?? 'ACTIVE';
  state.known = state.accountStatus === 'ACTIVE';
}

// ---------------------------------------------------------------- factors (password, SMS)

/** Which factors a step asks, after the AFS had its say (step-up or step-down). */
async function beginFactors(env: Env, state: State, method: AuthMethod): Promise<PowerAuthStep> {
  if (method === 'LOGIN_SCA' && state.known === undefined) await identifyUser(env, state);
  // Web Flow's defaults: SCA steps are SMS + password together; SMS_KEY follows a password step.
  let sms = true;
  let password = method !== 'SMS_KEY';
  const options = await afsInit(env, state, method);
  if (options) ({ sms, password } = options);
  if (!sms && !password) {
    // NO_FA: nothing to prove, unless nobody is known (an unknown user never passes).
    if (state.known === true) return stepDone(env, state, []);
    password = true;
  }
  if (sms) return sendCode(env, state, password, false);
  state.at = { kind: 'password' };
  return challenge(state, passwordChallenge());
}

/** `sms/create` (the bank generates and sends the code), or the fake page for an unknown user. */
export async function sendCode(env: Env, state: State, withPassword: boolean, resend: boolean): Promise<PowerAuthStep> {
  const expiresAt = new Date(env.ctx.now() + env.settings.otpTtlMs).toISOString();
  if (state.known !== true) {
    state.at = { kind: 'otp', messageId: null, withPassword, expiresAt, delivered: true };
    return challenge(state, otpChallenge(env, state));
  }
  if (!env.ctx.interactive) throw env.ctx.fail('sca_required', 'an SMS code is needed: run authenticate() with the user present');
  const method = state.steps[0] ?? 'SMS_KEY';
  const created = da.orThrow(env.ctx, await da.smsCreate(env.ctx, env.settings, state, method, resend));
  const delivered = created.smsDeliveryResult !== 'FAILED';
  state.at = { kind: 'otp', messageId: created.messageId, withPassword, expiresAt, delivered };
  // Not delivered: Web Flow shows the failure and lets the user ask for a new code.
  return challenge(state, otpChallenge(env, state, delivered ? {} : { message: UNDELIVERED_TEXT }));
}

/** A password check (`user/authenticate`), the same for a known user and the fake path. */
async function checkPassword(env: Env, state: State, password: string): Promise<Attempt> {
  if (atLeast(env.settings.version, 0, 22) && state.known !== true) return { verdict: 'failed' };
  const outcome = await da.authenticate(env.ctx, env.settings, state, password);
  if (!outcome.ok) {
    // ≤0.21 reports a failed authentication (or an unknown username) as an error.
    if (outcome.error.code === 'AUTHENTICATION_FAILED' || outcome.error.code === 'USER_NOT_FOUND') {
      return { verdict: 'failed', remaining: outcome.error.remainingAttempts, show: typeof outcome.error.remainingAttempts === 'number' };
    }
    throw da.failure(env.ctx, outcome);
  }
  const body = outcome.data;
  if ('userId' in body && !('authenticationResult' in body)) {
    state.userId = body.userId;
    state.known = true;
    return { verdict: 'succeeded' };
  }
  const result = body as Extract<typeof body, { authenticationResult: unknown }>;
  if (!atLeast(env.settings.version, 0, 22)) {
    const id = result.userDetail?.id;
    if (id) state.userId = id;
  }
  const ok = verdict(result.authenticationResult);
  if (ok === 'succeeded' && !atLeast(env.settings.version, 0, 22)) state.known = Boolean(state.userId);
  return { verdict: ok, remaining: result.remainingAttempts, show: result.showRemainingAttempts, accountStatus: result.accountStatus };
}

/** `sms/verify` or `sms/password/verify`; on the fake path nothing is sent and the answer fails. */
async function checkCode(env: Env, state: State, code: string, password: string | undefined): Promise<Attempt> {
  const at = state.at as Extract<Phase, { kind: 'otp' }>;
  if (state.known !== true || at.messageId === null) return { verdict: 'failed', expired: env.ctx.now() > Date.parse(at.expiresAt) };
  if (at.withPassword) {
    const outcome = await da.smsPasswordVerify(env.ctx, env.settings, state, at.messageId, code, password ?? '');
    if (!outcome.ok) {
      if (outcome.error.code === 'SMS_AUTHORIZATION_FAILED' || outcome.error.code === 'AUTHENTICATION_FAILED') {
        return { verdict: 'failed', remaining: outcome.error.remainingAttempts, show: typeof outcome.error.remainingAttempts === 'number' };
      }
      throw da.failure(env.ctx, outcome);
    }
    const r = outcome.data;
    const both = verdict(r.smsAuthorizationResult) === 'succeeded' && verdict(r.userAuthenticationResult) === 'succeeded';
    return { verdict: both ? 'succeeded' : 'failed', remaining: r.remainingAttempts, show: r.showRemainingAttempts, accountStatus: r.accountStatus, expired: r.errorMessage === 'smsAuthorization.expired' };
  }
  const outcome = await da.smsVerify(env.ctx, env.settings, state, at.messageId, code);
  if (!outcome.ok) {
    if (outcome.error.code === 'SMS_AUTHORIZATION_FAILED') {
      return { verdict: 'failed', remaining: outcome.error.remainingAttempts, show: typeof outcome.error.remainingAttempts === 'number' };
    }
    throw da.failure(env.ctx, outcome);
  }
  // ≤0.21 answers a success with `responseObject: null`.
  if (outcome.data === null) return { verdict: 'succeeded' };
  const r = outcome.data;
  return { verdict: verdict(r.smsAuthorizationResult), remaining: r.remainingAttempts, show: r.showRemainingAttempts, expired: r.errorMessage === 'smsAuthorization.expired' };
}

/**
 * A failed try: the bank's block ends the flow (`account_locked`), so do the step's
 * tries running out; otherwise the same challenge comes back for the user's next answer.
 */
function failedTry(env: Env, state: State, attempt: Attempt, kind: 'password' | 'sms' | 'combined'): PowerAuthStep {
  const { ctx, settings } = env;
  if (attempt.remaining === 0 || attempt.accountStatus === 'NOT_ACTIVE') {
    const code = attempt.remaining === 0 ? 'ATTEMPTS_EXHAUSTED' : 'NOT_ACTIVE';
    throw ctx.fail('account_locked', `the bank blocked the ${kind === 'password' ? 'password' : 'authorization'} after failed attempts`, { providerCode: code, userMessage: BLOCKED_TEXT });
  }
  state.fails += 1;
  const left = settings.maxAttempts - state.fails;
  if (left <= 0) {
    const password = kind === 'password';
    throw ctx.fail(password ? 'invalid_credentials' : 'auth_rejected', `${settings.maxAttempts} failed attempts`, {
      providerCode: password ? 'AUTHENTICATION_FAILED' : 'SMS_AUTHORIZATION_FAILED',
      userMessage: FAILED_TEXT,
    });
  }
  // Web Flow shows the lower of the bank's count and its own, and only when the bank says so.
  const remaining = attempt.show && typeof attempt.remaining === 'number' ? Math.min(attempt.remaining, left) : undefined;
  switch (state.at.kind) {
    case 'otp':
      return challenge(state, otpChallenge(env, state, { message: attempt.expired ? EXPIRED_TEXT : FAILED_TEXT, ...(remaining !== undefined ? { remainingAttempts: remaining } : {}) }));
    case 'password':
      return challenge(state, passwordChallenge(attemptsText(remaining)));
    default:
      return challenge(state, identifyChallenge(state, attemptsText(remaining)));
  }
}

// ---------------------------------------------------------------- answers

export async function answerIdentify(env: Env, state: State, values: Record<string, string>): Promise<PowerAuthStep> {
  const method = state.steps[0];
  if (values.username !== undefined && !state.usernameGiven && values.username !== state.username) {
    state.username = values.username;
    delete state.known;
    delete state.userId;
  }
  if (method === 'LOGIN_SCA') return beginFactors(env, state, method);
  const password = values.password ?? '';
  if (atLeast(env.settings.version, 0, 22)) {
    if (state.known === undefined) {
      await identifyUser(env, state);
      await afsInit(env, state, 'USERNAME_PASSWORD_AUTH');
    }
  }
  const attempt = await checkPassword(env, state, password);
  if (attempt.verdict === 'succeeded') return stepDone(env, state, ['password']);
  if (state.known === true) await afsAuth(env, state, ['password'], 'AUTH_FAILED');
  return failedTry(env, state, attempt, 'password');
}

export async function answerPassword(env: Env, state: State, password: string): Promise<PowerAuthStep> {
  const attempt = await checkPassword(env, state, password);
  if (attempt.verdict === 'succeeded') return stepDone(env, state, ['password']);
  if (state.known === true) await afsAuth(env, state, ['password'], 'AUTH_FAILED');
  return failedTry(env, state, attempt, 'password');
}

export async function answerCode(env: Env, state: State, code: string, password: string | undefined): Promise<PowerAuthStep> {
  const at = state.at as Extract<Phase, { kind: 'otp' }>;
  const factors: Factor[] = at.withPassword ? ['password', 'sms'] : ['sms'];
  const attempt = await checkCode(env, state, code, password);
  if (attempt.verdict === 'succeeded') return stepDone(env, state, factors);
  if (state.known === true) await afsAuth(env, state, factors, 'AUTH_FAILED');
  return failedTry(env, state, attempt, at.withPassword ? 'combined' : 'sms');
}

// ---------------------------------------------------------------- consent

async function beginConsent(env: Env, state: State): Promise<PowerAuthStep | undefined> {
  const init = da.orThrow(env.ctx, await da.consentInit(env.ctx, env.settings, state));
  if (init.shouldDisplayConsentForm !== true) return undefined;
  const form = da.orThrow(env.ctx, await da.consentCreate(env.ctx, env.settings, state));
  const options = form.options.map(
    (o): StoredConsentOption => ({ id: o.id, descriptionHtml: o.descriptionHtml ?? null, required: o.required === true, defaultValue: o.defaultValue ?? 'NOT_CHECKED', value: o.value ?? null }),
  );
  const at: Extract<Phase, { kind: 'consent' }> = { kind: 'consent', html: form.consentHtml ?? '', options };
  state.at = at;
  return challenge(state, consentChallenge(at));
}

/** `consent/validate`, then `consent/save`; the bank's objections come back as a new consent challenge. */
export async function answerConsent(env: Env, state: State, answer: Record<string, boolean>): Promise<PowerAuthStep> {
  const at = state.at as Extract<Phase, { kind: 'consent' }>;
  const options: StoredConsentOption[] = at.options.map((o) => ({ ...o, value: answer[o.id] ? 'CHECKED' : 'NOT_CHECKED' }));
  const next: Extract<Phase, { kind: 'consent' }> = { ...at, options };
  const validation = da.orThrow(env.ctx, await da.consentValidate(env.ctx, env.settings, state, options));
  if (!validation.consentValidationPassed) {
    state.at = next;
    const errors: Record<string, string> = {};
    for (const r of validation.optionValidationResults ?? []) if (r.validationPassed !== true && r.errorMessage) errors[r.id] = r.errorMessage;
    return challenge(state, consentChallenge(next, { ...(validation.validationErrorMessage ? { message: validation.validationErrorMessage } : {}), options: errors }));
  }
  const saved = da.orThrow(env.ctx, await da.consentSave(env.ctx, env.settings, state, options));
  if (!saved.saveSucceeded) {
    // Web Flow: "processing OK but not saved now" → error.communication, the user may try again.
    state.at = next;
    return challenge(state, consentChallenge(next, { message: NOT_SAVED_TEXT }));
  }
  state.steps.shift();
  return enter(env, state);
}

// ---------------------------------------------------------------- anti-fraud

function afsParams(
  env: Env,
  state: State,
  action: da.AfsAction,
  instruments: Factor[],
  result: da.AfsParameters['authStepResult'],
  termination: da.AfsParameters['terminationReason'],
): da.AfsParameters {
  const afs = state.afs ?? { counts: {}, loginAuth: false, clientIpAddress: '' };
  // stepIndex: 1 + the earlier actions of the same type on this operation.
  const stepIndex = (afs.counts[action] ?? 0) + 1;
  afs.counts[action] = stepIndex;
  return {
    action,
    stepIndex,
    clientIpAddress: afs.clientIpAddress,
    username: action.startsWith('LOGIN') ? (state.username ?? null) : null,
    instruments,
    authStepResult: result,
    terminationReason: termination,
    extras: env.afsExtras,
  };
}

function approvalStep(state: State, method: AuthMethod | undefined): boolean {
  return method === 'APPROVAL_SCA' || (method === 'SMS_KEY' && isApproval(state.operation));
}

/** `*_INIT`: when the AFS applies its answer, its `authStepOptions` decide the factors. Errors fall back to 2FA. */
async function afsInit(env: Env, state: State, method: AuthMethod): Promise<{ sms: boolean; password: boolean } | undefined> {
  if (!env.settings.afs || !state.afs) return undefined;
  const action = approvalStep(state, method) ? 'APPROVAL_INIT' : 'LOGIN_INIT';
  try {
    const outcome = await da.afsExecute(env.ctx, env.settings, state, afsParams(env, state, action, [], null, null));
    if (!outcome.ok) throw da.failure(env.ctx, outcome);
    const r = outcome.data;
    // Only the password form's step can no longer drop the password: it was asked with the username.
    if (!r.afsResponseApplied || method === 'USERNAME_PASSWORD_AUTH') return undefined;
    return { sms: r.authStepOptions?.smsOtpRequired ?? true, password: r.authStepOptions?.passwordRequired ?? true };
  } catch (error) {
    if ((error as Error)?.name === 'AbortedError') throw error;
    // "AFS errors are not critical, Web Flow falls back to 2FA."
    const message = env.ctx.secrets.redactString(String((error as Error)?.message ?? error));
    log(env.ctx.log, 'warn', { provider: 'powerauth', endpoint: 'afs/action/execute', error: message }, 'polybank: powerauth AFS failed; falling back to 2FA');
    return undefined;
  }
}

/** `*_AUTH` after each try (informational). */
async function afsAuth(env: Env, state: State, factors: Factor[], result: 'CONFIRMED' | 'AUTH_FAILED'): Promise<void> {
  if (!env.settings.afs || !state.afs) return;
  const method = state.steps[0];
  if (method === 'CONSENT' || method === undefined) return;
  const action = approvalStep(state, method) ? 'APPROVAL_AUTH' : 'LOGIN_AUTH';
  const params = afsParams(env, state, action, factors, result, null);
  if (action === 'LOGIN_AUTH') state.afs.loginAuth = true;
  await notify(env, 'afs/action/execute', () => da.afsExecute(env.ctx, env.settings, state, params));
}

/** When the operation ends early: `operation/change` CANCELED or FAILED, and AFS LOGOUT after a login. */
export async function abandon(env: Env, state: State, change: 'CANCELED' | 'FAILED'): Promise<void> {
  const outcome = await da.operationChange(env.ctx, env.settings, state, change);
  if (state.afs?.loginAuth) {
    await notify(env, 'afs/action/execute', () => da.afsExecute(env.ctx, env.settings, state, afsParams(env, state, 'LOGOUT', [], null, change === 'FAILED' ? 'FAILED' : 'INTERRUPTED')));
  }
  if (!outcome.ok) throw da.failure(env.ctx, outcome);
}
