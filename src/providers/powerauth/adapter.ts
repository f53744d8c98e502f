/**
 * The PowerAuth adapter: polybank plays Web Flow in front of a bank's Data Adapter.
 * Wires the step machine (steps.ts, factors.ts, consent.ts) into the core's adapter
 * interface, checks the adapter's service status once, reads accounts from the decorated
 * form data, and offers the bank-account choice of a payment as actions.
 */
import * as z from 'zod/mini';
import {
  ChallengeStateError,
  ProviderResponseError,
  UnsupportedError,
  ValidationError,
  uuid,
  type Account,
  type AccountHolder,
  type AdapterContext,
  type ProviderAdapter,
  type Session,
} from '../../provider.js';
import { decorate, formDataChange, operationCreate, send, traceId, userInfo, userOf } from './client.js';
import { atLeast, type Settings } from './config.js';
import { answerConsent } from './consent.js';
import { SEALED, type Env } from './env.js';
import { answerCode, answerIdentify, answerPassword, sendCode } from './factors.js';
import { failures, toAccount } from './mapping.js';
import {
  Input,
  Ref,
  State,
  initialState,
  loginFormData,
  operationOf,
  stateFromRef,
  stepsFor,
  type OperationFields,
  type ParsedInput,
  type PowerAuthInput,
  type PowerAuthRef,
  type StateIn,
} from './model.js';
import { BankAccountChoiceAttribute } from './schemas.js';
import { StatusProbe } from './status.js';
import { abandon, enter, settle } from './steps.js';

const Extras = z.record(z.string(), z.string());
const ChosenAccount = z.strictObject({ accountId: z.string().check(z.minLength(1), z.maxLength(256)) });

/** The provider's own operations, on `conn.actions`. */
export type PowerAuthActions = {
  /** The accounts the bank offers for this operation (BANK_ACCOUNT_CHOICE), once the user has logged in. */
  bankAccounts: (ctx: AdapterContext, target: { session: Session<State> | undefined }, args: void) => Promise<Account[]>;
  /** The account the user picked for this operation (`operation/formdata/change`), before it completes. */
  chooseBankAccount: (ctx: AdapterContext, target: { session: Session<State> | undefined }, args: { accountId: string }) => Promise<void>;
};

/** The PowerAuth adapter's type: its input, reference, state and actions. */
export type PowerAuthAdapter = ProviderAdapter<'powerauth', ParsedInput, PowerAuthRef, State, PowerAuthInput, z.input<typeof Ref>, PowerAuthActions>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A user who logged in: the login step of the operation has passed. */
function loggedIn(state: State): state is State & { userId: string } {
  if (state.phase === 'active') return true;
  const login = state.steps[0] === 'USERNAME_PASSWORD_AUTH' || state.steps[0] === 'LOGIN_SCA';
  return state.known === true && state.userId !== undefined && !login;
}

