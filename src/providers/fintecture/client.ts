/**
 * Fintecture's endpoints, as the official SDKs call them (research/fintecture.md §1–§3):
 * one function per endpoint, each returning its parsed body. Statuses other than the
 * expected ones become typed errors through the failure table, in the core; retries,
 * signatures and the 401 refresh are the core's and the provider's hooks.
 */
import type { AdapterContext, HttpRequest, QueryValue } from '../../provider.js';
import type { FintectureConfig } from './config.js';
import { errorCode } from './mapping.js';
import {
  AccountResponse,
  AccountsResponse,
  AuthorizeResponse,
  ConnectResponse,
  DecoupledStatusResponse,
  DeleteResponse,
  HoldersResponse,
  ProviderResponse,
  ProvidersResponse,
  TestAccountsResponse,
  TokenResponse,
  TransactionsResponse,
  bankFacts,
  bankInfo,
  isJsonApi,
  type BankInfo,
  type TransactionItem,
} from './schemas/wire.js';

const seg = encodeURIComponent;
type HeaderMap = Record<string, string | undefined>;

/** The filters of `GET /res/v1/providers` (PHP SDK docblock, Ruby and JS READMEs). */
export interface ProviderFilters {
  /** ISO 3166 alpha-2, e.g. `FR`. */
  country?: string;
  /** An AIS service the bank must offer: `accounts`, `transactions`, `accountholders`. */
  ais?: string;
  /** A PIS scheme the bank must offer: `sepa`, … */
  pis?: string;
  psuType?: 'retail' | 'corporate';
  authModel?: 'redirect' | 'decoupled';
}

export interface AuthorizeParams {
  model: 'decoupled' | 'redirect';
  redirectUri?: string | undefined;
  state?: string | undefined;
  psuId?: string | undefined;
  psuIpAddress?: string | undefined;
}

export interface ConnectParams {
  redirectUri: string;
  state: string;
  provider?: string | undefined;
  psuType?: string | undefined;
  country?: string | undefined;
  language?: string | undefined;
}

/** Transactions filters: `YYYY-MM-DD` dates, `from: 'max'` for as far back as the bank goes. */
export interface TransactionFilters {
  from?: string | undefined;
  to?: string | undefined;
}

