/**
 * Names in Redis: one BullMQ queue per provider, one job (and scheduler) id per stored
 * connection, and polybank's own keys for leases and rate windows. Ids are derived from the
 * provider and the application's connection key only, never from a ref: a ref may hold a
 * secret (a Fintecture refresh token), a key is the application's own row id.
 */
import { ValidationError } from '../core/errors.js';

/** Default BullMQ key prefix of every queue and of polybank's own keys. */
export const DEFAULT_PREFIX = 'polybank';

const MAX_KEY_LENGTH = 200;
// Control characters would make ids unreadable in logs and tools; anything else is encoded.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const PROVIDER_ID = /^[a-z][a-z0-9_-]{0,39}$/;

/** Checks the application's connection key: a non-empty string of at most 200 characters, no control characters. */
export function checkKey(key: unknown, what = 'connection key'): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || CONTROL.test(key)) {
    throw new ValidationError(what, [{ path: 'key', message: `must be a string of 1 to ${MAX_KEY_LENGTH} characters without control characters (your own id of the stored connection, never a ref or a token)` }]);
  }
  return key;
}

export function checkProvider(provider: unknown): string {
  if (typeof provider !== 'string' || !PROVIDER_ID.test(provider)) {
    throw new ValidationError('provider', [{ path: 'provider', message: 'must be a provider id such as "powens"' }]);
  }
  return provider;
}

/** The BullMQ queue of one provider (names cannot hold `:`). */
export function queueName(provider: string): string {
  return `refresh-${provider}`;
}

/**
 * `powens.user%3A42`: the connection's id in BullMQ (its scheduler, its on-demand job).
 * Encoded so that it never holds `:` (BullMQ reserves it) and stays one reversible token.
 */
export function connectionId(provider: string, key: string): string {
  return `${provider}.${encodeURIComponent(key)}`;
}

/** Webhook jobs are keyed by the provider's webhook id: a redelivery finds the same job. */
export function webhookJobId(provider: string, webhookId: string): string {
  return `webhook.${provider}.${encodeURIComponent(webhookId)}`;
}

/**
 * polybank's keys of one provider share a Redis Cluster hash slot (`{provider}`), so that
 * one Lua script may touch the lease, the rate window and the last-run times together.
 */
export function limitKeys(prefix: string, provider: string): { lease(key: string): string; rate: string; lastRun: string } {
  const base = `${prefix}:limits:{${provider}}`;
  return {
    lease: (key) => `${base}:lease:${encodeURIComponent(key)}`,
    rate: `${base}:rate`,
    lastRun: `${base}:last-run`,
  };
}
