/**
 * The anti-fraud system (ThreatMark through `afs/action/execute`, ≥0.23), as Web Flow
 * drives it: `*_INIT` when a step starts (its answer may step the factors up or down),
 * `*_AUTH` after each try, `LOGOUT` when the operation ends after a login. Errors are
 * not fatal ("Web Flow falls back to 2FA"). For an unknown or blocked user the same
 * actions go out for nobody, and their answers are not read.
 */
import { AbortedError } from '../../provider.js';
import { afsExecute, send, sendForNobody, userOf, type AfsAction, type AfsParameters } from './client.js';
import { CANCEL_TIMEOUT_MS, type Env } from './env.js';
import { isApproval, type AuthMethod, type State } from './model.js';

export type Factor = 'password' | 'sms' | 'certificate';

/** One warning for a failed AFS call, whoever it was for. */
const FALLBACK = 'powerauth AFS (falling back to 2FA)';

function params(env: Env, state: State, action: AfsAction, instruments: Factor[], result: AfsParameters['authStepResult'], termination: AfsParameters['terminationReason']): AfsParameters {
  const afs = state.afs ?? { counts: {}, loginAuth: false, clientIpAddress: '' };
  // stepIndex: 1 + the earlier actions of the same type on this operation.
  const stepIndex = (Object.hasOwn(afs.counts, action) ? (afs.counts[action] ?? 0) : 0) + 1;
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

/** `*_INIT`: when the AFS applies its answer, its `authStepOptions` decide the factors. */
export async function afsInit(env: Env, state: State, method: AuthMethod): Promise<{ sms: boolean; password: boolean } | undefined> {
  if (!env.settings.afs || !state.afs) return undefined;
  const action = approvalStep(state, method) ? 'APPROVAL_INIT' : 'LOGIN_INIT';
  const call = afsExecute(env.settings, state, userOf(state), params(env, state, action, [], null, null));
  if (state.known === false) {
    // Nobody's AFS answer is not read: the step keeps Web Flow's defaults (2FA), as on an AFS error.
    await env.ctx.bestEffort(FALLBACK, () => sendForNobody(env.ctx, call));
    return undefined;
  }
  let answer: Awaited<ReturnType<typeof call.read>> | undefined;
  const ok = await env.ctx.bestEffort(FALLBACK, async () => {
    answer = await send(env.ctx, call);
  });
  if (!ok && env.ctx.signal.aborted) throw new AbortedError('authentication was aborted', { provider: 'powerauth' });
  // Only the password form's step can no longer drop the password: it was asked with the username.
  if (!answer?.afsResponseApplied || method === 'USERNAME_PASSWORD_AUTH') return undefined;
  return { sms: answer.authStepOptions?.smsOtpRequired ?? true, password: answer.authStepOptions?.passwordRequired ?? true };
}

/** `*_AUTH` after each try (informational). */
export async function afsAuth(env: Env, state: State, factors: Factor[], result: 'CONFIRMED' | 'AUTH_FAILED'): Promise<void> {
  if (!env.settings.afs || !state.afs) return;
  const method = state.steps[0];
  if (method === 'CONSENT' || method === undefined) return;
  const action = approvalStep(state, method) ? 'APPROVAL_AUTH' : 'LOGIN_AUTH';
  const call = afsExecute(env.settings, state, userOf(state), params(env, state, action, factors, result, null));
  if (action === 'LOGIN_AUTH') state.afs.loginAuth = true;
  await notify(env, state, call);
}

/** `LOGOUT` when the operation ends, only after a `LOGIN_AUTH`. */
export async function afsLogout(env: Env, state: State, reason: 'DONE' | 'FAILED' | 'INTERRUPTED'): Promise<void> {
  if (!env.settings.afs || !state.afs?.loginAuth) return;
  await notify(env, state, afsExecute(env.settings, state, userOf(state), params(env, state, 'LOGOUT', [], null, reason), CANCEL_TIMEOUT_MS));
}

async function notify(env: Env, state: State, call: ReturnType<typeof afsExecute>): Promise<void> {
  await env.ctx.bestEffort('powerauth notification', () => (state.known === false ? sendForNobody(env.ctx, call) : send(env.ctx, call)));
}
