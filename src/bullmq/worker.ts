/**
 * The consuming side: one BullMQ worker per provider queue, all on one Redis connection of
 * their own (plus BullMQ's blocking ones). Start as many processes as you like; they share
 * the rate windows, the leases and the queues through Redis.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { EventEmitter } from 'eventemitter3';
import type { Redis } from 'ioredis';
import type { Connection } from '../core/connection.js';
import { ConfigurationError, PolybankError, isPolybankError } from '../core/errors.js';
import type { Polybank } from '../core/polybank.js';
import type { AnyProvider, RefOf } from '../core/provider.js';
import type { Rate } from '../core/refresh.js';
import { BACKOFF_TYPE, DEFAULT_BACKOFF_MS, retryDelay } from './backoff.js';
import { RedisClock } from './clock.js';
import { JobData } from './data.js';
import { DEFAULT_PREFIX, limitKeys, queueName } from './keys.js';
import { windowOf } from './limits.js';
import { WorkerCounters } from './metrics.js';
import { processJob, type ProcessHost } from './process.js';
import { DeferredReleases } from './releases.js';
import type { ProviderMetrics, QueueRefreshResult, RefreshWorkerEvents } from './types.js';

/** How a refresh worker runs: where refs come from and go, concurrency, rates, retries and results. */
export interface RefreshWorkerOptions<P extends AnyProvider = AnyProvider> {
  /**
   * Loads a stored connection's ref from your database by your key (undefined: it is gone;
   * reported, not retried). Redis never holds a ref: refs may carry secrets and they rotate.
   */
  loadRef(provider: P['id'], key: string): Promise<RefOf<P> | undefined> | RefOf<P> | undefined;
  /** Stores a ref the provider rotated during a job (e.g. a new Fintecture refresh token). Make it durable. */
  saveRef?(provider: P['id'], key: string, ref: RefOf<P>): Promise<void> | void;
  /**
   * Called once per final outcome (done; failed without retry; out of attempts), before the
   * job is marked finished; throwing makes the job run again. After a worker crash the same
   * `jobId` may come twice: deduplicate on it.
   */
  onResult?(result: QueueRefreshResult<P['id'], RefOf<P>>): Promise<void> | void;
  /** The provider queues this process works on. Default: every provider of the bank. */
  providers?: ReadonlyArray<P['id']>;
  /** Jobs at once per provider queue in this process. Default 4. */
  concurrency?: number | Partial<Record<P['id'], number>>;
  /**
   * Connections refreshed per provider, across every worker on this Redis: at most
   * `requests` starts in any `perSeconds` window (a number is per second). Give the same
   * rates to every worker.
   */
  perProviderRate?: Partial<Record<P['id'], Rate>>;
  /** Also read the transactions booked since the connection's last successful run (the first run: `firstDays`, default 90). */
  transactions?:
    | boolean
    | {
        /** Days of history read on a connection's first run. Default 90. */
        firstDays?: number;
      };
  /** BullMQ key prefix, shared with the queue. Default `polybank`. */
  prefix?: string;
  /** This worker's name on the jobs it runs (BullMQ `processedBy`). Default `polybank-<pid>`. */
  name?: string;
  /**
   * How long a job stays locked to a worker that stopped renewing it (a crash): then another
   * worker takes it over. Also the length of a connection's lease. Default 30 000 ms.
   */
  lockDuration?: number;
  /** How often this worker looks for jobs of dead workers. Default 30 000 ms. */
  stalledInterval?: number;
  /** Takeovers before BullMQ fails a job for good. Default 3. */
  maxStalledCount?: number;
  /** Longest wait for a rate-window slot that a job holds a worker slot for; longer, it goes back to the queue. Default 10 000 ms. */
  maxRateWaitMs?: number;
  /** Cap of the exponential retry delay (a provider's retryAfter may be later). Default 1 hour. */
  maxBackoffMs?: number;
}

/** How a worker shuts down. */
export interface CloseOptions {
  /**
   * How long in-flight provider calls may take to finish; after that they are aborted and
   * their jobs handed back to the queue untouched. Jobs still waiting for a rate slot go back
   * at once. Default 30 000 ms.
   */
  timeoutMs?: number;
}

/** What `refreshWorker` returns: events, metrics, and a graceful close. */
export interface RefreshWorker<Id extends string = string, Ref = unknown> extends EventEmitter<RefreshWorkerEvents<Id, Ref>> {
  /** Resolves when every provider worker is connected and taking jobs. */
  waitUntilReady(): Promise<void>;
  /** This process's counters per provider, with the queue counts from Redis. */
  metrics(): Promise<Record<Id, ProviderMetrics>>;
  /** Stops taking jobs; in-flight ones finish (or go back at `timeoutMs`); then the connections close. */
  close(options?: CloseOptions): Promise<void>;
  /** Closes on SIGTERM/SIGINT (Kubernetes, systemd, Ctrl-C). Returns a function that removes the handlers. */
  closeOnSignals(signals?: readonly NodeJS.Signals[], options?: CloseOptions): () => void;
  /** The BullMQ worker of a provider (its events, pause/resume). */
  worker(provider: Id): Worker;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`refreshWorker: ${name} must be a positive number`);
  return value;
}

