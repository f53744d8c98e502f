/**
 * What a job carries in Redis: the provider and the application's connection key, never a
 * ref or a token. Read back through a schema: Redis is shared, its contents are input.
 */
import * as z from 'zod/mini';
import { ErrorReason } from '../core/model/status.js';

/**
 * `refresh`: ask the provider to refresh, then read (scheduled and on-demand jobs).
 * `fetch`: read only: the provider just synced (a webhook said so).
 * `report`: nothing to ask the provider: a webhook already told the connection's state.
 */
export const JobKind = z.enum(['refresh', 'fetch', 'report']);
export type JobKind = z.infer<typeof JobKind>;

export const JobData = z.object({
  v: z.literal(1),
  provider: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1), z.maxLength(200)),
  /** For `report` jobs: the state the provider told, normalized. */
  report: z.optional(
    z.object({
      reason: ErrorReason,
      message: z.optional(z.string().check(z.maxLength(500))),
      providerState: z.optional(z.string().check(z.maxLength(100))),
      retryAfter: z.optional(z.iso.datetime({ offset: true })),
    }),
  ),
});
export type JobData = z.infer<typeof JobData>;

/** What a finished job keeps in Redis as its return value: counts only (accounts carry balances and names). */
export interface JobSummary {
  /** Accounts read. */
  accounts: number;
  /** Transactions read, when the job read them. */
  transactions?: number;
}
