/**
 * polybank as the Web Flow server: walks an operation's chain of steps (Next Step's
 * USERNAME_PASSWORD_AUTH, LOGIN_SCA, SMS_KEY, APPROVAL_SCA, CONSENT), entering each the
 * way Web Flow does and moving on when one passes; tells the bank how the operation
 * ended (`operation/change`).
 */
import { ProviderResponseError } from '../../provider.js';
import { afsAuth, afsLogout } from './afs.js';
import { challenge, identifyChallenge } from './challenges.js';
import { operationChange, send, userOf } from './client.js';
import { beginConsent } from './consent.js';
import { CANCEL_TIMEOUT_MS, type Env, type PowerAuthStep } from './env.js';
import { beginFactors, certificateLogin } from './factors.js';
import { common, refFrom, type State, type StateIn } from './model.js';
import { toPhase, type Outcome } from './outcome.js';

/** Enters the current step (and the next ones that need nobody) until a challenge or the end. */
export async function enter(env: Env, from: State, clientCertificate?: string): Promise<PowerAuthStep> {
  let state: StateIn<'start'> = toPhase(from, 'start');
  for (;;) {
    state.fails = 0;
    const method = state.steps[0];
    switch (method) {
      case undefined:
        return finish(env, state);
      case 'USERNAME_PASSWORD_AUTH':
        return challenge(toPhase(state, 'identify'), identifyChallenge(state));
      case 'LOGIN_SCA': {
        // Only at the start of a link: the certificate is not kept (the SCA login step always ends this loop).
        if (clientCertificate !== undefined) {
          const outcome = await certificateLogin(env, state, clientCertificate);
          if (outcome) return settle(env, outcome);
        }
        if (state.username === undefined) return challenge(toPhase(state, 'identify'), identifyChallenge(state));
        return settle(env, await beginFactors(env, state, method));
      }
      case 'SMS_KEY':
      case 'APPROVAL_SCA':
        return settle(env, await beginFactors(env, state, method));
      case 'CONSENT': {
        const step = await beginConsent(env, state);
        if (step) return step;
        state.steps.shift();
        state = toPhase(state, 'start');
        continue;
      }
    }
  }
}

/** A step's answer: its next page, or the step passed: tell the AFS, move on. */
export async function settle(env: Env, outcome: Outcome): Promise<PowerAuthStep> {
  if (outcome.kind !== 'passed') return outcome;
  const { state, factors } = outcome;
  await afsAuth(env, state, factors, 'CONFIRMED');
  state.steps.shift();
  return enter(env, state);
}

async function finish(env: Env, state: State): Promise<PowerAuthStep> {
  if (!state.userId || state.known !== true) {
    // Unreachable by design (nobody fails every factor); never link a user nobody authenticated.
    throw new ProviderResponseError('powerauth', 'operation/change', 'userId', 'the operation completed without an authenticated user');
  }
  const active: StateIn<'active'> = { ...common(state), phase: 'active', userId: state.userId };
  // Notifications are best effort, as in Web Flow: a failure is logged, never fatal.
  await env.ctx.bestEffort('powerauth notification', () => send(env.ctx, operationChange(env.settings, active, userOf(active), 'DONE')));
  await afsLogout(env, active, 'DONE');
  return { kind: 'active', state: active, ref: refFrom(active) };
}

/**
 * When the operation ends early: `operation/change` CANCELED or FAILED, then the AFS
 * LOGOUT after a login. Both are awaited, each bounded (CANCEL_TIMEOUT_MS), so that the
 * bank has heard it before the caller's loop ends; a failed change is reported after.
 */
export async function abandon(env: Env, state: State, change: 'CANCELED' | 'FAILED'): Promise<void> {
  let failure: unknown;
  try {
    await send(env.ctx, operationChange(env.settings, state, userOf(state), change, CANCEL_TIMEOUT_MS));
  } catch (error) {
    failure = error;
  }
  await afsLogout(env, state, change === 'FAILED' ? 'FAILED' : 'INTERRUPTED');
  if (failure !== undefined) throw failure;
}
