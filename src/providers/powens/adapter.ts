/**
 * The Powens adapter: a connection's state drives every step. Interactive states
 * become challenges (fields → otp/questions/credentials, decoupled → decoupled with a
 * background resume, SCARequired → a forced sync, webauthRequired → redirect); the
 * others fail with their normalized reason.
 */
import { z } from 'zod';
import { validateAnswer } from '../../core/answers.js';
import { ConfigurationError, InvalidAnswerError, ProviderResponseError, UnsupportedError, ValidationError, isConnectionError } from '../../core/errors.js';
import { log } from '../../core/logger.js';
import { randomId } from '../../core/kit.js';
import type { Account } from '../../core/model/account.js';
import type { ChallengeData, NormalizedAnswer } from '../../core/model/challenge.js';
import type { Transaction } from '../../core/model/transaction.js';
import type { AdapterContext, ChallengeSpec, PollPlan, ProviderAdapter, Session, Step, StillPending } from '../../core/provider.js';
import { PowensApi, nextTry } from './client.js';
import { redirectUriProblem, type PowensConfig } from './config.js';
import {
  PROVIDER,
  appValidationReason,
  callbackReason,
  connectorCredentialFields,
  credentialField,
  fieldsChallenge,
  powensTime,
  stateAction,
  toAccount,
  toTransaction,
} from './mapping.js';
import { connectionState, type Connection } from './schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_ID = /^[1-9]\d*$/;
const PowensId = z.number().int().positive();

/** What `bank.connect('powens', input)` takes. */
export const PowensInput = z.strictObject({
  /** The connector UUID (stable across domains); a numeric connector id is accepted (deprecated). */
  connector: z.string().refine((v) => UUID.test(v) || NUMERIC_ID.test(v), 'expected a connector UUID (or its numeric id)'),
  /** The connector's field values (`login`, `password`, …). Without them, a `credentials` challenge asks for them. */
  fields: z.record(z.string().min(1), z.string()).optional(),
  /** A connector source (`openapi`, `directaccess`, …) to target. */
  source: z.string().regex(/^[a-z]+$/, 'a source name: lower-case letters').optional(),
  /** An existing Powens user to add the connection to; without it a new user is created (`/auth/init`). */
  user: z
    .strictObject({
      id: PowensId,
      /** Its token; without it one is obtained with `/auth/renew` (client credentials). */
      token: z.string().min(1).optional(),
    })
    .optional(),
  /** Where Powens sends the user back after a webauth; overrides the factory's. */
  redirectUri: z
    .string()
    .refine((v) => redirectUriProblem(v) === undefined, 'an absolute http(s) URL without query parameters')
    .optional(),
});
export type PowensInput = z.infer<typeof PowensInput>;

/** What to store to reopen the connection: no secret (a token is obtained with `/auth/renew`). */
export const PowensRef = z.strictObject({
  connectionId: PowensId,
  userId: PowensId,
  /** Optional: a user token you keep yourself (then no `/auth/renew`); a secret, kept out of checkpoints unless encrypted. */
  userToken: z.string().min(1).optional(),
});
export type PowensRef = z.infer<typeof PowensRef>;

/** The adapter's checkpointable memory: ids and flags, never the token (that is in `sealed`). */
export const PowensState = z.object({
  connector: z.string().optional(),
  source: z.string().optional(),
  redirectUri: z.string().optional(),
  userId: z.number().int().optional(),
  /** The user was created by this flow (`/auth/init`): deleted again if the flow does not finish. */
  userCreated: z.boolean().optional(),
  connectionId: z.number().int().optional(),
  /** The connection was created (or taken over) by this flow: deleted on break/abort/failure. */
  ownsConnection: z.boolean().optional(),
  /** The last connection state seen. */
  powensState: z.string().nullable().optional(),
  /** The field names an `otp`/`questions`/`credentials` challenge on a connection answers. */
  fieldNames: z.array(z.string()).optional(),
  /** `{ resume: true }` was posted for the current decoupled approval. */
  resumed: z.boolean().optional(),
  /** A sync was forced for SCARequired: a second SCARequired is not forced again. */
  forced: z.boolean().optional(),
});
export type PowensState = z.infer<typeof PowensState>;

