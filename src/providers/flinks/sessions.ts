/**
 * Data sessions. Flinks keys a data request's asynchronous result by RequestId alone: a
 * RequestId that answered 202 to one request hands that request's result to every later
 * one, whatever it asked (`transactions()` after `accounts()` got the accounts' result:
 * no transactions, no error). So one RequestId serves one request: accounts, transactions
 * and holders share one GetAccountsDetail with everything (balances, identity, KYC,
 * transactions), kept in memory for the session; anything else (a longer history, the
 * summary, statements) opens a new session. A result that lacks what was asked is never
 * accepted: the request is made once more on a new session, then it is a typed error.
 */
import { ChallengeStateError, ProviderResponseError, type AdapterContext, type PollPlan } from '../../provider.js';
import type { DataAnswer, DataEndpoint, FlinksClient } from './client.js';
import { DEFAULTS, type ResolvedOptions } from './config.js';
import type { AccountsResponse, ActiveState, FlinksState } from './schemas.js';

export type Days = 'Days90' | 'Days365';
/** One data request, as a RequestId serves it. */
export type Ask =
  | { endpoint: 'GetAccountsDetail'; days: Days }
  | { endpoint: 'GetAccountsSummary' }
  | { endpoint: 'GetStatements'; period: 'MostRecent' | 'Months3' | 'Months12'; accounts?: readonly string[] };

/** What the state records of a RequestId's request (compared as a whole). */
export function askKey(ask: Ask): string {
  switch (ask.endpoint) {
    case 'GetAccountsDetail':
      return `detail:${ask.days}`;
    case 'GetAccountsSummary':
      return 'summary';
    case 'GetStatements':
      return `statements:${ask.period}:${(ask.accounts ?? []).join(',')}`.slice(0, 200);
  }
}

/** Whether the request a RequestId served also answers `need` (a year of history holds the last 90 days). */
export function covers(asked: string | undefined, need: Ask): boolean {
  if (asked === undefined) return true;
  const key = askKey(need);
  return asked === key || (key === 'detail:Days90' && asked === 'detail:Days365');
}

export function bodyOf(ask: Ask, requestId: string): Record<string, unknown> & { RequestId: string } {
  switch (ask.endpoint) {
    case 'GetAccountsDetail':
      return { RequestId: requestId, WithAccountIdentity: true, WithKYC: true, WithTransactions: true, WithBalance: true, DaysOfTransactions: ask.days };
    case 'GetAccountsSummary':
      return { RequestId: requestId, WithBalance: true, WithAccountIdentity: true };
    case 'GetStatements':
      return { RequestId: requestId, NumberOfStatements: ask.period, ...(ask.accounts ? { AccountsFilter: [...ask.accounts] } : {}) };
  }
}

/** What is missing from an accounts answer to what was asked; undefined when it is complete. */
export function missingFrom(ask: Ask, body: AccountsResponse): string | undefined {
  const accounts = body.Accounts ?? [];
  if (accounts.length === 0) return undefined;
  // Balances were asked: an answer where no account has one is another request's result.
  if (!accounts.some((a) => (a.Balance?.Current ?? a.Balance?.Available ?? null) !== null)) return 'Accounts.Balance';
  // Transactions were asked: a detail answer has a list per account, a summary none.
  if (ask.endpoint === 'GetAccountsDetail' && accounts.every((a) => !Array.isArray(a.Transactions))) return 'Accounts.Transactions';
  return undefined;
}

/** Opens a new data session on a stored LoginId without the user (cached mode); returns its RequestId. */
export type SessionOpener = (ctx: AdapterContext, loginId: string) => Promise<string>;

interface Cached {
  key: string;
  body: AccountsResponse;
  at: number;
}

// Results kept per adapter: a few sessions' worth, for as long as a RequestId lives.
const CACHE_LIMIT = 32;
// A RequestId is renewed a little before Flinks' 8 idle minutes, never used at the edge.
const IDLE_MARGIN_MS = 30_000;

export class DataSessions {
  readonly #client: FlinksClient;
  readonly #options: ResolvedOptions;
  readonly #open: SessionOpener;
  readonly #cache = new Map<string, Cached>();

  constructor(client: FlinksClient, options: ResolvedOptions, open: SessionOpener) {
    this.#client = client;
    this.#options = options;
    this.#open = open;
  }

