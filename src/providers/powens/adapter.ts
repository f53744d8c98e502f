/**
 * The Powens adapter: a connection's state drives every step. Interactive states become
 * challenges (fields → otp/questions/credentials, decoupled → decoupled with a background
 * resume, SCARequired → a forced sync, webauthRequired → redirect); the others fail with
 * their normalized reason. A webauth connector is linked through the bank's own page.
 */
import {
  ChallengeStateError,
  ConfigurationError,
  ProviderResponseError,
  UnsupportedError,
  ValidationError,
  isInvalidAnswerError,
  log,
  randomId,
  validateAnswer,
  type Account,
  type AdapterContext,
  type ChallengeData,
  type ChallengeSpec,
  type ErrorReason,
  type NormalizedAnswer,
  type PollPlan,
  type ProviderAdapter,
  type Session,
  type Step,
  type StillPending,
  type Transaction,
  type TransactionQuery,
} from '../../provider.js';
import { powensActions, type PowensActions } from './actions.js';
import { powensClient } from './client.js';
import type { PowensConfig } from './config.js';
import { connectorCredentialFields, credentialField, fieldsChallenge } from './fields.js';
import { PROVIDER, appValidationReason, callbackReason, failures, own, requestIdOf, stateAction } from './mapping.js';
import { toAccount, toHolders, toTransaction } from './normalize.js';
import { NUMERIC_ID, PowensInput, PowensRef, PowensState, UUID, type PowensInputIn, type PowensPhase, type PowensRefIn } from './schemas/model.js';
import { connectionState, type Connection, type Connector } from './schemas/wire.js';
import { powensDate, powensTime } from './times.js';
import { TOKEN, ensureUser, tokenOf, type Sealed } from './users.js';

type PowensStep = Step<PowensState, PowensRef>;
type ConnectionPhase = PowensPhase<'connection'>;

/** The Powens adapter's type: transactions, holders and actions always present. */
export type PowensAdapter = ProviderAdapter<'powens', PowensInput, PowensRef, PowensState, PowensInputIn, PowensRefIn, PowensActions> & {
  /** Lists an account's transactions, a page per iteration. */
  readonly transactions: NonNullable<ProviderAdapter<'powens', PowensInput, PowensRef, PowensState>['transactions']>;
  /** Lists the account holders (Powens' account ownerships). */
  readonly holders: NonNullable<ProviderAdapter<'powens', PowensInput, PowensRef, PowensState>['holders']>;
  /** Powens' own operations. */
  readonly actions: PowensActions;
};

/** Transactions per page (the API's maximum). */
const PAGE_SIZE = 1000;

interface StepOptions {
  /** Opening a stored connection: a user present may re-enter credentials on `wrongpass`. */
  recover?: boolean;
  /** The user just came back from the webauth. */
  afterRedirect?: boolean;
}

function offersWebauth(connector: Connector): boolean {
  return connector.auth_mechanism === 'webauth' || connector.available_auth_mechanisms?.includes('webauth') === true;
}

