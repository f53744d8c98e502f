import type { Checkpoint } from './checkpoint.js';
import { AbortedError, ValidationError } from './errors.js';
import { Emitter, type Listener } from './emitter.js';
import type { Flow} from './flow/index.js';
import { type CallOptions, type FlowHost } from './flow/index.js';
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
  const flow = flows.get(connection);
  if (!flow) throw new TypeError('not a polybank Connection');
  return flow;
}

/** The events of a Connection (`conn.on(name, listener)`): name → the listener's arguments. */
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

/** Options of `authenticate()` and of every data call: an abort signal, a per-call timeout and retry count. */
export type AuthenticateOptions = CallOptions;

/** How a Connection is made: by `bank.connect()`, `bank.connection()` or `bank.resume()`. @internal */
export type FlowBuilder = (host: FlowHost, settings: { validateModel: boolean; checkpointMaxAgeMs: number }) => Flow;

/**
 * One bank link through one provider. Drive it with `authenticate()`, read it
 * with `status` and `accounts()`, carry it across processes with `checkpoint()`.
 */
export class Connection<P extends AnyProvider = AnyProvider> {
  /** The provider id: `if (conn.provider === 'flinks')` narrows `ref` and `actions`. */
  readonly provider: P['id'];
  readonly #flow: Flow;
  readonly #runtime: BankRuntime;
  readonly #secrets: Secrets;
  readonly #adapter: P;
  // Made on the first `on()`: a held authentication nobody listens to costs no emitter.
  #events: Emitter<ConnectionEvents> | undefined;
  #actions: Readonly<Record<string, unknown>> | undefined;

