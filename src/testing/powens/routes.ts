/**
 * The simulated Powens API 2.0 routes (documented paths, statuses, bodies and error
 * envelopes), modelled on the official test connector and its scenarios.
 */
import type { Route, RouteContext } from '../simulator.js';
import { ACCOUNT_PARTIES, CARD_TRANSACTIONS, LOAN_DETAILS, TEST_ACCOUNTS, TEST_CONNECTOR, TEST_TRANSACTIONS, WEBAUTH_CONNECTOR } from './fixtures.js';
import { ACCEPTED_SCENARIOS, parseSqlTime, sqlTime, type PowensSimState, type SimConnection, type SimStep } from './state.js';

/** The UUID of Powens' test connector ("Connecteur de test"), as the simulator serves it. */
export const TEST_CONNECTOR_UUID = '338178e6-3d01-564f-9a7b-52ca442459bf';
/** The test connector's numeric id. */
export const TEST_CONNECTOR_ID = 59;
/** A simulated connector that signs in on the bank's page only (webauth). */
export const WEBAUTH_CONNECTOR_UUID = WEBAUTH_CONNECTOR.uuid as string;
/** The webauth-only connector's numeric id. */
export const WEBAUTH_CONNECTOR_ID = WEBAUTH_CONNECTOR.id as number;

/** Powens' Apache 404 page, as recorded for unknown ids and routes. */
export const HTML_404 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n';

type Ctx = RouteContext<PowensSimState>;

/** A time as the simulated API writes it: `YYYY-MM-DD HH:MM:SS` in its zone (Europe/Paris unless told UTC). */
export function at(state: PowensSimState, ms: number): string {
  return sqlTime(ms, state.options.timeZone);
}

