/**
 * Small helpers every provider adapter needs, so that none re-implements them:
 * exact money with the failing field named, the generic HTTP-status fallback,
 * random identifiers, lenient provider dates.
 */
import { z } from 'zod';
import { ProviderResponseError } from './errors.js';
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
 * anything else → a ProviderResponseError naming the status.
 */
export function httpFailure(ctx: AdapterContext, res: HttpResponse, message?: string): Error {
  const base = { status: res.status, endpoint: res.endpoint };
  if (res.status >= 500) return ctx.fail('provider_unavailable', message ?? `${res.endpoint} answered HTTP ${res.status}`, base);
  if (res.status === 429) {
    return ctx.fail('rate_limited', message ?? `${res.endpoint} is rate limited`, { ...base, ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) });
  }
  return new ProviderResponseError(ctx.provider, res.endpoint, '', message ?? `unexpected HTTP ${res.status}`, base);
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
 * zone-less values are read in `assumeOffset` (default UTC). Unparseable → undefined.
 */
export function isoTimestamp(value: string | null | undefined, assumeOffset = 'Z'): string | undefined {
  if (!value) return undefined;
  let text = value.trim().replace(' ', 'T');
  // Trim fractional seconds beyond milliseconds, which Date.parse rejects in some runtimes.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) text += assumeOffset;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}
