/**
 * Provider webhooks as jobs. A Powens CONNECTION_SYNCED (or ACCOUNTS_FETCHED) says the
 * connection just synced: its job reads the new data without asking for another sync; one in
 * an error state becomes a job that reports the normalized reason, with no provider call.
 * The job id is the webhook's own id (`id_webhook_data`), kept for a while after the job
 * ends: Powens redelivers until answered 2xx, and a redelivery queues nothing.
 */
import type { JobsOptions, Queue } from 'bullmq';
import type { ErrorReason } from '../core/model/status.js';
import type { PowensWebhook } from '../providers/powens/webhooks.js';
import type { JobData, JobKind } from './data.js';
import { webhookJobId } from './keys.js';

/** What `verifyWebhook` returns (any event; only the connection events queue work). */
export type PowensWebhookLike = Pick<PowensWebhook, 'event' | 'signedAt' | 'payload' | 'status'>;

/**
 * `fetch`: a job reads the synced connection. `report`: a job reports `reason` (no provider
 * call). `ignored`: nothing to do for this event or state (`authenticating`, other events).
 * `jobId` is the same for every delivery of one webhook.
 */
export interface WebhookEnqueued {
  /** `fetch`: the connection synced, a job reads its data; `report`: it failed, a job reports why; `ignored`: not a connection event. */
  action: 'fetch' | 'report' | 'ignored';
  /** The job enqueued (the same for a redelivered webhook, so it runs once). */
  jobId?: string;
  /** For `report`: the failure's reason. */
  reason?: ErrorReason;
}

const CONNECTION_EVENTS = new Set(['CONNECTION_SYNCED', 'ACCOUNTS_FETCHED']);

/** The webhook's id: Powens' `id_webhook_data`, else a digest of what was signed (the same for a redelivery). */
async function webhookId(webhook: PowensWebhookLike): Promise<string> {
  const id = (webhook.payload as { id_webhook_data?: unknown }).id_webhook_data;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  const bytes = new TextEncoder().encode(`${webhook.event}.${webhook.signedAt}.${JSON.stringify(webhook.payload)}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256-${[...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function enqueuePowensWebhook(queue: Queue, webhook: PowensWebhookLike, key: string, opts: JobsOptions): Promise<WebhookEnqueued> {
  const status = webhook.status;
  if (!CONNECTION_EVENTS.has(webhook.event) || !status || (status.status !== 'active' && status.status !== 'error')) return { action: 'ignored' };
  const jobId = webhookJobId('powens', await webhookId(webhook));
  if (status.status === 'active') {
    const data: JobData = { v: 1, provider: 'powens', key };
    await queue.add('fetch' satisfies JobKind, data, { ...opts, jobId });
    return { action: 'fetch', jobId };
  }
  const data: JobData = {
    v: 1,
    provider: 'powens',
    key,
    report: {
      reason: status.reason,
      ...(status.message ? { message: status.message.slice(0, 500) } : {}),
      ...(status.providerState ? { providerState: status.providerState.slice(0, 100) } : {}),
      ...(status.retryAfter ? { retryAfter: status.retryAfter } : {}),
    },
  };
  await queue.add('report' satisfies JobKind, data, { ...opts, jobId });
  return { action: 'report', jobId, reason: status.reason };
}
