import { callbackParams } from './answers.js';
import { abandonAuth, beginAuth, continueAuth, resendAuth, type AuthProgress, type BackendHost, type StepOptions, type StoreTtl } from './backend.js';
import { CheckpointCodec, type Checkpoint } from './checkpoint.js';
import { Connection, flowOf } from './connection.js';
import { Emitter, type Listener } from './emitter.js';
import { CheckpointError, ConfigurationError, ConnectionError, ValidationError } from './errors.js';
import { Flow, joinRef, type CallOptions } from './flow/index.js';
import type { FetchLike, RequestEvent, RetryPolicy } from './http.js';
import { ProviderHttp } from './transport.js';
import { randomId } from './kit.js';
import { levelled, log, type LogLevel, type Logger } from './logger.js';
import type { RedirectAnswer } from './model/challenge.js';
import { realClock, type Clock } from './polling.js';
import type { AnyProvider, InputOf, ProviderById, RefInputOf, RefOf } from './provider.js';
import { Secrets, isSecretKey } from './redact.js';
import { refreshConnections, type RefreshOptions, type RefreshResult } from './refresh.js';
import type { BankRuntime } from './runtime.js';
import { check } from './schema.js';
import { Sealer, processEncryption, type EncryptionOptions } from './sealer.js';
import { MemoryStore, type CheckpointStore } from './store.js';
import { parseInput } from './validate.js';

/** What `new Polybank({...})` takes: the providers, and the cross-cutting settings (all optional). */
export interface PolybankOptions<P extends AnyProvider> {
  /** Provider instances from their factories, e.g. `[flinks({...}), powens({...})]`. */
  providers: readonly P[];
  /** A pino- or console-like logger; receives redacted fields only. */
  logger?: Logger;
  /**
   * The lowest level sent to `logger`: `debug` (every request), `info`, `warn` (default),
   * `error`, or `off`. The `POLYBANK_LOG` environment variable, where the runtime has one,
   * overrides the default (not an explicit option).
   */
  logLevel?: LogLevel | 'off';
  /** Per-attempt HTTP timeout in ms. Default 30 000. Per call: `{ timeout }` on any data call or `authenticate()`. */
  timeout?: number;
  /**
   * Requests in flight to one provider at once; more wait their turn. Each holds a socket:
   * thousands of concurrent polls would otherwise open thousands of connections. Default 64.
   */
  maxConcurrentRequests?: number;
  /**
   * The largest provider response body read, in bytes; a larger one is a ProviderResponseError
   * (a hostile or broken provider cannot fill the memory). Default 32 MiB.
   */
  maxResponseBytes?: number;
  /** Automatic retries of idempotent requests; `false` or 0 turns them off. Default 2 retries. Per call: `{ retry }`. */
  retry?: Partial<RetryPolicy> | number | false;
  /** A fetch implementation (tests, proxies, other runtimes). Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** How long polling may wait when a provider gives no deadline, in ms. Default 10 minutes. */
  pollTimeout?: number;
  /**
   * Where `begin()`/`continue()` keep authentications between requests: the default
   * MemoryStore serves one instance; use `polybank/redis` for several.
   */
  store?: CheckpointStore;
  /** Time for polling (deadlines and waits). Default: real time; tests may pass `simulatedClock()`. */
  clock?: Clock;
  /** TTLs of stored authentications (pending without a stated expiry; active; the lease of a claimed step). */
  storeTtl?: Partial<StoreTtl>;
  /**
   * Check what adapters return against the model schemas (a second pass). Default: on for
   * providers that do not declare `typedOutput` (third-party), off for the built-in ones.
   */
  validateModel?: boolean;
  /** How checkpoints are signed, encrypted and aged (see `conn.checkpoint()` and `bank.resume()`). */
  checkpoints?: {
    /**
     * HMAC key (≥ 16 bytes; 32 random bytes recommended) that signs checkpoints, the same on every instance. Without one,
     * a key made for this process signs them: they resume in this process only.
     */
    signingKey?: string | Uint8Array;
    /** Older signing keys still accepted by `resume` (rotation). */
    previousSigningKeys?: ReadonlyArray<string | Uint8Array>;
    /**
     * AES-256-GCM keys for sensitive values a provider needs after a resume (e.g. the Powens
     * user token). Without them: a key made for this process when no signingKey is set;
     * else those values are left out of the checkpoint.
     */
    encryption?: EncryptionOptions;
    /** Longest life of a checkpoint in ms (a pending challenge's own expiry shortens it). Default 24 hours. */
    maxAgeMs?: number;
  };
}

