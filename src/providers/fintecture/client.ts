/** Fintecture's endpoints, as the official SDKs call them (research/fintecture.md §1–§3). */
import type { HttpRequest, HttpResponse, QueryValue } from '../../core/http.js';
import type { AdapterContext } from '../../core/provider.js';
import type { FintectureConfig } from './config.js';

const seg = encodeURIComponent;

export class FintectureClient {
  readonly config: FintectureConfig;
  readonly #signingKey: Promise<CryptoKey> | undefined;
  readonly basicCredential: string;

  constructor(config: FintectureConfig, signingKey: Promise<CryptoKey> | undefined) {
    this.config = config;
    this.#signingKey = signingKey;
    const bytes = new TextEncoder().encode(`${config.appId}:${config.appSecret}`);
    this.basicCredential = btoa(String.fromCharCode(...bytes));
  }

  /** Resolves once the signing key is imported; rejects with the ConfigurationError of a key WebCrypto refused. */
  async ready(): Promise<void> {
    if (this.#signingKey) await this.#signingKey;
  }

  /** Every request goes through here, so that a refused key is a ConfigurationError, not a network error. */
  async send(ctx: AdapterContext, req: HttpRequest): Promise<HttpResponse> {
    await this.ready();
    return ctx.request(req);
  }

  /** Resources and authorization calls authenticate the application with the `app_id` header (all SDKs). */
  #app(headers: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { app_id: this.config.appId, ...headers };
  }

  #bearer(token: string): Record<string, string> {
    return { authorization: `Bearer ${token}` };
  }

  // ------------------------------------------------------------ resources and authorization

  getProvider(ctx: AdapterContext, bank: string): Promise<HttpResponse> {
    return this.send(ctx, { endpoint: 'GetProvider', method: 'GET', path: `res/v1/providers/${seg(bank)}`, headers: this.#app() });
  }

  /**
   * GET /ais/v1/provider/{id}/authorize. In decoupled mode it pushes a request to the
   * PSU's bank app: `sensitive`, sent at most once.
   */
  authorize(
    ctx: AdapterContext,
    bank: string,
    query: Record<string, QueryValue>,
    headers: Record<string, string | undefined>,
    sensitive: boolean,
  ): Promise<HttpResponse> {
    return this.send(ctx, {
      endpoint: 'Authorize',
      method: 'GET',
      path: `ais/v1/provider/${seg(bank)}/authorize`,
      // response_type=code "is only required if app_id has been set in headers" (doc).
      query: { response_type: 'code', ...query },
      headers: this.#app(headers),
      sensitive,
    });
  }

  pollDecoupled(ctx: AdapterContext, bank: string, pollingId: string, style: 'path' | 'session'): Promise<HttpResponse> {
    if (style === 'session') {
      // The catalog's (seed workflow's) form: `…/authorize/decoupled?session_id=`.
      return this.send(ctx, {
        endpoint: 'PollDecoupledBySession',
        method: 'GET',
        path: `ais/v1/provider/${seg(bank)}/authorize/decoupled`,
        query: { session_id: pollingId, response_type: 'code' },
        headers: this.#app(),
      });
    }
    return this.send(ctx, {
      endpoint: 'PollDecoupled',
      method: 'GET',
      path: `ais/v1/provider/${seg(bank)}/authorize/decoupled/${seg(pollingId)}`,
      query: { response_type: 'code' },
      headers: this.#app(),
    });
  }

  // ------------------------------------------------------------ OAuth (Basic app_id:app_secret, form bodies)

  #token(endpoint: string, path: string, form: Record<string, string>): HttpRequest {
    return {
      endpoint,
      method: 'POST',
      path: `${this.config.oauthBaseUrl}/${path}`,
      form,
      headers: { authorization: `Basic ${this.basicCredential}` },
      // Carries the app secret and a single-use code or a refresh token: at most once.
      sensitive: true,
    };
  }

  /** Exchanges the single-use code for an AIS token (no redirect_uri: no SDK sends one). */
  exchangeCode(ctx: AdapterContext, code: string): Promise<HttpResponse> {
    return this.send(ctx, this.#token('AccessToken', 'oauth/accesstoken', { grant_type: 'authorization_code', code, scope: 'AIS' }));
  }

  refresh(ctx: AdapterContext, refreshToken: string): Promise<HttpResponse> {
    return this.send(ctx, this.#token('RefreshToken', 'oauth/refreshtoken', { grant_type: 'refresh_token', refresh_token: refreshToken }));
  }

  // ------------------------------------------------------------ AIS data (Bearer AIS token)

  listAccounts(ctx: AdapterContext, customerId: string, token: string, withBalances: boolean): Promise<HttpResponse> {
    return this.send(ctx, {
      endpoint: 'ListAccounts',
      method: 'GET',
      path: `ais/v1/customer/${seg(customerId)}/accounts`,
      query: { withBalances },
      headers: this.#bearer(token),
    });
  }

  /** The first page by filters, later pages by the server's `links.next` (path and query as given). */
  listTransactions(ctx: AdapterContext, page: { path: string; query?: Record<string, QueryValue> }, token: string): Promise<HttpResponse> {
    return this.send(ctx, {
      endpoint: 'ListTransactions',
      method: 'GET',
      path: page.path,
      ...(page.query ? { query: page.query } : {}),
      headers: this.#bearer(token),
    });
  }

  listHolders(ctx: AdapterContext, customerId: string, token: string): Promise<HttpResponse> {
    return this.send(ctx, { endpoint: 'ListHolders', method: 'GET', path: `ais/v1/customer/${seg(customerId)}/accountholders`, headers: this.#bearer(token) });
  }

  deleteCustomer(ctx: AdapterContext, customerId: string, token: string): Promise<HttpResponse> {
    return this.send(ctx, { endpoint: 'DeleteCustomer', method: 'DELETE', path: `ais/v1/customer/${seg(customerId)}`, headers: this.#bearer(token) });
  }

  transactionsPath(customerId: string, accountId: string): string {
    return `ais/v1/customer/${seg(customerId)}/accounts/${seg(accountId)}/transactions`;
  }

  /**
   * A `links.next` (absolute or relative) as a request path on the configured origin: the
   * bearer token never follows a link to another host.
   */
  nextPagePath(link: string): string {
    const base = new URL(`${this.config.baseUrl}/`);
    const url = new URL(link, base);
    const prefix = base.pathname;
    const sameRoot = url.origin === base.origin && url.pathname.startsWith(prefix);
    const path = sameRoot ? url.pathname.slice(prefix.length) : url.pathname.replace(/^\/+/, '');
    return `${path}${url.search}`;
  }
}
