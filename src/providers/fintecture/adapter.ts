/**
 * The Fintecture adapter's steps: decoupled AIS (the seed workflow: read the bank,
 * authorize with model=decoupled, poll PENDING → COMPLETED/FAILED, exchange the code, list
 * the accounts), redirect AIS (bank URL with our state, code from the callback) and
 * Fintecture Connect (the hosted bank selection, same callback), then accounts,
 * transactions, holders and delete over the customer's AIS token.
 */
import type * as z from 'zod/mini';
import { ProviderResponseError, ValidationError, randomId, type AdapterContext, type ProviderAdapter, type Step } from '../../provider.js';
import { fintectureActions, type FintectureActions } from './actions.js';
import { checkSupport, readBank } from './banks.js';
import { createClient } from './client.js';
import type { FintectureConfig } from './config.js';
import { activeState, checked } from './guards.js';
import { DECOUPLED_FAILED_REASON, PROVIDER, callbackErrorReason, failures, logId, own, toAccount, toHolder, toTransaction } from './mapping.js';
import {
  InputSchema,
  RefSchema,
  StateSchema,
  TransactionQuerySchema,
  chosenModel,
  type FintectureInput,
  type FintectureRef,
  type FintectureState,
  type ParsedInput,
} from './schemas/model.js';
import type { AccountsResponse, BankInfo } from './schemas/wire.js';
import { signRequest } from './signature.js';
import { AisTokens, tokenSet } from './tokens.js';

type FStep = Step<FintectureState, FintectureRef>;

/** The Fintecture adapter's type: its input, reference, state and actions. */
export type FintectureAdapter = ProviderAdapter<'fintecture', ParsedInput, FintectureRef, FintectureState, FintectureInput, z.input<typeof RefSchema>, FintectureActions>;

/** What `create` gives `defineProvider`: the adapter, and `ready()` for the key import. */
export type FintectureBody = Omit<FintectureAdapter, 'id' | 'secrets'> & {
  /**
   * Resolves once the private key is imported into WebCrypto; rejects with the
   * ConfigurationError of a key WebCrypto refused. Optional: every request awaits it too.
   */
  ready(): Promise<void>;
};

const DAY_MS = 86_400_000;

/** `meta.remaining_days`: days left on the PSD2 consent; 0 means the access has lapsed. */
export function consentDays(ctx: AdapterContext, body: AccountsResponse): number | undefined {
  const days = body.meta?.remaining_days ?? undefined;
  if (days !== undefined && days <= 0) {
    throw ctx.fail('consent_expired', 'the consent for this connection has expired (remaining_days 0): the user must authenticate at the bank again', {
      providerCode: 'remaining_days_0',
      endpoint: 'ListAccounts',
    });
  }
  return days;
}

