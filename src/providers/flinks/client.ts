/**
 * The Flinks endpoints this adapter speaks, with their headers and retry rules
 * (research notes §1–§4). Paths hang from `{origin}/v3/{customerId}/BankingServices`.
 */
import { ProviderResponseError } from '../../core/errors.js';
import type { HttpResponse } from '../../core/http.js';
import type { AdapterContext } from '../../core/provider.js';
import { flinksFailure } from './codes.js';
import type { ResolvedOptions } from './config.js';
import { Accepted, AccountsResponse, CardDeleted, GeneratedToken } from './schemas.js';

export type DataEndpoint = 'GetAccountsDetail' | 'GetAccountsSummary';

export interface FlinksClient {
  /** POST /Authorize, preceded by a fresh single-use token when an auth key is configured. */
  authorize(ctx: AdapterContext, body: Record<string, unknown>): Promise<HttpResponse>;
  /** A data read; a 202 is polled on `GET /{endpoint}Async/{RequestId}` (10 s, 30 min by default). */
  data(ctx: AdapterContext, endpoint: DataEndpoint, body: Record<string, unknown> & { RequestId: string }): Promise<AccountsResponse>;
  /** DELETE /DeleteCard/{loginId}: removes the link and all its data at Flinks. */
  deleteCard(ctx: AdapterContext, loginId: string): Promise<void>;
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
    });
    if (res.status !== 200) throw flinksFailure(ctx, res);
    const { Token } = res.parse(GeneratedToken);
    ctx.secrets.add(Token);
    return Token;
  }

  return {
    async authorize(ctx, body) {
      const headers: Record<string, string> = {};
      // The token is single-use: a new one for every /Authorize, MFA answers and confirmations included.
      if (options.authKey) headers['flinks-auth-key'] = await authorizeToken(ctx, options.authKey);
      // Every /Authorize carries credentials, an answer, or makes the bank act (a push, a code by text): at most once.
      return ctx.request({ endpoint: 'Authorize', method: 'POST', path: 'Authorize', json: body, headers, sensitive: true });
    },

    async data(ctx, endpoint, body) {
      const res = await ctx.request({ endpoint, method: 'POST', path: endpoint, json: body, headers: dataHeaders, idempotent: true });
      if (res.status === 200) return res.parse(AccountsResponse);
      if (res.status !== 202) throw flinksFailure(ctx, res);
      const accepted = res.parse(Accepted);
      const requestId = accepted.RequestId ?? body.RequestId;
      const code = accepted.FlinksCode ?? 'OPERATION_PENDING';
      const asyncEndpoint = `${endpoint}Async`;
      return ctx.poll<AccountsResponse>(
        {
          intervalMs: options.asyncPollIntervalMs,
          factor: 1,
          deadline: new Date(ctx.now() + options.asyncTimeoutMs).toISOString(),
          deadlineReason: 'provider_unavailable',
        },
        async () => {
          const poll = await ctx.request({ endpoint: asyncEndpoint, method: 'GET', path: `${asyncEndpoint}/${encodeURIComponent(requestId)}`, headers: dataHeaders });
          if (poll.status === 200) return poll.parse(AccountsResponse);
          if (poll.status !== 202) throw flinksFailure(ctx, poll);
          poll.parse(Accepted);
          return { kind: 'still_pending' as const, ...(poll.retryAfter ? { retryAfter: poll.retryAfter } : {}) };
        },
        () =>
          ctx.fail('provider_unavailable', `Flinks ${endpoint} answered ${code} and was still processing after ${Math.round(options.asyncTimeoutMs / 60_000)} minutes`, {
            providerCode: code,
            endpoint: asyncEndpoint,
          }),
      );
    },

    async deleteCard(ctx, loginId) {
      const res = await ctx.request({ endpoint: 'DeleteCard', method: 'DELETE', path: `DeleteCard/${encodeURIComponent(loginId)}`, headers: dataHeaders });
      if (!res.ok) throw flinksFailure(ctx, res);
      // Today: { StatusCode: 200, Message: "All of the information about LoginId … has been removed" }.
      // In 2018: plain text, "Invalid LoginId" for an unknown one (possibly with HTTP 200).
      const text = typeof res.body === 'string' ? res.body : res.isJson ? undefined : res.text;
      if (text !== undefined) {
        if (/invalid\s+loginid/i.test(text)) throw flinksFailure(ctx, res);
        if (text.trim() === '' || /has been removed/i.test(text)) return;
        throw new ProviderResponseError('flinks', 'DeleteCard', '', 'unexpected text body', { status: res.status });
      }
      const body = res.parse(CardDeleted);
      const status = body.StatusCode ?? body.HttpStatusCode ?? res.status;
      if (status !== 200) throw flinksFailure(ctx, res);
    },
  };
}
