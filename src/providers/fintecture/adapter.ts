/**
 * The Fintecture adapter: decoupled AIS (the seed workflow: read the bank, authorize
 * with model=decoupled, poll PENDING → COMPLETED/FAILED, exchange the code, list the
 * accounts) and redirect AIS (bank URL with our state, code from the callback), then
 * accounts, transactions, holders and delete over the customer's AIS token.
 */
import { ProviderResponseError, UnsupportedError, ValidationError } from '../../core/errors.js';
import type { HttpResponse, QueryValue } from '../../core/http.js';
import { randomId } from '../../core/kit.js';
import type { NormalizedAnswer } from '../../core/model/challenge.js';
import type { AdapterContext, ProviderAdapter, Session, Step } from '../../core/provider.js';
import type { FintectureClient } from './client.js';
import type { FintectureConfig } from './config.js';
import {
  CALLBACK_ERROR_DEFAULT,
  DECOUPLED_FAILED_REASON,
  PROVIDER,
  REASON_BY_CALLBACK_ERROR,
  errorCode,
  failure,
  toAccount,
  toHolder,
  toTransaction,
} from './mapping.js';
import { InputSchema, RefSchema, StateSchema, chosenModel, type FintectureInput, type FintectureRef, type FintectureState } from './model.js';
import {
  AccountsResponse,
  AuthorizeResponse,
  DecoupledStatusResponse,
  DeleteResponse,
  HoldersResponse,
  ProviderResponse,
  TokenResponse,
  TransactionsResponse,
  bankInfo,
  type BankInfo,
} from './schemas.js';
import { AisTokens, tokenSet } from './tokens.js';

type ParsedInput = ReturnType<typeof InputSchema.parse>;
type FStep = Step<FintectureState, FintectureRef>;
type ActiveState = Extract<FintectureState, { phase: 'active' }>;

export type FintectureAdapter = ProviderAdapter<'fintecture', FintectureInput, FintectureRef, FintectureState>;

const DAY_MS = 86_400_000;

function activeState(session: Session<FintectureState>): ActiveState {
  if (session.state.phase !== 'active') throw new ProviderResponseError(PROVIDER, 'session', 'phase', `expected an active connection, got ${session.state.phase}`);
  return session.state;
}