export function notFoundPage(): Response {
  return new Response(HTML_404, { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

function json(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

/** The common error body (`ServiceError`), with the `request_id` Powens documents in it. */
function serviceError(status: number, code: string, text: { description?: string; message?: string } = {}): Response {
  return json(status, { code, ...text, request_id: crypto.randomUUID() });
}

/** A body field, as an own property only (a field named `constructor` is not Object's). */
function field(body: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

const PENDING = new Set(['additionalInformationNeeded', 'decoupled', 'validating', 'webauthRequired']);

// ---------------------------------------------------------------- helpers

/** The bearer token's user, or the recorded 401. */
function authUser(ctx: Ctx): number | Response {
  const header = ctx.request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const userId = match?.[1] ? ctx.state.tokens.get(match[1].trim()) : undefined;
  if (userId === undefined || ctx.state.users.get(userId)?.deleted !== false) return serviceError(401, 'unauthorized');
  return userId;
}

/** Connections waiting for the user past their `expire` are purged, as Powens does. */
function purgeExpired(state: PowensSimState, now: number): void {
  for (const connection of state.connections.values()) {
    const expire = parseSqlTime(connection.expire, state.options.timeZone);
    if (connection.state !== null && PENDING.has(connection.state) && expire !== undefined && expire <= now) deleteConnection(state, connection.id);
  }
}

function deleteConnection(state: PowensSimState, id: number): void {
  state.connections.delete(id);
  for (const [accountId, account] of state.accounts) {
    if (account.id_connection === id) {
      state.accounts.delete(accountId);
      state.transactions.delete(accountId);
    }
  }
}

function ownConnection(ctx: Ctx, userId: number): SimConnection | Response {
  purgeExpired(ctx.state, Date.now());
  const id = Number(ctx.params.id);
  const connection = ctx.state.connections.get(id);
  if (!connection || connection.userId !== userId) return notFoundPage();
  return connection;
}

function record(ctx: Ctx, endpoint: string, userId?: number): void {
  ctx.state.received.push({
    endpoint,
    method: ctx.request.method,
    path: ctx.url.pathname,
    query: Object.fromEntries(ctx.url.searchParams),
    body: ctx.body,
    ...(userId !== undefined ? { userId } : {}),
  });
}

function bodyObject(ctx: Ctx): Record<string, unknown> | undefined {
  return ctx.body !== null && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : undefined;
}

function newToken(state: PowensSimState, userId: number): string {
  const token = `sim-token-${++state.seq.token}-${crypto.randomUUID()}`;
  state.tokens.set(token, userId);
  state.issuedTokens.push(token);
  return token;
}

function newCode(state: PowensSimState, userId: number, single: boolean): string {
  const code = `sim-code-${crypto.randomUUID()}`;
  state.codes.set(code, { userId, single, used: false, expiresAt: Date.now() + 30 * 60_000 });
  return code;
}

/** A temporary code that is valid now; a single-access one is spent by this use. */
function spendCode(state: PowensSimState, code: string | null): number | undefined {
  const entry = code ? state.codes.get(code) : undefined;
  if (!entry || entry.used || entry.expiresAt <= Date.now()) return undefined;
  if (entry.single) entry.used = true;
  return entry.userId;
}

/** The connection object with the recorded key order (deprecated `error`, `id_provider`, `id_bank` included). */
export function connectionJson(connection: SimConnection): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: connection.id,
    id_user: connection.userId,
    id_connector: connection.connector?.id ?? TEST_CONNECTOR_ID,
    last_update: connection.lastUpdate,
    created: connection.created,
    active: true,
    last_push: null,
    next_try: connection.nextTry,
    state: connection.state,
    error: connection.state,
    error_message: connection.errorMessage,
  };
  if (connection.fields) body.fields = connection.fields;
  body.expire = connection.expire;
  body.id_provider = connection.connector?.id ?? TEST_CONNECTOR_ID;
  body.id_bank = connection.connector?.id ?? TEST_CONNECTOR_ID;
  body.connector_uuid = connection.connector?.uuid ?? TEST_CONNECTOR_UUID;
  // Recorded only on decoupled answers: undocumented extra keys.
  if (connection.state === 'decoupled') {
    body.description = connection.errorMessage;
    body.id_connection = connection.id;
  }
  return body;
}

// ---------------------------------------------------------------- scenario progress

const DECOUPLED_MESSAGE = 'You need to confirm the connection on your bank website';

/** Moves a connection to its next interactive step, or syncs it when none is left. */
export function advance(state: PowensSimState, connection: SimConnection, now = Date.now()): void {
  const step = connection.steps[0];
  connection.backgroundResume = false;
  connection.polls = 0;
  delete connection.expectedAnswer;
  switch (step) {
    case undefined:
      delete connection.previousAnswer;
      connection.state = null;
      connection.errorMessage = null;
      connection.fields = null;
      connection.expire = null;
      connection.lastUpdate = at(state, now);
      connection.nextTry = at(state, now + 24 * 60 * 60_000);
      seedAccounts(state, connection, now);
      return;
    case 'otp': {
      // The sandbox's second doubleotp prompt quotes the first answer.
      const echo = state.options.echoPreviousAnswer && connection.previousAnswer !== undefined;
      const label = echo ? `${state.options.otpLabel} (vous avez répondu « ${connection.previousAnswer} »)` : state.options.otpLabel;
      connection.state = 'additionalInformationNeeded';
      connection.fields = [{ name: 'openapisms', label, description: label, regex: null, value: null, type: 'text' }];
      connection.errorMessage = `openapisms: ${label}`;
      connection.expire = at(state, now + state.options.expireMs);
      connection.nextTry = at(state, now + 24 * 60 * 60_000);
      connection.otpSends++;
      return;
    }
    case 'decoupled':
      connection.state = 'decoupled';
      connection.fields = null;
      connection.errorMessage = DECOUPLED_MESSAGE;
      connection.expire = at(state, now + state.options.expireMs);
      connection.nextTry = at(state, now + 24 * 60 * 60_000);
      connection.pushes++;
      return;
    case 'webauth':
      connection.state = 'webauthRequired';
      connection.fields = null;
      connection.errorMessage = null;
      connection.expire = at(state, now + state.options.expireMs);
      return;
  }
}

function stepsFor(scenario: string): SimStep[] {
  switch (scenario) {
    case 'additionalInformationNeeded':
      return ['otp'];
    case 'doubleotp':
      return ['otp', 'otp'];
    case 'shortDecoupled':
    case 'longDecoupled':
    case 'AppValidationCancelled':
    case 'AppValidationExpired':
      return ['decoupled'];
    case 'webauthRequired':
      return ['webauth'];
    default:
      return [];
  }
}

/** What a background (PSU-absent) sync finds: the SCARequired scenarios need a user. */
export function backgroundSync(state: PowensSimState, connection: SimConnection, now = Date.now()): void {
  if (connection.scenario.startsWith('SCARequired')) {
    connection.state = 'SCARequired';
    connection.errorMessage = null;
    connection.fields = null;
    connection.nextTry = at(state, now + 24 * 60 * 60_000);
    return;
  }
  if (connection.state === null) connection.lastUpdate = at(state, now);
}

/** A forced sync with the user present: triggers the SCA of the SCARequired scenarios. */
function forcedSync(state: PowensSimState, connection: SimConnection): void {
  connection.forcedSyncs++;
  if (connection.state === 'SCARequired') {
    connection.steps = connection.scenario === 'SCARequiredAndOTP' ? ['otp'] : connection.scenario === 'SCARequiredAndDecoupled' ? ['decoupled'] : [];
    advance(state, connection);
  } else if (connection.state === null) {
    connection.lastUpdate = at(state, Date.now());
  }
}

type Outcome = 'approve' | 'cancelled' | 'expired';

function appValidation(connection: SimConnection): Outcome {
  if (connection.scenario === 'AppValidationCancelled') return 'cancelled';
  if (connection.scenario === 'AppValidationExpired') return 'expired';
  return 'approve';
}

const APP_VALIDATION_TEXT = { cancelled: 'App validation has been cancelled', expired: 'App validation has expired' } as const;

/** Ends an app validation: approved → next step; cancelled/expired → SCARequired with the text. */
function settleValidation(state: PowensSimState, connection: SimConnection): Outcome {
  const outcome = appValidation(connection);
  if (outcome === 'approve') {
    connection.steps.shift();
    advance(state, connection);
  } else {
    connection.state = 'SCARequired';
    connection.errorMessage = APP_VALIDATION_TEXT[outcome];
    connection.backgroundResume = false;
  }
  return outcome;
}

function seedAccounts(state: PowensSimState, connection: SimConnection, now: number): void {
  if ([...state.accounts.values()].some((a) => a.id_connection === connection.id)) return;
  createAccounts(state, connection, now);
}

function createAccounts(state: PowensSimState, connection: SimConnection, now: number): void {
  const ids = new Map<number, number>();
  for (const template of TEST_ACCOUNTS) ids.set(template.id as number, ++state.seq.account);
  const source = connection.id * 2;
  TEST_ACCOUNTS.forEach((template, index) => {
    const id = ids.get(template.id as number) as number;
    const account: Record<string, unknown> = {
      ...template,
      id,
      id_connection: connection.id,
      id_user: connection.userId,
      id_source: source,
      id_parent: template.id_parent === null ? null : (ids.get(template.id_parent as number) ?? null),
      last_update: at(state, now),
      disabled: state.options.newAccountsDisabled ? at(state, now) : null,
      ...(connection.scenario === 'pro' ? { usage: 'ORGA' } : {}),
      ...(template.type === 'loan' ? { loan: { ...(template.loan as object), id_account: id, ...LOAN_DETAILS } } : {}),
    };
    state.accounts.set(id, account);
    // The recorded transactions belong to the first (checking) account; the deferred card has its pending purchases.
    const transactions = index === 0 ? TEST_TRANSACTIONS : template.type === 'card' ? CARD_TRANSACTIONS : [];
    if (transactions.length > 0) state.transactions.set(id, transactions.map((tx) => ({ ...tx, id: ++state.seq.transaction, id_account: id })));
  });
}

/**
 * A permanent user with one synced connection of the test connector, as if linked long
 * ago (no flow run, no request): what an app's database holds for a stored connection.
 * `state` other than null leaves the connection in that state (e.g. `SCARequired`).
 */
export function storeConnection(state: PowensSimState, options: { scenario?: string; state?: string | null } = {}): { connectionId: number; userId: number; userToken: string } {
  const now = Date.now();
  const userId = ++state.seq.user;
  state.users.set(userId, { id: userId, permanent: true, deleted: false });
  const userToken = newToken(state, userId);
  const id = ++state.seq.connection;
  const connection: SimConnection = {
    id,
    userId,
    scenario: options.scenario ?? 'par',
    login: `stored-${id}`,
    state: null,
    errorMessage: null,
    fields: null,
    created: at(state, now),
    lastUpdate: at(state, now),
    expire: null,
    nextTry: at(state, now + 24 * 60 * 60_000),
    steps: [],
    backgroundResume: false,
    polls: 0,
    otpSends: 0,
    pushes: 0,
    forcedSyncs: 0,
  };
  state.connections.set(id, connection);
  createAccounts(state, connection, now);
  if (options.state) connection.state = options.state;
  return { connectionId: id, userId, userToken };
}

// ---------------------------------------------------------------- routes

const SCENARIO_FIELDS = ['openapiwebsite', 'directaccesswebsite'];

function connectorBody(connector: Readonly<Record<string, unknown>>, expand: string | null): Record<string, unknown> {
  const wanted = new Set((expand ?? '').split(',').map((s) => s.trim()));
  if (wanted.has('fields')) return { ...connector };
  const { fields: _fields, ...rest } = connector as Record<string, unknown>;
  return rest;
}

/** The connector an id or UUID names: the test connector or the webauth one. */
function connectorOf(id: string | null | undefined): Readonly<Record<string, unknown>> | undefined {
  if (id === TEST_CONNECTOR_UUID || id === String(TEST_CONNECTOR_ID)) return TEST_CONNECTOR;
  if (id === WEBAUTH_CONNECTOR_UUID || id === String(WEBAUTH_CONNECTOR_ID)) return WEBAUTH_CONNECTOR;
  return undefined;
}

const getConnector: Route<PowensSimState>['handle'] = (ctx) => {
  record(ctx, 'GetConnector');
  const connector = connectorOf(ctx.params.id);
  if (!connector) return notFoundPage();
  return json(200, connectorBody(connector, ctx.url.searchParams.get('expand')));
};

const authInit: Route<PowensSimState>['handle'] = (ctx) => {
  record(ctx, 'AuthInit');
  const body = bodyObject(ctx) ?? {};
  const { clientId, clientSecret } = ctx.state.options;
  const permanent = body.client_id !== undefined || body.client_secret !== undefined;
  if (permanent && (String(body.client_id) !== clientId || body.client_secret !== clientSecret)) {
    return serviceError(401, 'unauthorized', { description: 'Invalid client credentials' });
  }
  const id = ++ctx.state.seq.user;
  ctx.state.users.set(id, { id, permanent, deleted: false });
  const token = newToken(ctx.state, id);
  // Recorded: no `expires_in` key at all for a permanent token.
  return json(200, permanent ? { auth_token: token, type: 'permanent', id_user: id } : { auth_token: token, type: 'temporary', expires_in: 1800, id_user: id });
};

const authRenew: Route<PowensSimState>['handle'] = (ctx) => {
  record(ctx, 'RenewToken');
  const body = bodyObject(ctx) ?? {};
  const { clientId, clientSecret } = ctx.state.options;
  if (body.grant_type !== 'client_credentials') return serviceError(400, 'invalidValue', { description: 'grant_type must be client_credentials' });
  if (String(body.client_id) !== clientId || body.client_secret !== clientSecret) return serviceError(401, 'unauthorized', { description: 'Invalid client credentials' });
  const user = ctx.state.users.get(Number(body.id_user));
  if (!user || user.deleted) return serviceError(400, 'invalidValue', { description: 'Unknown user' });
  return json(200, { access_token: newToken(ctx.state, user.id), token_type: 'Bearer' });
};

const tokenCode: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'GetTemporaryCode', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const single = ctx.url.searchParams.get('type') === 'singleAccess';
  return json(200, { code: newCode(ctx.state, user, single), type: 'temporary', access: single ? 'single' : 'standard', expires_in: 1800 });
};

const createConnection: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'CreateConnection', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  purgeExpired(ctx.state, Date.now());
  const body = bodyObject(ctx);
  if (!body) return serviceError(400, 'badRequest', { description: 'The request body must be a JSON object' });
  const uuid = field(body, 'connector_uuid');
  const legacyId = field(body, 'id_connector');
  if (uuid === undefined && legacyId === undefined) return serviceError(400, 'missingParameter', { description: 'connector_uuid is required' });
  const connector = connectorOf(uuid !== undefined ? String(uuid) : String(legacyId));
  if (!connector) return serviceError(400, 'invalidValue', { description: 'Unknown connector' });
  if (connector === WEBAUTH_CONNECTOR) return serviceError(400, 'invalidValue', { description: 'This connector only supports the webauth mechanism' });
  for (const name of ['login', 'password']) {
    const value = field(body, name);
    if (typeof value !== 'string' || value === '') return serviceError(400, 'missingParameter', { description: `Missing parameter "${name}"` });
  }
  for (const name of SCENARIO_FIELDS) {
    const value = field(body, name);
    if (value !== undefined && !(ACCEPTED_SCENARIOS as readonly string[]).includes(String(value))) {
      // woob's Value.check_valid text, as recorded: its list is the backend's, `ping` included.
      return serviceError(400, 'config', {
        description: `Backend(example_openapi): Configuration error for field "${name}": Value "${String(value)}" is not in list: ${ACCEPTED_SCENARIOS.join(', ')}`,
      });
    }
  }
  const source = ctx.url.searchParams.get('source') ?? undefined;
  const website = (name: string): unknown => field(body, name);
  const scenario = String((source === 'directaccess' ? website('directaccesswebsite') : website('openapiwebsite')) ?? website('openapiwebsite') ?? website('directaccesswebsite') ?? 'par');
  const login = field(body, 'login') as string;
  const pending = [...ctx.state.connections.values()].find((c) => c.userId === user && c.login === login && c.state !== null && PENDING.has(c.state));
  if (pending) {
    return serviceError(400, 'badRequest', { description: `You need to give the resume parameter to update the connection ${pending.id}` });
  }
  const { wrongpassCode } = ctx.state.options;
  if (field(body, 'password') !== ctx.state.options.password || scenario === 'wrongpass') return serviceError(400, wrongpassCode, { message: 'Incorrect password' });
  switch (scenario) {
    case 'passwordExpired':
      return serviceError(400, 'passwordExpired', { message: 'The password has expired' });
    case 'actionNeeded':
      return serviceError(400, 'actionNeeded', { message: 'Please confirm the new terms and conditions' });
    case 'bug':
      return serviceError(400, 'bug', { description: 'bug' });
    case 'websiteUnavailable':
      return serviceError(400, 'websiteUnavailable', { description: 'The website is unavailable' });
    case 'notSupported':
      return serviceError(400, 'notSupported', { description: 'Website not supported' });
  }
  const connection = newConnection(ctx.state, { userId: user, scenario, login, ...(source ? { source } : {}) });
  return json(connection.steps.length > 0 ? 202 : ctx.state.options.createStatus, connectionJson(connection));
};

/** A new connection, moved to its first step (or synced). */
function newConnection(state: PowensSimState, init: { userId: number; scenario: string; login: string; source?: string; webauth?: boolean; connector?: Readonly<Record<string, unknown>> }): SimConnection {
  const now = Date.now();
  const connection: SimConnection = {
    id: ++state.seq.connection,
    userId: init.userId,
    scenario: init.scenario,
    ...(init.source ? { source: init.source } : {}),
    login: init.login,
    state: null,
    errorMessage: null,
    fields: null,
    created: at(state, now),
    lastUpdate: null,
    expire: null,
    nextTry: null,
    steps: stepsFor(init.scenario),
    backgroundResume: false,
    polls: 0,
    otpSends: 0,
    pushes: 0,
    forcedSyncs: 0,
    ...(init.webauth ? { webauth: true } : {}),
    ...(init.connector && init.connector !== TEST_CONNECTOR ? { connector: { id: init.connector.id as number, uuid: init.connector.uuid as string } } : {}),
  };
  state.connections.set(connection.id, connection);
  advance(state, connection, now);
  if (connection.state === null) connection.lastUpdate = null; // recorded: last_update stays null right after creation
  return connection;
}

const getConnection: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'GetConnection', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  if (connection.state === 'validating') {
    connection.polls++;
    const needed = connection.scenario === 'longDecoupled' ? ctx.state.options.longDecoupledPolls : ctx.state.options.decoupledPolls;
    if (connection.polls >= needed) {
      if (connection.backgroundResume) settleValidation(ctx.state, connection);
      else {
        connection.steps = [];
        advance(ctx.state, connection);
      }
    }
  }
  return json(200, connectionJson(connection));
};

