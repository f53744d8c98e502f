/**
 * The Powens endpoints the adapter speaks: one function per endpoint, each with its
 * expected statuses (anything else is typed by the failure table in the core), its
 * sending rule (`sensitive`: at most once; idempotent reads retried by the core) and its
 * parsed body. Endpoint names are the simulator's route names (counters, faults).
 */
import { ProviderResponseError, type AdapterContext, type HttpRequest, type HttpResponse } from '../../provider.js';
import type { PowensConfig } from './config.js';
import { PROVIDER, hint, isNoAccount } from './mapping.js';
import {
  AccountOwnerships,
  AccountsList,
  AuthCode,
  AuthInit,
  BankAccount,
  Connection,
  Connector,
  RenewedToken,
  ServiceError,
  TransactionsList,
  WebauthUrl,
  type Transaction,
} from './schemas/wire.js';

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

/** One transaction as listed, with the provider's own object. */
export interface ListedTransaction {
  tx: Transaction;
  raw: unknown;
}

export type PowensClient = ReturnType<typeof powensClient>;

/** The Powens API for one adapter configuration. */
export function powensClient(config: PowensConfig) {
  const credentials = { client_id: config.clientId, client_secret: config.clientSecret };

  return {
    /** `POST /auth/init` with the client credentials: a new user and its permanent token. */
    async initUser(ctx: AdapterContext): Promise<{ token: string; userId: number; permanent: boolean }> {
      const res = await ctx.request({ endpoint: 'AuthInit', method: 'POST', path: 'auth/init', json: credentials, expect: [200, 201] });
      const body = res.parse(AuthInit);
      ctx.secrets.add(body.auth_token);
      return { token: body.auth_token, userId: body.id_user, permanent: body.type !== 'temporary' };
    },

    /** `POST /auth/renew`: a token for an existing user from the client credentials (old tokens stay valid). */
    async renewToken(ctx: AdapterContext, userId: number): Promise<string> {
      const res = await ctx.request({
        endpoint: 'RenewToken',
        method: 'POST',
        path: 'auth/renew',
        json: { grant_type: 'client_credentials', ...credentials, id_user: userId, revoke_previous: false },
        // Repeating it only issues one more token: safe to retry on a lost response.
        idempotent: true,
        expect: [200],
      });
      const { token } = res.parse(RenewedToken);
      ctx.secrets.add(token);
      return token;
    },

    /** `GET /auth/token/code?type=singleAccess`: a temporary code for the webviews (usable once, a few minutes). */
    async temporaryCode(ctx: AdapterContext, token: string): Promise<{ code: string; expiresIn?: number }> {
      const res = await ctx.request({ endpoint: 'GetTemporaryCode', method: 'GET', path: 'auth/token/code', query: { type: 'singleAccess' }, headers: bearer(token), expect: [200] });
      const body = res.parse(AuthCode);
      return { code: body.code, ...(typeof body.expires_in === 'number' && body.expires_in > 0 ? { expiresIn: body.expires_in } : {}) };
    },

    /** `GET /connectors/{uuid|id}?expand=fields` (no authentication needed). */
    async connector(ctx: AdapterContext, connector: string): Promise<Connector> {
      const res = await ctx.request({
        endpoint: 'GetConnector',
        method: 'GET',
        path: `connectors/${encodeURIComponent(connector)}`,
        query: { expand: 'fields' },
        expect: [200],
        hint: hint({ notFound: 'connector', id: connector }),
      });
      return res.parse(Connector);
    },

    /** `POST /users/me/connections`: synchronous credential check with the bank (sent once). */
    async createConnection(ctx: AdapterContext, token: string, body: Record<string, unknown>, source: string | undefined): Promise<CreatedConnection> {
      const res = await ctx.request({
        endpoint: 'CreateConnection',
        method: 'POST',
        path: 'users/me/connections',
        ...(source ? { query: { source } } : {}),
        headers: bearer(token),
        json: body,
        sensitive: true,
        timeout: config.syncTimeoutMs,
        expect: [200, 201, 202, 400],
      });
      if (res.status !== 400) return { connection: res.parse(Connection) };
      const pending = pendingDuplicate(res);
      if (pending !== undefined) return { pendingId: pending };
      throw ctx.failure(res);
    },

    /**
     * `POST /users/me/connections/{id}`: new credentials or an answer (`sensitive`), an
     * empty body to force a sync (triggers the SCA: `sensitive`), or `{ resume: true }`.
     */
    async updateConnection(
      ctx: AdapterContext,
      token: string,
      id: number,
      body: Record<string, unknown>,
      options: { sensitive: boolean; answering?: boolean; background?: boolean; source?: string; pending?: boolean },
    ): Promise<Connection> {
      let path = `users/me/connections/${id}`;
      if (options.background) path = withFlag(path, 'background=true');
      const res = await ctx.request({
        endpoint: 'UpdateConnection',
        method: 'POST',
        path,
        ...(options.source ? { query: { source: options.source } } : {}),
        headers: bearer(token),
        json: body,
        sensitive: options.sensitive,
        timeout: config.syncTimeoutMs,
        expect: [200, 201, 202],
        hint: hint({ notFound: 'connection', id, ...(options.answering ? { answering: true } : {}), ...(options.pending ? { pending: true } : {}) }),
      });
      return res.parse(Connection);
    },

    async getConnection(ctx: AdapterContext, token: string, id: number, options: { pending?: boolean } = {}): Promise<Connection> {
      const res = await ctx.request({
        endpoint: 'GetConnection',
        method: 'GET',
        path: `users/me/connections/${id}`,
        headers: bearer(token),
        expect: [200],
        hint: hint({ notFound: 'connection', id, ...(options.pending ? { pending: true } : {}) }),
      });
      return res.parse(Connection);
    },

    /** `PUT /users/me/connections/{id}?psu_requested=false`: a background sync that never triggers SCA. */
    async syncConnection(ctx: AdapterContext, token: string, id: number): Promise<Connection> {
      const res = await ctx.request({
        endpoint: 'SyncConnection',
        method: 'PUT',
        path: `users/me/connections/${id}`,
        query: { psu_requested: 'false' },
        headers: bearer(token),
        timeout: config.syncTimeoutMs,
        expect: [200, 202],
        hint: hint({ notFound: 'connection', id }),
      });
      return res.parse(Connection);
    },

    /** `DELETE /users/me/connections/{id}`: 204 (SPEC) or 200 `{}` (recorded); a 404 means already gone. */
    async deleteConnection(ctx: AdapterContext, token: string, id: number): Promise<void> {
      await ctx.request({ endpoint: 'DeleteConnection', method: 'DELETE', path: `users/me/connections/${id}`, headers: bearer(token), expect: [200, 204, 404] });
    },

    /** `DELETE /users/me`: 204 (SPEC) or 200 `{survey_url}` (recorded); a 404 means already gone. */
    async deleteUser(ctx: AdapterContext, token: string): Promise<void> {
      await ctx.request({ endpoint: 'DeleteUser', method: 'DELETE', path: 'users/me', headers: bearer(token), expect: [200, 204, 404] });
    },

    /**
     * `GET /webauth-url`: where to send the user, for a connection in `webauthRequired`
     * (`id_connection`) or a new one (`connector_uuid`); undefined on 409 (already up to date).
     */
    async webauthUrl(
      ctx: AdapterContext,
      token: string,
      params: { redirectUri: string; state: string; source?: string } & ({ connectionId: number } | { connector: string }),
    ): Promise<string | undefined> {
      const target = 'connectionId' in params ? { id_connection: params.connectionId } : /^\d+$/.test(params.connector) ? { id_connector: params.connector } : { connector_uuid: params.connector };
      const res = await ctx.request({
        endpoint: 'GetWebauthUrl',
        method: 'GET',
        path: 'webauth-url',
        query: { client_id: config.clientId, ...target, redirect_uri: params.redirectUri, state: params.state, source: params.source },
        headers: bearer(token),
        expect: [200, 409],
        hint: 'connectionId' in params ? hint({ notFound: 'connection', id: params.connectionId }) : hint({ notFound: 'connector', id: params.connector }),
      });
      if (res.status === 409) return undefined;
      return res.parse(WebauthUrl).url;
    },

    /** `GET /users/me/connections/{id}/accounts?all`: disabled accounts included (new ones are disabled by default); undefined on `noAccount`. */
    async listAccounts(ctx: AdapterContext, token: string, connectionId: number): Promise<{ raw: unknown[]; accounts: BankAccount[] } | undefined> {
      const res = await ctx.request({
        endpoint: 'ListAccounts',
        method: 'GET',
        path: withFlag(`users/me/connections/${connectionId}/accounts`, 'all'),
        headers: bearer(token),
        expect: [200, 400, 409],
        hint: hint({ notFound: 'connection', id: connectionId }),
      });
      if (res.status !== 200) {
        if (isNoAccount(res)) return undefined;
        throw ctx.failure(res, hint({ notFound: 'connection', id: connectionId }));
      }
      const body = res.parse(AccountsList);
      return { raw: (res.body as { accounts: unknown[] }).accounts, accounts: body.accounts };
    },

    async account(ctx: AdapterContext, token: string, accountId: string): Promise<BankAccount> {
      const res = await ctx.request({
        endpoint: 'GetAccount',
        method: 'GET',
        path: withFlag(`users/me/accounts/${accountId}`, 'all'),
        headers: bearer(token),
        expect: [200],
        hint: hint({ notFound: 'account', id: accountId }),
      });
      return res.parse(BankAccount);
    },

    /** `POST /users/me/accounts/{id}?all {"disabled": …}`: enables (syncs) or disables (purges) an account. */
    async updateAccount(ctx: AdapterContext, token: string, accountId: string, disabled: boolean): Promise<{ raw: unknown; account: BankAccount }> {
      const res = await ctx.request({
        endpoint: 'UpdateAccount',
        method: 'POST',
        path: withFlag(`users/me/accounts/${accountId}`, 'all'),
        headers: bearer(token),
        json: { disabled },
        // Setting the same flag twice changes nothing: safe to retry.
        idempotent: true,
        expect: [200],
        hint: hint({ notFound: 'account', id: accountId }),
      });
      return { raw: res.body, account: res.parse(BankAccount) };
    },

    /** `GET /users/me/connections/{id}/account_ownerships` (Powens Check). */
    async accountOwnerships(ctx: AdapterContext, token: string, connectionId: number): Promise<AccountOwnerships> {
      const res = await ctx.request({
        endpoint: 'ListAccountOwnerships',
        method: 'GET',
        path: `users/me/connections/${connectionId}/account_ownerships`,
        headers: bearer(token),
        expect: [200],
        hint: hint({ notFound: 'ownerships', id: connectionId }),
      });
      return res.parse(AccountOwnerships);
    },

    /**
     * `GET /users/me/accounts/{id}/transactions`, page by page through the core's
     * pagination: `_links.next.href` (an opaque cursor), or for the 2021 answer (no
     * `_links`, a `total`) the next offset. `noAccount` is an empty list.
     */
    transactions(ctx: AdapterContext, token: string, accountId: string, query: { limit: number; min_date?: string; max_date?: string }): AsyncGenerator<ListedTransaction[]> {
      const first: HttpRequest = {
        endpoint: 'ListTransactions',
        method: 'GET',
        path: `users/me/accounts/${accountId}/transactions`,
        query,
        headers: bearer(token),
        expect: [200, 400, 409],
        hint: hint({ notFound: 'account', id: accountId }),
      };
      return ctx.paginate(first, (res) => {
        if (res.status !== 200) {
          if (isNoAccount(res)) return { items: [] };
          throw ctx.failure(res, hint({ notFound: 'account', id: accountId }));
        }
        const list = res.parse(TransactionsList);
        const raw = (res.body as { transactions: unknown[] }).transactions;
        const items = list.transactions.map((tx, index) => ({ tx, raw: raw[index] }));
        return { items, next: list._links ? list._links.next?.href : legacyNext(res, list.total, items.length) };
      });
    },
  };
}

/** The 2021 answer pages by offset up to `total`: the next page's URL, on the same endpoint. */
function legacyNext(res: HttpResponse, total: number | null | undefined, count: number): string | undefined {
  if (!total || count === 0) return undefined;
  const url = new URL(res.url);
  const offset = Number(url.searchParams.get('offset') ?? 0) + count;
  if (!Number.isSafeInteger(offset) || offset >= total) return undefined;
  url.searchParams.set('offset', String(offset));
  return url.toString();
}

/** The pending connection a `badRequest` "give the resume parameter to update the connection N" names. */
function pendingDuplicate(res: HttpResponse): number | undefined {
  const error = ServiceError.safeParse(res.body);
  if (!error.success || error.data.code !== 'badRequest') return undefined;
  const text = `${error.data.description ?? ''} ${error.data.message ?? ''}`;
  const match = /resume parameter.*?connection\D*(\d+)/i.exec(text);
  const id = match?.[1] ? Number(match[1]) : undefined;
  if (id !== undefined && !Number.isSafeInteger(id)) throw new ProviderResponseError(PROVIDER, 'CreateConnection', 'description', 'names a connection id that is not a safe integer');
  return id;
}
