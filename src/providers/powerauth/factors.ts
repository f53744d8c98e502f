/**
 * The factors of an authentication step: the username lookup, the password, the SMS code
 * (with the password for SCA steps), the client certificate. A failed try re-yields the
 * same page (Web Flow lets the user try again) until the bank states a block or the
 * step's tries run out.
 *
 * Nobody learns which usernames exist: an unknown or blocked user goes on exactly as a
 * real user who types wrong codes. The same requests go out in the same order (for
 * nobody: no user id, so that no SMS can reach anyone and nothing is verified), every
 * answer fails, and what the app sees is built from polybank's own state only (the step's
 * tries, the code's deadline), never from a verification answer.
 */
import { uuid } from '../../provider.js';
import { afsAuth, afsInit, type Factor } from './afs.js';
import { challenge, identifyChallenge, otpChallenge, passwordChallenge } from './challenges.js';
import {
  authenticate,
  certificateVerify,
  lookup,
  methodInit,
  send,
  sendForNobody,
  smsCreate,
  smsPasswordVerify,
  smsSend,
  smsVerify,
  userOf,
  type Call,
} from './client.js';
import { atLeast } from './config.js';
import { randomCode, sameCode } from './crypto.js';
import { SEALED, type Env, type PowerAuthStep } from './env.js';
import { BLOCKED_TEXT, EXPIRED_TEXT, FAILED_TEXT, UNDELIVERED_TEXT, attemptsText, verdict, type Verdict } from './mapping.js';
import { common, type AuthMethod, type State, type StateIn } from './model.js';
import { passed, toPhase, type Outcome } from './outcome.js';
import type { AccountStatus } from './schemas.js';

/** How a verification went, as far as the flow may use it. */
interface Attempt {
  verdict: Verdict;
  /** The bank states a block of a user it knows: `accountStatus: NOT_ACTIVE` or `login.authenticationBlocked`. */
  accountStatus?: AccountStatus | null | undefined;
  blocked?: boolean;
}

const BLOCKED_KEY = 'login.authenticationBlocked';

/**
 * Web Flow's input limit for a password (`powerauth.webflow.input.password`): a longer one is
 * a failed try and is not sent. A bank would refuse it for a real user (INPUT_INVALID) and
 * skip it for nobody: sending it would tell them apart.
 */
const MAX_PASSWORD = 128;

/** Sends a call for the user, or for nobody; `undefined` is nobody's (unread) answer. */
async function sendAs<T>(env: Env, state: State, call: Call<T>): Promise<T | undefined> {
  if (state.known === false) {
    await sendForNobody(env.ctx, call);
    return undefined;
  }
  return send(env.ctx, call);
}

function expired(env: Env, state: StateIn<'otp'>): boolean {
  return env.ctx.now() > Date.parse(state.expiresAt);
}