  /** An accounts answer (GetAccountsDetail or GetAccountsSummary) for `ask`, complete, on a session that may serve it. */
  async accounts(ctx: AdapterContext, state: FlinksState, ask: Extract<Ask, { endpoint: 'GetAccountsDetail' | 'GetAccountsSummary' }>): Promise<AccountsResponse> {
    const active = activeOf(state);
    const reused = this.#usable(ctx, active, ask);
    const requestId = reused ?? (await this.#open(ctx, active.loginId));
    const cached = reused === undefined ? undefined : this.#cache.get(requestId);
    // Served from memory: Flinks saw nothing, so the session's record (and its idle clock) stays as it is.
    if (cached && covers(cached.key, ask) && ctx.now() - cached.at < DEFAULTS.sessionIdleMs) return cached.body;
    let body = await this.#ask(ctx, ask, requestId);
    let served = requestId;
    if (missingFrom(ask, body) !== undefined) {
      // Not what was asked (another request's result on this RequestId): once more, on a session of its own.
      served = await this.#open(ctx, active.loginId);
      body = await this.#ask(ctx, ask, served);
      const missing = missingFrom(ask, body);
      if (missing !== undefined) throw new ProviderResponseError('flinks', ask.endpoint, missing, `Flinks answered without the ${missing === 'Accounts.Balance' ? 'balances' : 'transactions'} that were asked, twice`);
    }
    this.#remember(served, askKey(ask), body, ctx.now());
    this.#record(ctx, active, served, askKey(ask));
    return body;
  }

  /** Any other data request (statements) on a session that may serve it; never cached (PDFs are large). */
  async other<E extends DataEndpoint>(ctx: AdapterContext, state: FlinksState, ask: Ask & { endpoint: E }): Promise<DataDone<E>> {
    const active = activeOf(state);
    const requestId = this.#usable(ctx, active, ask) ?? (await this.#open(ctx, active.loginId));
    const body = await this.#ask<E>(ctx, ask, requestId);
    this.#record(ctx, active, requestId, askKey(ask));
    return body;
  }

  /** The state's RequestId when it is alive (by our clock) and served nothing else; undefined otherwise. */
  #usable(ctx: AdapterContext, active: ActiveState, ask: Ask): string | undefined {
    const session = active.session;
    if (!session || !covers(session.asked, ask)) return undefined;
    const used = Date.parse(session.usedAt);
    if (Number.isNaN(used) || ctx.now() - used > DEFAULTS.sessionIdleMs - IDLE_MARGIN_MS) return undefined;
    return session.requestId;
  }

  /** Sends the request and polls its Async companion while Flinks answers 202 (10 s, 30 min by default). */
  async #ask<E extends DataEndpoint>(ctx: AdapterContext, ask: Ask & { endpoint: E }, requestId: string): Promise<DataDone<E>> {
    const sent: Ask = ask;
    const first: DataAnswer<E> = await this.#client.data(ctx, ask.endpoint, bodyOf(sent, requestId));
    if (first.kind === 'done') return first.body;
    const pollId = first.requestId ?? requestId;
    const plan: PollPlan = {
      intervalMs: this.#options.asyncPollIntervalMs,
      factor: 1,
      deadline: new Date(ctx.now() + this.#options.asyncTimeoutMs).toISOString(),
      deadlineReason: 'provider_unavailable',
    };
    const minutes = Math.round(this.#options.asyncTimeoutMs / 60_000);
    return ctx.poll<DataDone<E>>(
      plan,
      async () => {
        const next: DataAnswer<E> = await this.#client.dataAsync(ctx, ask.endpoint, pollId);
        return next.kind === 'done' ? next.body : { kind: 'still_pending' as const };
      },
      () =>
        ctx.fail('provider_unavailable', `Flinks ${ask.endpoint} answered ${first.code} and was still processing after ${minutes} minutes`, {
          providerCode: first.code,
          endpoint: `${ask.endpoint}Async`,
        }),
    );
  }

  #remember(requestId: string, key: string, body: AccountsResponse, at: number): void {
    this.#cache.delete(requestId);
    this.#cache.set(requestId, { key, body, at });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= CACHE_LIMIT) break;
      this.#cache.delete(oldest);
    }
  }

  /** The session's RequestId, what it served and when, for the calls and checkpoints that follow. */
  #record(ctx: AdapterContext, active: ActiveState, requestId: string, asked: string): void {
    ctx.update({ state: { ...active, session: { requestId, asked, usedAt: new Date(ctx.now()).toISOString() } } });
  }
}

type DataDone<E extends DataEndpoint> = Extract<DataAnswer<E>, { kind: 'done' }>['body'];

/** The active state, or a ChallengeStateError: data calls need an open link. */
export function activeOf(state: FlinksState): ActiveState {
  if (state.phase !== 'active') throw new ChallengeStateError(`flinks: the connection is not active (phase ${state.phase})`, { provider: 'flinks' });
  return state;
}
