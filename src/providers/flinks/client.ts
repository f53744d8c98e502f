/**
 * The Flinks endpoints this adapter speaks, with their headers and statuses (research
 * notes §1–§4). Paths hang from `{origin}/v3/{customerId}/BankingServices`. Any status a
 * request does not `expect` becomes a typed error through the failure table (the core).
 */
import type { AdapterContext, FailureHint, HttpResponse } from '../../provider.js';
import type { ResolvedOptions } from './config.js';
import { Accepted, AccountsResponse, CardDeleted, GeneratedToken, ScheduledRefreshSet, StatementsResponse } from './schemas.js';

/** The data endpoints that may answer 202 and have an Async companion polled by RequestId. */
export type DataEndpoint = 'GetAccountsDetail' | 'GetAccountsSummary' | 'GetStatements';

interface DataBodies {
  GetAccountsDetail: typeof AccountsResponse;
  GetAccountsSummary: typeof AccountsResponse;
  GetStatements: typeof StatementsResponse;
}
const DATA_SCHEMAS: { readonly [E in DataEndpoint]: DataBodies[E] } = {
  GetAccountsDetail: AccountsResponse,
  GetAccountsSummary: AccountsResponse,
  GetStatements: StatementsResponse,
};
type DataBody<E extends DataEndpoint> = ReturnType<DataBodies[E]['parse']>;

/** A data answer: the result (200), or "still processing" (202) with the RequestId to poll. */
export type DataAnswer<E extends DataEndpoint> = { kind: 'done'; body: DataBody<E> } | { kind: 'accepted'; requestId: string | undefined; code: string };

// Statements are PDFs: their answers may be far larger than an account list.
const STATEMENTS_MAX_BYTES = 256 * 1024 * 1024;

export interface FlinksClient {
  /** POST /Authorize (or /AuthorizeAsync), preceded by a fresh single-use token when an auth key is configured. Answers 200, 202 or 203. */
  authorize(ctx: AdapterContext, body: Record<string, unknown>, hint?: FailureHint): Promise<HttpResponse>;
  /** POST /{endpoint}: the result, or a 202 to poll. */
  data<E extends DataEndpoint>(ctx: AdapterContext, endpoint: E, body: Record<string, unknown> & { RequestId: string }): Promise<DataAnswer<E>>;
  /** GET /{endpoint}Async/{RequestId}: the result, or still processing. */
  dataAsync<E extends DataEndpoint>(ctx: AdapterContext, endpoint: E, requestId: string): Promise<DataAnswer<E>>;
  /** DELETE /DeleteCard/{loginId}: removes the link and all its data at Flinks. */
  deleteCard(ctx: AdapterContext, loginId: string): Promise<void>;
  /** PATCH /SetScheduledRefresh: Flinks' nightly refresh of a LoginId, on or off; answers Flinks' sentence. */
  setScheduledRefresh(ctx: AdapterContext, loginId: string, enabled: boolean): Promise<string>;
}

export function flinksClient(options: ResolvedOptions): FlinksClient {
  // "Data endpoints … authenticate using the RequestId … and the x-api-key header" (when Flinks enabled it).
  const dataHeaders = options.apiKey ? { 'x-api-key': options.apiKey } : {};

  async function authorizeToken(ctx: AdapterContext, authKey: string): Promise<string> {
    // Safe to repeat: a lost answer only leaves an unused token behind.
    const res = await ctx.request({
      endpoint: 'GenerateAuthorizeToken',
      method: 'POST',
      path: 'GenerateAuthorizeToken',
      headers: { 'flinks-auth-key': authKey },
      idempotent: true,
      expect: [200],
    });
    const { Token } = res.parse(GeneratedToken);
    ctx.secrets.add(Token);
    return Token;
  }

  function answer<E extends DataEndpoint>(endpoint: E, res: HttpResponse): DataAnswer<E> {
    if (res.status === 202) {
      const accepted = res.parse(Accepted);
      return { kind: 'accepted', requestId: accepted.RequestId, code: accepted.FlinksCode ?? 'OPERATION_PENDING' };
    }
    return { kind: 'done', body: res.parse(DATA_SCHEMAS[endpoint]) as DataBody<E> };
  }

  const maxBytes = (endpoint: DataEndpoint): { maxBytes?: number } => (endpoint === 'GetStatements' ? { maxBytes: STATEMENTS_MAX_BYTES } : {});

  return {
    async authorize(ctx, body, hint) {
      const headers: Record<string, string> = {};
      // The token is single-use: a new one for every /Authorize, MFA answers and confirmations included.
      if (options.authKey) headers['flinks-auth-key'] = await authorizeToken(ctx, options.authKey);
      const endpoint = options.authorizeEndpoint;
      // Every /Authorize carries credentials, an answer, or makes the bank act (a push, a code by text): at most once.
      return ctx.request({ endpoint, method: 'POST', path: endpoint, json: body, headers, sensitive: true, expect: [200, 202, 203], ...(hint ? { hint } : {}) });
    },

    async data(ctx, endpoint, body) {
      const res = await ctx.request({ endpoint, method: 'POST', path: endpoint, json: body, headers: dataHeaders, idempotent: true, expect: [200, 202], ...maxBytes(endpoint) });
      return answer(endpoint, res);
    },

    async dataAsync(ctx, endpoint, requestId) {
      const name = `${endpoint}Async`;
      const res = await ctx.request({ endpoint: name, method: 'GET', path: `${name}/${encodeURIComponent(requestId)}`, headers: dataHeaders, expect: [200, 202], ...maxBytes(endpoint) });
      return answer(endpoint, res);
    },

    async deleteCard(ctx, loginId) {
      const res = await ctx.request({ endpoint: 'DeleteCard', method: 'DELETE', path: `DeleteCard/${encodeURIComponent(loginId)}`, headers: dataHeaders, expect: [200] });
      // Today: { StatusCode: 200, Message: "All of the information about LoginId … has been removed" }.
      // In 2018: plain text, "Invalid LoginId" for an unknown one (possibly with HTTP 200).
      const text = typeof res.body === 'string' ? res.body : res.isJson ? undefined : res.text;
      if (text !== undefined) {
        if (text.trim() === '' || /has been removed/i.test(text)) return;
        throw ctx.failure(res);
      }
      const body = res.parse(CardDeleted);
      if ((body.StatusCode ?? body.HttpStatusCode ?? 200) !== 200) throw ctx.failure(res);
    },

    async setScheduledRefresh(ctx, loginId, enabled) {
      // Setting the same value twice changes nothing: safe to repeat.
      const res = await ctx.request({
        endpoint: 'SetScheduledRefresh',
        method: 'PATCH',
        path: 'SetScheduledRefresh',
        json: { LoginId: loginId, IsActivated: enabled },
        headers: dataHeaders,
        expect: [200],
      });
      return res.parse(ScheduledRefreshSet);
    },
  };
}
