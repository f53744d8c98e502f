/**
 * Header values are provider input like any other: parsed defensively and bounded, so an
 * absurd value (`Retry-After: 99999999999999999999`) is a sane Date, never an Invalid Date.
 */

/** The longest wait a provider can ask for through a header: a week. */
export const MAX_HEADER_WAIT_MS = 7 * 86_400_000;
const MAX_HEADER_LENGTH = 100;

/** A wait in ms from now, bounded to [0, a week]; undefined when the value says nothing. */
function bounded(ms: number): number | undefined {
  if (Number.isNaN(ms)) return undefined;
  return Math.min(MAX_HEADER_WAIT_MS, Math.max(0, ms));
}

/** Server-requested delay (Retry-After seconds or HTTP date) as an absolute time, bounded to a week. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): Date | undefined {
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  const trimmed = value.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    // Beyond 12 digits of seconds it is "a very long time": the bound, not a float overflow.
    const whole = trimmed.split('.')[0] ?? '';
    ms = whole.length > 12 ? MAX_HEADER_WAIT_MS : bounded(Number(trimmed) * 1000);
  } else {
    const date = Date.parse(trimmed);
    ms = Number.isNaN(date) ? undefined : bounded(date - now);
  }
  return ms === undefined ? undefined : new Date(now + ms);
}

/**
 * A quota reset as an absolute time: seconds from now (`X-RateLimit-Reset: 30`) or, when
 * larger than a year of seconds, an epoch timestamp in seconds. Bounded like Retry-After.
 */
export function parseResetHeader(value: string | null | undefined, now = Date.now()): Date | undefined {
  if (!value || value.length > MAX_HEADER_LENGTH) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,15}(\.\d+)?$/.test(trimmed)) return parseRetryAfter(trimmed, now);
  const seconds = Number(trimmed);
  const ms = seconds > 365 * 86_400 ? bounded(seconds * 1000 - now) : bounded(seconds * 1000);
  return ms === undefined ? undefined : new Date(now + ms);
}

/** A non-negative integer header (`X-RateLimit-Remaining`), or undefined. */
export function parseCountHeader(value: string | null | undefined): number | undefined {
  if (!value || !/^\s*\d{1,12}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}