export function createAdapter(config: FintectureConfig, client: FintectureClient): FintectureAdapter {
  const tokens = new AisTokens(client);

  // ------------------------------------------------------------ the bank (Fintecture "provider")

  async function readBank(ctx: AdapterContext, id: string): Promise<BankInfo> {
    const res = await client.getProvider(ctx, id);
    // Fintecture's own 404 (the JSON envelope), not a wrong baseUrl's HTML page.
    if (res.status === 404 && res.isJson) throw new UnsupportedError(`Fintecture has no provider (bank) ${JSON.stringify(id)}`, { provider: PROVIDER, status: 404, endpoint: res.endpoint });
    if (!res.ok) throw failure(ctx, res);
    const info = bankInfo(res.parse(ProviderResponse), id);
    if (!info) throw new UnsupportedError(`Fintecture has no provider (bank) ${JSON.stringify(id)}`, { provider: PROVIDER, endpoint: res.endpoint });
    return info;
  }

  /** Where the bank lists what it supports, ask for nothing else (the attribute names are not confirmed: absent lists do not block). */
  function checkSupport(bank: BankInfo, model: 'decoupled' | 'redirect', psuType: string | undefined): void {
    const name = bank.name ? `${bank.name} (${bank.id})` : bank.id;
    if (bank.authModels && !bank.authModels.includes(model)) {
      const supported = bank.authModels.length ? bank.authModels.join(', ') : 'none';
      throw new UnsupportedError(`${name} does not support the ${model} authentication model; it supports: ${supported}`, { provider: PROVIDER, endpoint: 'GetProvider' });
    }
    if (bank.ais && !bank.ais.includes('accounts')) {
      throw new UnsupportedError(`${name} offers no account information through Fintecture (ais: ${bank.ais.join(', ') || 'none'})`, { provider: PROVIDER, endpoint: 'GetProvider' });
    }
    if (psuType && bank.psuTypes && !bank.psuTypes.includes(psuType)) {
      throw new UnsupportedError(`${name} does not serve ${psuType} customers; it serves: ${bank.psuTypes.join(', ') || 'none'}`, { provider: PROVIDER, endpoint: 'GetProvider' });
    }
  }

  // ------------------------------------------------------------ starting an authorization

  async function startDecoupled(ctx: AdapterContext, input: ParsedInput, bank: BankInfo): Promise<FStep> {
    const query: Record<string, QueryValue> = { model: 'decoupled', redirect_uri: input.redirectUri };
    const headers = { 'x-psu-id': input.psuId, 'x-psu-ip-address': input.psuIpAddress };
    const res = await client.authorize(ctx, bank.id, query, headers, true);
    if (!res.ok) throw failure(ctx, res);
    const body = res.parse(AuthorizeResponse);
    let pollingId = body.polling_id ?? undefined;
    let pollStyle: 'path' | 'session' = 'path';
    if (!pollingId && body.meta?.session_id) {
      pollingId = body.meta.session_id;
      pollStyle = 'session';
    }
    // The Python SDK example takes the polling id from the last segment of `url`.
    if (!pollingId && body.url && /\/authorize\/decoupled\/[^/?#]+/.test(body.url)) {
      pollingId = decodeURIComponent(new URL(body.url, config.baseUrl).pathname.split('/').pop() ?? '');
    }
    if (!pollingId) throw new ProviderResponseError(PROVIDER, res.endpoint, 'polling_id', 'a decoupled authorization returned no polling_id (nor meta.session_id)');
    const deadline = new Date(ctx.now() + config.decoupledTimeoutMs).toISOString();
    return {
      kind: 'challenge',
      state: { phase: 'decoupled', bank: bank.id, pollingId, pollStyle, deadline },
      challenge: {
        type: 'decoupled',
        channel: 'app',
        message: `Approve the access to your accounts in your ${bank.name ?? 'bank'} app`,
        expiresAt: deadline,
        ...(body.triggers?.qr ? { qrCode: body.triggers.qr } : {}),
        ...(body.triggers?.a2a ? { appUrl: body.triggers.a2a } : {}),
      },
      // The official samples poll every ~2 s: a fixed cadence, until the approval window closes.
      poll: { intervalMs: config.pollIntervalMs, factor: 1, deadline },
    };
  }

  async function startRedirect(ctx: AdapterContext, input: ParsedInput, bank: BankInfo): Promise<FStep> {
    const state = randomId();
    const headers = { 'x-psu-id': input.psuId, 'x-psu-ip-address': input.psuIpAddress };
    const res = await client.authorize(ctx, bank.id, { model: 'redirect', redirect_uri: input.redirectUri, state }, headers, false);
    if (!res.ok) throw failure(ctx, res);
    const body = res.parse(AuthorizeResponse);
    const url = body.url ?? body.meta?.url;
    if (!url) throw new ProviderResponseError(PROVIDER, res.endpoint, 'url', 'a redirect authorization returned no url');
    return { kind: 'challenge', state: { phase: 'redirect', bank: bank.id }, challenge: { type: 'redirect', url, state } };
  }

  // ------------------------------------------------------------ becoming active

  /** Exchanges the single-use code (at most once), then reads the accounts once for the consent's remaining days. */
  async function activate(ctx: AdapterContext, code: string, customerHint: string | undefined, source: string): Promise<FStep> {
    ctx.secrets.add(code);
    const res = await client.exchangeCode(ctx, code);
    if (!res.ok) throw failure(ctx, res);
    const body = res.parse(TokenResponse);
    const set = tokenSet(body, ctx.now());
    ctx.secrets.add(set.accessToken, set.refreshToken);
    const customerId = customerHint ?? body.customer_id ?? undefined;
    if (!customerId) throw new ProviderResponseError(PROVIDER, source, 'customer_id', 'the completed authorization named no customer_id');
    tokens.remember(set);

    // Like the seed workflow, list the accounts: it proves the token and tells the consent's remaining days.
    // Without balances: they may cost one of the bank's unattended-access calls.
    const probe = await client.listAccounts(ctx, customerId, set.accessToken, false);
    if (!probe.ok) throw failure(ctx, probe);
    const remaining = consentDays(ctx, probe.parse(AccountsResponse));

    const tokenExpiresAt = new Date(set.expiresAt).toISOString();
    return {
      kind: 'active',
      state: { phase: 'active', customerId, tokenExpiresAt },
      sealed: { accessToken: set.accessToken, ...(set.refreshToken ? { refreshToken: set.refreshToken } : {}) },
      ref: { customerId, ...(set.refreshToken ? { refreshToken: set.refreshToken } : {}) },
      ...(remaining !== undefined ? { info: { consentExpiresAt: new Date(ctx.now() + remaining * DAY_MS).toISOString() } } : {}),
    };
  }

  /** `meta.remaining_days`: days left on the PSD2 consent; 0 means the access has lapsed. */
  function consentDays(ctx: AdapterContext, body: AccountsResponse): number | undefined {
    const days = body.meta?.remaining_days ?? undefined;
    if (days !== undefined && days <= 0) {
      throw ctx.fail('consent_expired', 'the consent for this connection has expired (remaining_days 0): the user must authenticate at the bank again', {
        providerCode: 'remaining_days_0',
        endpoint: 'ListAccounts',
      });
    }
    return days;
  }

  // ------------------------------------------------------------ data calls with the AIS token

  /** Sends with the session's bearer token; on a 401, refreshes once and sends once more (never in a loop). */
  async function withBearer(ctx: AdapterContext, session: Session<FintectureState>, send: (token: string) => Promise<HttpResponse>): Promise<HttpResponse> {
    const { tokenExpiresAt } = activeState(session);
    const token = await tokens.bearer(ctx, session, tokenExpiresAt);
    const res = await send(token);
    if (res.status !== 401) return res;
    return send(await tokens.bearer(ctx, session, tokenExpiresAt, token));
  }

  function answerRedirect(ctx: AdapterContext, params: Record<string, string>): Promise<FStep> {
    if (params.error !== undefined || params.provider_error !== undefined) {
      const code = params.provider_error ?? params.error ?? 'error';
      const reason = REASON_BY_CALLBACK_ERROR[code] ?? CALLBACK_ERROR_DEFAULT;
      throw ctx.fail(reason, `the bank redirected back with an error: ${params.error ?? 'error'}${params.provider_error ? ` (${params.provider_error})` : ''}`, {
        providerCode: code,
        endpoint: 'callback',
      });
    }
    const code = params.code;
    if (!code) throw new ProviderResponseError(PROVIDER, 'callback', 'code', 'the callback carries no code');
    const customerId = params.customer_id ?? params.connection_id;
    return activate(ctx, code, customerId, 'callback');
  }

  return {
    id: 'fintecture',
    schemas: { input: InputSchema, ref: RefSchema, state: StateSchema },
    http: { baseUrl: config.baseUrl },
    secrets: [],

    async start(ctx, input) {
      const parsed = input as ParsedInput;
      const model = chosenModel(parsed);
      const bank = await readBank(ctx, parsed.provider);
      checkSupport(bank, model, parsed.psuType);
      return model === 'decoupled' ? startDecoupled(ctx, parsed, bank) : startRedirect(ctx, parsed, bank);
    },

    async open(ctx, ref) {
      // Without a refresh token nothing can mint an AIS token for this customer: only a new consent can.
      if (!ref.refreshToken) {
        throw ctx.fail('consent_expired', 'this connection reference has no refresh token (was it stored without it?): link the connection again with bank.connect()');
      }
      return { kind: 'active', state: { phase: 'active', customerId: ref.customerId }, sealed: { refreshToken: ref.refreshToken }, ref };
    },

    async answer(ctx, _session, challenge, answer: NormalizedAnswer) {
      if (answer.type !== 'redirect' || challenge.type !== 'redirect') throw ctx.fail('unknown', `fintecture cannot answer a ${challenge.type} challenge`);
      return answerRedirect(ctx, answer.params);
    },

    async poll(ctx, session) {
      const state = session.state;
      if (state.phase !== 'decoupled') throw new ProviderResponseError(PROVIDER, 'session', 'phase', `nothing to poll in phase ${state.phase}`);
      const res = await client.pollDecoupled(ctx, state.bank, state.pollingId, state.pollStyle);
      if (!res.ok) throw failure(ctx, res);
      const body = res.parse(DecoupledStatusResponse);
      switch (body.status) {
        case 'PENDING':
          return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
        case 'FAILED':
          throw ctx.fail(DECOUPLED_FAILED_REASON, 'the decoupled authentication failed: refused, cancelled or timed out in the bank app', {
            providerCode: 'FAILED',
            endpoint: res.endpoint,
          });
        case 'COMPLETED': {
          if (!body.code) throw new ProviderResponseError(PROVIDER, res.endpoint, 'code', 'a COMPLETED decoupled authorization carries no code');
          return activate(ctx, body.code, body.customer_id ?? body.connection_id ?? undefined, res.endpoint);
        }
        default:
          throw ctx.fail('unknown', `unexpected decoupled status ${JSON.stringify(body.status.slice(0, 40))}`, { providerCode: body.status, endpoint: res.endpoint });
      }
    },

    async accounts(ctx, session) {
      const { customerId } = activeState(session);
      const res = await withBearer(ctx, session, (token) => client.listAccounts(ctx, customerId, token, true));
      if (!res.ok) throw failure(ctx, res);
      const body = res.parse(AccountsResponse);
      consentDays(ctx, body);
      return body.data.map((item, i) => toAccount(item, customerId, i, res.endpoint));
    },

    async *transactions(ctx, session, accountId, query) {
      const { customerId } = activeState(session);
      let page: { path: string; query?: Record<string, QueryValue> } | undefined = {
        path: client.transactionsPath(customerId, accountId),
        query: { 'filter[date_from]': query.from, 'filter[date_to]': query.to },
      };
      const seen = new Set<string>();
      while (page) {
        const current: { path: string; query?: Record<string, QueryValue> } = page;
        const res = await withBearer(ctx, session, (token) => client.listTransactions(ctx, current, token));
        if (!res.ok) {
          if (errorCode(res) === 'account_unknown') {
            throw new ValidationError('fintecture transactions', [{ path: 'accountId', message: 'not an account of this connection' }], {
              provider: PROVIDER,
              providerCode: 'account_unknown',
              status: res.status,
              endpoint: res.endpoint,
            });
          }
          throw failure(ctx, res);
        }
        const body = res.parse(TransactionsResponse);
        yield body.data.map((item, i) => toTransaction(item, accountId, undefined, i, res.endpoint));
        const next = body.links?.next;
        if (!next) break;
        const path = client.nextPagePath(next);
        if (seen.has(path)) throw new ProviderResponseError(PROVIDER, res.endpoint, 'links.next', 'points back to a page already read');
        seen.add(path);
        page = { path };
      }
    },

    async holders(ctx, session) {
      const { customerId } = activeState(session);
      const res = await withBearer(ctx, session, (token) => client.listHolders(ctx, customerId, token));
      if (res.status === 501) throw new UnsupportedError('this bank does not give account holders through Fintecture', { provider: PROVIDER, status: 501, endpoint: res.endpoint });
      if (!res.ok) throw failure(ctx, res);
      return res.parse(HoldersResponse).data.map((item, i) => toHolder(item, i, res.endpoint));
    },

    async remove(ctx, session) {
      const { customerId } = activeState(session);
      const res = await withBearer(ctx, session, (token) => client.deleteCustomer(ctx, customerId, token));
      // A lost answer to an earlier DELETE: the customer is already gone.
      const alreadyGone = res.status === 400 && errorCode(res) === 'customer_unknown';
      if (!res.ok && !alreadyGone) throw failure(ctx, res);
      if (res.status === 200) res.parse(DeleteResponse);
      tokens.forget(session);
    },
  };
}
