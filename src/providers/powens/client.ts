/**
 * The Powens endpoints the adapter speaks, each with its wire schema and the
 * request rules (sensitive: sent at most once; idempotent reads retried by the core).
 * Endpoint names are the simulator's route names (counters, faults).
 */
import { ProviderResponseError, ValidationError } from '../../core/errors.js';
import type { HttpRequest, HttpResponse } from '../../core/http.js';
import { httpFailure } from '../../core/kit.js';
import type { AdapterContext } from '../../core/provider.js';
import type { PowensConfig } from './config.js';
import { errorReason, powensTime } from './mapping.js';
import {
  AccountsList,
  AuthInit,
  BankAccount,
  Connection,
  Connector,
  RenewedToken,
  ServiceError,
  TransactionsList,
  WebauthUrl,
} from './schemas.js';

/** What a 404 (often an HTML page at Powens) is about, to type it usefully. */
type NotFound = 'connector' | 'connection' | 'account';

interface FailureContext {
  /** The request answered additionalInformationNeeded fields: `wrongpass` means a failed SCA. */
  answering?: boolean;
  notFound?: NotFound;
  id?: string | number;
}

/**
 * A non-2xx Powens answer as a typed error: the service error code through the mapping
 * table, the provider's `message` for the user; HTML or empty bodies by HTTP class.
 */
