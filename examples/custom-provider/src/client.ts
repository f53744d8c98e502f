/**
 * GoCardless's endpoints (RESEARCH.md §1–§5), and nothing else: every call but the token
 * ones carries the application's bearer token and, on "Invalid token", is sent once more
 * with a renewed one. Statuses a call does not list in `expect` become typed errors
 * through the failure table.
 */
import type { AdapterContext, FailureHint, HttpRequest, HttpResponse, QueryValue } from 'polybank/provider';
import type { GoCardlessConfig } from './config.js';
import { isInvalidToken } from './failures.js';
import type { Scope } from './model.js';
import { AppTokens } from './tokens.js';

const seg = encodeURIComponent;

type Call = Omit<HttpRequest, 'headers'> & { expect?: readonly number[]; hint?: FailureHint };

export class GoCardlessClient {
  readonly config: GoCardlessConfig;
  readonly tokens: AppTokens;

  constructor(config: GoCardlessConfig) {
    this.config = config;
    this.tokens = new AppTokens(this);
  }

  // ------------------------------------------------------------ tokens (the user secret)

  newToken(ctx: AdapterContext): Promise<HttpResponse> {
    const { secretId, secretKey } = this.config;
    // Carries the user secret: sent at most once, whatever the network does.
    return ctx.request({ endpoint: 'TokenNew', method: 'POST', path: 'token/new/', json: { secret_id: secretId, secret_key: secretKey }, sensitive: true });
  }

  refreshToken(ctx: AdapterContext, refresh: string): Promise<HttpResponse> {
    return ctx.request({ endpoint: 'TokenRefresh', method: 'POST', path: 'token/refresh/', json: { refresh }, sensitive: true, expect: [200, 401] });
  }

  /** Sends with the bearer token; an "Invalid token" 401 renews it and sends once more (never in a loop). */
  async #authorized(ctx: AdapterContext, call: Call): Promise<HttpResponse> {
    const expect = call.expect ?? [200, 201];
    const token = await this.tokens.access(ctx);
    const first = await ctx.request({ ...call, headers: { authorization: `Bearer ${token}` }, expect: [...expect, 401] });
    if (!isInvalidToken(first)) {
      // Any other 401 is about the account (an expired access): the failure table says which.
      if (first.status === 401 && !expect.includes(401)) throw ctx.failure(first, call.hint);
      return first;
    }
    const fresh = await this.tokens.access(ctx, token);
    return ctx.request({ ...call, headers: { authorization: `Bearer ${fresh}` }, expect });
  }

  // ------------------------------------------------------------ institutions

  institution(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'Institution', method: 'GET', path: `institutions/${seg(id)}/`, hint: { resource: 'institution' } });
  }

  // ------------------------------------------------------------ agreements

  createAgreement(ctx: AdapterContext, body: { institution_id: string; max_historical_days: number; access_valid_for_days: number; access_scope: Scope[] }): Promise<HttpResponse> {
    // A POST is never repeated by the core: a lost answer leaves at worst an unused agreement.
    return this.#authorized(ctx, { endpoint: 'CreateAgreement', method: 'POST', path: 'agreements/enduser/', json: body });
  }

  agreement(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'Agreement', method: 'GET', path: `agreements/enduser/${seg(id)}/`, hint: { resource: 'agreement' } });
  }

  deleteAgreement(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'DeleteAgreement', method: 'DELETE', path: `agreements/enduser/${seg(id)}/`, expect: [200, 404] });
  }

  // ------------------------------------------------------------ requisitions

  createRequisition(ctx: AdapterContext, body: Record<string, string | boolean>): Promise<HttpResponse> {
    // Carries the SSN when given: at most once. (A repeat would be refused anyway: the reference is unique.)
    return this.#authorized(ctx, { endpoint: 'CreateRequisition', method: 'POST', path: 'requisitions/', json: body, sensitive: body.ssn !== undefined });
  }

  requisition(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'Requisition', method: 'GET', path: `requisitions/${seg(id)}/`, hint: { resource: 'requisition' } });
  }

  /** 404: already gone (a lost answer to an earlier delete). */
  deleteRequisition(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'DeleteRequisition', method: 'DELETE', path: `requisitions/${seg(id)}/`, expect: [200, 404] });
  }

  // ------------------------------------------------------------ accounts

  /** Not limited by the bank: read before spending one of the day's calls. */
  account(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'Account', method: 'GET', path: `accounts/${seg(id)}/`, hint: { resource: 'account' } });
  }

  details(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'AccountDetails', method: 'GET', path: `accounts/${seg(id)}/details/`, hint: { resource: 'account' } });
  }

  balances(ctx: AdapterContext, id: string): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'AccountBalances', method: 'GET', path: `accounts/${seg(id)}/balances/`, hint: { resource: 'account' } });
  }

  transactions(ctx: AdapterContext, id: string, query: Record<string, QueryValue>): Promise<HttpResponse> {
    return this.#authorized(ctx, { endpoint: 'AccountTransactions', method: 'GET', path: `accounts/${seg(id)}/transactions/`, query, hint: { resource: 'account' } });
  }
}