export function fintectureAdapter(config: FintectureConfig, signingKey: Promise<CryptoKey> | undefined): FintectureBody {
  const client = createClient(config);
  const tokens = new AisTokens((ctx, refreshToken) => client.refreshToken(ctx, refreshToken));

  // ------------------------------------------------------------ starting an authorization

  async function startDecoupled(ctx: AdapterContext, input: ParsedInput, bank: BankInfo): Promise<FStep> {
    const body = await client.authorize(ctx, bank.id, { model: 'decoupled', redirectUri: input.redirectUri, psuId: input.psuId, psuIpAddress: input.psuIpAddress });
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
    if (!pollingId) throw new ProviderResponseError(PROVIDER, 'Authorize', 'polling_id', 'a decoupled authorization returned no polling_id (nor meta.session_id)');
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
    const body = await client.authorize(ctx, bank.id, { model: 'redirect', redirectUri: input.redirectUri, state });
    const url = body.url ?? body.meta?.url;
    if (!url) throw new ProviderResponseError(PROVIDER, 'Authorize', 'url', 'a redirect authorization returned no url');
    return { kind: 'challenge', state: { phase: 'redirect', bank: bank.id }, challenge: { type: 'redirect', url, state } };
  }

  /** Fintecture Connect: the user picks the bank on Fintecture's page, which sends them back like a redirect. */
  async function startConnect(ctx: AdapterContext, input: ParsedInput): Promise<FStep> {
    const state = randomId();
    const body = await client.connect(ctx, {
      redirectUri: input.redirectUri as string,
      state,
      provider: input.provider,
      psuType: input.psuType,
      country: input.country?.toUpperCase(),
      language: input.language?.toLowerCase(),
    });
    const connectId = body.meta.connect_id ?? body.meta.session_id ?? undefined;
    return { kind: 'challenge', state: { phase: 'connect', ...(connectId ? { connectId } : {}) }, challenge: { type: 'redirect', url: body.meta.url, state } };
  }

  // ------------------------------------------------------------ becoming active

  /** Exchanges the single-use code (at most once), then reads the accounts once for the consent's remaining days. */
  async function activate(ctx: AdapterContext, code: string, customerHint: string | undefined, source: string): Promise<FStep> {
    ctx.secrets.add(code);
    const body = await client.exchangeCode(ctx, code);
    const set = tokenSet(body, Date.now());
    ctx.secrets.add(set.accessToken, set.refreshToken);
    const customerId = customerHint ?? body.customer_id ?? undefined;
    if (!customerId) throw new ProviderResponseError(PROVIDER, source, 'customer_id', 'the completed authorization named no customer_id');
    tokens.remember(set);

    // Like the seed workflow, list the accounts: it proves the token and tells the consent's remaining days.
    // Without balances: they may cost one of the bank's unattended-access calls.
    const probe = await client.listAccounts(ctx, customerId, { authorization: `Bearer ${set.accessToken}` }, false);
    const remaining = consentDays(ctx, probe);

    const accessExpiresAt = new Date(set.expiresAt).toISOString();
    return {
      kind: 'active',
      state: { phase: 'active', customerId, accessExpiresAt },
      sealed: { accessToken: set.accessToken, ...(set.refreshToken ? { refreshToken: set.refreshToken } : {}) },
      ref: { customerId, ...(set.refreshToken ? { refreshToken: set.refreshToken } : {}) },
      ...(remaining !== undefined ? { info: { consentExpiresAt: new Date(ctx.now() + remaining * DAY_MS).toISOString() } } : {}),
    };
  }

  /** The callback of a redirect or a Connect session: an error, or the code and the connection it is for. */
  function answerCallback(ctx: AdapterContext, params: Record<string, string>): Promise<FStep> {
    const param = (name: string): string | undefined => own(params, name);
    const error = param('error');
    const providerError = param('provider_error');
    if (error !== undefined || providerError !== undefined) {
      const code = providerError ?? error ?? 'error';
      throw ctx.fail(callbackErrorReason(code), `the bank redirected back with an error: ${error ?? 'error'}${providerError ? ` (${providerError})` : ''}`, {
        providerCode: code,
        endpoint: 'callback',
      });
    }
    const code = param('code');
    if (!code) throw new ProviderResponseError(PROVIDER, 'callback', 'code', 'the callback carries no code');
    return activate(ctx, code, param('customer_id') ?? param('connection_id'), 'callback');
  }

  return {
    schemas: { input: InputSchema, ref: RefSchema, state: StateSchema },
    // Wire schemas validate every body and the mapping is typed: the core's model pass is for tests.
    typedOutput: true,
    http: {
      baseUrl: config.baseUrl,
      failures,
      requestId: logId,
      afterResponse: tokens.afterResponse,
      // Awaiting the key first: a key WebCrypto refused is a ConfigurationError before anything is sent.
      ...(signingKey ? { beforeRequest: async (request: Request) => signRequest(request, config.appId, await signingKey) } : {}),
    },
    actions: fintectureActions(client, tokens),

    async ready() {
      if (signingKey) await signingKey;
    },

    async start(ctx, input) {
      const model = chosenModel(input);
      if (model === 'connect') return startConnect(ctx, input);
      if (model === undefined || input.provider === undefined) throw new ValidationError('fintecture input', [{ path: 'model', message: 'no model' }], { provider: PROVIDER });
      const bank = await readBank(ctx, client, input.provider);
      checkSupport(bank, model, input.psuType);
      return model === 'decoupled' ? startDecoupled(ctx, input, bank) : startRedirect(ctx, input, bank);
    },

    async open(ctx, ref) {
      // Without a refresh token nothing can mint an AIS token for this customer: only a new consent can.
      if (!ref.refreshToken) {
        throw ctx.fail('consent_expired', 'this connection reference has no refresh token (was it stored without it?): link the connection again with bank.connect()');
      }
      return { kind: 'active', state: { phase: 'active', customerId: ref.customerId }, sealed: { refreshToken: ref.refreshToken }, ref };
    },

    async answer(ctx, _session, challenge, answer) {
      if (answer.type !== 'redirect' || challenge.type !== 'redirect') throw ctx.fail('unknown', `fintecture cannot answer a ${challenge.type} challenge`);
      return answerCallback(ctx, answer.params);
    },

    async poll(ctx, session) {
      const state = session.state;
      if (state.phase !== 'decoupled') throw new ProviderResponseError(PROVIDER, 'session', 'phase', `nothing to poll in phase ${state.phase}`);
      const { body, retryAfter } = await client.pollDecoupled(ctx, state.bank, state.pollingId, state.pollStyle);
      const endpoint = state.pollStyle === 'session' ? 'PollDecoupledBySession' : 'PollDecoupled';
      switch (body.status) {
        case 'PENDING':
          return { kind: 'still_pending', ...(retryAfter ? { retryAfter } : {}) };
        case 'FAILED':
          throw ctx.fail(DECOUPLED_FAILED_REASON, 'the decoupled authentication failed: refused, cancelled or timed out in the bank app', { providerCode: 'FAILED', endpoint });
        case 'COMPLETED': {
          if (!body.code) throw new ProviderResponseError(PROVIDER, endpoint, 'code', 'a COMPLETED decoupled authorization carries no code');
          return activate(ctx, body.code, body.customer_id ?? body.connection_id ?? undefined, endpoint);
        }
        default:
          throw ctx.fail('unknown', `unexpected decoupled status ${JSON.stringify(body.status.slice(0, 40))}`, { providerCode: body.status.slice(0, 40), endpoint });
      }
    },

    async accounts(ctx, session) {
      const { customerId } = activeState(session);
      const body = await client.listAccounts(ctx, customerId, await tokens.headers(ctx, session), true);
      consentDays(ctx, body);
      return body.data.map((item, i) => toAccount(item, customerId, i, 'ListAccounts'));
    },

    async *transactions(ctx, session, accountId, query) {
      const { from, to } = checked(TransactionQuerySchema, query, 'fintecture transactions');
      const { customerId } = activeState(session);
      // Without a start date, as far back as the bank goes (`max`, documented), not a window the server picks.
      const pages = client.transactions(ctx, customerId, accountId, await tokens.headers(ctx, session), { from: from ?? 'max', to });
      for await (const page of pages) yield page.map((item, i) => toTransaction(item, accountId, undefined, i, 'ListTransactions'));
    },

    async holders(ctx, session) {
      const { customerId } = activeState(session);
      const body = await client.listHolders(ctx, customerId, await tokens.headers(ctx, session));
      return body.data.map((item, i) => toHolder(item, i, 'ListHolders'));
    },

    async remove(ctx, session) {
      const { customerId } = activeState(session);
      await client.deleteCustomer(ctx, customerId, await tokens.headers(ctx, session));
      tokens.forget(session);
    },
  };
}
