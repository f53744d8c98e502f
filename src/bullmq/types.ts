import type { PolybankError } from '../core/errors.js';
import type { RefreshResult } from '../core/refresh.js';
import type { JobKind } from './data.js';

/**
 * A job's outcome: `refreshAll`'s `RefreshResult` (ok with accounts, maybe transactions;
 * or a typed error with its `userAction`), plus where it came from. `ref` is the stored ref
 * with its secrets redacted (a refresh token shows as `[REDACTED]`: results travel to logs
 * and events; your database has the real one), undefined when `loadRef` found nothing.
 */
export type QueueRefreshResult<Id extends string = string, Ref = unknown> = RefreshResult<Id, Ref | undefined> & {
  /** Your key of the stored connection. */
  key: string;
  /** The BullMQ job: a scheduler iteration, an on-demand job or a webhook's job. */
  jobId: string;
  /** What the job did: a scheduled or on-demand refresh, or a webhook's fetch or report. */
  kind: JobKind;
  /** Attempts made, this one included. */
  attempt: number;
  /**
   * Times a worker died holding this job and another took it over after its lock expired.
   * A result is reported before the job is marked done: after a takeover the same `jobId`
   * may be reported twice (the first time by the worker that died). Deduplicate on `jobId`.
   */
  takenOver: number;
};

/** A retryable failure that will run again (`delayMs` from now, never before the provider's `retryAfter`). */
export interface RetryEvent<Id extends string = string> {
  /** The connection's provider. */
  provider: Id;
  /** Your key of the stored connection. */
  key: string;
  /** The BullMQ job that will run again. */
  jobId: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** Why it failed (its `reason`, `retryAfter` and `requestId`; secrets redacted). */
  error: PolybankError;
  /** Milliseconds until the next attempt. */
  delayMs: number;
}

/** A job that waited for its provider's rate window (or went back to the queue to wait). */
export interface RateLimitedEvent<Id extends string = string> {
  /** The provider whose window was full. */
  provider: Id;
  /** Your key of the stored connection. */
  key: string;
  /** The BullMQ job that waited. */
  jobId: string;
  /** Milliseconds until the window had room. */
  waitMs: number;
}

/** A job starting its provider calls, its rate slot reached (what the provider's rate counts). */
export interface StartedEvent<Id extends string = string> {
  /** The provider the job calls. */
  provider: Id;
  /** Your key of the stored connection. */
  key: string;
  /** The BullMQ job. */
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** When its slot in the provider's window was due, on the Redis clock (epoch ms). */
  slotAt: number;
  /** When it started, on this process's clock (epoch ms). */
  at: number;
}

/** The events a `RefreshWorker` emits, with their arguments. */
export interface RefreshWorkerEvents<Id extends string = string, Ref = unknown> {
  /** Once per final outcome: done, failed without retry, or out of attempts. */
  result: [result: QueueRefreshResult<Id, Ref>];
  /** A retryable failure that will run again. */
  retry: [event: RetryEvent<Id>];
  /** A job waited for its provider's rate window. */
  rateLimited: [event: RateLimitedEvent<Id>];
  /** A job starts its provider calls (after its lease and its rate slot). */
  started: [event: StartedEvent<Id>];
  /** Infrastructure trouble (Redis, BullMQ, your hooks); jobs are retried or taken over. */
  error: [error: Error];
  /** `close()` finished: no job runs in this process any more, its Redis connections are closed. */
  closed: [];
}

/** One provider's counters in this worker process, and its queue's counts in Redis. */
export interface ProviderMetrics {
  /** Jobs that ended with accounts. */
  done: number;
  /** Jobs reported as failed, by reason (`sca_required`, `provider_unavailable`, …). */
  failed: Record<string, number>;
  /** Retryable failures that will run again, by reason. */
  retried: Record<string, number>;
  /** Jobs that waited for the provider's rate window. */
  rateLimited: number;
  /** Jobs waiting in the queue (due now), delayed (retries, future iterations) and active, across all workers. */
  waiting: number;
  /** Jobs delayed: retries waiting for their time, future scheduler iterations. */
  delayed: number;
  /** Jobs a worker is running now. */
  active: number;
}
