/**
 * Small helpers every provider adapter needs, so that none re-implements them:
 * exact money with the failing field named, the generic HTTP-status fallback,
 * random identifiers, lenient provider dates.
 */
import * as z from 'zod/mini';
import { ProviderResponseError } from './errors.js';
import { failureOf } from './failures.js';
import type { HttpResponse } from './http.js';
import { InvalidAmountError, toMoney, type Money } from './model/money.js';
import type { AdapterContext } from './provider.js';

/** A provider amount as it comes on the wire: a JSON number or a decimal string. */
export const WireAmount = z.union([z.number(), z.string()]);

/** Exact Money from a provider amount; a bad amount or currency is a ProviderResponseError naming the field. */
export function money(
  where: { provider: string; endpoint: string; field: string },
  value: number | string,
  currency: string,
  minorUnits?: number,
): Money {
  try {
    return toMoney(value, currency, minorUnits);
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new ProviderResponseError(where.provider, where.endpoint, where.field, error.message);
    throw error;
  }
}

/**
 * What an unexpected HTTP status means when the provider's own error body does not say:
 * 5xx (and HTML error pages) → provider_unavailable, 429 → rate_limited with Retry-After,
 * anything else → a ProviderResponseError naming the status. (Providers with a failure
 * table get this from `ctx.failure(res)`.)
 */
export function httpFailure(ctx: AdapterContext, res: HttpResponse): Error {
  return failureOf({ provider: ctx.provider, retryAfter: (r) => r.retryAfter }, undefined, res);
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Keeps a provider's secrets out of sight when someone logs or serializes the provider:
 * `secrets` becomes non-enumerable (the core still reads it), and JSON.stringify and
 * util.inspect (which Bun and Deno honour too; Bun's console shows non-enumerable
 * properties otherwise) print only the provider id and its base URL.
 */
export function hideSecrets<P extends { readonly id: string; readonly secrets: readonly string[]; readonly http: { readonly baseUrl: string } }>(provider: P): P {
  const describe = { provider: provider.id, baseUrl: provider.http.baseUrl };
  Object.defineProperty(provider, 'secrets', { value: provider.secrets, enumerable: false });
  Object.defineProperty(provider, 'toJSON', { value: () => describe, enumerable: false });
  Object.defineProperty(provider, INSPECT, { value: () => `${provider.id} provider ${JSON.stringify(describe)}`, enumerable: false });
  return provider;
}

/** A random hex identifier from the platform's CSPRNG (state parameters, request ids). */
export function randomId(bytes = 16): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A UUID v4 (X-Request-ID and friends). */
export function uuid(): string {
  return crypto.randomUUID();
}

/**
 * A provider timestamp as an ISO string with offset. Providers send
 * `2020-04-15T22:46:03.1690585` (no zone), `2021-04-02 16:23:32`, or full ISO;
 * zone-less values are read in `zone`: an offset (`'Z'`, the default, or `'+02:00'`) or
 * an IANA time zone (`{ timeZone: 'Europe/Paris' }`, daylight saving included).
 * Unparseable → undefined.
 */
export function isoTimestamp(value: string | null | undefined, zone: string | { timeZone: string } = 'Z'): string | undefined {
  if (!value || value.length > 64) return undefined;
  let text = value.trim().replace(' ', 'T');
  // Trim fractional seconds beyond milliseconds, which Date.parse rejects in some runtimes.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const zoned = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text);
  if (!zoned && typeof zone === 'object') return zonedIso(text, zone.timeZone);
  if (!zoned) text += zone;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** The offset (ms) of `timeZone` at the instant `utc`. */
function zoneOffset(utc: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(utc))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - Math.floor(utc / 1000) * 1000;
}

/** A wall-clock time in `timeZone` as an instant: the offset is taken at that instant (twice, across a DST change). */
function zonedIso(text: string, timeZone: string): string | undefined {
  const wall = Date.parse(`${text}Z`);
  if (Number.isNaN(wall)) return undefined;
  try {
    let utc = wall - zoneOffset(wall, timeZone);
    utc = wall - zoneOffset(utc, timeZone);
    return new Date(utc).toISOString();
  } catch {
    return undefined; // An unknown time zone: nothing can be said of the time.
  }
}