class PolybankRefreshWorker<P extends AnyProvider> extends EventEmitter<RefreshWorkerEvents<P['id'], RefOf<P>>> implements RefreshWorker<P['id'], RefOf<P>> {
  readonly #workers = new Map<string, Worker>();
  readonly #queues = new Map<string, Queue>();
  readonly #counters = new WorkerCounters();
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #closingController = new AbortController();
  readonly #stopController = new AbortController();
  #releases: DeferredReleases | undefined;
  #closing: Promise<void> | undefined;

  constructor(bank: Polybank<P>, redis: Redis, options: RefreshWorkerOptions<P>) {
    super();
    if (!bank || typeof bank.connection !== 'function') throw new ConfigurationError('refreshWorker(bank, redis, options): bank must be a Polybank');
    if (!redis || typeof redis.duplicate !== 'function') throw new ConfigurationError('refreshWorker(bank, redis, options): redis must be an ioredis client');
    if (typeof options?.loadRef !== 'function') throw new ConfigurationError('refreshWorker: options.loadRef(provider, key) is required: it loads the stored ref from your database');
    const providers = [...(options.providers ?? bank.providers)];
    for (const provider of providers) {
      if (!bank.providers.includes(provider)) throw new ConfigurationError(`refreshWorker: provider ${JSON.stringify(provider)} is not configured in the bank`);
    }
    const rates = new Map<string, { requests: number; perSeconds: number } | undefined>();
    for (const provider of providers) {
      try {
        rates.set(provider, windowOf(options.perProviderRate?.[provider as P['id']]));
      } catch {
        throw new ConfigurationError(`refreshWorker: perProviderRate.${provider} must be a positive rate`);
      }
    }
    const lockDuration = positive('lockDuration', options.lockDuration, 30_000);
    const stalledInterval = positive('stalledInterval', options.stalledInterval, 30_000);
    const maxRateWaitMs = positive('maxRateWaitMs', options.maxRateWaitMs, 10_000);
    const maxBackoffMs = positive('maxBackoffMs', options.maxBackoffMs, 60 * 60_000);
    const firstDays = typeof options.transactions === 'object' ? positive('transactions.firstDays', options.transactions.firstDays, 90) : 90;
    const concurrencies = new Map<string, number>();
    for (const provider of providers) {
      const concurrency = typeof options.concurrency === 'object' ? options.concurrency[provider as P['id']] : options.concurrency;
      if (concurrency !== undefined && !Number.isInteger(concurrency)) throw new ConfigurationError('refreshWorker: concurrency must be a whole number');
      concurrencies.set(provider, positive('concurrency', concurrency, 4));
    }
    const maxStalledCount = options.maxStalledCount ?? 3;
    if (!Number.isInteger(maxStalledCount) || maxStalledCount < 0) throw new ConfigurationError('refreshWorker: maxStalledCount must be a whole number ≥ 0');
    // Everything is checked: only now a connection opens.
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    // BullMQ workers need a client that retries commands forever (maxRetriesPerRequest: null).
    this.#client = redis.duplicate({ maxRetriesPerRequest: null });
    this.#client.on('error', (error: Error) => this.#error(error));

    const releases = new DeferredReleases(this.#client, (provider) => limitKeys(this.#prefix, provider).lastRun, (error) => this.#error(error));
    this.#releases = releases;
    const host: ProcessHost = {
      releases,
      open: (provider, ref) => bank.connection(provider as P['id'], ref as never) as Connection,
      client: this.#client,
      limitKeys: (provider, key) => {
        const keys = limitKeys(this.#prefix, provider);
        return { lease: keys.lease(key), rate: keys.rate, lastRun: keys.lastRun };
      },
      rate: (provider) => rates.get(provider),
      clock: new RedisClock(),
      leaseMs: lockDuration,
      maxRateWaitMs,
      transactions: options.transactions ? { firstDays } : false,
      loadRef: async (provider, key) => options.loadRef(provider as P['id'], key),
      ...(options.saveRef ? { saveRef: (provider: string, key: string, ref: unknown) => options.saveRef?.(provider as P['id'], key, ref as RefOf<P>) } : {}),
      report: async (result) => {
        if (result.ok) this.#counters.done(result.provider);
        else this.#counters.failed(result.provider, result.error.code);
        const typed = result as QueueRefreshResult<P['id'], RefOf<P>>;
        this.#emit('result', typed);
        await options.onResult?.(typed);
      },
      rateLimited: (event) => {
        this.#counters.rateLimited(event.provider);
        this.#emit('rateLimited', event as never);
      },
      started: (event) => this.#emit('started', event as never),
      error: (error) => this.#error(error),
      closing: this.#closingController.signal,
      stop: this.#stopController.signal,
    };

    const backoffStrategy = (attemptsMade: number, type?: string, error?: Error, job?: { id?: string; data?: unknown; opts?: { backoff?: unknown } }): number => {
      const base = typeof job?.opts?.backoff === 'object' && job.opts.backoff !== null ? Number((job.opts.backoff as { delay?: number }).delay) || DEFAULT_BACKOFF_MS : DEFAULT_BACKOFF_MS;
      const delayMs = retryDelay({ attempt: attemptsMade, baseMs: base, maxMs: maxBackoffMs, error, now: Date.now() });
      if (type !== BACKOFF_TYPE) return delayMs;
      const data = JobData.safeParse(job?.data);
      if (data.success) {
        const typed = isPolybankError(error) ? error : new PolybankError('worker_error', 'the job failed outside polybank', { retryable: true, provider: data.data.provider });
        this.#counters.retried(data.data.provider, typed.code);
        this.#emit('retry', { provider: data.data.provider, key: data.data.key, jobId: String(job?.id), attempt: attemptsMade, error: typed, delayMs } as never);
      }
      return delayMs;
    };

    for (const provider of providers) {
      const worker = new Worker(queueName(provider), (job: Job, token?: string, signal?: AbortSignal) => processJob(host, job, token, signal), {
        connection: this.#client,
        prefix: this.#prefix,
        concurrency: concurrencies.get(provider) as number,
        lockDuration,
        stalledInterval,
        maxStalledCount,
        name: options.name ?? `polybank-${process.pid}`,
        settings: { backoffStrategy },
      });
      worker.on('error', (error) => this.#error(error));
      this.#workers.set(provider, worker);
    }
  }

  #emit<E extends keyof RefreshWorkerEvents>(event: E, ...args: RefreshWorkerEvents<P['id'], RefOf<P>>[E]): void {
    try {
      (this.emit as (event: E, ...args: RefreshWorkerEvents<P['id'], RefOf<P>>[E]) => boolean)(event, ...args);
    } catch (error) {
      // A listener's bug must not fail a job.
      if (event !== 'error') this.#error(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #error(error: Error): void {
    if (this.listenerCount('error') > 0) this.#emit('error', error);
  }

  async waitUntilReady(): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.waitUntilReady()));
  }