const updateConnection: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'UpdateConnection', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  const body = ctx.body === undefined ? {} : bodyObject(ctx);
  if (!body) return serviceError(400, 'badRequest', { description: 'The request body must be a JSON object' });
  const background = ctx.url.searchParams.has('background') && ctx.url.searchParams.get('background') !== 'false';
  const keys = Object.keys(body);

  const resume = field(body, 'resume');
  if (resume === true || resume === 'true') {
    if (connection.state !== 'decoupled' && connection.state !== 'validating') {
      return serviceError(400, 'badRequest', { description: `The connection ${connection.id} is not waiting for a validation` });
    }
    if (background) {
      connection.state = 'validating';
      connection.backgroundResume = true;
      connection.polls = 0;
      return json(202, connectionJson(connection));
    }
    const outcome = settleValidation(ctx.state, connection);
    if (outcome !== 'approve') return serviceError(400, 'SCARequired', { description: APP_VALIDATION_TEXT[outcome] });
    return json(connection.steps.length > 0 ? 202 : 200, connectionJson(connection));
  }

  if (keys.length === 0) {
    // An empty body forces a sync (the user is present: SCA is triggered).
    forcedSync(ctx.state, connection);
    return json(connection.state !== null && PENDING.has(connection.state) ? 202 : 200, connectionJson(connection));
  }

  if (connection.state === 'additionalInformationNeeded' && connection.fields) {
    let first: string | undefined;
    for (const asked of connection.fields) {
      const value = field(body, asked.name);
      if (typeof value !== 'string') return serviceError(400, 'missingParameter', { description: `Missing parameter "${asked.name}"` });
      const scripted = connection.expectedAnswer && Object.hasOwn(connection.expectedAnswer, asked.name) ? connection.expectedAnswer[asked.name] : undefined;
      const expected = scripted ?? ctx.state.options.otp;
      if (value !== expected) return serviceError(400, ctx.state.options.wrongpassCode, { message: `Il fallait dire « ${expected} »` });
      first ??= value;
    }
    if (first !== undefined) connection.previousAnswer = first;
    connection.steps.shift();
    advance(ctx.state, connection);
    return json(connection.steps.length > 0 ? 202 : 200, connectionJson(connection));
  }

  if (Object.hasOwn(body, 'password') || Object.hasOwn(body, 'login')) {
    if (field(body, 'password') !== ctx.state.options.password) return serviceError(400, ctx.state.options.wrongpassCode, { message: 'Incorrect password' });
    const login = field(body, 'login');
    if (typeof login === 'string') connection.login = login;
    connection.steps = [];
    advance(ctx.state, connection);
    return json(200, connectionJson(connection));
  }
  return serviceError(400, 'badRequest', { description: `Unexpected parameters: ${keys.join(', ')}` });
};

