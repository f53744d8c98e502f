import type { Connection } from './connection.js';
import { AbortedError, isPolybankError, type PolybankError } from './errors.js';
import { Slots } from './slots.js';
import { sleep } from './polling.js';
import type { Account } from './model/account.js';
import type { Transaction } from './model/transaction.js';

/** Waits for the right to refresh one more connection of a provider. */
export interface RateLimiter {
  /** Resolves when one more refresh may start; rejects with an AbortedError when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** A rate: connections per second, or `requests` per `perSeconds`. */
export type Rate =
  | number
  | {
      /** How many connections… */
      requests: number;
      /** …per this many seconds. */
      perSeconds: number;
    };

/** Builds the limiter of one provider; `polybank/redis` shares them across workers. */
export type RateLimiterFactory = (provider: string, rate: { requests: number; perSeconds: number }) => RateLimiter;

/** How `bank.refreshAll()` paces its work. */
export interface RefreshOptions<Id extends string = string> {
  /** Connections refreshed at the same time in this process. Default 4. */
  concurrency?: number;
  /** Per-provider rate of refreshed connections, e.g. `{ powens: 0.5 }` (one every 2 s). */
  perProviderRate?: Partial<Record<Id, Rate>>;
  /** Where the limits live: in this process by default; `redisRateLimiters(client)` to share them. */
  limiters?: RateLimiterFactory;
  /** Aborts the refresh: the connections not refreshed yet come back with an AbortedError. */
  signal?: AbortSignal;
}

/**
 * One connection's outcome in `bank.refreshAll()` (and a `polybank/bullmq` job), in the input
 * order: its accounts, or its error.
 */
export type RefreshResult<Id extends string = string, Ref = unknown> =
  | {
      /** The provider id, as given. */
      provider: Id;
      /** The reference, as given. */
      ref: Ref;
      /** Refreshed. */
      ok: true;
      /** The connection's accounts after the refresh. */
      accounts: Account[];
      /** When they were asked for (`polybank/bullmq` workers): the new ones since the connection's last successful run, every account together. */
      transactions?: Transaction[];
    }
  | {
      /** The provider id, as given. */
      provider: Id;
      /** The reference, as given. */
      ref: Ref;
      /** Not refreshed. */
      ok: false;
      /** Why (`sca_required` when it needs the user). */
      error: PolybankError;
    };

export function normalizeRate(rate: Rate): { requests: number; perSeconds: number } {
  const value = typeof rate === 'number' ? { requests: rate, perSeconds: 1 } : rate;
  if (!(value.requests > 0) || !(value.perSeconds > 0)) throw new RangeError('a rate must be positive');
  // Whole tokens per window: 0.5/s becomes 1 per 2 s.
  if (!Number.isInteger(value.requests)) return { requests: 1, perSeconds: value.perSeconds / value.requests };
  return value;
}

/**
 * In-process limiters: a sliding window of `requests` starts per `perSeconds`, served in
 * arrival order. Web APIs only (the core runs in workerd too); `polybank/redis` shares
 * limits across workers.
 */
export const memoryRateLimiters: RateLimiterFactory = (_provider, rate) => {
  const windowMs = rate.perSeconds * 1000;
  const starts: number[] = [];
  let queue: Promise<void> = Promise.resolve();
  const take = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      if (signal?.aborted) throw new AbortedError('refresh was aborted');
      const now = Date.now();
      while (starts.length && (starts[0] as number) <= now - windowMs) starts.shift();
      if (starts.length < rate.requests) {
        starts.push(now);
        return;
      }
      await sleep((starts[0] as number) + windowMs - now, signal);
    }
  };
  return {
    acquire: (signal) => {
      // One waiter at a time, in order: nobody overtakes a caller queued earlier.
      const turn = queue.then(() => take(signal));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
};

/**
 * Refreshes many stored connections: `concurrency` at a time, each provider within its
 * rate. Never asks for SCA: a connection that needs the user comes back as an
 * `sca_required` error, as does anything else that fails, in the input order.
 */
export async function refreshConnections<Id extends string, Ref>(
  items: ReadonlyArray<{ provider: Id; ref: Ref }>,
  open: (provider: Id, ref: Ref) => Connection,
  options: RefreshOptions<Id>,
): Promise<Array<RefreshResult<Id, Ref>>> {
  // The core's own abortable slots: `concurrency` refreshes at a time, in order.
  const slots = new Slots(Math.max(1, Math.floor(options.concurrency ?? 4)));
  const limit = async <T>(run: () => Promise<T>): Promise<T> => {
    await slots.acquire(undefined);
    try {
      return await run();
    } finally {
      slots.release();
    }
  };
  const factory = options.limiters ?? memoryRateLimiters;
  const limiters = new Map<string, RateLimiter | undefined>();
  const limiterFor = (provider: string): RateLimiter | undefined => {
    if (!limiters.has(provider)) {
      const rate = options.perProviderRate?.[provider as Id];
      limiters.set(provider, rate === undefined ? undefined : factory(provider, normalizeRate(rate)));
    }
    return limiters.get(provider);
  };
  return Promise.all(
    items.map(({ provider, ref }) =>
      limit(async (): Promise<RefreshResult<Id, Ref>> => {
        try {
          if (options.signal?.aborted) throw new AbortedError('refresh was aborted');
          await limiterFor(provider)?.acquire(options.signal);
          const connection = open(provider, ref);
          await connection.refresh(options.signal ? { signal: options.signal } : {});
          const accounts = await connection.accounts(options.signal ? { signal: options.signal } : {});
          return { provider, ref, ok: true, accounts };
        } catch (error) {
          if (!isPolybankError(error)) throw error;
          return { provider, ref, ok: false, error };
        }
      }),
    ),
  );
}
