import { EventEmitter } from 'eventemitter3';
import { callbackParams } from './answers.js';
import { CheckpointCodec, type Checkpoint } from './checkpoint.js';
import { Connection } from './connection.js';
import { abandonAuth, beginAuth, continueAuth, resendAuth, type AuthProgress, type BackendHost, type StepOptions, type StoreTtl } from './backend.js';
import { CheckpointError, ConfigurationError, ConnectionError, ValidationError } from './errors.js';
import { randomId } from './kit.js';
import { refreshConnections, type RefreshOptions, type RefreshResult } from './refresh.js';
import { MemoryStore, type CheckpointStore } from './store.js';
import { Flow, joinRef } from './flow.js';
import { ProviderHttp, type FetchLike, type RequestEvent, type RetryPolicy } from './http.js';
import { log, silentLogger, type Logger } from './logger.js';
import type { RedirectAnswer } from './model/challenge.js';
import type { AnyProvider, InputOf, ProviderById, RefOf } from './provider.js';
import { realClock, type Clock } from './polling.js';
import { Secrets, isSecretKey } from './redact.js';
import type { BankRuntime } from './runtime.js';
import { Sealer, type EncryptionOptions } from './sealer.js';
import { parseInput } from './validate.js';

export interface PolybankOptions<P extends AnyProvider> {
  /** Provider instances from their factories, e.g. `[flinks({...}), powens({...})]`. */
  providers: readonly P[];
  /** A pino- or console-like logger; receives redacted fields only. */
  logger?: Logger;
  /** Per-attempt HTTP timeout in ms. Default 30 000. */
  timeout?: number;
  /**
   * Requests in flight to one provider at once; more wait their turn. Each holds a socket:
   * thousands of concurrent polls would otherwise open thousands of connections. Default 64.
   */
  maxConcurrentRequests?: number;
  /** Automatic retries of idempotent requests; `false` or 0 turns them off. Default 2 retries. */
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
  /** TTLs of stored authentications (pending without a stated expiry; active). */
  storeTtl?: Partial<StoreTtl>;
  checkpoints?: {
    /** HMAC key (≥16 bytes) that signs checkpoints so a modified one is rejected. Strongly recommended. */
    signingKey?: string | Uint8Array;
    /** AES-256-GCM keys for sensitive values a provider needs after a resume (e.g. the Powens user token). */
    encryption?: EncryptionOptions;
  };
}

export interface BankEvents {
  /** Every HTTP attempt of every connection and provider-level call (URL redacted). */
  request: [event: RequestEvent];
}

export interface ResumeOptions {
  /** The redirect callback (URL, query string or params) to complete a pending `redirect` challenge. */
  callback?: RedirectAnswer['callback'];
  signal?: AbortSignal;
}

const DEFAULT_RETRY: RetryPolicy = { limit: 2, maxRetryAfterMs: 60_000, backoffLimitMs: 10_000 };

