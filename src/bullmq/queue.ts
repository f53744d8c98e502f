/**
 * The producing side: schedules, on-demand refreshes and webhook jobs, one BullMQ queue per
 * provider. It needs no provider credentials and never sees a ref: jobs carry the provider
 * and your key of the stored connection; workers load the ref from your database.
 */
import { Queue, defaultRepeatStrategy, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ValidationError } from '../core/errors.js';
import { BACKOFF_TYPE, DEFAULT_BACKOFF_MS } from './backoff.js';
import type { JobData, JobKind } from './data.js';
import { DEFAULT_PREFIX, checkKey, checkProvider, connectionId, queueName } from './keys.js';
import { enqueuePowensWebhook, type PowensWebhookLike, type WebhookEnqueued } from './webhooks.js';

/** How often a connection is refreshed: every `every` ms, or on a cron pattern (BullMQ job schedulers). */
export type RefreshSchedule =
  | {
      /** Milliseconds between two refreshes. */
      every: number;
    }
  | {
      /** A cron pattern (`0 3 * * *`: every night at 03:00). */
      cron: string;
      /** The IANA time zone the pattern is read in (default UTC). */
      tz?: string;
    };

/** How a refresh queue is set up: the providers it serves, retries, what it keeps. */
export interface RefreshQueueOptions<Id extends string = string> {
  /** The providers to queue for (one BullMQ queue each); others are refused. */
  providers: readonly Id[];
  /** BullMQ key prefix, shared with the workers. Default `polybank`. */
  prefix?: string;
  /** Attempts per job, the first one included, for retryable failures. Default 5. */
  attempts?: number;
  /** First retry delay (doubling each attempt, never sooner than the provider's retryAfter). Default 5 s. */
  backoffMs?: number;
  /** Finished scheduled jobs kept per provider queue for inspection. Default 1,000 completed, 5,000 failed. */
  keep?: {
    /** Completed jobs kept per provider queue. */
    completed?: number;
    /** Failed jobs kept per provider queue. */
    failed?: number;
  };
  /** How long a webhook's id is remembered, so a redelivery is not queued twice. Default 24 h. */
  webhookDedupeSeconds?: number;
}

/** Where `refreshNow` put the work: the connection's job id (an existing one when it was already queued). */
export interface Enqueued {
  /** The connection's job id (`<provider>.<key>`): one per connection. */
  jobId: string;
}

/** The producer side of `polybank/bullmq`: schedules, on-demand refreshes and webhooks as jobs. */
export interface RefreshQueue<Id extends string = string> {
  /**
   * Refreshes the connection on a schedule (creates or updates its BullMQ job scheduler).
   * With `every`, the first refresh is due now. Scheduling again replaces the schedule.
   */
  schedule(provider: Id, key: string, schedule: RefreshSchedule): Promise<void>;
  /** Stops the connection's schedule; true when there was one. */
  unschedule(provider: Id, key: string): Promise<boolean>;
  /**
   * Refreshes now, on the connection's own job id: while that job is waiting, running or
   * retrying, asking again adds nothing.
   */
  refreshNow(provider: Id, key: string): Promise<Enqueued>;
  /** A verified Powens webhook (`verifyWebhook`) as a job: see `WebhookEnqueued`. */
  powensWebhook(webhook: PowensWebhookLike, key: string): Promise<WebhookEnqueued>;
  /** Jobs per state and schedulers, per provider (from Redis: every producer and worker together). */
  counts(): Promise<Record<Id, Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'schedulers', number>>>;
  /** The underlying BullMQ queue of a provider (events, inspection, cleanup). */
  queue(provider: Id): Queue;
  /** Closes the BullMQ queues (not your Redis client). */
  close(): Promise<void>;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new ValidationError('refreshQueue options', [{ path: name, message: 'must be a positive integer' }]);
  return value;
}

/**
 * The queue side of `polybank/bullmq`: `refreshQueue(redis, { providers: ['powens', 'flinks'] })`.
 * Bring your ioredis client (shared by the queues; BullMQ needs Redis ≥ 6.2).
 */