export function createPowensAdapter(config: PowensConfig): Omit<PowensAdapter, 'id' | 'secrets'> {
  const api = powensClient(config);
  const zone = config.timeZone;

  // ------------------------------------------------------------ clean-up

  /** Removes what an unfinished flow created at Powens: the user, or else the connection. */
  async function cleanUp(ctx: AdapterContext, state: PowensState, sealed: Readonly<Sealed>): Promise<void> {
    if (state.phase === 'active') return;
    const owned = state.phase === 'connection' && state.ownsConnection === true;
    if (!state.userCreated && !owned) return;
    await ctx.bestEffort('powens clean-up after an unfinished connection', async () => {
      const token = await tokenOf(ctx, api, state.userId, sealed);
      // Deleting a user this flow created also deletes its connections (even one whose id was never learnt).
      if (state.userCreated) await api.deleteUser(ctx, token);
      else if (state.phase === 'connection') await api.deleteConnection(ctx, token, state.connectionId);
    });
  }

  // ------------------------------------------------------------ steps from a connection

  function pollPlan(deadline?: string): PollPlan {
    return { intervalMs: config.pollIntervalMs, maxIntervalMs: config.pollMaxIntervalMs, factor: 1.5, ...(deadline ? { deadline } : {}) };
  }

  /** `expire` as a challenge expiry / poll deadline, when it lies ahead. */
  function ahead(ctx: AdapterContext, value: string | null | undefined): string | undefined {
    const iso = powensTime(value, zone);
    return iso && Date.parse(iso) > ctx.now() ? iso : undefined;
  }

  function userMessage(connection: Connection): string | undefined {
    return connection.error_message ?? connection.description ?? undefined;
  }

  function redirectUriOf(state: { redirectUri?: string | undefined }, why: string): string {
    const redirectUri = state.redirectUri ?? config.redirectUri;
    if (!redirectUri) {
      throw new ConfigurationError(`powens: ${why}: configure powens({ redirectUri }) or give redirectUri in the connect input`, { provider: PROVIDER });
    }
    return redirectUri;
  }

  async function fromConnection(ctx: AdapterContext, connection: Connection, previous: ConnectionPhase, sealed: Sealed, options: StepOptions = {}): Promise<PowensStep> {
    const powensState = connectionState(connection);
    const { fieldNames: _fieldNames, ...rest } = previous;
    const state: ConnectionPhase = { ...rest, connectionId: connection.id, powensState, resumed: false };
    const action = stateAction(powensState);
    const message = userMessage(connection);
    const fail = (reason: ErrorReason, text: string, retryAfter?: Date): Error =>
      ctx.fail(reason, `connection ${connection.id} ${text}`, {
        providerCode: powensState ?? 'null',
        ...(message ? { userMessage: message } : {}),
        ...(retryAfter ? { retryAfter } : {}),
      });

    switch (action.kind) {
      case 'active':
        return active(ctx, connection, state, sealed);
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
        throw fail(action.reason, `is in state ${powensState ?? 'null'}${message ? `: ${message}` : ''}`, action.retryAfter ? powensDate(connection.next_try, zone) : undefined);
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
        const token = await tokenOf(ctx, api, state.userId, sealed);
        const next = await api.updateConnection(ctx, token, connection.id, {}, { sensitive: true, ...(state.source ? { source: state.source } : {}) });
        return fromConnection(ctx, next, { ...state, forced: true }, sealed, options);
      }
      case 'fields': {
        const fields = connection.fields ?? [];
        if (fields.length === 0) throw fail('sca_required', 'asks for additional information but lists no fields');
        return { kind: 'challenge', state: { ...state, fieldNames: fields.map((f) => f.name) }, sealed, challenge: fieldsChallenge(fields, message, expiresAt) };
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
        const redirectUri = redirectUriOf(state, 'this connection needs a webauth (webauthRequired)');
        const token = await tokenOf(ctx, api, state.userId, sealed);
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

  function active(ctx: AdapterContext, connection: Connection, state: ConnectionPhase, sealed: Sealed): PowensStep {
    const expire = powensTime(connection.expire, zone);
    if (expire && Date.parse(expire) <= ctx.now()) {
      throw ctx.fail('consent_expired', `the access to connection ${connection.id} expired on ${expire}`, { providerCode: 'expire' });
    }
    const lastSyncedAt = powensTime(connection.last_update, zone);
    return {
      kind: 'active',
      state: { phase: 'active', connectionId: connection.id, userId: state.userId, ...(state.source ? { source: state.source } : {}) },
      sealed,
      ref: { connectionId: connection.id, userId: state.userId },
      info: { ...(expire ? { consentExpiresAt: expire } : {}), ...(lastSyncedAt ? { lastSyncedAt } : {}) },
    };
  }

  // ------------------------------------------------------------ creating

  async function create(ctx: AdapterContext, previous: PowensPhase<'credentials'>, previousSealed: Readonly<Sealed>, values: Record<string, string>): Promise<PowensStep> {
    const state: PowensPhase<'credentials'> = { ...previous };
    const sealed: Sealed = { ...previousSealed };
    let current: PowensState = state;
    try {
      const token = await ensureUser(ctx, api, state, sealed);
      const userId = state.userId as number;
      const { connector } = state;
      const body = { ...(UUID.test(connector) ? { connector_uuid: connector } : { id_connector: Number(connector) }), ...values };
      const created = await api.createConnection(ctx, token, body, state.source);
      let connection = created.connection;
      const base = { phase: 'connection' as const, userId, ownsConnection: true, powensState: null, ...common(state) };
      if (created.pendingId !== undefined) {
        // The same credentials are already pending at Powens: continue that connection, never a duplicate.
        current = { ...base, connectionId: created.pendingId };
        connection = await api.getConnection(ctx, token, created.pendingId, { pending: true });
      }
      if (!connection) throw new ProviderResponseError(PROVIDER, 'CreateConnection', '', 'no connection in the answer');
      current = { ...base, connectionId: connection.id };
      return await fromConnection(ctx, connection, current, sealed);
    } catch (error) {
      // What this step created (a user, a connection) becomes the session's, so that the
      // core's cancel deletes it: on failure, break or abort, with a signal of its own (the
      // caller's abort may be what interrupted this step, and would cancel a clean-up here).
      ctx.update({ state: current.phase === 'credentials' ? { ...state } : current, sealed });
      throw error;
    }
  }

  /** A new connection through the bank's own page: the user signs in there; the callback names the connection. */
  async function startWebauth(ctx: AdapterContext, previous: PowensPhase<'credentials'>, previousSealed: Readonly<Sealed>): Promise<PowensStep> {
    const redirectUri = redirectUriOf(previous, `connector ${previous.connector} signs in on the bank's page (webauth)`);
    const draft: { userId?: number; userCreated?: boolean } = { ...(previous.userId !== undefined ? { userId: previous.userId } : {}) };
    const sealed: Sealed = { ...previousSealed };
    try {
      const token = await ensureUser(ctx, api, draft, sealed);
      const state: PowensPhase<'webauth'> = { phase: 'webauth', connector: previous.connector, userId: draft.userId as number, ...common(previous), ...(draft.userCreated ? { userCreated: true } : {}) };
      const webauthState = randomId(16);
      const url = await api.webauthUrl(ctx, token, { connector: previous.connector, redirectUri, state: webauthState, ...(previous.source ? { source: previous.source } : {}) });
      if (url === undefined) throw new ProviderResponseError(PROVIDER, 'GetWebauthUrl', '', 'answered 409 for a new connection');
      return { kind: 'challenge', state, sealed, challenge: { type: 'redirect', url, state: webauthState } };
    } catch (error) {
      if (draft.userId !== undefined) ctx.update({ state: { ...previous, userId: draft.userId, ...(draft.userCreated ? { userCreated: true } : {}) }, sealed });
      throw error;
    }
  }

  // ------------------------------------------------------------ answering

  function callbackFailure(ctx: AdapterContext, what: string, params: Record<string, string>): Error | undefined {
    const error = own(params, 'error');
    if (error === undefined) return undefined;
    const description = own(params, 'error_description');
    return ctx.fail(callbackReason(error), `webauth for ${what} failed: ${error}${description ? `: ${description}` : ''}`, {
      providerCode: error,
      ...(description ? { userMessage: description } : {}),
    });
  }

  async function afterRedirect(ctx: AdapterContext, state: ConnectionPhase, sealed: Sealed, params: Record<string, string>): Promise<PowensStep> {
    const id = state.connectionId;
    const failed = callbackFailure(ctx, `connection ${id}`, params);
    if (failed) throw failed;
    const back = own(params, 'id_connection') ?? own(params, 'connection_id');
    if (back !== undefined && Number(back) !== id) {
      throw new ProviderResponseError(PROVIDER, 'webauth callback', 'id_connection', `the callback is for connection ${back}, not ${id}`);
    }
    const token = await tokenOf(ctx, api, state.userId, sealed);
    return fromConnection(ctx, await api.getConnection(ctx, token, id), state, sealed, { afterRedirect: true });
  }

  /** The callback of a new webauth connection: it names the connection Powens created. */
  async function afterNewWebauth(ctx: AdapterContext, state: PowensPhase<'webauth'>, sealed: Sealed, params: Record<string, string>): Promise<PowensStep> {
    const failed = callbackFailure(ctx, `connector ${state.connector}`, params);
    if (failed) throw failed;
    const back = own(params, 'id_connection') ?? own(params, 'connection_id');
    if (back === undefined || !NUMERIC_ID.test(back) || !Number.isSafeInteger(Number(back))) {
      throw new ProviderResponseError(PROVIDER, 'webauth callback', 'id_connection', 'the callback names no connection');
    }
    const token = await tokenOf(ctx, api, state.userId, sealed);
    const connection = await api.getConnection(ctx, token, Number(back));
    // Only the connection this webauth made becomes this flow's (a clean-up may delete it): same connector.
    const same = UUID.test(state.connector) ? connection.connector_uuid?.toLowerCase() === state.connector.toLowerCase() : connection.id_connector === Number(state.connector);
    if (!same) throw new ProviderResponseError(PROVIDER, 'webauth callback', 'id_connection', `connection ${connection.id} is not a connection to connector ${state.connector}`);
    const next: ConnectionPhase = { phase: 'connection', connectionId: connection.id, userId: state.userId, ownsConnection: true, powensState: null, ...common(state) };
    ctx.update({ state: next, sealed });
    return fromConnection(ctx, connection, next, sealed, { afterRedirect: true });
  }

  // ------------------------------------------------------------ data

  function linked(session: Session<PowensState>): { connectionId: number; userId: number } {
    const state = session.state;
    if (state.phase !== 'active' && state.phase !== 'connection') throw new ChallengeStateError(`powens: no connection yet (phase ${state.phase})`, { provider: PROVIDER });
    return { connectionId: state.connectionId, userId: state.userId };
  }

  async function* listTransactions(ctx: AdapterContext, session: Session<PowensState>, accountId: string, query: TransactionQuery): AsyncGenerator<Transaction[]> {
    if (!NUMERIC_ID.test(accountId)) throw new ValidationError('powens transactions', [{ path: 'accountId', message: 'a Powens account id (digits)' }], { provider: PROVIDER });
    const { connectionId, userId } = linked(session);
    const token = await tokenOf(ctx, api, userId, session.sealed);
    const account = await api.account(ctx, token, accountId);
    if (account.id_connection !== undefined && account.id_connection !== null && account.id_connection !== connectionId) {
      throw new ValidationError('powens transactions', [{ path: 'accountId', message: `account ${accountId} does not belong to connection ${connectionId}` }], { provider: PROVIDER });
    }
    if (!account.currency) throw new ProviderResponseError(PROVIDER, 'GetAccount', 'currency', 'the account has no currency');
    const money = { id: accountId, currency: account.currency.id, precision: account.currency.precision ?? undefined };
    const pages = api.transactions(ctx, token, accountId, { limit: PAGE_SIZE, ...(query.from ? { min_date: query.from } : {}), ...(query.to ? { max_date: query.to } : {}) });
    for await (const page of pages) {
      const out: Transaction[] = [];
      page.forEach(({ tx, raw }, index) => {
        const mapped = toTransaction(raw, tx, money, { endpoint: 'ListTransactions', index });
        if (mapped) out.push(mapped);
        else log(ctx.log, 'warn', { provider: PROVIDER, transactionId: tx.id }, 'powens: transaction without any amount left out');
      });
      yield out;
    }
  }

  async function accountsOf(ctx: AdapterContext, token: string, connectionId: number): Promise<Account[]> {
    const list = await api.listAccounts(ctx, token, connectionId);
    if (!list) return [];
    const accounts: Account[] = [];
    list.accounts.forEach((account, index) => {
      // Deleted: no longer found at the bank. Disabled ones are listed (see `status`).
      if (account.deleted) return;
      const mapped = toAccount(list.raw[index], account, connectionId, { endpoint: 'ListAccounts', index });
      if (mapped) accounts.push(mapped);
      else log(ctx.log, 'warn', { provider: PROVIDER, accountId: account.id }, 'powens: account without a currency left out');
    });
    return accounts;
  }

  // ------------------------------------------------------------ the adapter

  return {
    schemas: { input: PowensInput, ref: PowensRef, state: PowensState },
    // Wire schemas validate every body and the mapping is typed: the core's model pass is for tests.
    typedOutput: true,
    http: { baseUrl: config.baseUrl, failures, requestId: requestIdOf },
    actions: powensActions({ api, config, accountsOf }),

    async start(ctx, input) {
      const sealed: Sealed = {};
      if (input.user?.token) {
        ctx.secrets.add(input.user.token);
        sealed[TOKEN] = input.user.token;
      }
      const state: PowensPhase<'credentials'> = {
        phase: 'credentials',
        connector: input.connector,
        ...(input.source ? { source: input.source } : {}),
        ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
        ...(input.user ? { userId: input.user.id } : {}),
      };
      const connector = await api.connector(ctx, input.connector);
      const fields = connectorCredentialFields(connector.fields ?? [], input.source);
      const mechanism = input.authMechanism ?? (fields.length > 0 ? 'credentials' : offersWebauth(connector) ? 'webauth' : undefined);
      if (mechanism === undefined) {
        throw new UnsupportedError(`powens: connector ${input.connector} has no credential fields and no webauth (auth mechanism ${connector.auth_mechanism ?? 'unknown'})`, { provider: PROVIDER });
      }
      if (mechanism === 'webauth') {
        const issues = [
          ...(offersWebauth(connector) ? [] : [{ path: 'authMechanism', message: `connector ${input.connector} does not offer webauth` }]),
          ...(input.fields !== undefined ? [{ path: 'fields', message: "a webauth connection takes no fields: the user signs in on the bank's page" }] : []),
        ];
        if (issues.length) throw new ValidationError('powens connect input', issues, { provider: PROVIDER });
        return startWebauth(ctx, state, sealed);
      }
      if (fields.length === 0) throw new ValidationError('powens connect input', [{ path: 'authMechanism', message: `connector ${input.connector} has no credential fields: use webauth` }], { provider: PROVIDER });

      const asked = fields.map((f) => credentialField(f));
      const message = connector.name ? { message: `Sign in to ${connector.name}` } : {};
      if (input.fields === undefined) return { kind: 'challenge', state, sealed, challenge: { type: 'credentials', fields: asked, ...message } };

      // Given fields are checked like an answer would be, before any credential is sent.
      const challenge: ChallengeData = { type: 'credentials', id: 'input', provider: PROVIDER, fields: asked, ...message };
      let values: Record<string, string>;
      try {
        const answer = validateAnswer(challenge, input.fields);
        values = answer.type === 'credentials' ? answer.values : {};
      } catch (error) {
        if (isInvalidAnswerError(error)) {
          throw new ValidationError('powens connect input', error.issues.map((i) => ({ path: `fields.${i.path}`, message: i.message })), { provider: PROVIDER });
        }
        throw error;
      }
      for (const field of fields) {
        const value = own(values, field.name);
        if (field.type === 'password' && value) ctx.secrets.add(value);
      }
      return create(ctx, state, sealed, values);
    },

    async open(ctx, ref) {
      const sealed: Sealed = {};
      if (ref.userToken) {
        ctx.secrets.add(ref.userToken);
        sealed[TOKEN] = ref.userToken;
      }
      const token = await tokenOf(ctx, api, ref.userId, sealed);
      sealed[TOKEN] = token;
      const state: ConnectionPhase = { phase: 'connection', connectionId: ref.connectionId, userId: ref.userId, powensState: null };
      return fromConnection(ctx, await api.getConnection(ctx, token, ref.connectionId), state, sealed, { recover: true });
    },

    async answer(ctx, session, challenge, answer) {
      const state = session.state;
      const sealed: Sealed = { ...session.sealed };
      switch (state.phase) {
        case 'credentials':
          if (answer.type !== 'credentials') throw new ProviderResponseError(PROVIDER, 'answer', challenge.type, 'only credentials are asked before a connection exists');
          return create(ctx, state, sealed, answer.values);
        case 'webauth':
          if (answer.type !== 'redirect') throw new ProviderResponseError(PROVIDER, 'answer', challenge.type, 'a webauth connection is answered by its callback');
          return afterNewWebauth(ctx, state, sealed, answer.params);
        case 'active':
          throw new ChallengeStateError('powens: the connection is already active', { provider: PROVIDER });
        case 'connection':
          break;
      }
      if (answer.type === 'redirect') return afterRedirect(ctx, state, sealed, answer.params);
      const token = await tokenOf(ctx, api, state.userId, sealed);
      const connection = await api.updateConnection(ctx, token, state.connectionId, answerBody(state, answer), {
        sensitive: true,
        // Answers to additionalInformationNeeded: a `wrongpass` then is a failed SCA, not obsolete credentials.
        answering: state.powensState === 'additionalInformationNeeded',
        // Powens purges a connection still waiting for the user at its `expire`: gone means the window ran out.
        pending: true,
        ...(state.source ? { source: state.source } : {}),
      });
      return fromConnection(ctx, connection, state, sealed);
    },

    async poll(ctx, session, challenge): Promise<PowensStep | StillPending<PowensState>> {
      const state = session.state;
      if (state.phase !== 'connection') throw new ProviderResponseError(PROVIDER, 'session', 'phase', `nothing to poll in phase ${state.phase}`);
      const sealed: Sealed = { ...session.sealed };
      const id = state.connectionId;
      const token = await tokenOf(ctx, api, state.userId, sealed);
      const decoupled = challenge?.type === 'decoupled';
      const connection =
        decoupled && !state.resumed
          ? // Resume in the background (the blocking form can hold the request for minutes), then poll.
            await api.updateConnection(ctx, token, id, { resume: true }, { sensitive: false, background: true, pending: true })
          : await api.getConnection(ctx, token, id, { pending: true });
      const current = connectionState(connection);
      if (current === 'validating' || (decoupled && current === 'decoupled')) {
        return { kind: 'still_pending', state: { ...state, resumed: state.resumed || decoupled, powensState: current } };
      }
      if (decoupled && current === 'SCARequired') {
        // How Powens reports a refused or timed-out app validation on the connection.
        const text = connection.error_message ?? connection.description;
        const reason = appValidationReason(text);
        if (reason) throw ctx.fail(reason, `connection ${id}: ${text}`, { providerCode: 'SCARequired', ...(connection.error_message ? { userMessage: connection.error_message } : {}) });
      }
      return fromConnection(ctx, connection, state, sealed);
    },

    async accounts(ctx, session) {
      const { connectionId, userId } = linked(session);
      return accountsOf(ctx, await tokenOf(ctx, api, userId, session.sealed), connectionId);
    },

    transactions(ctx, session, accountId, query) {
      return listTransactions(ctx, session, accountId, query);
    },

    async holders(ctx, session) {
      const { connectionId, userId } = linked(session);
      return toHolders(await api.accountOwnerships(ctx, await tokenOf(ctx, api, userId, session.sealed), connectionId));
    },

    async cancel(ctx, session) {
      await cleanUp(ctx, session.state, session.sealed);
    },

    async remove(ctx, session) {
      const { connectionId, userId } = linked(session);
      await api.deleteConnection(ctx, await tokenOf(ctx, api, userId, session.sealed), connectionId);
    },

    async refresh(ctx, session) {
      const { connectionId, userId } = linked(session);
      const sealed: Sealed = { ...session.sealed };
      const connection = await api.syncConnection(ctx, await tokenOf(ctx, api, userId, sealed), connectionId);
      // Without the user: an SCA state becomes sca_required, an error state its reason.
      await fromConnection(ctx, connection, { phase: 'connection', connectionId, userId, powensState: null }, sealed);
    },
  };
}

/** What a phase carries over to the next. */
function common(state: { source?: string | undefined; redirectUri?: string | undefined; userCreated?: boolean | undefined }): { source?: string; redirectUri?: string; userCreated?: boolean } {
  return {
    ...(state.source !== undefined ? { source: state.source } : {}),
    ...(state.redirectUri !== undefined ? { redirectUri: state.redirectUri } : {}),
    ...(state.userCreated ? { userCreated: true } : {}),
  };
}

/** The body answering a challenge on a connection: its field names (own, as the provider sent them) with the values. */
function answerBody(state: ConnectionPhase, answer: NormalizedAnswer): Record<string, string> {
  const names = state.fieldNames ?? [];
  const body: Record<string, string> = {};
  switch (answer.type) {
    case 'otp': {
      const [name] = names;
      if (!name) throw new ProviderResponseError(PROVIDER, 'answer', 'fieldNames', 'no field to put the code in');
      Object.defineProperty(body, name, { value: answer.code, enumerable: true, writable: true, configurable: true });
      return body;
    }
    case 'questions':
      for (const name of names) {
        const response = own(answer.responses, name);
        if (response) Object.defineProperty(body, name, { value: response.answer, enumerable: true, writable: true, configurable: true });
      }
      return body;
    case 'credentials':
      for (const name of names) {
        const value = own(answer.values, name);
        if (value !== undefined) Object.defineProperty(body, name, { value, enumerable: true, writable: true, configurable: true });
      }
      return body;
    default:
      throw new ProviderResponseError(PROVIDER, 'answer', answer.type, `powens does not ask ${answer.type} challenges`);
  }
}
