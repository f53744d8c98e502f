/**
 * Concurrent callers asking for the same thing share one request (a token refresh, a
 * service-status probe), with abort semantics that hold for each caller on its own:
 * a caller that aborts stops waiting at once; the shared work is aborted only when every
 * caller waiting for it has aborted.
 */
import { AbortedError } from './errors.js';

interface Flight<V> {
  promise: Promise<V>;
  controller: AbortController;
  waiting: number;
}

/** Runs one task per key at a time; callers asking for the same key meanwhile share its result. */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Flight<V>>();

  /** Joins the flight for `key`, or starts it with `task`. */
  run(key: K, signal: AbortSignal | undefined, task: (signal: AbortSignal) => Promise<V>): Promise<V> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    let flight = this.#flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const promise = task(controller.signal);
      const started: Flight<V> = { promise, controller, waiting: 0 };
      flight = started;
      this.#flights.set(key, started);
      const clear = (): void => {
        if (this.#flights.get(key) === started) this.#flights.delete(key);
      };
      promise.then(clear, clear);
    }
    return this.#wait(key, flight, signal);
  }

  #wait(key: K, flight: Flight<V>, signal: AbortSignal | undefined): Promise<V> {
    flight.waiting++;
    if (!signal) return flight.promise.finally(() => flight.waiting--);
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiting--;
        // The last one out turns off the light: nobody waits for this result any more.
        if (flight.waiting === 0) {
          flight.controller.abort();
          if (this.#flights.get(key) === flight) this.#flights.delete(key);
        }
        reject(new AbortedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return;
          flight.waiting--;
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return;
          flight.waiting--;
          reject(error);
        },
      );
    });
  }

  /** True while a flight for `key` is in the air. */
  has(key: K): boolean {
    return this.#flights.has(key);
  }
}

/** A cached value with its expiry (epoch ms; Infinity for "until invalidated"). */
/** A value and when it expires. */
export interface Expiring<V> {
  /** The value (an access token, a probe's result). */
  value: V;
  /** When it stops being valid, in epoch milliseconds. */
  expiresAt: number;
}

/** How a {@link TokenCache} fetches, renews and bounds its values. */
export interface TokenCacheOptions<K, V> {
  /** Fetches a fresh value; `signal` aborts only when no caller waits any more. A call's own `fetch` overrides it. */
  fetch?(key: K, signal: AbortSignal): Promise<Expiring<V>>;
  /** Renew this long before expiry, so a value never dies in flight. Default 60 s. */
  skewMs?: number;
  /** Entries kept at most (oldest dropped first). Default 1,000. */
  limit?: number;
  /** The current time in epoch milliseconds; default `Date.now` (a simulated clock in tests). */
  now?: () => number;
}

/**
 * Values that expire (access tokens, a status probe) cached per key, renewed by one
 * shared fetch. `stale` names a value the provider just refused: it is never handed out
 * again, and a renewal another caller already made is reused.
 */
export class TokenCache<K, V> {
  readonly #entries = new Map<K, Expiring<V>>();
  readonly #flight = new SingleFlight<K, Expiring<V>>();
  readonly #options: TokenCacheOptions<K, V>;

  constructor(options: TokenCacheOptions<K, V>) {
    this.#options = options;
  }

  /**
   * The cached value, or a fresh one. `fetch` (a call's own, e.g. one that sends through
   * its `ctx` with `{ signal }` set to the flight's signal) is used when this call starts the flight.
   */
  async get(key: K, signal?: AbortSignal, stale?: V, fetch?: (signal: AbortSignal) => Promise<Expiring<V>>): Promise<V> {
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#entries.get(key);
    if (cached && cached.value !== stale && cached.expiresAt - (this.#options.skewMs ?? 60_000) > now) return cached.value;
    const source = fetch ?? (this.#options.fetch ? (s: AbortSignal) => (this.#options.fetch as NonNullable<TokenCacheOptions<K, V>['fetch']>)(key, s) : undefined);
    if (!source) throw new TypeError('TokenCache.get needs a fetch (in the options or in the call)');
    const fresh = await this.#flight.run(key, signal, async (flightSignal) => {
      const entry = await source(flightSignal);
      this.set(key, entry);
      return entry;
    });
    return fresh.value;
  }

  /** The cached value, if any and whatever its age. */
  peek(key: K): Expiring<V> | undefined {
    return this.#entries.get(key);
  }

  /** Stores a value obtained elsewhere (a token that came with a login response). */
  set(key: K, entry: Expiring<V>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    const limit = this.#options.limit ?? 1000;
    while (this.#entries.size > limit) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Forgets the value of `key` (a logout, a revoked token). */
  delete(key: K): void {
    this.#entries.delete(key);
  }
}