/** The events of a Polybank (`bank.on(name, listener)`): name → the listener's arguments. */
export interface BankEvents {
  /** Every HTTP attempt of every connection and provider-level call (URL redacted). */
  request: [event: RequestEvent];
}

export interface ResumeOptions extends CallOptions {
  /** The redirect callback (URL, query string or params) to complete a pending `redirect` challenge. */
  callback?: RedirectAnswer['callback'];
}

/** One connection type per configured provider: `if (conn.provider === 'flinks')` narrows `ref` and `actions`. */
export type ConnectionOf<P extends AnyProvider> = P extends AnyProvider ? Connection<P> : never;

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const DEFAULT_RETRY: RetryPolicy = { limit: 2, maxRetryAfterMs: 60_000, backoffLimitMs: 10_000 };
const MAX_TIMER_MS = 2_147_483_647;
const CLAIMS_KEPT = 10_000;
// Checkpoints signed with this process's key resume in any Polybank of the process: so are their uses recorded.
const processClaims = new Map<string, number>();

function normalizeRetry(retry: PolybankOptions<AnyProvider>['retry']): RetryPolicy {
  if (retry === false) return { ...DEFAULT_RETRY, limit: 0 };
  if (typeof retry === 'number') return { ...DEFAULT_RETRY, limit: retry };
  return { ...DEFAULT_RETRY, ...retry };
}

function positive(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new ConfigurationError(`${name} must be a positive number${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`);
  return value;
}