export function failure(ctx: AdapterContext, res: HttpResponse, context: FailureContext = {}): Error {
  const where = { status: res.status, endpoint: res.endpoint };
  if (res.status === 404 && context.notFound) {
    const what = `${context.notFound} ${String(context.id ?? '')}`.trim();
    if (context.notFound === 'connection') {
      // Deleted at Powens (by the user, GDPR purge, or an unfinished SCA past `expire`): link it again.
      return ctx.fail('consent_expired', `powens: ${what} does not exist (HTTP 404 at ${res.endpoint})`, { ...where, providerCode: 'notFound' });
    }
    const path = context.notFound === 'connector' ? 'connector' : 'accountId';
    return new ValidationError(`powens ${context.notFound}`, [{ path, message: `${what} was not found at this Powens domain (HTTP 404 at ${res.endpoint}); check the id and the baseUrl` }], {
      provider: 'powens',
      ...where,
    });
  }
  const parsed = res.isJson ? ServiceError.safeParse(res.body) : undefined;
  if (!parsed?.success) return httpFailure(ctx, res);
  const body = parsed.data;
  const reason = errorReason(body.code, res.status, body.description, context.answering === true);
  const detail = body.message ?? body.description ?? body.code;
  const retryAfter = res.retryAfter;
  return ctx.fail(reason, `powens ${res.endpoint}: ${body.code}: ${detail}`, {
    ...where,
    providerCode: body.code,
    ...(body.message ? { userMessage: body.message } : {}),
    ...(retryAfter ? { retryAfter } : {}),
  });
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** `?all`, `?background` are value-less flags in the API: written into the path as the docs do. */
function withFlag(path: string, flag: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${flag}`;
}

export interface CreatedConnection {
  connection?: Connection;
  /** 400 badRequest "You need to give the resume parameter to update the connection N": the pending duplicate. */
  pendingId?: number;
}

/** The Powens API for one adapter configuration. */
export class PowensApi {
  readonly config: PowensConfig;

  constructor(config: PowensConfig) {
    this.config = config;
  }

  async #send(ctx: AdapterContext, req: HttpRequest): Promise<HttpResponse> {
    return ctx.request(req);
  }

  /** `POST /auth/init` with the client credentials: a new user and its permanent token. */
  async initUser(ctx: AdapterContext): Promise<{ token: string; userId: number; permanent: boolean }> {
    const res = await this.#send(ctx, {
      endpoint: 'AuthInit',
      method: 'POST',
      path: 'auth/init',
      json: { client_id: this.config.clientId, client_secret: this.config.clientSecret },
    });
    if (!res.ok) throw failure(ctx, res);
    const body = res.parse(AuthInit);
    ctx.secrets.add(body.auth_token);
    return { token: body.auth_token, userId: body.id_user, permanent: body.type !== 'temporary' };
  }

  /** `POST /auth/renew`: a token for an existing user from the client credentials (old tokens stay valid). */
  async renewToken(ctx: AdapterContext, userId: number): Promise<string> {
    const res = await this.#send(ctx, {
      endpoint: 'RenewToken',
      method: 'POST',
      path: 'auth/renew',
      json: { grant_type: 'client_credentials', client_id: this.config.clientId, client_secret: this.config.clientSecret, id_user: userId, revoke_previous: false },
      // Repeating it only issues one more token: safe to retry on a lost response.
      idempotent: true,
    });
    if (!res.ok) throw failure(ctx, res);
    const { token } = res.parse(RenewedToken);
    ctx.secrets.add(token);
    return token;
  }

  /** `GET /connectors/{uuid|id}?expand=fields` (no authentication needed). */
  async connector(ctx: AdapterContext, connector: string): Promise<Connector> {
    const res = await this.#send(ctx, { endpoint: 'GetConnector', method: 'GET', path: `connectors/${encodeURIComponent(connector)}`, query: { expand: 'fields' } });
    if (!res.ok) throw failure(ctx, res, { notFound: 'connector', id: connector });
    return res.parse(Connector);
  }

  /** `POST /users/me/connections`: synchronous credential check with the bank (sent once). */
  async createConnection(ctx: AdapterContext, token: string, body: Record<string, unknown>, source: string | undefined): Promise<CreatedConnection> {
    const res = await this.#send(ctx, {
      endpoint: 'CreateConnection',
      method: 'POST',
      path: 'users/me/connections',
      ...(source ? { query: { source } } : {}),
      headers: bearer(token),
      json: body,
      sensitive: true,
      timeout: this.config.syncTimeoutMs,
    });
    if (res.ok) return { connection: res.parse(Connection) };
    if (res.status === 400 && res.isJson) {
      const error = ServiceError.safeParse(res.body);
      const text = error.success ? `${error.data.description ?? ''} ${error.data.message ?? ''}` : '';
      const pending = error.success && error.data.code === 'badRequest' ? /resume parameter.*?connection\D*(\d+)/i.exec(text) : null;
      if (pending?.[1]) return { pendingId: Number(pending[1]) };
    }
    throw failure(ctx, res);
  }

  /**
   * `POST /users/me/connections/{id}`: new credentials or an answer (`sensitive`), an
   * empty body to force a sync (triggers the SCA: `sensitive`), or `{ resume: true }`.
   */
  async updateConnection(
    ctx: AdapterContext,
    token: string,
    id: number,
    body: Record<string, unknown>,
    options: { sensitive: boolean; answering?: boolean; background?: boolean; source?: string },
  ): Promise<Connection> {
    let path = `users/me/connections/${id}`;
    if (options.background) path = withFlag(path, 'background=true');
    const res = await this.#send(ctx, {
      endpoint: 'UpdateConnection',
      method: 'POST',
      path,
      ...(options.source ? { query: { source: options.source } } : {}),
      headers: bearer(token),
      json: body,
      sensitive: options.sensitive,
      timeout: this.config.syncTimeoutMs,
    });
    if (!res.ok) throw failure(ctx, res, { notFound: 'connection', id, ...(options.answering ? { answering: true } : {}) });
    return res.parse(Connection);
  }

  async getConnection(ctx: AdapterContext, token: string, id: number): Promise<Connection> {
    const res = await this.#send(ctx, { endpoint: 'GetConnection', method: 'GET', path: `users/me/connections/${id}`, headers: bearer(token) });
    if (!res.ok) throw failure(ctx, res, { notFound: 'connection', id });
    return res.parse(Connection);
  }

  /** `PUT /users/me/connections/{id}?psu_requested=false`: a background sync that never triggers SCA. */
  async syncConnection(ctx: AdapterContext, token: string, id: number): Promise<Connection> {
    const res = await this.#send(ctx, {
      endpoint: 'SyncConnection',
      method: 'PUT',
      path: `users/me/connections/${id}`,
      query: { psu_requested: 'false' },
      headers: bearer(token),
      timeout: this.config.syncTimeoutMs,
    });
    if (!res.ok) throw failure(ctx, res, { notFound: 'connection', id });
    return res.parse(Connection);
  }

  /** `DELETE /users/me/connections/{id}`: 204 (SPEC) or 200 `{}` (recorded); a 404 means already gone. */
  async deleteConnection(ctx: AdapterContext, token: string, id: number): Promise<void> {
    const res = await this.#send(ctx, { endpoint: 'DeleteConnection', method: 'DELETE', path: `users/me/connections/${id}`, headers: bearer(token) });
    if (res.ok || res.status === 404) return;
    throw failure(ctx, res);
  }

  /** `DELETE /users/me`: 204 (SPEC) or 200 `{survey_url}` (recorded). */
  async deleteUser(ctx: AdapterContext, token: string): Promise<void> {
    const res = await this.#send(ctx, { endpoint: 'DeleteUser', method: 'DELETE', path: 'users/me', headers: bearer(token) });
    if (res.ok || res.status === 404) return;
    throw failure(ctx, res);
  }

  /** `GET /webauth-url`: where to send the user for a `webauthRequired` connection; undefined on 409 (already up to date). */
  async webauthUrl(ctx: AdapterContext, token: string, params: { connectionId: number; redirectUri: string; state: string; source?: string }): Promise<string | undefined> {
    const res = await this.#send(ctx, {
      endpoint: 'GetWebauthUrl',
      method: 'GET',
      path: 'webauth-url',
      query: {
        client_id: this.config.clientId,
        id_connection: params.connectionId,
        redirect_uri: params.redirectUri,
        state: params.state,
        source: params.source,
      },
      headers: bearer(token),
    });
    if (res.status === 409) return undefined;
    if (!res.ok) throw failure(ctx, res, { notFound: 'connection', id: params.connectionId });
    return res.parse(WebauthUrl).url;
  }

  /** `GET /users/me/connections/{id}/accounts?all`: disabled accounts included (new ones are disabled by default). */
  async listAccounts(ctx: AdapterContext, token: string, connectionId: number): Promise<{ raw: unknown[]; accounts: BankAccount[] } | undefined> {
    const res = await this.#send(ctx, { endpoint: 'ListAccounts', method: 'GET', path: withFlag(`users/me/connections/${connectionId}/accounts`, 'all'), headers: bearer(token) });
    if (!res.ok) {
      if (isNoAccount(res)) return undefined;
      throw failure(ctx, res, { notFound: 'connection', id: connectionId });
    }
    const body = res.parse(AccountsList);
    return { raw: (res.body as { accounts: unknown[] }).accounts, accounts: body.accounts };
  }

  async account(ctx: AdapterContext, token: string, accountId: string): Promise<BankAccount> {
    const res = await this.#send(ctx, { endpoint: 'GetAccount', method: 'GET', path: withFlag(`users/me/accounts/${accountId}`, 'all'), headers: bearer(token) });
    if (!res.ok) throw failure(ctx, res, { notFound: 'account', id: accountId });
    return res.parse(BankAccount);
  }

  /** One page of `GET /users/me/accounts/{id}/transactions` (`url` is a `_links.next.href` after the first). */
  async transactionsPage(
    ctx: AdapterContext,
    token: string,
    page: { url: string } | { accountId: string; query: Record<string, string | number | undefined> },
  ): Promise<{ raw: unknown[]; list: ReturnType<typeof TransactionsList.parse> } | undefined> {
    const request: HttpRequest =
      'url' in page
        ? { endpoint: 'ListTransactions', method: 'GET', path: page.url, headers: bearer(token) }
        : { endpoint: 'ListTransactions', method: 'GET', path: `users/me/accounts/${page.accountId}/transactions`, query: page.query, headers: bearer(token) };
    const res = await this.#send(ctx, request);
    if (!res.ok) {
      if (isNoAccount(res)) return undefined;
      throw failure(ctx, res, { notFound: 'account', id: 'accountId' in page ? page.accountId : '' });
    }
    const list = res.parse(TransactionsList);
    return { raw: (res.body as { transactions: unknown[] }).transactions, list };
  }

  /**
   * A pagination link as an absolute URL on the API's origin. A link to another origin is
   * refused: the user token must never be sent elsewhere.
   */
  resolveLink(href: string): string {
    const base = new URL(`${this.config.baseUrl}/`);
    const url = new URL(href, base);
    if (url.origin !== base.origin) {
      throw new ProviderResponseError('powens', 'ListTransactions', '_links.next.href', `points to another origin (${url.origin})`);
    }
    return url.toString();
  }
}

/** `noAccount` (400 in the SPEC, 409 in the docs): no activated account, hence no data. */
function isNoAccount(res: HttpResponse): boolean {
  if (res.status !== 400 && res.status !== 409) return false;
  const parsed = ServiceError.safeParse(res.body);
  return parsed.success && parsed.data.code === 'noAccount';
}

/** `next_try` as a Date (retryAfter of the automatic-retry states). */
export function nextTry(value: string | null | undefined): Date | undefined {
  const iso = powensTime(value);
  return iso ? new Date(iso) : undefined;
}