function normalizeRetry(retry: PolybankOptions<AnyProvider>['retry']): RetryPolicy {
  if (retry === false) return { ...DEFAULT_RETRY, limit: 0 };
  if (typeof retry === 'number') return { ...DEFAULT_RETRY, limit: retry };
  return { ...DEFAULT_RETRY, ...retry };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive number of milliseconds`);
  return value;
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
export class Polybank<P extends AnyProvider = AnyProvider> extends EventEmitter<BankEvents> {
  readonly #providers = new Map<string, P>();
  readonly #runtime: BankRuntime;
  readonly #backend: BackendHost;

  constructor(options: PolybankOptions<P>) {
    super();
    if (!options || !Array.isArray(options.providers) || options.providers.length === 0) {
      throw new ConfigurationError('new Polybank({ providers: [...] }) needs at least one provider');
    }
    const timeout = positive('timeout', options.timeout, 30_000);
    const maxConcurrent = positive('maxConcurrentRequests', options.maxConcurrentRequests, 64);
    const pollTimeoutMs = positive('pollTimeout', options.pollTimeout, 10 * 60_000);
    const retry = normalizeRetry(options.retry);
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const logger = options.logger ?? silentLogger;
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
      http.set(
        provider.id,
        new ProviderHttp({
          provider: provider.id,
          baseUrl: provider.http.baseUrl,
          timeout,
          maxConcurrent,
          retry,
          fetch: fetchImpl,
          ...(provider.http.headers ? { headers: provider.http.headers } : {}),
          ...(provider.http.beforeRequest ? { beforeRequest: provider.http.beforeRequest } : {}),
        }),
      );
    }
    const codec = new CheckpointCodec(options.checkpoints?.signingKey);
    const sealer = options.checkpoints?.encryption ? new Sealer(options.checkpoints.encryption) : undefined;
    this.#runtime = {
      logger,
      pollTimeoutMs,
      clock: options.clock ?? realClock,
      codec,
      httpFor: (id) => http.get(id) as ProviderHttp,
      secretsFor: (id) => secrets.get(id) as Secrets,
      onRequest: (event) => {
        log(logger, 'debug', { ...event }, 'polybank: request');
        try {
          this.emit('request', event);
        } catch {
          // A listener's bug must not break a bank flow.
        }
      },
      seal: async (values) => (sealer ? sealer.seal(values) : undefined),
      unseal: async (blob) => {
        if (!sealer) throw new CheckpointError('checkpoint holds encrypted values but no checkpoints.encryption keys are configured');
        return sealer.unseal(blob);
      },
    };
    this.#backend = {
      store: options.store ?? new MemoryStore(),
      ttl: {
        pendingMs: positive('storeTtl.pendingMs', options.storeTtl?.pendingMs, 15 * 60_000),
        activeMs: positive('storeTtl.activeMs', options.storeTtl?.activeMs, 60 * 60_000),
      },
      resume: (checkpoint) => this.resume(checkpoint),
    };
  }

  /** The ids of the configured providers. */
  get providers(): ReadonlyArray<P['id']> {
    return [...this.#providers.keys()];
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
    const connection = new Connection<ProviderById<P, Id>>(this.#runtime, adapter, (host) => {
      registerSecretFields(host.secrets, parsed);
      return new Flow(host, 'connect', parsed);
    });
    return connection;
  }

  /** Opens an existing link from the reference stored earlier (`conn.ref`). */
  connection<Id extends P['id']>(provider: Id, ref: RefOf<ProviderById<P, Id>>): Connection<ProviderById<P, Id>> {
    const adapter = this.#adapter(provider) as ProviderById<P, Id>;
    const parsed = parseInput(adapter.schemas.ref, ref, `${provider} connection reference`, provider);
    return new Connection<ProviderById<P, Id>>(this.#runtime, adapter, (host) => {
      registerSecretFields(host.secrets, parsed);
      return new Flow(host, 'open', parsed);
    });
  }

  /**
   * Continues an authentication from a checkpoint, in this process or another.
   * `authenticate()` re-yields the pending challenge first; nothing is re-sent.
   * With `callback`, a pending redirect is completed now (state checked, code exchanged).
   */
  async resume(checkpoint: Checkpoint | string, options: ResumeOptions = {}): Promise<Connection<P>> {
    const body = await this.#runtime.codec.open(checkpoint);
    const adapter = this.#providers.get(body.provider);
    if (!adapter) throw new CheckpointError(`checkpoint is for provider ${body.provider}, which is not configured`);
    let state = body.state;
    if (state !== undefined) {
      const parsed = adapter.schemas.state.safeParse(state);
      if (!parsed.success) throw new CheckpointError(`checkpoint state does not match what ${body.provider} expects`);
      state = parsed.data;
    }
    const unsealed = body.sealed ? await this.#runtime.unseal(body.sealed) : {};
    const { ref, sealed } = joinRef(body.ref, unsealed);
    if (ref !== undefined && !adapter.schemas.ref.safeParse(ref).success) {
      const hint = body.dropped?.length ? `; it was written without ${body.dropped.join(', ')}: configure checkpoints.encryption to keep them` : '';
      throw new CheckpointError(`checkpoint reference does not match what ${body.provider} expects${hint}`);
    }
    const connection = new Connection<P>(this.#runtime, adapter, (host) =>
      Flow.restore(host, {
        origin: body.origin,
        seq: body.seq,
        status: body.status,
        ref,
        ...(state !== undefined ? { state } : {}),
        sealed,
        ...(body.pending ? { pending: body.pending } : {}),
      }),
    );
    if (options.callback !== undefined) await completeRedirect(connection, options);
    return connection;
  }

  // ---------------------------------------------------------------- request/response API

  /**
   * Starts a link for a request/response backend: runs until the first challenge (or
   * active), stores the authentication and returns `{ id, status, challenge? }` as JSON.
   * Continue it from any instance sharing the store with `bank.continue(id, answer)`.
   */
  begin<Id extends P['id']>(provider: Id, input: InputOf<ProviderById<P, Id>>, options: StepOptions & { id?: string } = {}): Promise<AuthProgress> {
    const connection = this.connect(provider, input);
    return beginAuth(this.#backend, options.id ?? randomId(16), connection, options);
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
  resend(id: string): Promise<AuthProgress> {
    return resendAuth(this.#backend, id);
  }

  /** The Connection stored under `id` (e.g. to list accounts once it is active). */
  async load(id: string): Promise<Connection<P>> {
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
   */
  refreshAll<Id extends P['id']>(
    refs: ReadonlyArray<{ provider: Id; ref: RefOf<ProviderById<P, Id>> }>,
    options: RefreshOptions<Id> = {},
  ): Promise<Array<RefreshResult<Id, RefOf<ProviderById<P, Id>>>>> {
    return refreshConnections(refs, (provider, ref) => this.connection(provider, ref) as unknown as Connection, options);
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

async function completeRedirect(connection: Connection, options: ResumeOptions): Promise<void> {
  const iterator = connection.authenticate(options.signal ? { signal: options.signal } : {});
  const first = await iterator.next();
  const challenge = first.done ? undefined : first.value;
  if (!challenge || challenge.type !== 'redirect') {
    await iterator.return(undefined);
    throw new ValidationError('resume callback', [{ path: 'callback', message: 'the checkpoint has no pending redirect challenge' }]);
  }
  if (callbackParams(options.callback as never) === undefined) {
    await iterator.return(undefined);
    throw new ValidationError('resume callback', [{ path: 'callback', message: 'not a callback URL or query string' }]);
  }
  try {
    challenge.answer({ callback: options.callback as RedirectAnswer['callback'] });
  } catch (error) {
    // A state mismatch or bad callback: nothing was exchanged; the redirect stays pending.
    await iterator.return(undefined);
    throw error;
  }
  // Runs the exchange; stops at the next challenge (kept pending for authenticate()) or when active.
  const next = await iterator.next();
  if (!next.done) {
    await connection.checkpoint();
    await iterator.return(undefined);
  }
}