type Sealed = Record<string, string>;
type PowensStep = Step<PowensState, PowensRef>;
const TOKEN = 'userToken';

export type PowensAdapter = ProviderAdapter<'powens', PowensInput, PowensRef, PowensState> & {
  readonly transactions: NonNullable<ProviderAdapter<'powens', PowensInput, PowensRef, PowensState>['transactions']>;
};

export function createPowensAdapter(config: PowensConfig): PowensAdapter {
  const api = new PowensApi(config);

  // ------------------------------------------------------------ users and tokens

  /** The user token of a session: sealed, or renewed from the user id (after a checkpoint without encryption). */
  async function tokenOf(ctx: AdapterContext, state: PowensState, sealed: Readonly<Sealed>): Promise<string> {
    const sealedToken = sealed[TOKEN];
    if (sealedToken) {
      ctx.secrets.add(sealedToken);
      return sealedToken;
    }
    if (state.userId === undefined) throw new ProviderResponseError(PROVIDER, 'session', 'userId', 'no Powens user for this session');
    return api.renewToken(ctx, state.userId);
  }

  /** The user the connection belongs to: the given one, or a new one (created lazily, once credentials are known). */
  async function ensureUser(ctx: AdapterContext, state: PowensState, sealed: Sealed): Promise<string> {
    if (sealed[TOKEN] || state.userId !== undefined) {
      const token = await tokenOf(ctx, state, sealed);
      sealed[TOKEN] = token;
      return token;
    }
    const user = await api.initUser(ctx);
    if (!user.permanent) log(ctx.log, 'warn', { provider: PROVIDER, userId: user.userId }, 'powens: /auth/init returned a temporary user; check clientId/clientSecret');
    state.userId = user.userId;
    state.userCreated = true;
    sealed[TOKEN] = user.token;
    return user.token;
  }

  /** Best effort: removes what this flow created at Powens (the user, or else the connection). */
  async function cleanUp(ctx: AdapterContext, state: PowensState, sealed: Readonly<Sealed>): Promise<void> {
    if (!state.userCreated && !(state.ownsConnection && state.connectionId !== undefined)) return;
    try {
      const token = await tokenOf(ctx, state, sealed);
      // Deleting a user this flow created also deletes its connections (even one whose id was never learnt).
      if (state.userCreated) await api.deleteUser(ctx, token);
      else if (state.connectionId !== undefined) await api.deleteConnection(ctx, token, state.connectionId);
    } catch (error) {
      log(ctx.log, 'warn', { provider: PROVIDER, error: ctx.secrets.redactString(String((error as Error)?.message ?? error)) }, 'powens: clean-up after an unfinished connection failed');
    }
  }

  // ------------------------------------------------------------ steps from a connection

  function pollPlan(deadline?: string): PollPlan {
    return {
      intervalMs: config.pollIntervalMs,
      maxIntervalMs: config.pollMaxIntervalMs,
      factor: 1.5,
      ...(deadline ? { deadline } : {}),
    };
  }

  /** `expire` as a challenge expiry / poll deadline, when it lies ahead. */
  function ahead(ctx: AdapterContext, value: string | null | undefined): string | undefined {
    const iso = powensTime(value);
    return iso && Date.parse(iso) > ctx.now() ? iso : undefined;
  }

  function userMessage(connection: Connection): string | undefined {
    return connection.error_message ?? connection.description ?? undefined;
  }

  interface StepOptions {
    /** Opening a stored connection: a user present may re-enter credentials on `wrongpass`. */
    recover?: boolean;
    /** The user just came back from the webauth. */
    afterRedirect?: boolean;
  }

  async function fromConnection(ctx: AdapterContext, connection: Connection, previous: PowensState, sealed: Sealed, options: StepOptions = {}): Promise<PowensStep> {
    const powensState = connectionState(connection);
    const state: PowensState = { ...previous, connectionId: connection.id, powensState, resumed: false };
    delete state.fieldNames;
    if (state.userId === undefined && connection.id_user) state.userId = connection.id_user;
    const action = stateAction(powensState);
    const message = userMessage(connection);
    const fail = (reason: Parameters<AdapterContext['fail']>[0], text: string, retryAfter?: Date): Error =>
      ctx.fail(reason, `powens: connection ${connection.id} ${text}`, {
        providerCode: powensState ?? 'null',
        ...(message ? { userMessage: message } : {}),
        ...(retryAfter ? { retryAfter } : {}),
      });

    switch (action.kind) {
      case 'active':
        return active(ctx, connection, { ...state, forced: false }, sealed);
      case 'pending':
        // In the background the last synced data stays readable while Powens validates.
        if (!ctx.interactive) return active(ctx, connection, state, sealed);
        return { kind: 'pending', state, sealed, poll: pollPlan(ahead(ctx, connection.expire)) };
      case 'fail': {
        const fields = connection.fields ?? [];
        if (action.recoverWithFields && options.recover && ctx.interactive && fields.length > 0) {
          // A stored connection whose credentials are obsolete: ask for them again.
          return {
            kind: 'challenge',
            state: { ...state, fieldNames: fields.map((f) => f.name) },
            sealed,
            challenge: { type: 'credentials', fields: fields.map((f) => credentialField(f)), ...(message ? { message } : {}) },
          };
        }
        throw fail(action.reason, `is in state ${powensState ?? 'null'}${message ? `: ${message}` : ''}`, action.retryAfter ? nextTry(connection.next_try) : undefined);
      }
      case 'sca':
        break;
    }

    // Needs the user: never trigger anything without one.
    if (!ctx.interactive) throw fail('sca_required', `needs the user (${powensState}): run authenticate()`);
    const expiresAt = ahead(ctx, connection.expire);
    switch (action.via) {
      case 'force': {
        if (state.forced) throw fail('sca_required', 'is still SCARequired after a forced sync');
        // An empty POST forces a sync with the user present: it triggers the bank's SCA (sent once).
        const token = await tokenOf(ctx, state, sealed);
        const next = await api.updateConnection(ctx, token, connection.id, {}, { sensitive: true, ...(state.source ? { source: state.source } : {}) });
        return fromConnection(ctx, next, { ...state, forced: true }, sealed, options);
      }
      case 'fields': {
        const fields = connection.fields ?? [];
        if (fields.length === 0) throw fail('sca_required', 'asks for additional information but lists no fields');
        return {
          kind: 'challenge',
          state: { ...state, fieldNames: fields.map((f) => f.name) },
          sealed,
          challenge: fieldsChallenge(fields, message, expiresAt),
        };
      }
      case 'decoupled': {
        const text = message ?? 'Confirm the connection in your bank app or on your bank website';
        return {
          kind: 'challenge',
          state,
          sealed,
          challenge: { type: 'decoupled', channel: /\bapp\b|application/i.test(text) ? 'app' : 'unknown', message: text, ...(expiresAt ? { expiresAt } : {}) },
          poll: pollPlan(expiresAt),
        };
      }
      case 'redirect': {
        if (options.afterRedirect) throw fail('sca_required', 'still needs the webauth after the callback');
        const redirectUri = state.redirectUri ?? config.redirectUri;
        if (!redirectUri) {
          throw new ConfigurationError('powens: this connection needs a webauth (webauthRequired): configure powens({ redirectUri }) or give redirectUri in the connect input', {
            provider: PROVIDER,
          });
        }
        const token = await tokenOf(ctx, state, sealed);
        const webauthState = randomId(16);
        const url = await api.webauthUrl(ctx, token, { connectionId: connection.id, redirectUri, state: webauthState, ...(state.source ? { source: state.source } : {}) });
        if (url === undefined) {
          // 409: already up to date; see what it is now.
          return fromConnection(ctx, await api.getConnection(ctx, token, connection.id), state, sealed, { ...options, afterRedirect: true });
        }
        const challenge: ChallengeSpec = { type: 'redirect', url, state: webauthState, ...(message ? { message } : {}), ...(expiresAt ? { expiresAt } : {}) };
        return { kind: 'challenge', state, sealed, challenge };
      }
    }
  }

  function active(ctx: AdapterContext, connection: Connection, state: PowensState, sealed: Sealed): PowensStep {
    const expire = powensTime(connection.expire);
    if (expire && Date.parse(expire) <= ctx.now()) {
      throw ctx.fail('consent_expired', `powens: the access to connection ${connection.id} expired on ${expire}`, { providerCode: 'expire' });
    }
    const userId = state.userId ?? connection.id_user ?? undefined;
    if (userId === undefined || userId === null) throw new ProviderResponseError(PROVIDER, 'GetConnection', 'id_user', 'no user for the connection');
    const lastSyncedAt = powensTime(connection.last_update);
    return {
      kind: 'active',
      state,
      sealed,
      ref: { connectionId: connection.id, userId },
      info: { ...(expire ? { consentExpiresAt: expire } : {}), ...(lastSyncedAt ? { lastSyncedAt } : {}) },
    };
  }

  // ------------------------------------------------------------ creating

  async function create(ctx: AdapterContext, previous: PowensState, previousSealed: Readonly<Sealed>, values: Record<string, string>): Promise<PowensStep> {
    const state: PowensState = { ...previous };
    const sealed: Sealed = { ...previousSealed };
    const connector = state.connector as string;
    try {
      const token = await ensureUser(ctx, state, sealed);
      const body = { ...(UUID.test(connector) ? { connector_uuid: connector } : { id_connector: Number(connector) }), ...values };
      const created = await api.createConnection(ctx, token, body, state.source);
      let connection = created.connection;
      if (created.pendingId !== undefined) {
        // The same credentials are already pending at Powens: continue that connection, never a duplicate.
        state.connectionId = created.pendingId;
        state.ownsConnection = true;
        connection = await api.getConnection(ctx, token, created.pendingId);
      }
      if (!connection) throw new ProviderResponseError(PROVIDER, 'CreateConnection', '', 'no connection in the answer');
      state.connectionId = connection.id;
      state.ownsConnection = true;
      return await fromConnection(ctx, connection, state, sealed);
    } catch (error) {
      // What this step created (a user, a connection) becomes the session's, so that the
      // core's cancel deletes it: on failure, break or abort, with a signal of its own (the
      // caller's abort may be what interrupted this step, and would cancel a clean-up here).
      ctx.update({ state, sealed });
      throw error;
    }
  }

  // ------------------------------------------------------------ the adapter

  const adapter: PowensAdapter = {
    id: 'powens',
    schemas: { input: PowensInput, ref: PowensRef, state: PowensState },
    http: { baseUrl: config.baseUrl },
    secrets: [config.clientSecret],

    async start(ctx, input) {
      const sealed: Sealed = {};
      if (input.user?.token) {
        ctx.secrets.add(input.user.token);
        sealed[TOKEN] = input.user.token;
      }
      const state: PowensState = {
        connector: input.connector,
        ...(input.source ? { source: input.source } : {}),
        ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
        ...(input.user ? { userId: input.user.id } : {}),
      };
      const connector = await api.connector(ctx, input.connector);
      const fields = connectorCredentialFields(connector.fields ?? [], input.source);
      if (fields.length === 0) {
        throw new UnsupportedError(`powens: connector ${input.connector} has no credentials fields (auth mechanism ${connector.auth_mechanism ?? 'unknown'}); webauth connectors are not supported by connect() yet`, {
          provider: PROVIDER,
        });
      }
      const spec: ChallengeSpec = { type: 'credentials', fields: fields.map((f) => credentialField(f)), ...(connector.name ? { message: `Sign in to ${connector.name}` } : {}) };
      if (input.fields === undefined) return { kind: 'challenge', state, sealed, challenge: spec };

      // Given fields are checked like an answer would be, before any credential is sent.
      const challenge = { ...spec, id: 'input', provider: PROVIDER } as ChallengeData;
      let values: Record<string, string>;
      try {
        const answer = validateAnswer(challenge, input.fields);
        values = answer.type === 'credentials' ? answer.values : {};
      } catch (error) {
        if (error instanceof InvalidAnswerError) {
          throw new ValidationError('powens connect input', error.issues.map((i) => ({ path: `fields.${i.path}`, message: i.message })), { provider: PROVIDER });
        }
        throw error;
      }
      for (const field of fields) if (field.type === 'password' && values[field.name]) ctx.secrets.add(values[field.name]);
      return create(ctx, state, sealed, values);
    },

    async open(ctx, ref) {
      const sealed: Sealed = {};
      const state: PowensState = { userId: ref.userId, connectionId: ref.connectionId };
      if (ref.userToken) {
        ctx.secrets.add(ref.userToken);
        sealed[TOKEN] = ref.userToken;
      }
      const token = await tokenOf(ctx, state, sealed);
      sealed[TOKEN] = token;
      return fromConnection(ctx, await api.getConnection(ctx, token, ref.connectionId), state, sealed, { recover: true });
    },

    async answer(ctx, session, challenge, answer) {
      const state = session.state;
      const sealed: Sealed = { ...session.sealed };
      if (state.connectionId === undefined) {
        if (answer.type !== 'credentials') throw new ProviderResponseError(PROVIDER, 'answer', challenge.type, 'only credentials are asked before a connection exists');
        return create(ctx, state, sealed, answer.values);
      }
      const token = await tokenOf(ctx, state, sealed);
      if (answer.type === 'redirect') return afterRedirect(ctx, state, sealed, token, answer.params);
      const body = answerBody(state, answer);
      const connectionId = state.connectionId;
      const connection = await whilePending(ctx, connectionId, () =>
        api.updateConnection(ctx, token, connectionId, body, {
          sensitive: true,
          // Answers to additionalInformationNeeded: a `wrongpass` then is a failed SCA, not obsolete credentials.
          answering: state.powensState === 'additionalInformationNeeded',
          ...(state.source ? { source: state.source } : {}),
        }),
      );
      return fromConnection(ctx, connection, state, sealed);
    },

    async poll(ctx, session, challenge): Promise<PowensStep | StillPending<PowensState>> {
      const state = session.state;
      const sealed: Sealed = { ...session.sealed };
      const id = state.connectionId as number;
      const token = await tokenOf(ctx, state, sealed);
      const decoupled = challenge?.type === 'decoupled';
      const connection = await whilePending(ctx, id, () =>
        decoupled && !state.resumed
          ? // Resume in the background (the blocking form can hold the request for minutes), then poll.
            api.updateConnection(ctx, token, id, { resume: true }, { sensitive: false, background: true })
          : api.getConnection(ctx, token, id),
      );
      const current = connectionState(connection);
      if (current === 'validating' || (decoupled && current === 'decoupled')) {
        return { kind: 'still_pending', state: { ...state, resumed: state.resumed || decoupled, powensState: current } };
      }
      if (decoupled && current === 'SCARequired') {
        // How Powens reports a refused or timed-out app validation on the connection.
        const reason = appValidationReason(connection.error_message ?? connection.description);
        if (reason) {
          throw ctx.fail(reason, `powens: connection ${id}: ${connection.error_message ?? connection.description}`, {
            providerCode: 'SCARequired',
            ...(connection.error_message ? { userMessage: connection.error_message } : {}),
          });
        }
      }
      return fromConnection(ctx, connection, state, sealed);
    },

    async accounts(ctx, session) {
      const id = session.state.connectionId as number;
      const token = await tokenOf(ctx, session.state, session.sealed);
      const list = await api.listAccounts(ctx, token, id);
      if (!list) return [];
      const accounts: Account[] = [];
      list.accounts.forEach((account, index) => {
        // Deleted: no longer found at the bank. Disabled ones are listed (see `raw.disabled`).
        if (account.deleted) return;
        const mapped = toAccount(list.raw[index], account, id, { endpoint: 'ListAccounts', index });
        if (mapped) accounts.push(mapped);
        else log(ctx.log, 'warn', { provider: PROVIDER, accountId: account.id }, 'powens: account without a currency left out');
      });
      return accounts;
    },

    transactions(ctx, session, accountId, query) {
      return listTransactions(ctx, session, accountId, query);
    },

    async cancel(ctx, session) {
      await cleanUp(ctx, session.state, session.sealed);
    },

    async remove(ctx, session) {
      const token = await tokenOf(ctx, session.state, session.sealed);
      await api.deleteConnection(ctx, token, session.state.connectionId as number);
    },

    async refresh(ctx, session) {
      const token = await tokenOf(ctx, session.state, session.sealed);
      const connection = await api.syncConnection(ctx, token, session.state.connectionId as number);
      // Without the user: an SCA state becomes sca_required, an error state its reason.
      await fromConnection(ctx, connection, session.state, { ...session.sealed });
    },
  };

  /**
   * Powens purges a connection still waiting for the user at its `expire`: a 404 then
   * means the approval/OTP window ran out, not a lapsed consent.
   */
  async function whilePending<T>(ctx: AdapterContext, id: number, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isConnectionError(error) && error.providerCode === 'notFound') {
        throw ctx.fail('auth_expired', `powens: connection ${id} is gone: its authentication window ran out`, { providerCode: 'notFound', ...(error.status ? { status: error.status } : {}) });
      }
      throw error;
    }
  }

  async function afterRedirect(ctx: AdapterContext, state: PowensState, sealed: Sealed, token: string, params: Record<string, string>): Promise<PowensStep> {
    const id = state.connectionId as number;
    if (params.error) {
      throw ctx.fail(callbackReason(params.error), `powens: webauth for connection ${id} failed: ${params.error}${params.error_description ? `: ${params.error_description}` : ''}`, {
        providerCode: params.error,
        ...(params.error_description ? { userMessage: params.error_description } : {}),
      });
    }
    const back = params.id_connection ?? params.connection_id;
    if (back !== undefined && Number(back) !== id) {
      throw new ProviderResponseError(PROVIDER, 'webauth callback', 'id_connection', `the callback is for connection ${back}, not ${id}`);
    }
    return fromConnection(ctx, await api.getConnection(ctx, token, id), state, sealed, { afterRedirect: true });
  }

  async function* listTransactions(ctx: AdapterContext, session: Session<PowensState>, accountId: string, query: { from?: string; to?: string }): AsyncGenerator<Transaction[]> {
    if (!NUMERIC_ID.test(accountId)) throw new ValidationError('powens transactions', [{ path: 'accountId', message: 'a Powens account id (digits)' }], { provider: PROVIDER });
    const connectionId = session.state.connectionId as number;
    const token = await tokenOf(ctx, session.state, session.sealed);
    const account = await api.account(ctx, token, accountId);
    if (account.id_connection !== undefined && account.id_connection !== null && account.id_connection !== connectionId) {
      throw new ValidationError('powens transactions', [{ path: 'accountId', message: `account ${accountId} does not belong to connection ${connectionId}` }], { provider: PROVIDER });
    }
    if (!account.currency) throw new ProviderResponseError(PROVIDER, 'GetAccount', 'currency', 'the account has no currency');
    const money = { id: accountId, currency: account.currency.id, precision: account.currency.precision ?? undefined };
    const first = { limit: PAGE_SIZE, min_date: query.from, max_date: query.to };
    let page: Parameters<PowensApi['transactionsPage']>[2] | undefined = { accountId, query: { ...first, offset: undefined } };
    let offset = 0;
    while (page) {
      const result = await api.transactionsPage(ctx, token, page);
      if (!result) return;
      const { list, raw } = result;
      const out: Transaction[] = [];
      list.transactions.forEach((tx, index) => {
        const mapped = toTransaction(raw[index], tx, money, { endpoint: 'ListTransactions', index });
        if (mapped) out.push(mapped);
        else log(ctx.log, 'warn', { provider: PROVIDER, transactionId: tx.id }, 'powens: transaction without any amount left out');
      });
      yield out;
      offset += list.transactions.length;
      const next = list._links?.next?.href;
      if (next) page = { url: api.resolveLink(next) };
      // The legacy answer (no `_links`) pages by offset up to `total`.
      else if (!list._links && list.total && offset < list.total && list.transactions.length > 0) page = { accountId, query: { ...first, offset } };
      else page = undefined;
    }
  }

  return adapter;
}

/** Transactions per page (the API's maximum). */
const PAGE_SIZE = 1000;

/** The body answering a challenge on a connection: its field names with the values. */
function answerBody(state: PowensState, answer: NormalizedAnswer): Record<string, string> {
  const names = state.fieldNames ?? [];
  switch (answer.type) {
    case 'otp': {
      const [name] = names;
      if (!name) throw new ProviderResponseError(PROVIDER, 'answer', 'fieldNames', 'no field to put the code in');
      return { [name]: answer.code };
    }
    case 'questions':
      return Object.fromEntries(Object.entries(answer.responses).map(([id, response]) => [id, response.answer]));
    case 'credentials':
      return { ...answer.values };
    default:
      throw new ProviderResponseError(PROVIDER, 'answer', answer.type, `powens does not ask ${answer.type} challenges`);
  }
}