const syncConnection: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'SyncConnection', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  // psu_requested defaults to true ("might trigger an SCA"); false is a background sync.
  if (ctx.url.searchParams.get('psu_requested') === 'false') backgroundSync(ctx.state, connection);
  else {
    backgroundSync(ctx.state, connection);
    if (connection.state === 'SCARequired') forcedSync(ctx.state, connection);
  }
  return json(200, connectionJson(connection));
};

const deleteConnectionRoute: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'DeleteConnection', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  deleteConnection(ctx.state, connection.id);
  return ctx.state.options.deleteStatus === 204 ? new Response(null, { status: 204 }) : json(200, {});
};

const deleteUser: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'DeleteUser', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  for (const connection of [...ctx.state.connections.values()]) if (connection.userId === user) deleteConnection(ctx.state, connection.id);
  (ctx.state.users.get(user) as { deleted: boolean }).deleted = true;
  for (const [token, owner] of ctx.state.tokens) if (owner === user) ctx.state.tokens.delete(token);
  if (ctx.state.options.deleteStatus === 204) return new Response(null, { status: 204 });
  return json(200, { survey_url: `https://www.budgea.com/user/guestUnsubscribe?id_user=${user}` });
};

function accountsOf(state: PowensSimState, connectionId: number, all: boolean): Array<Record<string, unknown>> {
  return [...state.accounts.values()].filter((a) => a.id_connection === connectionId && (all || a.disabled === null));
}