export function createClient(config: FintectureConfig) {
  /** Resources, authorization and Connect authenticate the application with the `app_id` header (all SDKs). */
  const app = (headers: HeaderMap = {}): HeaderMap => ({ app_id: config.appId, ...headers });

  /** Token calls: Basic app_id:app_secret, form bodies, a single-use code or a refresh token — at most once. */
  const token = (endpoint: string, path: string, form: Record<string, string>): HttpRequest => ({
    endpoint,
    method: 'POST',
    path: `${config.oauthBaseUrl}/${path}`,
    form,
    headers: { authorization: `Basic ${config.basicCredential}` },
    sensitive: true,
    expect: [200],
  });

  return {
    // ------------------------------------------------------------ resources (banks)

    /** GET /res/v1/providers/{id}: the bank's facts, or undefined when the answer names no bank. */
    async getProvider(ctx: AdapterContext, bank: string): Promise<BankInfo | undefined> {
      const res = await ctx.request({ endpoint: 'GetProvider', method: 'GET', path: `res/v1/providers/${seg(bank)}`, headers: app(), expect: [200], hint: { bank } });
      return bankInfo(res.parse(ProviderResponse), bank);
    },

    /** GET /res/v1/providers with filters. */
    async listProviders(ctx: AdapterContext, filters: ProviderFilters = {}): Promise<BankInfo[]> {
      const query: Record<string, QueryValue> = {
        'filter[country]': filters.country,
        'filter[ais]': filters.ais,
        'filter[pis]': filters.pis,
        'filter[psu_type]': filters.psuType,
        'filter[auth_model]': filters.authModel,
      };
      const res = await ctx.request({ endpoint: 'ListProviders', method: 'GET', path: 'res/v1/providers', query, headers: app(), expect: [200] });
      return res.parse(ProvidersResponse).data.map((item) => (isJsonApi(item) ? bankFacts(item.id, item.attributes) : bankFacts(item.id, item)));
    },

    /** GET /res/v1/testaccounts (sandbox only). */
    async testAccounts(ctx: AdapterContext, provider?: string) {
      const res = await ctx.request({
        endpoint: 'TestAccounts',
        method: 'GET',
        path: 'res/v1/testaccounts',
        query: { 'filter[provider_id]': provider },
        headers: app(),
        expect: [200],
      });
      return res.parse(TestAccountsResponse).data;
    },

    // ------------------------------------------------------------ authorization

    /**
     * GET /ais/v1/provider/{id}/authorize. In decoupled mode it pushes a request to the
     * PSU's bank app: `sensitive`, sent at most once.
     */
    async authorize(ctx: AdapterContext, bank: string, params: AuthorizeParams) {
      const decoupled = params.model === 'decoupled';
      const res = await ctx.request({
        endpoint: 'Authorize',
        method: 'GET',
        path: `ais/v1/provider/${seg(bank)}/authorize`,
        // response_type=code "is only required if app_id has been set in headers" (doc).
        query: { response_type: 'code', model: params.model, redirect_uri: params.redirectUri, state: params.state },
        headers: app(decoupled ? { 'x-psu-id': params.psuId, 'x-psu-ip-address': params.psuIpAddress } : {}),
        sensitive: decoupled,
        expect: [200],
      });
      return res.parse(AuthorizeResponse);
    },

    /**
     * GET …/authorize/decoupled/{polling_id} with `model=decoupled`, as the Ruby SDK sends it,
     * or the catalog's (seed workflow's) `…/authorize/decoupled?session_id=`.
     */
    async pollDecoupled(ctx: AdapterContext, bank: string, pollingId: string, style: 'path' | 'session') {
      const base = `ais/v1/provider/${seg(bank)}/authorize/decoupled`;
      const res = await ctx.request(
        style === 'session'
          ? { endpoint: 'PollDecoupledBySession', method: 'GET', path: base, query: { session_id: pollingId, response_type: 'code', model: 'decoupled' }, headers: app(), expect: [200] }
          : { endpoint: 'PollDecoupled', method: 'GET', path: `${base}/${seg(pollingId)}`, query: { response_type: 'code', model: 'decoupled' }, headers: app(), expect: [200] },
      );
      return { body: res.parse(DecoupledStatusResponse), retryAfter: res.retryAfter };
    },

    /** GET /ais/v2/connect: a Fintecture Connect session (the hosted bank selection) and its URL. */
    async connect(ctx: AdapterContext, params: ConnectParams) {
      const res = await ctx.request({
        endpoint: 'Connect',
        method: 'GET',
        path: 'ais/v2/connect',
        query: { redirect_uri: params.redirectUri, state: params.state },
        headers: app({ 'x-provider': params.provider, 'x-psu-type': params.psuType, 'x-country': params.country, 'x-language': params.language }),
        expect: [200],
      });
      return res.parse(ConnectResponse);
    },

    // ------------------------------------------------------------ OAuth

    /** Exchanges the single-use code for an AIS token (no redirect_uri: no SDK sends one). */
    async exchangeCode(ctx: AdapterContext, code: string) {
      const res = await ctx.request(token('AccessToken', 'oauth/accesstoken', { grant_type: 'authorization_code', code, scope: 'AIS' }));
      return res.parse(TokenResponse);
    },

    async refreshToken(ctx: AdapterContext, refreshToken: string) {
      const res = await ctx.request(token('RefreshToken', 'oauth/refreshtoken', { grant_type: 'refresh_token', refresh_token: refreshToken }));
      return res.parse(TokenResponse);
    },

    // ------------------------------------------------------------ AIS data (Bearer AIS token)

    async listAccounts(ctx: AdapterContext, customerId: string, auth: HeaderMap, withBalances: boolean) {
      const res = await ctx.request({
        endpoint: 'ListAccounts',
        method: 'GET',
        path: `ais/v1/customer/${seg(customerId)}/accounts`,
        query: { withBalances },
        headers: auth,
        expect: [200],
      });
      return res.parse(AccountsResponse);
    },

    async getAccount(ctx: AdapterContext, customerId: string, accountId: string, auth: HeaderMap, withBalances: boolean) {
      const res = await ctx.request({
        endpoint: 'GetAccount',
        method: 'GET',
        path: `ais/v1/customer/${seg(customerId)}/accounts/${seg(accountId)}`,
        query: { withBalances },
        headers: auth,
        expect: [200],
      });
      return res.parse(AccountResponse);
    },

    /** The pages of an account's transactions: the first by filters, the next ones by the server's `links.next`. */
    transactions(ctx: AdapterContext, customerId: string, accountId: string, auth: HeaderMap, filters: TransactionFilters): AsyncGenerator<TransactionItem[], void, undefined> {
      const first: HttpRequest = {
        endpoint: 'ListTransactions',
        method: 'GET',
        path: `ais/v1/customer/${seg(customerId)}/accounts/${seg(accountId)}/transactions`,
        query: { 'filter[date_from]': filters.from, 'filter[date_to]': filters.to },
        headers: auth,
        expect: [200],
      };
      return ctx.paginate(first, (res) => {
        const body = res.parse(TransactionsResponse);
        return { items: body.data, next: body.links?.next };
      });
    },

    async listHolders(ctx: AdapterContext, customerId: string, auth: HeaderMap) {
      const res = await ctx.request({ endpoint: 'ListHolders', method: 'GET', path: `ais/v1/customer/${seg(customerId)}/accountholders`, headers: auth, expect: [200] });
      return res.parse(HoldersResponse);
    },

    /**
     * DELETE /ais/v1/customer/{id}: 200 `customer_deleted` (SDK specs) or 204 (catalog). A
     * `customer_unknown` answers a retry whose first attempt did the work: already gone.
     */
    async deleteCustomer(ctx: AdapterContext, customerId: string, auth: HeaderMap): Promise<'deleted' | 'gone'> {
      const res = await ctx.request({ endpoint: 'DeleteCustomer', method: 'DELETE', path: `ais/v1/customer/${seg(customerId)}`, headers: auth, expect: [200, 204, 400] });
      if (res.status === 400) {
        if (errorCode(res) === 'customer_unknown') return 'gone';
        throw ctx.failure(res);
      }
      if (res.status === 200) res.parse(DeleteResponse);
      return 'deleted';
    },
  };
}

export type FintectureClient = ReturnType<typeof createClient>;