/** `POLYBANK_LOG` where the runtime has environment variables (Node, Bun, Deno with --allow-env). */
function environmentLogLevel(): string | undefined {
  try {
    const env: unknown = Reflect.get(Reflect.get(globalThis, 'process') ?? {}, 'env');
    const value: unknown = env && typeof env === 'object' ? Reflect.get(env, 'POLYBANK_LOG') : undefined;
    return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entry point: one typed API over the configured providers.
 *
 * ```ts
 * const bank = new Polybank({ providers: [flinks({ customerId, baseUrl })] });
 * const conn = bank.connect('flinks', { institution: 'FlinksCapital', username, password });
 * for await (const challenge of conn.authenticate()) { … }
 * ```
 */
export class Polybank<P extends AnyProvider = AnyProvider> {
  readonly #providers = new Map<string, P>();
  readonly #runtime: BankRuntime;
  readonly #backend: BackendHost;
  readonly #events: Emitter<BankEvents>;

  constructor(options: PolybankOptions<P>) {
    if (!options || !Array.isArray(options.providers) || options.providers.length === 0) {
      throw new ConfigurationError('new Polybank({ providers: [...] }) needs at least one provider');
    }
    const timeout = positive('timeout', options.timeout, 30_000, MAX_TIMER_MS);
    const maxConcurrent = positive('maxConcurrentRequests', options.maxConcurrentRequests, 64);
    const pollTimeoutMs = positive('pollTimeout', options.pollTimeout, 10 * 60_000);
    const maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);
    const retry = normalizeRetry(options.retry);
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const level = options.logLevel ?? environmentLogLevel() ?? 'warn';
    const logger = levelled(options.logger, level);
    this.#events = new Emitter((event, error) => log(logger, 'error', { event, error: String((error as Error)?.message ?? error) }, 'polybank: event listener threw'));
    const http = new Map<string, ProviderHttp>();
    const secrets = new Map<string, Secrets>();
    for (const provider of options.providers) {
      if (!provider || typeof provider.id !== 'string' || typeof provider.start !== 'function') {
        throw new ConfigurationError('providers must be created by a provider factory, e.g. flinks({...})');
      }
      if (this.#providers.has(provider.id)) throw new ConfigurationError(`provider ${provider.id} is configured twice`);
      this.#providers.set(provider.id, provider);
      const registry = new Secrets();
      registry.add(...provider.secrets);
      secrets.set(provider.id, registry);
      http.set(provider.id, new ProviderHttp({ provider: provider.id, config: provider.http, timeout, maxConcurrent, retry, fetch: fetchImpl, maxResponseBytes }));
    }
    const cp = options.checkpoints ?? {};
    const store = options.store ?? new MemoryStore();
    if (!(store instanceof MemoryStore) && cp.signingKey === undefined) {
      throw new ConfigurationError('a shared store needs checkpoints.signingKey (the same on every instance): without it, checkpoints resume in this process only');
    }
    const codec = new CheckpointCodec({ ...(cp.signingKey !== undefined ? { signingKey: cp.signingKey } : {}), ...(cp.previousSigningKeys ? { previousSigningKeys: cp.previousSigningKeys } : {}) });
    // Sealed values: the configured keys; this process's key when checkpoints stay in this process; else left out.
    const encryption = cp.encryption ?? (cp.signingKey === undefined ? processEncryption() : undefined);
    const sealer = encryption ? new Sealer(encryption) : undefined;
    const claims = options.store === undefined && cp.signingKey === undefined ? processClaims : new Map<string, number>();
    const validateModel = (id: string): boolean => {
      if (options.validateModel !== undefined) return options.validateModel;
      // Tests turn the model check on for everyone (test/support/setup.ts).
      if (Reflect.get(globalThis, Symbol.for('polybank.validateModel')) === true) return true;
      return this.#providers.get(id)?.typedOutput !== true;
    };
    this.#runtime = {
      logger,
      pollTimeoutMs,
      clock: options.clock ?? realClock,
      codec,
      validateModel,
      checkpointMaxAgeMs: positive('checkpoints.maxAgeMs', cp.maxAgeMs, 24 * 3600_000),
      cancelTimeoutMs: Math.min(timeout, 5_000),
      httpFor: (id) => {
        const client = http.get(id);
        if (!client) throw new ConfigurationError(`provider ${id} is not configured`);
        return client;
      },
      secretsFor: (id) => secrets.get(id) ?? new Secrets(),
      onRequest: (event) => {
        log(logger, 'debug', { ...event }, 'polybank: request');
        this.#events.emit('request', event);
      },
      seal: async (values, binding) => (sealer ? sealer.seal(values, binding) : undefined),
      unseal: async (blob, binding) => {
        if (!sealer) throw new CheckpointError('checkpoint holds encrypted values but no checkpoints.encryption keys are configured');
        return sealer.unseal(blob, binding);
      },
      claim: async (id, ttlMs) => {
        if (options.store?.claimOnce) return options.store.claimOnce(`checkpoint:${id}`, ttlMs);
        // A store without claims: a second use is detected in this process.
        const now = Date.now();
        if ((claims.get(id) ?? 0) > now) return false;
        claims.set(id, now + ttlMs);
        if (claims.size > CLAIMS_KEPT) for (const [key, until] of claims) if (until <= now || claims.size > CLAIMS_KEPT) claims.delete(key);
        return true;
      },
    };
    this.#backend = {
      store,
      runtime: this.#runtime,
      ttl: {
        pendingMs: positive('storeTtl.pendingMs', options.storeTtl?.pendingMs, 15 * 60_000),
        activeMs: positive('storeTtl.activeMs', options.storeTtl?.activeMs, 60 * 60_000),
        leaseMs: positive('storeTtl.leaseMs', options.storeTtl?.leaseMs, 2 * 60_000),
      },
      resume: (checkpoint) => this.resume(checkpoint),
    };
  }

  /** The ids of the configured providers. */
  get providers(): ReadonlyArray<P['id']> {
    return [...this.#providers.keys()];
  }

  /** Listens to bank-wide events (`request`: every HTTP attempt, URL redacted). */
  on<E extends keyof BankEvents>(event: E, listener: Listener<BankEvents[E]>): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Listens once. */
  once<E extends keyof BankEvents>(event: E, listener: Listener<BankEvents[E]>): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Stops listening. */
  off<E extends keyof BankEvents>(event: E, listener: Listener<BankEvents[E]>): this {
    this.#events.off(event, listener);
    return this;
  }

  #adapter(id: string): P {
    const adapter = this.#providers.get(id);
    if (!adapter) {
      throw new ConfigurationError(`provider ${JSON.stringify(id)} is not configured; configured: ${[...this.#providers.keys()].join(', ')}`);
    }
    return adapter;
  }

  /**
   * Starts a new link. The input is checked at once against the provider's schema
   * (a wrong field is a ValidationError); nothing is sent before `authenticate()`.
   */
  connect<Id extends P['id']>(provider: Id, input: InputOf<ProviderById<P, Id>>): Connection<ProviderById<P, Id>> {
    const adapter = this.#adapter(provider) as ProviderById<P, Id>;
    const parsed = parseInput(adapter.schemas.input, input, `${provider} connect input`, provider);
    return new Connection<ProviderById<P, Id>>(this.#runtime, adapter, (host, settings) => {
      registerSecretFields(host.secrets, parsed);
      return new Flow(host, 'connect', parsed, settings);
    });
  }

  /** Opens an existing link from the reference stored earlier (`conn.ref`). */
  connection<Id extends P['id']>(provider: Id, ref: RefInputOf<ProviderById<P, Id>>): Connection<ProviderById<P, Id>> {
    const adapter = this.#adapter(provider) as ProviderById<P, Id>;
    const parsed = parseInput(adapter.schemas.ref, ref, `${provider} connection reference`, provider);
    return new Connection<ProviderById<P, Id>>(this.#runtime, adapter, (host, settings) => {
      registerSecretFields(host.secrets, parsed);
      return new Flow(host, 'open', parsed, settings);
    });
  }

  /**
   * Continues an authentication from a checkpoint, in this process or another.
   * `authenticate()` re-yields the pending challenge first; nothing is re-sent.
   * With `callback`, a pending redirect is completed now (state checked, code exchanged).
   * A checkpoint is used once: after an answer was sent from it, resume from the newer one.
   */
  async resume(checkpoint: Checkpoint | string, options: ResumeOptions = {}): Promise<ConnectionOf<P>> {
    const body = await this.#runtime.codec.open(checkpoint, Date.now());
    const adapter = this.#providers.get(body.provider);
    if (!adapter) throw new CheckpointError(`checkpoint is for provider ${body.provider}, which is not configured`);
    let state = body.state;
    if (state !== undefined) {
      const parsed = check(adapter.schemas.state, state);
      if (!parsed.ok) throw new CheckpointError(`checkpoint state does not match what ${body.provider} expects`);
      state = parsed.value;
    }
    const unsealed = body.sealed ? await this.#runtime.unseal(body.sealed, `${body.provider} ${body.id}`) : {};
    const { ref, sealed } = joinRef(body.ref, unsealed);
    if (ref !== undefined && !check(adapter.schemas.ref, ref).ok) {
      const hint = body.dropped?.length ? `; it was written without ${body.dropped.join(', ')}: configure checkpoints.encryption to keep them` : '';
      throw new CheckpointError(`checkpoint reference does not match what ${body.provider} expects${hint}`);
    }
    const connection = new Connection<P>(this.#runtime, adapter, (host, settings) => Flow.restore(host, settings, body, ref, sealed, state));
    if (options.callback !== undefined) await completeRedirect(connection, options);
    return connection as ConnectionOf<P>;
  }

  // ---------------------------------------------------------------- request/response API

  /**
   * Starts a link for a request/response backend: runs until the first challenge (or
   * active), stores the authentication and returns `{ id, status, challenge? }` as JSON,
   * safe to send to a browser. Continue it from any instance sharing the store with
   * `bank.continue(id, answer)`; once active, read the reference with `(await bank.load(id)).ref`.
   */
  begin<Id extends P['id']>(provider: Id, input: InputOf<ProviderById<P, Id>>, options: StepOptions & { id?: string } = {}): Promise<AuthProgress> {
    const { id, ...step } = options;
    const connection = this.connect(provider, input);
    return beginAuth(this.#backend, id ?? randomId(16), connection, step);
  }

  /**
   * Continues a stored authentication with the user's answer (nothing for a decoupled
   * approval: it then polls within `pollBudgetMs`). Of two concurrent calls for the same
   * step, one proceeds and the other gets a ConflictError; nothing is sent twice.
   */
  continue(id: string, answer?: unknown, options: StepOptions = {}): Promise<AuthProgress> {
    return continueAuth(this.#backend, id, answer, options);
  }

  /**
   * Sends a new code for the OTP challenge stored under `id`, when the user asks for one
   * (`challenge.canResend`); returns the refreshed challenge. Never called by the SDK itself.
   */
  resend(id: string, options: CallOptions = {}): Promise<AuthProgress> {
    return resendAuth(this.#backend, id, options);
  }

  /** The Connection stored under `id` (e.g. its `ref` once active, to list accounts). */
  async load(id: string): Promise<ConnectionOf<P>> {
    const stored = await this.#backend.store.load(id);
    if (!stored) throw new ConnectionError('auth_expired', `authentication ${id} has expired or does not exist`);
    return this.resume(stored.entry.checkpoint);
  }

  /** Cancels a stored authentication at the provider and forgets it. */
  abandon(id: string): Promise<boolean> {
    return abandonAuth(this.#backend, id);
  }

  /**
   * Keeps many stored connections up to date: `concurrency` at a time, each provider
   * within `perProviderRate` (shared across workers with `polybank/redis`'s limiters).
   * Never asks for SCA; results come back in the input order, each ok or a typed error.
   * For many workers, a schedule and retries, see `polybank/bullmq`.
   */
  refreshAll<Id extends P['id']>(
    refs: ReadonlyArray<{ provider: Id; ref: RefInputOf<ProviderById<P, Id>> }>,
    options: RefreshOptions<Id> = {},
  ): Promise<Array<RefreshResult<Id, RefOf<ProviderById<P, Id>>>>> {
    return refreshConnections(refs, (provider, ref) => this.connection(provider, ref), options) as Promise<Array<RefreshResult<Id, RefOf<ProviderById<P, Id>>>>>;
  }
}

/** Registers secret-named fields of user input (password, apiKey, …) so they are redacted everywhere. */
function registerSecretFields(secrets: Secrets, value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && isSecretKey(key)) secrets.add(item);
    else registerSecretFields(secrets, item, depth + 1);
  }
}

/** Completes a pending redirect with its callback; stops at the next challenge, kept for `authenticate()`. */
async function completeRedirect(connection: Connection, options: ResumeOptions): Promise<void> {
  const flow = flowOf(connection);
  const pending = connection.pendingChallenge;
  if (!pending || pending.type !== 'redirect') {
    throw new ValidationError('resume callback', [{ path: 'callback', message: 'the checkpoint has no pending redirect challenge' }]);
  }
  if (options.callback === undefined || callbackParams(options.callback) === undefined) {
    throw new ValidationError('resume callback', [{ path: 'callback', message: 'not a callback URL or query string' }]);
  }
  // A state mismatch or bad callback throws here: nothing is exchanged, the redirect stays pending.
  flow.answerPending({ callback: options.callback });
  const { callback: _callback, ...call } = options;
  let result;
  try {
    result = await flow.step(call);
  } catch (error) {
    await flow.failed(error);
    throw error;
  }
  if (result.kind === 'challenge') flow.keep();
}