const listAccounts: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'ListAccounts', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  const accounts = accountsOf(ctx.state, connection.id, ctx.url.searchParams.has('all'));
  const balances: Record<string, number> = {};
  for (const account of accounts) {
    const currency = (account.currency as { id?: string } | null)?.id;
    if (!currency) continue;
    balances[currency] = Math.round(((balances[currency] ?? 0) + Number(account.balance ?? 0)) * 100) / 100;
  }
  const balance = Math.round(Object.values(balances).reduce((a, b) => a + b, 0) * 100) / 100;
  return json(200, { balance, balances, coming_balances: balances, accounts, total: accounts.length });
};

function ownAccount(ctx: Ctx, user: number): Record<string, unknown> | Response {
  purgeExpired(ctx.state, Date.now());
  const account = ctx.state.accounts.get(Number(ctx.params.id));
  if (!account || account.id_user !== user) return notFoundPage();
  if (account.disabled !== null && !ctx.url.searchParams.has('all')) return notFoundPage();
  return account;
}

const getAccount: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'GetAccount', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const account = ownAccount(ctx, user);
  return account instanceof Response ? account : json(200, account);
};

/**
 * Enables (`disabled: false`: synced from now on) or disables an account. A disabled
 * account's transactions are not served (Powens deletes them; the next sync after enabling
 * brings them back, which the simulator plays by serving its recorded ones again).
 */