function own(values: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

// ---------------------------------------------------------------- user

/** `user/lookup`: a user that is unknown or not active is nobody from now on (never revealed). */
async function identifyUser(env: Env, state: State): Promise<void> {
  delete state.userId;
  delete state.accountStatus;
  const user = await send(env.ctx, lookup(env.settings, state, { username: state.username ?? '' }));
  // The sample adapter may answer a miss with a null id instead of USER_NOT_FOUND.
  if (!user?.id || (user.accountStatus ?? 'ACTIVE') !== 'ACTIVE') {
    state.known = false;
    return;
  }
  state.userId = user.id;
  state.accountStatus = 'ACTIVE';
  if (user.organizationId) state.organizationId = user.organizationId;
  state.known = true;
}

// ---------------------------------------------------------------- certificate (LOGIN_SCA, 0.24+)

/**
 * Web Flow's certificate login: when the bank enables it for the SCA login
 * (`auth/method/init`), the user found by the certificate (`user/lookup`) and the
 * certificate verified (`auth/certificate/verify`) pass the step. Otherwise the login
 * goes on with the username; a certificate the bank refused counts as a failed try.
 */
export async function certificateLogin(env: Env, state: StateIn<'start'>, certificate: string): Promise<Outcome | undefined> {
  if (!atLeast(env.settings.version, 0, 24)) return undefined;
  const init = await send(env.ctx, methodInit(env.settings, state, userOf(state), 'LOGIN_SCA'));
  if (init.certificateAuthenticationMode !== 'ENABLED') return undefined;
  const user = await send(env.ctx, lookup(env.settings, state, { clientCertificate: certificate }));
  if (user?.id && (user.accountStatus ?? 'ACTIVE') === 'ACTIVE') {
    const found: State = { ...state, userId: user.id, accountStatus: 'ACTIVE', known: true, ...(user.organizationId ? { organizationId: user.organizationId } : {}) };
    const result = await send(env.ctx, certificateVerify(env.settings, found, userOf(found), 'LOGIN_SCA', certificate));
    if (verdict(result.certificateVerificationResult) === 'succeeded') return passed(found, ['certificate']);
    locked(env, found, { verdict: 'failed', accountStatus: result.accountStatus, blocked: result.errorMessage === BLOCKED_KEY });
  }
  state.fails += 1;
  return state.username === undefined ? challenge(toPhase(state, 'identify'), identifyChallenge(state, { message: FAILED_TEXT })) : undefined;
}

// ---------------------------------------------------------------- factors (password, SMS)

/** Which factors a step asks, after the AFS had its say (step-up or step-down). */
export async function beginFactors(env: Env, state: State, method: AuthMethod): Promise<Outcome> {
  if (method === 'LOGIN_SCA' && state.known === undefined) await identifyUser(env, state);
  // Web Flow's defaults: SCA steps are SMS + password together; SMS_KEY follows a password step.
  let sms = true;
  let password = method !== 'SMS_KEY';
  const options = await afsInit(env, state, method);
  if (options) ({ sms, password } = options);
  if (!sms && !password) {
    // NO_FA: nothing to prove, unless nobody is known (nobody never passes; nobody's AFS answer is not read anyway).
    if (state.known === true) return passed(state, []);
    password = true;
  }
  if (sms) return sendCode(env, state, password, false);
  const next = toPhase(state, 'password');
  return challenge(next, passwordChallenge());
}

/**
 * A new SMS code: `sms/create` (the bank makes it) or `sms/send` (polybank makes it, the
 * bank delivers it). For nobody the same request goes out without a user id.
 */
export async function sendCode(env: Env, state: State, withPassword: boolean, resend: boolean): Promise<PowerAuthStep> {
  const { ctx, settings } = env;
  if (!ctx.interactive) throw ctx.fail('sca_required', 'an SMS code is needed: run authenticate() with the user present');
  const expiresAt = new Date(ctx.now() + settings.otpTtlMs).toISOString();
  const method = state.steps[0] ?? 'SMS_KEY';
  const user = userOf(state);
  let messageId: string = uuid();
  let delivered = true;
  let sealed: Record<string, string> | undefined;
  if (settings.otpGeneration === 'polybank') {
    // Nobody gets a code too (never sent to anyone): the sealed values look the same.
    const code = randomCode(settings.otpLength);
    ctx.secrets.add(code);
    sealed = { [SEALED.code]: code };
    const sent = await sendAs(env, state, smsSend(settings, state, user, method, { messageId, code, resend }));
    if (sent) delivered = sent.smsDeliveryResult !== 'FAILED';
  } else {
    const sent = await sendAs(env, state, smsCreate(settings, state, user, method, resend));
    if (sent) {
      messageId = sent.messageId;
      delivered = sent.smsDeliveryResult !== 'FAILED';
    }
  }
  const next: StateIn<'otp'> = { ...common(state), phase: 'otp', messageId, withPassword, expiresAt, delivered };
  // Not delivered: Web Flow shows the failure and lets the user ask for a new code.
  return challenge(next, otpChallenge(env, next, delivered ? {} : { message: UNDELIVERED_TEXT }), sealed);
}

/** A password check (`user/authenticate`); nobody's fails without its answer being read. */
async function checkPassword(env: Env, state: State, password: string, smsResult: string | null = null): Promise<Attempt> {
  const { ctx, settings } = env;
  if (password.length > MAX_PASSWORD) return { verdict: 'failed' };
  const body = await sendAs(env, state, await authenticate(ctx, settings, state, userOf(state), password, smsResult));
  if (!body) return { verdict: 'failed' };
  const result = verdict(body.result);
  // Before 0.22 there is no lookup: the user is whom the bank names on success.
  if (result === 'succeeded' && !atLeast(settings.version, 0, 22) && body.userId) {
    state.userId = body.userId;
    state.known = true;
  }
  return { verdict: result, accountStatus: body.accountStatus, blocked: body.errorMessage === BLOCKED_KEY };
}

/** The code (with the password when the step asks it): the bank checks it, or polybank does for its own codes. */
async function checkCode(env: Env, state: StateIn<'otp'>, code: string, password: string | undefined): Promise<Attempt> {
  const { ctx, settings } = env;
  const user = userOf(state);
  if (settings.otpGeneration === 'polybank') {
    const right = state.known !== false && !expired(env, state) && env.code !== undefined && sameCode(code, env.code);
    if (!state.withPassword) return { verdict: right ? 'succeeded' : 'failed' };
    // Next Step's combined check: the password goes to the bank with the code's result, right or wrong.
    const attempt = await checkPassword(env, state, password ?? '', right ? 'SUCCEEDED' : 'FAILED');
    return { ...attempt, verdict: right && attempt.verdict === 'succeeded' ? 'succeeded' : 'failed' };
  }
  if (state.withPassword) {
    if ((password ?? '').length > MAX_PASSWORD) return { verdict: 'failed' };
    const r = await sendAs(env, state, await smsPasswordVerify(ctx, settings, state, user, { messageId: state.messageId, code }, password ?? ''));
    if (!r) return { verdict: 'failed' };
    const both = verdict(r.smsAuthorizationResult) === 'succeeded' && verdict(r.userAuthenticationResult) === 'succeeded';
    return { verdict: both ? 'succeeded' : 'failed', accountStatus: r.accountStatus, blocked: r.errorMessage === BLOCKED_KEY };
  }
  const r = await sendAs(env, state, smsVerify(settings, state, user, state.messageId, code));
  if (!r) return { verdict: 'failed' };
  return { verdict: verdict(r.smsAuthorizationResult), blocked: r.errorMessage === BLOCKED_KEY };
}

/**
 * A block the bank states about a user it knows ends the flow (`account_locked`). A
 * count reaching zero is no block: `remainingAttempts: 0` on one SMS message while the
 * account is ACTIVE only means that code is spent (the user may ask for a new one).
 */
function locked(env: Env, state: State, attempt: Attempt): void {
  if (state.known === false) return;
  if (attempt.accountStatus !== 'NOT_ACTIVE' && !attempt.blocked) return;
  throw env.ctx.fail('account_locked', 'the bank blocked the user after failed attempts', {
    providerCode: attempt.accountStatus === 'NOT_ACTIVE' ? 'NOT_ACTIVE' : 'AUTHENTICATION_BLOCKED',
    userMessage: BLOCKED_TEXT,
  });
}

/**
 * A failed try: the same page comes back, until the step's tries run out. What it shows
 * (the generic failure, the code's expiry, the tries left) is polybank's own.
 */
function failedTry(env: Env, state: State, attempt: Attempt, kind: 'password' | 'sms'): PowerAuthStep {
  const { ctx, settings } = env;
  locked(env, state, attempt);
  state.fails += 1;
  const left = settings.maxAttempts - state.fails;
  if (left <= 0) {
    const password = kind === 'password';
    throw ctx.fail(password ? 'invalid_credentials' : 'auth_rejected', `${settings.maxAttempts} failed attempts`, {
      providerCode: password ? 'AUTHENTICATION_FAILED' : 'SMS_AUTHORIZATION_FAILED',
      userMessage: FAILED_TEXT,
    });
  }
  const remaining = settings.showRemainingAttempts ? { remainingAttempts: left } : {};
  switch (state.phase) {
    case 'otp':
      return challenge(state, otpChallenge(env, state, { message: expired(env, state) ? EXPIRED_TEXT : FAILED_TEXT, ...remaining }));
    case 'password':
      return challenge(state, passwordChallenge({ message: attemptsText(remaining.remainingAttempts), ...remaining }));
    default:
      return challenge(toPhase(state, 'identify'), identifyChallenge(state, { message: attemptsText(remaining.remainingAttempts), ...remaining }));
  }
}

async function settleTry(env: Env, state: State, attempt: Attempt, factors: Factor[], kind: 'password' | 'sms'): Promise<Outcome> {
  if (attempt.verdict === 'succeeded') return passed(state, factors);
  await afsAuth(env, state, factors, 'AUTH_FAILED');
  return failedTry(env, state, attempt, kind);
}

// ---------------------------------------------------------------- answers

export async function answerIdentify(env: Env, state: StateIn<'identify'>, values: Readonly<Record<string, string>>): Promise<Outcome> {
  const method = state.steps[0];
  const username = own(values, 'username');
  if (username !== undefined && !state.usernameGiven && username !== state.username) {
    state.username = username;
    delete state.known;
    delete state.userId;
    delete state.accountStatus;
  }
  if (method === 'LOGIN_SCA') return beginFactors(env, toPhase(state, 'start'), method);
  if (atLeast(env.settings.version, 0, 22) && state.known === undefined) {
    await identifyUser(env, state);
    await afsInit(env, state, 'USERNAME_PASSWORD_AUTH');
  }
  const attempt = await checkPassword(env, state, own(values, 'password') ?? '');
  return settleTry(env, state, attempt, ['password'], 'password');
}

export async function answerPassword(env: Env, state: StateIn<'password'>, password: string): Promise<Outcome> {
  const attempt = await checkPassword(env, state, password);
  return settleTry(env, state, attempt, ['password'], 'password');
}

export async function answerCode(env: Env, state: StateIn<'otp'>, code: string, password: string | undefined): Promise<Outcome> {
  const factors: Factor[] = state.withPassword ? ['password', 'sms'] : ['sms'];
  const attempt = await checkCode(env, state, code, password);
  return settleTry(env, state, attempt, factors, 'sms');
}
