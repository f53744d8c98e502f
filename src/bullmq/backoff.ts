/**
 * When a retryable failure runs again: exponential from the job's base delay, with upward-only
 * jitter, and never sooner than the provider's `retryAfter` (a 429's Retry-After, Powens'
 * `next_try`). BullMQ calls this as the worker's custom backoff strategy.
 */
import { isPolybankError } from '../core/errors.js';

/** The backoff type name in job options: `{ backoff: { type: 'polybank', delay } }`. */
export const BACKOFF_TYPE = 'polybank';
export const DEFAULT_BACKOFF_MS = 5_000;
const JITTER = 0.2;

/** What decides a retry's delay. */
export interface BackoffInput {
  /** 1 for the first retry. */
  attempt: number;
  /** The job's base delay (its `backoff.delay`), doubled per attempt. */
  baseMs: number;
  /** Upper bound of the exponential part (the provider's retryAfter may exceed it). */
  maxMs: number;
  /** The failure; a `PolybankError`'s `retryAfter` is a floor. */
  error: unknown;
  /** The current time in epoch milliseconds. */
  now: number;
  /** The jitter source, in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** Milliseconds until the next attempt. */
export function retryDelay(input: BackoffInput): number {
  const exponential = Math.min(input.maxMs, input.baseMs * 2 ** Math.max(0, input.attempt - 1));
  const jittered = exponential * (1 + JITTER * (input.random ?? Math.random)());
  const retryAfter = isPolybankError(input.error) && input.error.retryAfter ? input.error.retryAfter.getTime() - input.now : 0;
  // BullMQ promotes a delayed job at or after its time, never before: the wait is a floor.
  return Math.ceil(Math.max(jittered, retryAfter));
}