export function refreshQueue<Id extends string>(redis: Redis, options: RefreshQueueOptions<Id>): RefreshQueue<Id> {
  if (!options || !Array.isArray(options.providers) || options.providers.length === 0) {
    throw new ValidationError('refreshQueue options', [{ path: 'providers', message: 'list the provider ids to queue for, e.g. ["powens"]' }]);
  }
  const providers = options.providers.map(checkProvider) as Id[];
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const attempts = positiveInteger('attempts', options.attempts, 5);
  const backoffMs = positiveInteger('backoffMs', options.backoffMs, DEFAULT_BACKOFF_MS);
  const dedupeSeconds = positiveInteger('webhookDedupeSeconds', options.webhookDedupeSeconds, 24 * 60 * 60);
  const retry: JobsOptions = { attempts, backoff: { type: BACKOFF_TYPE, delay: backoffMs } };
  const queues = new Map<string, Queue>();

  const queueOf = (provider: Id): Queue => {
    if (!providers.includes(provider)) {
      throw new ValidationError('provider', [{ path: 'provider', message: `${JSON.stringify(provider)} is not one of this queue's providers: ${providers.join(', ')}` }]);
    }
    let queue = queues.get(provider);
    if (!queue) {
      queue = new Queue(queueName(provider), { connection: redis, prefix });
      queues.set(provider, queue);
    }
    return queue;
  };
  const data = (provider: Id, key: string): JobData => ({ v: 1, provider, key });

  return {
    async schedule(provider, key, schedule) {
      checkKey(key);
      const repeat = repeatOptions(schedule);
      const opts = { ...retry, removeOnComplete: options.keep?.completed ?? 1_000, removeOnFail: options.keep?.failed ?? 5_000 };
      await queueOf(provider).upsertJobScheduler(connectionId(provider, key), repeat, { name: 'refresh' satisfies JobKind, data: data(provider, key), opts });
    },
    async unschedule(provider, key) {
      checkKey(key);
      return queueOf(provider).removeJobScheduler(connectionId(provider, key));
    },
    async refreshNow(provider, key) {
      checkKey(key);
      const jobId = connectionId(provider, key);
      // Removed when done, so that the next refreshNow can use the same id again.
      await queueOf(provider).add('refresh' satisfies JobKind, data(provider, key), { ...retry, jobId, removeOnComplete: true, removeOnFail: true });
      return { jobId };
    },
    powensWebhook(webhook, key) {
      checkKey(key);
      return enqueuePowensWebhook(queueOf('powens' as Id), webhook, key, { ...retry, removeOnComplete: { age: dedupeSeconds }, removeOnFail: { age: dedupeSeconds } });
    },
    async counts() {
      const out = {} as Record<Id, Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed' | 'schedulers', number>>;
      for (const provider of providers) {
        const queue = queueOf(provider);
        const [counts, schedulers] = await Promise.all([queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed'), queue.getJobSchedulersCount()]);
        out[provider] = {
          waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
          schedulers,
        };
      }
      return out;
    },
    queue: queueOf,
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

function repeatOptions(schedule: RefreshSchedule): { every: number } | { pattern: string; tz?: string } {
  if (schedule && 'every' in schedule) {
    if (!Number.isInteger(schedule.every) || schedule.every < 1_000) {
      throw new ValidationError('refresh schedule', [{ path: 'every', message: 'must be a whole number of milliseconds, at least 1000' }]);
    }
    return { every: schedule.every };
  }
  if (schedule && 'cron' in schedule && typeof schedule.cron === 'string' && schedule.cron.trim()) {
    const repeat = { pattern: schedule.cron, ...(schedule.tz ? { tz: schedule.tz } : {}) };
    let next: number | undefined;
    try {
      // BullMQ's own cron reading: a pattern it cannot use fails here, before anything is stored.
      next = defaultRepeatStrategy(Date.now(), repeat);
    } catch (error) {
      throw new ValidationError('refresh schedule', [{ path: 'cron', message: String((error as Error)?.message ?? error) }]);
    }
    if (next === undefined) throw new ValidationError('refresh schedule', [{ path: 'cron', message: 'the pattern has no next date' }]);
    return repeat;
  }
  throw new ValidationError('refresh schedule', [{ path: '', message: 'give { every: ms } or { cron: "0 2 * * *" }' }]);
}
