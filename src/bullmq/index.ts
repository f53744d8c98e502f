/**
 * polybank/bullmq: refreshes and webhooks as BullMQ jobs across worker processes.
 *
 * ```ts
 * // anywhere (an API process, a cron, a migration): no provider credentials needed
 * const queue = refreshQueue(redis, { providers: ['powens', 'flinks'] });
 * await queue.schedule('powens', row.id, { cron: '0 2 * * *' });
 *
 * // each worker process
 * const worker = refreshWorker(bank, redis, {
 *   loadRef: (provider, key) => db.refOf(provider, key),
 *   onResult: (result) => (result.ok ? db.saveAccounts(result.key, result.accounts) : notify(result.key, result.error)),
 *   concurrency: 8,
 *   perProviderRate: { powens: 10 },
 * });
 * worker.closeOnSignals();
 * ```
 *
 * bullmq and ioredis are optional peer dependencies: install them to use this entry.
 *
 * @module polybank/bullmq
 */
export { refreshQueue } from './queue.js';
export type { RefreshQueue, RefreshQueueOptions, RefreshSchedule, Enqueued } from './queue.js';
export { refreshWorker } from './worker.js';
export type { RefreshWorker, RefreshWorkerOptions, CloseOptions } from './worker.js';
export type { QueueRefreshResult, RetryEvent, RateLimitedEvent, StartedEvent, RefreshWorkerEvents, ProviderMetrics } from './types.js';
export type { WebhookEnqueued, PowensWebhookLike } from './webhooks.js';
export type { JobKind, JobSummary } from './data.js';
export { retryDelay } from './backoff.js';
export type { BackoffInput } from './backoff.js';