function setDisabled(state: PowensSimState, account: Record<string, unknown>, disabled: boolean): void {
  if (!disabled) account.disabled = null;
  else if (account.disabled === null) account.disabled = at(state, Date.now());
}

function disabledFlag(ctx: Ctx): boolean | Response {
  const body = bodyObject(ctx);
  const value = body ? field(body, 'disabled') : undefined;
  if (typeof value !== 'boolean') return serviceError(400, 'invalidValue', { description: 'disabled must be a boolean' });
  return value;
}

/** `POST` (SPEC) or `PUT` (legacy) `/users/me/accounts/{id}?all {"disabled": …}`. */
const updateAccount: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'UpdateAccount', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const account = ownAccount(ctx, user);
  if (account instanceof Response) return account;
  const disabled = disabledFlag(ctx);
  if (disabled instanceof Response) return disabled;
  setDisabled(ctx.state, account, disabled);
  return json(200, account);
};

/** `PUT /users/me/connections/{c}/accounts/{id1,id2}?all {"disabled": …}` (recorded bulk form) → `{ accounts }`. */
const updateAccounts: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'UpdateAccounts', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  const disabled = disabledFlag(ctx);
  if (disabled instanceof Response) return disabled;
  const accounts = String(ctx.params.ids).split(',').map((id) => ctx.state.accounts.get(Number(id)));
  if (accounts.some((a) => !a || a.id_connection !== connection.id)) return notFoundPage();
  for (const account of accounts) setDisabled(ctx.state, account as Record<string, unknown>, disabled);
  return json(200, { accounts });
};

/** `GET /users/me/connections/{id}/account_ownerships` (Powens Check): who holds each account. */
const accountOwnerships: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'ListAccountOwnerships', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  if (!ctx.state.options.accountOwnerships) return notFoundPage();
  const connection = ownConnection(ctx, user);
  if (connection instanceof Response) return connection;
  const ownerships = accountsOf(ctx.state, connection.id, true).map((account) => {
    const parties = account.type === 'checking' && (account.currency as { id?: string } | null)?.id === 'EUR' ? ACCOUNT_PARTIES.joint : ACCOUNT_PARTIES.holder;
    return {
      id_account: account.id,
      id_connection: connection.id,
      id_user: user,
      id_connector_source: account.id_source,
      name: account.name,
      usage: account.usage,
      bank_name: TEST_CONNECTOR.name,
      multiple_holders: (parties?.length ?? 0) > 1,
      calculated: [],
      parties,
      identifications: account.iban ? [{ scheme_name: 'iban', identification: account.iban }] : [],
    };
  });
  return json(200, { account_ownerships: ownerships, total: ownerships.length });
};

