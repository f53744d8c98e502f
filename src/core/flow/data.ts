/**
 * Data calls on a connection (accounts, transactions, holders, refresh, delete, provider
 * actions). A stored link is opened in the background first, without a user: if it needs
 * SCA, that is `sca_required` and the step is kept for `authenticate()`.
 */
import { ChallengeStateError, UnsupportedError, isConnectionError } from '../errors.js';
import { Account } from '../model/account.js';
import { checkAccount, validateList } from '../model/lists.js';
import { errorStatus } from '../model/status.js';
import { AccountHolder, Transaction, type TransactionQuery } from '../model/transaction.js';
import type { AdapterContext, AnyProvider, Json, Session } from '../provider.js';
import type { AuthLoop } from './auth.js';
import type { CallContext, CallOptions } from './context.js';
import { statusOf, type FlowCore } from './core.js';

export class DataCalls {
  readonly #core: FlowCore;
  readonly #auth: AuthLoop;
  /**
   * Check every item against the model schemas. The built-in providers' mappings are
   * typed and their wire schemas validated, so production skips this second pass; tests and
   * third-party providers keep it (`validateModel`).
   */
  readonly #validate: boolean;

  constructor(core: FlowCore, auth: AuthLoop, validate: boolean) {
    this.#core = core;
    this.#auth = auth;
    this.#validate = validate;
  }

  /** Runs `use` on an active session, opening a stored link in the background first. */
  #withSession<T>(what: string, options: CallOptions, use: (ctx: AdapterContext, session: Session<Json>) => Promise<T>): Promise<T> {
    const core = this.#core;
    return core.exclusive(what, async () => {
      let ctx: CallContext = core.context(options, false);
      try {
        const { state } = core;
        if (!state.usable) {
          if (state.origin !== 'open' || state.status.status !== 'new') {
            throw new ChallengeStateError(`the connection is ${state.status.status}: finish authenticate() first`);
          }
          const step = await this.#auth.begin(options, false);
          if (step.sealed) core.secrets.add(...Object.values(step.sealed));
          if (step.kind !== 'active') {
            state.hold(step, step.kind === 'challenge' ? core.challengeData(step.challenge) : undefined);
            throw core.connectionError('sca_required', 'the connection needs the user: run authenticate() first');
          }
          state.settle(step);
          ctx = core.context(options, false);
        }
        const session = state.session;
        if (!session) throw new ChallengeStateError('the connection has no provider session yet');
        return await use(ctx, session);
      } catch (error) {
        throw this.#failed(core.typed(error, ctx));
      }
    });
  }

  /**
   * A data call failed. A transient reason (rate limit, outage) says nothing about the
   * connection, which stays active; anything else (consent expired, SCA needed) is its
   * new status. Either way the next data call may try again.
   */
  #failed(error: unknown): unknown {
    const { state } = this.#core;
    if (isConnectionError(error)) {
      if (!state.usable) state.fail(statusOf(error));
      else if (!error.retryable) state.setStatus(statusOf(error));
    }
    return error;
  }

  accounts(options: CallOptions): Promise<Account[]> {
    const { adapter } = this.#core;
    return this.#withSession('accounts()', options, async (ctx, session) => {
      const accounts = await adapter.accounts(ctx, session);
      return this.#validate ? validateList(adapter.id, 'accounts', accounts, Account, checkAccount) : accounts;
    });
  }

  holders(options: CallOptions): Promise<AccountHolder[]> {
    const { adapter } = this.#core;
    const holders = this.#capability('holders');
    return this.#withSession('holders()', options, async (ctx, session) => {
      const list = await holders.call(adapter, ctx, session);
      return this.#validate ? validateList(adapter.id, 'holders', list, AccountHolder) : list;
    });
  }

  /** One page at a time; the session is checked once, then pages are plain idempotent reads. */
  async *transactions(accountId: string, query: TransactionQuery, options: CallOptions): AsyncGenerator<Transaction> {
    const core = this.#core;
    const list = this.#capability('transactions');
    const pages = await this.#withSession('transactions()', options, async (ctx, session) => list.call(core.adapter, ctx, session, accountId, query));
    try {
      for await (const page of pages) {
        const items = this.#validate ? validateList(core.adapter.id, 'transactions', page, Transaction) : page;
        yield* items;
      }
    } catch (error) {
      throw this.#failed(core.typed(error));
    }
  }

  async remove(options: CallOptions): Promise<void> {
    const core = this.#core;
    const remove = this.#capability('remove');
    await this.#withSession('delete()', options, (ctx, session) => remove.call(core.adapter, ctx, session));
    core.state.close('cancelled');
    core.state.setStatus(errorStatus('cancelled', { message: 'the connection was deleted at the provider' }));
  }

  /** Refreshes where the provider can (without the user); a no-op for providers that always serve fresh data. */
  refresh(options: CallOptions): Promise<void> {
    const core = this.#core;
    const refresh = core.adapter.refresh;
    return this.#withSession('refresh()', options, async (ctx, session) => {
      if (refresh) await refresh.call(core.adapter, ctx, session);
    });
  }

  /**
   * Runs a provider action (`conn.actions.<name>(args)`) on what the connection has: its
   * reference and, when one is open, its session. Never interactive.
   */
  action(name: string, args: unknown, options: CallOptions): Promise<unknown> {
    const core = this.#core;
    const actions = core.adapter.actions;
    const run = actions && Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (typeof run !== 'function') return Promise.reject(new UnsupportedError(`${core.adapter.id} has no action ${name}()`, { provider: core.adapter.id }));
    return core.exclusive(`${name}()`, async () => {
      const ctx = core.context(options, false);
      try {
        return await run.call(actions, ctx, { ref: core.state.ref, session: core.state.session }, args);
      } catch (error) {
        throw core.typed(error, ctx);
      }
    });
  }

  #capability<K extends 'holders' | 'transactions' | 'remove'>(name: K): NonNullable<AnyProvider[K]> {
    const { adapter } = this.#core;
    const fn = adapter[name];
    if (typeof fn !== 'function') throw new UnsupportedError(`${adapter.id} does not support ${name}()`, { provider: adapter.id });
    return fn;
  }
}
