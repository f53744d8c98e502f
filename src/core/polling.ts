import { AbortedError } from './errors.js';
import type { PollPlan, StillPending } from './provider.js';

/**
 * Time, behind one small interface: the real one by default; tests, fuzzing and soak
 * runs can pass a simulated clock (`new Polybank({ clock })`) so polls need not wait.
 */
export interface Clock {
  /** The current time, in epoch milliseconds. */
  now(): number;
  /** Waits `ms` milliseconds; rejects with an AbortedError when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and timers (the default). */
export const realClock: Clock = { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, signal) };

/** The next macrotask: setImmediate where there is one (Node, Bun, Deno), else setTimeout (workerd, browsers). */
function nextMacrotask(callback: () => void): void {
  if (typeof globalThis.setImmediate === 'function') globalThis.setImmediate(callback);
  else setTimeout(callback, 0);
}

/**
 * A clock whose time only moves when something sleeps: every sleep returns at once
 * (on the next macrotask) and advances `now` by its duration.
 */
export function simulatedClock(start = Date.now()): Clock {
  let now = start;
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new AbortedError());
        nextMacrotask(() => {
          now += Math.max(0, ms);
          if (signal?.aborted) reject(new AbortedError());
          else resolve();
        });
      }),
  };
}

/** Waits `ms`, or rejects at once when `signal` aborts; the timer is always cleared. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const DEFAULT_POLL_FACTOR = 1.5;
// Jitter only ever lengthens a wait: polling never runs faster than the provider asked.
const JITTER = 0.2;

/**
 * The delays of a poll plan: the provider's interval first, then backed off by
 * `factor` up to `maxIntervalMs`, each with up to +20% jitter. A server
 * Retry-After replaces the computed delay when it is longer.
 */
export class PollSchedule {
  readonly #plan: PollPlan;
  readonly #random: () => number;
  #next: number;

  constructor(plan: PollPlan, random: () => number = Math.random) {
    this.#plan = plan;
    this.#random = random;
    this.#next = plan.intervalMs;
  }

  /** The wait before the next poll, in ms. */
  nextDelay(retryAfter?: Date, wallNow = Date.now()): number {
    const base = this.#next;
    const factor = this.#plan.factor ?? DEFAULT_POLL_FACTOR;
    const cap = this.#plan.maxIntervalMs ?? Math.max(this.#plan.intervalMs, 30_000);
    this.#next = Math.min(cap, base * factor);
    const jittered = base * (1 + this.#random() * JITTER);
    // Retry-After is a wall-clock time (parsed against Date.now()), whatever clock drives the poll.
    const asked = retryAfter ? retryAfter.getTime() - wallNow : 0;
    const serverAsked = Number.isFinite(asked) ? asked : 0;
    return Math.max(jittered, serverAsked);
  }
}

/**
 * Polls `attempt` on `plan` until it returns something other than `still_pending`.
 * The first attempt waits one interval; no attempt is scheduled past the deadline,
 * where `onDeadline()` decides the error. Aborting `signal` stops it at once.
 */
export async function pollUntil<T>(
  clock: Clock,
  plan: PollPlan,
  signal: AbortSignal | undefined,
  defaultTimeoutMs: number,
  attempt: () => Promise<T | StillPending<unknown>>,
  onDeadline: () => Error,
  stop?: { at: number; reason: unknown },
): Promise<T> {
  const schedule = new PollSchedule(plan);
  const stated = plan.deadline ? Date.parse(plan.deadline) : Number.NaN;
  // An unreadable deadline is no deadline: the default bound applies.
  const deadline = Number.isFinite(stated) ? stated : clock.now() + defaultTimeoutMs;
  let retryAfter: Date | undefined;
  for (;;) {
    const now = clock.now();
    if (now >= deadline) throw onDeadline();
    // Never sleep past the deadline: one last attempt right at it.
    const delay = Math.min(schedule.nextDelay(retryAfter), deadline - now);
    // A caller that may not wait that long stops here, before sleeping (the poll is kept).
    if (stop && now + delay > stop.at) throw stop.reason;
    await clock.sleep(delay, signal);
    const result = await attempt();
    if (isStillPending(result)) {
      retryAfter = result.retryAfter;
      continue;
    }
    return result;
  }
}

function isStillPending(value: unknown): value is StillPending<unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'still_pending';
}