  worker(provider: P['id']): Worker {
    const worker = this.#workers.get(provider);
    if (!worker) throw new ConfigurationError(`refreshWorker: no worker for provider ${JSON.stringify(provider)}`);
    return worker;
  }

  async metrics(): Promise<Record<P['id'], ProviderMetrics>> {
    const out = {} as Record<P['id'], ProviderMetrics>;
    for (const provider of this.#workers.keys()) {
      let queue = this.#queues.get(provider);
      if (!queue) {
        queue = new Queue(queueName(provider), { connection: this.#client, prefix: this.#prefix });
        this.#queues.set(provider, queue);
      }
      const counts = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
      out[provider as P['id']] = {
        ...this.#counters.snapshot(provider),
        waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
      };
    }
    return out;
  }

  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= (async () => {
      const timeoutMs = positive('timeoutMs', options.timeoutMs, 30_000);
      // Jobs waiting for their rate slot have not called the provider yet: they go back now.
      this.#closingController.abort();
      const deadline = setTimeout(() => this.#stopController.abort(), timeoutMs);
      try {
        await Promise.all([...this.#workers.values()].map((w) => w.close()));
        await this.#releases?.flushAll();
        await Promise.all([...this.#queues.values()].map((q) => q.close()));
      } finally {
        clearTimeout(deadline);
        await this.#client.quit().catch(() => this.#client.disconnect());
      }
      this.#emit('closed');
    })();
    return this.#closing;
  }

  closeOnSignals(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'], options: CloseOptions = {}): () => void {
    const handler = (): void => {
      this.close(options).catch((error: unknown) => this.#error(error instanceof Error ? error : new Error(String(error))));
    };
    for (const signal of signals) process.once(signal, handler);
    return () => {
      for (const signal of signals) process.removeListener(signal, handler);
    };
  }
}

/**
 * The worker side of `polybank/bullmq`:
 * `refreshWorker(bank, redis, { loadRef, onResult, concurrency, perProviderRate })`.
 * A job refreshes one stored connection through `bank.connection(provider, ref)` (never SCA).
 */
export function refreshWorker<P extends AnyProvider>(bank: Polybank<P>, redis: Redis, options: RefreshWorkerOptions<P>): RefreshWorker<P['id'], RefOf<P>> {
  return new PolybankRefreshWorker(bank, redis, options);
}