export function createAdapter(settings: Settings): Omit<PowerAuthAdapter, 'id' | 'secrets'> {
  const status = new StatusProbe();

  function env(ctx: AdapterContext, sealed: Readonly<Record<string, string>>): Env {
    const raw = Object.hasOwn(sealed, SEALED.afsExtras) ? sealed[SEALED.afsExtras] : undefined;
    let afsExtras: Record<string, string> = {};
    if (raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined; // Not ours: the AFS goes without cookies.
      }
      const parsed = Extras.safeParse(value);
      if (parsed.success) afsExtras = parsed.data;
    }
    // The cookies themselves are secrets (the sealed JSON they travel in is registered whole).
    ctx.secrets.add(...Object.values(afsExtras));
    const code = Object.hasOwn(sealed, SEALED.code) ? sealed[SEALED.code] : undefined;
    return { ctx, settings, afsExtras, ...(code ? { code } : {}) };
  }

  /** The operation of a new link: the one given, or the bank's implicit login operation (`operation/create`). */
  async function operationFor(ctx: AdapterContext, input: ParsedInput): Promise<OperationFields> {
    const implicit = input.implicitLogin;
    if (!implicit) return operationOf(input);
    if (!atLeast(settings.version, 0, 24)) throw new UnsupportedError('powerauth: implicitLogin needs operation/create, a Data Adapter of version 0.24 or later', { provider: 'powerauth' });
    const scopes = implicit.scopes ?? ['aisp'];
    const created = await send(ctx, operationCreate(implicit.clientId, scopes));
    if (!created) throw ctx.fail('unknown', `the bank creates no login operation for client ${implicit.clientId} with scopes ${scopes.join(', ')}`, { endpoint: 'operation/create' });
    return { id: uuid(), name: created.name, data: 'A2', formData: created.formData ?? loginFormData(), ...(created.applicationContext ? { applicationContext: created.applicationContext } : {}) };
  }

  /** The BANK_ACCOUNT_CHOICE accounts of `operation/formdata/decorate`. */
  async function decoratedAccounts(ctx: AdapterContext, state: State & { userId: string }): Promise<Account[]> {
    const method = state.phase === 'active' ? (stepsFor(String(state.operation.name), settings.version)[0] ?? 'LOGIN_SCA') : (state.steps[0] ?? 'CONSENT');
    const decorated = await send(ctx, decorate(settings, state, userOf(state), method));
    const endpoint = 'operation/formdata/decorate';
    const accounts: Account[] = [];
    for (const [index, parameter] of (decorated.formData.parameters ?? []).entries()) {
      if (parameter.type !== 'BANK_ACCOUNT_CHOICE') continue;
      const parsed = BankAccountChoiceAttribute.safeParse(parameter);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ProviderResponseError('powerauth', endpoint, `responseObject.formData.parameters.${index}.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
      }
      for (const [i, account] of (parsed.data.bankAccounts ?? []).entries()) {
        accounts.push(toAccount(account, state.userId, { endpoint, at: `responseObject.formData.parameters.${index}.bankAccounts.${i}` }));
      }
    }
    return accounts;
  }

  function linked(state: State): StateIn<'active'> {
    if (state.phase !== 'active') throw new ChallengeStateError('the powerauth connection is not linked yet: finish authenticate() first', { provider: 'powerauth' });
    return state;
  }

  return {
    schemas: { input: Input, ref: Ref, state: State },
    // Wire schemas validate every body and the mapping is typed: the core's model pass is for tests.
    typedOutput: true,
    http: { baseUrl: settings.baseUrl, failures, requestId: traceId },

    async start(ctx, input) {
      // ThreatMark cookies are bearer values: redacted from the first request on.
      const extras = input.afs?.extras ?? {};
      ctx.secrets.add(...Object.values(extras));
      await status.ensure(ctx);
      const sealed = Object.keys(extras).length > 0 ? { [SEALED.afsExtras]: JSON.stringify(extras) } : undefined;
      const state = initialState(input, settings, await operationFor(ctx, input));
      const step = await enter(env(ctx, sealed ?? {}), state, input.clientCertificate);
      return sealed ? { ...step, sealed: { ...sealed, ...step.sealed } } : step;
    },

    async open(ctx, ref) {
      await status.ensure(ctx);
      return { kind: 'active', state: stateFromRef(ref, settings), ref };
    },

    async answer(ctx, session, _challenge, answer) {
      await status.ensure(ctx);
      const state = clone(session.state);
      const e = env(ctx, session.sealed);
      switch (answer.type) {
        case 'credentials':
          if (state.phase === 'identify') return settle(e, await answerIdentify(e, state, answer.values));
          if (state.phase === 'password') return settle(e, await answerPassword(e, state, Object.hasOwn(answer.values, 'password') ? (answer.values.password ?? '') : ''));
          break;
        case 'otp':
          if (state.phase === 'otp') return settle(e, await answerCode(e, state, answer.code, answer.password));
          break;
        case 'consent':
          if (state.phase === 'consent') return settle(e, await answerConsent(e, state, answer.options));
          break;
        default:
          break;
      }
      throw new ChallengeStateError(`powerauth cannot take a ${answer.type} answer while waiting for ${state.phase}`, { provider: 'powerauth' });
    },

    async poll() {
      throw new UnsupportedError('powerauth has no step to poll: every Data Adapter call answers at once', { provider: 'powerauth' });
    },

    /** A new SMS (`resend: true`): user-initiated only; the new message id replaces the old. */
    async resend(ctx, session) {
      await status.ensure(ctx);
      const state = clone(session.state);
      if (state.phase !== 'otp') throw new ChallengeStateError('powerauth can only resend while an SMS code is pending', { provider: 'powerauth' });
      return sendCode(env(ctx, session.sealed), state, state.withPassword, true);
    },

    async accounts(ctx, session) {
      await status.ensure(ctx);
      return decoratedAccounts(ctx, linked(session.state));
    },

    /** The user's name from `user/info`. */
    async holders(ctx, session): Promise<AccountHolder[]> {
      await status.ensure(ctx);
      const state = linked(session.state);
      const user = await send(ctx, userInfo(settings, state, state.userId));
      const name = [user.givenName, user.familyName].filter(Boolean).join(' ');
      return name ? [{ name, raw: user }] : [];
    },

    /** `operation/change` CANCELED (loop broken or aborted) or FAILED (terminal failure), awaited and bounded. */
    async cancel(ctx, session, cause) {
      if (session.state.phase === 'active') return;
      await abandon(env(ctx, session.sealed), clone(session.state), cause === 'failed' ? 'FAILED' : 'CANCELED');
    },

    actions: {
      async bankAccounts(ctx, { session }) {
        const state = session?.state;
        if (!state || !loggedIn(state)) throw new ChallengeStateError('powerauth: the bank accounts are offered once the user has logged in', { provider: 'powerauth' });
        await status.ensure(ctx);
        return decoratedAccounts(ctx, state);
      },

      async chooseBankAccount(ctx, { session }, args) {
        const parsed = ChosenAccount.safeParse(args);
        if (!parsed.success) {
          throw new ValidationError('powerauth chooseBankAccount()', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), { provider: 'powerauth' });
        }
        const state = session?.state;
        if (!state || !loggedIn(state) || state.phase === 'active') {
          throw new ChallengeStateError('powerauth: a bank account is chosen after the login and before the operation completes', { provider: 'powerauth' });
        }
        await status.ensure(ctx);
        await send(ctx, formDataChange(settings, state, userOf(state), parsed.data.accountId));
        // Web Flow keeps the choice in the operation's form data: every later call carries it.
        const next = clone(state);
        const formData = (next.operation.formData ?? {}) as { userInput?: Record<string, string> };
        next.operation.formData = { ...formData, userInput: { ...formData.userInput, 'operation.bankAccountChoice': parsed.data.accountId } };
        ctx.update({ state: next });
      },
    },
  };
}