  /** @internal Use `bank.connect()`, `bank.connection()` or `bank.resume()`. */
  constructor(runtime: BankRuntime, adapter: P, build: FlowBuilder) {
    this.provider = adapter.id;
    this.#adapter = adapter;
    this.#runtime = runtime;
    const secrets = runtime.secretsFor(adapter.id).child();
    this.#secrets = secrets;
    const host: FlowHost = {
      adapter,
      http: runtime.httpFor(adapter.id),
      secrets,
      logger: runtime.logger,
      pollTimeoutMs: runtime.pollTimeoutMs,
      clock: runtime.clock,
      cancelTimeoutMs: runtime.cancelTimeoutMs,
      onStatus: (status) => {
        // A failed link is the user's outcome, not an operational warning: debug like the rest.
        log(runtime.logger, 'debug', { provider: adapter.id, ...status }, 'polybank: status');
        this.#events?.emit('status', status);
      },
      onChallenge: (challenge) => this.#events?.emit('challenge', challenge),
      // The event says that it changed, not what it is: refs may hold a token (read conn.ref).
      onRef: () => this.#events?.emit('ref', this.#secrets.redact(this.ref)),
      onRequest: (event) => {
        runtime.onRequest(event);
        this.#events?.emit('request', event);
      },
      claim: (id, ttlMs) => runtime.claim(id, ttlMs),
    };
    this.#flow = build(host, { validateModel: runtime.validateModel(adapter.id), checkpointMaxAgeMs: runtime.checkpointMaxAgeMs });
    flows.set(this, this.#flow);
  }

  /** Listens to a connection event (`status`, `challenge`, `request`, `ref`). A listener that throws never breaks the flow. */
  on<E extends keyof ConnectionEvents>(event: E, listener: Listener<ConnectionEvents[E]>): this {
    this.#events ??= new Emitter((name, error) => log(this.#runtime.logger, 'error', { event: name, error: String((error as Error)?.message ?? error) }, 'polybank: event listener threw'));
    this.#events.on(event, listener);
    return this;
  }

  /** Listens once. */
  once<E extends keyof ConnectionEvents>(event: E, listener: Listener<ConnectionEvents[E]>): this {
    this.#events ??= new Emitter((name, error) => log(this.#runtime.logger, 'error', { event: name, error: String((error as Error)?.message ?? error) }, 'polybank: event listener threw'));
    this.#events.once(event, listener);
    return this;
  }

  /** Stops listening. */
  off<E extends keyof ConnectionEvents>(event: E, listener: Listener<ConnectionEvents[E]>): this {
    this.#events?.off(event, listener);
    return this;
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
   * The provider's own operations beyond the common API, typed per provider (narrow with
   * `if (conn.provider === 'powens') conn.actions.reconnectUrl(...)`).
   */
  get actions(): ActionsOf<P> {
    if (!this.#actions) {
      const flow = this.#flow;
      const names = Object.keys(this.#adapter.actions ?? {});
      this.#actions = Object.freeze(Object.fromEntries(names.map((name) => [name, (args: unknown, options: CallOptions = {}) => flow.action(name, args, options)])));
    }
    return this.#actions as ActionsOf<P>;
  }

  /**
   * Yields each challenge the provider asks for; answer it with `challenge.answer(...)`
   * before asking for the next. Ends when the connection is active, throws a typed
   * error when it cannot become so. Leaving the loop early (`break`, `return`) cancels the
   * provider session (and waits for it, bounded), unless a checkpoint of the current step
   * was taken (or a redirect is pending): then the step is kept for `bank.resume()`.
   * Aborting `signal` always cancels.
   */
  async *authenticate(options: AuthenticateOptions = {}): AsyncGenerator<Challenge, void, undefined> {
    const { signal } = options;
    const flow = this.#flow;
    validateCallOptions(options);
    const onAbort = (): void => {
      // Waiting at a yield for the user: cancel now; the next step waits for it to finish.
      if (!flow.busy) void flow.leave('aborted');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    try {
      for (;;) {
        if (signal?.aborted) throw new AbortedError('authentication was aborted', { provider: this.provider });
        const challenge = await flow.advance(options);
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

  /** Lists the accounts of an active connection: validated, normalized, exact. */
  async accounts(options: CallOptions = {}): Promise<Account[]> {
    validateCallOptions(options);
    return this.#flow.accounts(options);
  }

  /**
   * The transactions of one account (signed exact amounts), fetched page by page as you
   * iterate. `from`/`to` are ISO days. Throws UnsupportedError where the provider has none.
   */
  async *transactions(accountId: string, options: TransactionQuery & CallOptions = {}): AsyncGenerator<Transaction> {
    const { signal, timeout, retry, ...query } = options;
    const call: CallOptions = { ...(signal ? { signal } : {}), ...(timeout !== undefined ? { timeout } : {}), ...(retry !== undefined ? { retry } : {}) };
    validateCallOptions(call);
    yield* this.#flow.transactions(accountId, query, call);
  }

  /** The holders of the connection's accounts, where the provider tells them. */
  async holders(options: CallOptions = {}): Promise<AccountHolder[]> {
    validateCallOptions(options);
    return this.#flow.holders(options);
  }

  /** Asks the provider to refresh the data without the user, where it has a way to (never triggers SCA). */
  async refresh(options: CallOptions = {}): Promise<void> {
    validateCallOptions(options);
    return this.#flow.refresh(options);
  }

  /** Deletes the connection and its data at the provider; the connection cannot be used after. */
  async delete(options: CallOptions = {}): Promise<void> {
    validateCallOptions(options);
    return this.#flow.remove(options);
  }

  /**
   * A small versioned, signed JSON value from which `bank.resume()` continues this
   * authentication (in this process, or in another one sharing `checkpoints.signingKey`).
   * Never holds a password, an answer or an OTP. Taking it marks the current step as kept:
   * leaving the loop then suspends instead of cancelling.
   */
  checkpoint(): Promise<Checkpoint> {
    return writeCheckpoint(this.#runtime, this.#flow, true);
  }

  /** Cancels the provider-side session of an unfinished authentication. */
  cancel(): Promise<void> {
    return this.#flow.cancel('cancelled');
  }

  /** Provider, status and reference, redacted: what `JSON.stringify(conn)` and logs show. */
  toJSON(): Record<string, unknown> {
    return this.#secrets.redact({ provider: this.provider, status: this.status, ref: this.ref });
  }

  /** What Node's `util.inspect` (and so `console.log`) prints: {@link toJSON}, redacted. */
  [INSPECT](): string {
    return `Connection ${JSON.stringify(this.toJSON())}`;
  }
}

/** The signed checkpoint of a flow; `keep` marks its step as kept (leaving then suspends). @internal */
export async function writeCheckpoint(runtime: BankRuntime, flow: Flow, keep: boolean): Promise<Checkpoint> {
  const { body, sealed } = flow.snapshot(keep);
  const names = Object.keys(sealed);
  if (names.length === 0) return runtime.codec.seal(body);
  const blob = await runtime.seal(sealed, `${body.provider} ${body.id}`);
  return runtime.codec.seal(blob ? { ...body, sealed: blob } : { ...body, dropped: names.sort() });
}

const MAX_TIMEOUT_MS = 2_147_483_647;

/** Per-call options are checked before anything is sent. */
export function validateCallOptions(options: CallOptions): void {
  const issues: Array<{ path: string; message: string }> = [];
  if (options.timeout !== undefined && (!Number.isFinite(options.timeout) || options.timeout <= 0 || options.timeout > MAX_TIMEOUT_MS)) {
    issues.push({ path: 'timeout', message: 'must be a positive number of milliseconds (at most 2^31 - 1)' });
  }
  if (options.retry !== undefined && (!Number.isInteger(options.retry) || options.retry < 0 || options.retry > 10)) {
    issues.push({ path: 'retry', message: 'must be an integer from 0 to 10' });
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) issues.push({ path: 'signal', message: 'must be an AbortSignal' });
  if (issues.length) throw new ValidationError('call options', issues);
}
