/**
 * The PowerAuth provider: polybank plays Web Flow in front of a bank's Data Adapter.
 * Wires the step machine (steps.ts) into the core's adapter interface, checks the
 * adapter's service status once, and reads accounts from the decorated form data.
 */
import { ChallengeStateError, ProviderResponseError, UnsupportedError, isPolybankError } from '../../core/errors.js';
import type { AccountHolder } from '../../core/model/transaction.js';
import type { AdapterContext, ProviderAdapter, Session } from '../../core/provider.js';
import * as da from './client.js';
import { toAccount } from './mapping.js';
import type { Settings } from './options.js';
import { BankAccountChoiceAttribute } from './schemas.js';
import { Input, Ref, State, initialState, stateFromRef, stepsFor, type PowerAuthInput, type PowerAuthRef } from './session.js';
import { abandon, answerCode, answerConsent, answerIdentify, answerPassword, enter, sendCode, type Env } from './steps.js';

export type PowerAuthProvider = ProviderAdapter<'powerauth', PowerAuthInput, PowerAuthRef, State>;

const AFS_EXTRAS = 'afs.extras';

function clone(state: State): State {
  return structuredClone(state);
}

export function createAdapter(settings: Settings): PowerAuthProvider {
  // `GET /api/service/status` once per adapter instance; concurrent callers share the request.
  let status: Promise<unknown> | undefined;
  async function ensureStatus(ctx: AdapterContext): Promise<void> {
    for (;;) {
      const pending = (status ??= da.serviceStatus(ctx));
      try {
        await pending;
        return;
      } catch (error) {
        if (status === pending) status = undefined;
        // Another caller's abort is not ours: check again with our own signal.
        if (isPolybankError(error) && error.kind === 'AbortedError' && !ctx.signal.aborted) continue;
        throw error;
      }
    }
  }

  function env(ctx: AdapterContext, sealed: Readonly<Record<string, string>>): Env {
    let afsExtras: Record<string, string> = {};
    const raw = sealed[AFS_EXTRAS];
    if (raw) afsExtras = JSON.parse(raw) as Record<string, string>;
    // The cookies themselves are secrets (the sealed JSON they travel in is registered whole).
    ctx.secrets.add(...Object.values(afsExtras));
    return { ctx, settings, afsExtras };
  }

  return {
    id: 'powerauth',
    schemas: { input: Input, ref: Ref, state: State },
    http: { baseUrl: settings.baseUrl },
    secrets: settings.encryption ? [settings.encryption.keyBase64] : [],

    async start(ctx, input) {
      // ThreatMark cookies are bearer values: redacted from the first request on.
      ctx.secrets.add(...Object.values(input.afs?.extras ?? {}));
      await ensureStatus(ctx);
      const sealed = input.afs?.extras && Object.keys(input.afs.extras).length > 0 ? { [AFS_EXTRAS]: JSON.stringify(input.afs.extras) } : undefined;
      const step = await enter(env(ctx, sealed ?? {}), initialState(input, settings));
      return sealed ? { ...step, sealed } : step;
    },

    async open(ctx, ref) {
      await ensureStatus(ctx);
      return { kind: 'active', state: stateFromRef(ref, settings), ref };
    },

    async answer(ctx, session, _challenge, answer) {
      await ensureStatus(ctx);
      const state = clone(session.state);
      const e = env(ctx, session.sealed);
      switch (answer.type) {
        case 'credentials':
          if (state.at.kind === 'identify') return answerIdentify(e, state, answer.values);
          if (state.at.kind === 'password') return answerPassword(e, state, answer.values.password ?? '');
          break;
        case 'otp':
          if (state.at.kind === 'otp') return answerCode(e, state, answer.code, answer.password);
          break;
        case 'consent':
          if (state.at.kind === 'consent') return answerConsent(e, state, answer.options);
          break;
        default:
          break;
      }
      throw new ChallengeStateError(`powerauth cannot take a ${answer.type} answer while waiting for ${state.at.kind}`, { provider: 'powerauth' });
    },

    async poll() {
      throw new UnsupportedError('powerauth has no step to poll: every Data Adapter call answers at once', { provider: 'powerauth' });
    },

    /** A new SMS (`sms/create` with `resend: true`): user-initiated only; the new message id replaces the old. */
    async resend(ctx, session) {
      await ensureStatus(ctx);
      const state = clone(session.state);
      if (state.at.kind !== 'otp') throw new ChallengeStateError('powerauth can only resend while an SMS code is pending', { provider: 'powerauth' });
      return sendCode(env(ctx, session.sealed), state, state.at.withPassword, true);
    },

    /** The BANK_ACCOUNT_CHOICE accounts of `operation/formdata/decorate`. */
    async accounts(ctx, session) {
      await ensureStatus(ctx);
      const state = session.state;
      const userId = needUser(state);
      const method = stepsFor(String(state.operation.name), settings.version)[0] ?? 'LOGIN_SCA';
      const decorated = da.orThrow(ctx, await da.decorate(ctx, settings, state, method));
      const endpoint = 'operation/formdata/decorate';
      const accounts = [];
      for (const [index, parameter] of (decorated.formData.parameters ?? []).entries()) {
        if (parameter.type !== 'BANK_ACCOUNT_CHOICE') continue;
        const parsed = BankAccountChoiceAttribute.safeParse(parameter);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ProviderResponseError('powerauth', endpoint, `responseObject.formData.parameters.${index}.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
        }
        for (const [i, account] of (parsed.data.bankAccounts ?? []).entries()) {
          accounts.push(toAccount(account, userId, { endpoint, at: `responseObject.formData.parameters.${index}.bankAccounts.${i}` }));
        }
      }
      return accounts;
    },

    /** The user's name from `user/info`. */
    async holders(ctx, session): Promise<AccountHolder[]> {
      await ensureStatus(ctx);
      needUser(session.state);
      const user = da.orThrow(ctx, await da.userInfo(ctx, settings, session.state));
      const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
      return name ? [{ name, raw: user }] : [];
    },

    /** `operation/change` CANCELED (loop broken or aborted) or FAILED (terminal failure). */
    async cancel(ctx, session: Session<State>, cause) {
      if (session.state.done) return;
      await abandon(env(ctx, session.sealed), clone(session.state), cause === 'failed' ? 'FAILED' : 'CANCELED');
    },
  };
}

function needUser(state: State): string {
  if (!state.userId || !state.done) throw new ChallengeStateError('the powerauth connection is not linked yet: finish authenticate() first', { provider: 'powerauth' });
  return state.userId;
}
