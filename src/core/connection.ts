import { EventEmitter } from 'eventemitter3';
import type { Checkpoint } from './checkpoint.js';
import { AbortedError } from './errors.js';
import type { Flow} from './flow.js';
import { type FlowHost } from './flow.js';
import type { RequestEvent } from './http.js';
import { log } from './logger.js';
import type { Account } from './model/account.js';
import type { Challenge } from './model/challenge.js';
import type { ConnectionStatus } from './model/status.js';
import type { AccountHolder, Transaction, TransactionQuery } from './model/transaction.js';
import type { ActionsOf, AnyProvider, RefOf } from './provider.js';
import type { Secrets } from './redact.js';
import type { BankRuntime } from './runtime.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// The loop behind each connection, for the core's request/response API (not public).
const flows = new WeakMap<Connection, Flow>();

/** @internal */
export function flowOf(connection: Connection): Flow {
  return flows.get(connection) as Flow;
}

export interface ConnectionEvents {
  /** The normalized status changed. */
  status: [status: ConnectionStatus];
  /** A new challenge waits for the user. */
  challenge: [challenge: Challenge];
  /** One HTTP attempt to the provider finished (URL redacted). */
  request: [event: RequestEvent];
  /** The connection reference changed (e.g. a rotated refresh token): store `conn.ref` again. */
  ref: [ref: unknown];
}

export interface AuthenticateOptions {
  /** Aborting cancels the provider-side session and ends the loop with AbortedError. */
  signal?: AbortSignal;
}

/**
 * One bank link through one provider. Drive it with `authenticate()`, read it
 * with `status` and `accounts()`, carry it across processes with `checkpoint()`.
 */
export class Connection<P extends AnyProvider = AnyProvider> extends EventEmitter<ConnectionEvents> {
  readonly provider: P['id'];
  readonly #flow: Flow;
  readonly #runtime: BankRuntime;
  readonly #secrets: Secrets;
  readonly #adapter: P;
  #actions: Readonly<Record<string, unknown>> | undefined;