/** `YYYY`, `YYYY-MM` or a day, as the first / last day it covers. */
function bound(value: string | null, end: boolean): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}$/.test(value)) return end ? `${value}-12-31` : `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return end ? `${value}-31` : `${value}-01`;
  return value;
}

interface Cursor {
  offset: number;
  min?: string;
  max?: string;
}

const encodeCursor = (cursor: Cursor): string => btoa(JSON.stringify(cursor)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
function decodeCursor(text: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/'))) as Cursor;
    return Number.isInteger(parsed.offset) && parsed.offset >= 0 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const listTransactions: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'ListTransactions', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const account = ctx.state.accounts.get(Number(ctx.params.id));
  if (!account || account.id_user !== user) return notFoundPage();
  const params = ctx.url.searchParams;
  const { legacyTransactions, maxPageSize } = ctx.state.options;
  const limitText = params.get('limit');
  if (limitText === null && !legacyTransactions) return serviceError(400, 'missingParameter', { description: 'Missing parameter "limit"' });
  const limit = limitText === null ? Number.MAX_SAFE_INTEGER : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || (limitText !== null && limit > 1000)) return serviceError(400, 'invalidValue', { description: 'limit must be between 1 and 1000' });
  let cursor: Cursor = { offset: Number(params.get('offset') ?? 0) };
  const min = bound(params.get('min_date'), false);
  const max = bound(params.get('max_date'), true);
  if (min) cursor.min = min;
  if (max) cursor.max = max;
  const cursorText = params.get('cursor');
  if (cursorText !== null) {
    const decoded = decodeCursor(cursorText);
    if (!decoded) return serviceError(400, 'invalidValue', { description: 'Invalid cursor' });
    cursor = decoded;
  }
  // Disabled accounts are not synced: no transactions.
  const all = account.disabled === null ? (ctx.state.transactions.get(account.id as number) ?? []) : [];
  const key = params.get('filter') === 'date' ? 'date' : 'application_date';
  const matching = all.filter((tx) => {
    const day = String(tx[key] ?? tx.date);
    return (!cursor.min || day >= cursor.min) && (!cursor.max || day <= cursor.max);
  });
  const size = Math.min(limit, maxPageSize);
  const page = matching.slice(cursor.offset, cursor.offset + size);
  const days = all.map((tx) => String(tx.date)).sort();
  const pageDays = page.map((tx) => String(tx.date)).sort();
  if (legacyTransactions) {
    return json(200, { first_date: days[0] ?? null, last_date: days[days.length - 1] ?? null, transactions: page, total: matching.length });
  }
  const base = `${ctx.url.origin}${ctx.url.pathname}`;
  const link = (c: Cursor): { href: string } => ({ href: `${base}?limit=${limit === Number.MAX_SAFE_INTEGER ? size : limit}&cursor=${encodeCursor(c)}` });
  const nextOffset = cursor.offset + page.length;
  return json(200, {
    transactions: page,
    first_date: days[0] ?? null,
    last_date: days[days.length - 1] ?? null,
    result_min_date: pageDays[0] ?? null,
    result_max_date: pageDays[pageDays.length - 1] ?? null,
    _links: {
      self: link(cursor),
      prev: cursor.offset > 0 ? link({ ...cursor, offset: Math.max(0, cursor.offset - size) }) : null,
      next: nextOffset < matching.length ? link({ ...cursor, offset: nextOffset }) : null,
    },
  });
};

const webauthUrl: Route<PowensSimState>['handle'] = (ctx) => {
  const user = authUser(ctx);
  record(ctx, 'GetWebauthUrl', typeof user === 'number' ? user : undefined);
  if (typeof user !== 'number') return user;
  const params = ctx.url.searchParams;
  if (params.get('client_id') !== ctx.state.options.clientId) return serviceError(400, 'invalidValue', { description: 'Unknown client_id' });
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) return serviceError(400, 'missingParameter', { description: 'Missing parameter "redirect_uri"' });
  purgeExpired(ctx.state, Date.now());
  const url = new URL(`${ctx.url.origin}${ctx.simulator.definition.basePath ?? ''}/webauth`);
  url.searchParams.set('client_id', ctx.state.options.clientId);
  const connectorId = params.get('connector_uuid') ?? params.get('id_connector');
  if (params.get('id_connection') === null && connectorId !== null) {
    // A new connection, created when the user comes back from the bank's page.
    const connector = connectorOf(connectorId);
    if (!connector) return notFoundPage();
    url.searchParams.set('connector_uuid', connector.uuid as string);
  } else {
    const connection = ctx.state.connections.get(Number(params.get('id_connection')));
    if (!connection || connection.userId !== user) return notFoundPage();
    if (connection.state !== 'webauthRequired') return serviceError(409, 'invalidValue', { description: 'The connection is already up to date' });
    url.searchParams.set('id_connection', String(connection.id));
  }
  url.searchParams.set('token', newCode(ctx.state, user, true));
  url.searchParams.set('redirect_uri', redirectUri);
  const source = params.get('source');
  if (source !== null) url.searchParams.set('source', source);
  const state = params.get('state');
  if (state !== null) url.searchParams.set('state', state);
  return json(200, { url: url.toString() });
};

function callback(redirectUri: string, params: Record<string, string | null>): Response {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return new Response(null, { status: 302, headers: { location: url.toString() } });
}

/** The bank's page behind `/webauth` (what the user's browser opens): finishes the SCA and redirects back. */
const webauth: Route<PowensSimState>['handle'] = (ctx) => {
  record(ctx, 'Webauth');
  const params = ctx.url.searchParams;
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || params.get('client_id') !== ctx.state.options.clientId) return serviceError(400, 'invalidValue', { description: 'Invalid client_id or redirect_uri' });
  const state = params.get('state');
  const user = spendCode(ctx.state, params.get('token'));
  if (user === undefined) return callback(redirectUri, { error: 'session_expired', error_description: 'The temporary code is invalid or was already used', state });
  const outcome = ctx.state.options.webauthOutcome;
  const connector = connectorOf(params.get('connector_uuid'));
  if (connector) {
    if (outcome !== 'approve') return callback(redirectUri, { error: outcome, error_description: `The bank answered ${outcome}`, state });
    const source = params.get('source');
    const created = newConnection(ctx.state, { userId: user, scenario: 'par', login: `webauth-${ctx.state.seq.connection + 1}`, webauth: true, connector, ...(source ? { source } : {}) });
    advance(ctx.state, created);
    return callback(redirectUri, { id_connection: String(created.id), state });
  }
  const connection = ctx.state.connections.get(Number(params.get('id_connection')));
  if (!connection || connection.userId !== user) return notFoundPage();
  if (outcome !== 'approve') return callback(redirectUri, { error: outcome, error_description: `The bank answered ${outcome}`, state });
  connection.steps = [];
  advance(ctx.state, connection);
  return callback(redirectUri, { id_connection: String(connection.id), state });
};

/** The Reconnect webview (legacy API-root form): resolves a connection waiting for the user. */
const reconnectWebview: Route<PowensSimState>['handle'] = (ctx) => {
  record(ctx, 'ReconnectWebview');
  const params = ctx.url.searchParams;
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri || params.get('client_id') !== ctx.state.options.clientId) return serviceError(400, 'invalidValue', { description: 'Invalid client_id or redirect_uri' });
  const state = params.get('state');
  const user = spendCode(ctx.state, params.get('code'));
  if (user === undefined) return callback(redirectUri, { error: 'session_expired', error_description: 'The code is invalid or was already used', state });
  const connection = ctx.state.connections.get(Number(params.get('connection_id')));
  if (!connection || connection.userId !== user) return notFoundPage();
  const outcome = ctx.state.options.webauthOutcome;
  if (outcome !== 'approve') return callback(redirectUri, { error: outcome, error_description: `The user ended with ${outcome}`, state });
  connection.steps = [];
  advance(ctx.state, connection);
  return callback(redirectUri, { state });
};

export const POWENS_ROUTES: ReadonlyArray<Route<PowensSimState>> = [
  { method: 'GET', path: '/connectors/:id', endpoint: 'GetConnector', handle: getConnector },
  { method: 'POST', path: '/auth/init', endpoint: 'AuthInit', handle: authInit },
  { method: 'POST', path: '/auth/renew', endpoint: 'RenewToken', handle: authRenew },
  { method: 'GET', path: '/auth/token/code', endpoint: 'GetTemporaryCode', handle: tokenCode },
  { method: 'POST', path: '/users/me/connections', endpoint: 'CreateConnection', handle: createConnection },
  { method: 'GET', path: '/users/me/connections/:id', endpoint: 'GetConnection', handle: getConnection },
  { method: 'POST', path: '/users/me/connections/:id', endpoint: 'UpdateConnection', handle: updateConnection },
  { method: 'PUT', path: '/users/me/connections/:id', endpoint: 'SyncConnection', handle: syncConnection },
  { method: 'DELETE', path: '/users/me/connections/:id', endpoint: 'DeleteConnection', handle: deleteConnectionRoute },
  { method: 'DELETE', path: '/users/me', endpoint: 'DeleteUser', handle: deleteUser },
  { method: 'GET', path: '/users/me/connections/:id/accounts', endpoint: 'ListAccounts', handle: listAccounts },
  { method: 'GET', path: '/users/me/accounts/:id', endpoint: 'GetAccount', handle: getAccount },
  { method: 'GET', path: '/users/me/accounts/:id/transactions', endpoint: 'ListTransactions', handle: listTransactions },
  { method: 'POST', path: '/users/me/accounts/:id', endpoint: 'UpdateAccount', handle: updateAccount },
  { method: 'PUT', path: '/users/me/accounts/:id', endpoint: 'UpdateAccount', handle: updateAccount },
  { method: 'PUT', path: '/users/me/connections/:id/accounts/:ids', endpoint: 'UpdateAccounts', handle: updateAccounts },
  { method: 'GET', path: '/users/me/connections/:id/account_ownerships', endpoint: 'ListAccountOwnerships', handle: accountOwnerships },
  { method: 'GET', path: '/webauth-url', endpoint: 'GetWebauthUrl', handle: webauthUrl },
  { method: 'GET', path: '/webauth', endpoint: 'Webauth', handle: webauth },
  { method: 'GET', path: '/auth/webview/reconnect', endpoint: 'ReconnectWebview', handle: reconnectWebview },
  { method: 'GET', path: '/auth/webview/:lang/reconnect', endpoint: 'ReconnectWebview', handle: reconnectWebview },
];