  /** @internal Use `bank.connect()`, `bank.connection()` or `bank.resume()`. */
  constructor(runtime: BankRuntime, adapter: P, build: (host: FlowHost) => Flow) {
    super();
    this.provider = adapter.id;
    this.#adapter = adapter;
    this.#runtime = runtime;
    const secrets = runtime.secretsFor(adapter.id).child();
    this.#secrets = secrets;
    this.#flow = build({
      adapter,
      http: runtime.httpFor(adapter.id),
      secrets,
      logger: runtime.logger,
      pollTimeoutMs: runtime.pollTimeoutMs,
      clock: runtime.clock,
      onStatus: (status) => {
        // A failed link is the user's outcome, not an operational warning: debug like the rest.
        log(runtime.logger, 'debug', { provider: adapter.id, ...status }, 'polybank: status');
        this.#emit('status', status);
      },
      onChallenge: (challenge) => this.#emit('challenge', challenge),
      // The event says that it changed, not what it is: refs may hold a token (read conn.ref).
      onRef: () => this.#emit('ref', this.#secrets.redact(this.ref)),
      onRequest: (event) => {
        runtime.onRequest(event);
        this.#emit('request', event);
      },
    });
    flows.set(this as Connection, this.#flow);
  }

  /** The normalized status: new, authenticating, challenge, active or error. */
  get status(): ConnectionStatus {
    return this.#flow.status;
  }

  /** The provider's reference to store for later (`bank.connection(provider, ref)`), once known. */
  get ref(): RefOf<P> | undefined {
    return this.#flow.ref as RefOf<P> | undefined;
  }

  /** The challenge currently waiting for an answer, if any. */
  get pendingChallenge(): Challenge | undefined {
    return this.#flow.pendingChallenge;
  }

  /**
   * Yields each challenge the provider asks for; answer it with `challenge.answer(...)`
   * before asking for the next. Ends when the connection is active, throws a typed
   * error when it cannot become so. Leaving the loop early cancels the provider
   * session, unless a checkpoint was taken (or a redirect is pending): then the
   * step is kept for `bank.resume()`.
   */
  async *authenticate(options: AuthenticateOptions = {}): AsyncGenerator<Challenge, void, undefined> {
    const { signal } = options;
    const flow = this.#flow;
    const onAbort = (): void => {
      // Waiting at a yield for the user: cancel now, not at the next step.
      if (!flow.busy) void flow.leave('aborted').catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    try {
      for (;;) {
        if (signal?.aborted) throw new AbortedError('authentication was aborted', { provider: this.provider });
        const challenge = await flow.advance(signal);
        if (!challenge) {
          settled = true;
          return;
        }
        yield challenge;
      }
    } catch (error) {
      settled = true;
      await flow.failed(error);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!settled) await flow.leave(signal?.aborted ? 'aborted' : 'cancelled');
    }
  }

  /**
   * The provider's own operations beyond the common API, typed per provider (narrow with
   * `if (conn.provider === 'powens') conn.actions.reconnectUrl(...)`).
   */
  get actions(): ActionsOf<P> {
    if (!this.#actions) {
      const names = Object.keys(this.#adapter.actions ?? {});
      const flow = this.#flow;
      this.#actions = Object.freeze(
        Object.fromEntries(names.map((name) => [name, (args: unknown, options: AuthenticateOptions = {}) => flow.action(name, args, options.signal)])),
      );
    }
    return this.#actions as ActionsOf<P>;
  }

  /** Lists the accounts of an active connection: validated, normalized, exact. */
  accounts(options: AuthenticateOptions = {}): Promise<Account[]> {
    return this.#flow.accounts(options.signal);
  }

  /**
   * The transactions of one account (signed exact amounts), fetched page by page as you
   * iterate. `from`/`to` are ISO days. Throws UnsupportedError where the provider has none.
   */
  transactions(accountId: string, options: TransactionQuery & AuthenticateOptions = {}): AsyncGenerator<Transaction> {
    const { signal, ...query } = options;
    return this.#flow.transactions(accountId, query, signal);
  }

  /** The holders of the connection's accounts, where the provider tells them. */
  holders(options: AuthenticateOptions = {}): Promise<AccountHolder[]> {
    return this.#flow.holders(options.signal);
  }

  /** Asks the provider to refresh the data without the user, where it has a way to (never triggers SCA). */
  refresh(options: AuthenticateOptions = {}): Promise<void> {
    return this.#flow.refresh(options.signal);
  }

  /** Deletes the connection and its data at the provider; the connection cannot be used after. */
  delete(options: AuthenticateOptions = {}): Promise<void> {
    return this.#flow.remove(options.signal);
  }

  /**
   * A small versioned JSON value from which `bank.resume()` continues this
   * authentication in another process. Never holds a password, an answer or an OTP.
   * Taking it marks the current step as kept: leaving the loop then suspends
   * instead of cancelling.
   */
  async checkpoint(): Promise<Checkpoint> {
    const { sealedValues, ...body } = this.#flow.snapshot();
    const names = Object.keys(sealedValues);
    const sealed = names.length > 0 ? await this.#runtime.seal(sealedValues) : undefined;
    if (sealed) return this.#runtime.codec.seal({ ...body, sealed });
    return this.#runtime.codec.seal(names.length > 0 ? { ...body, dropped: names.sort() } : body);
  }

  /** Cancels the provider-side session of an unfinished authentication. */
  cancel(): Promise<void> {
    return this.#flow.cancel('cancelled');
  }

  #emit<E extends keyof ConnectionEvents>(event: E, ...args: ConnectionEvents[E]): void {
    try {
      (this.emit as (event: E, ...args: ConnectionEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      // A listener's bug must not break the bank flow.
      log(this.#runtime.logger, 'error', { event, error: String((error as Error)?.message ?? error) }, 'polybank: event listener threw');
    }
  }

  toJSON(): Record<string, unknown> {
    return this.#secrets.redact({ provider: this.provider, status: this.status, ref: this.ref });
  }

  [INSPECT](): string {
    return `Connection ${JSON.stringify(this.toJSON())}`;
  }
}
