/**
 * The `powens({...})` options: their schema (parsed once by defineProvider into a
 * ConfigurationError naming every wrong field) and what they resolve to.
 */
import * as z from 'zod/mini';

// The official SDK's checks (PowensDomains.kt).
const DOMAIN = /^[a-z\d]+(-[a-z\d]+)*$/;
const CLIENT_ID = /^\d+$/;

/**
 * The time zone Powens' zone-less date-times (`YYYY-MM-DD HH:MM:SS`) are read in, when
 * none is configured. See docs/providers/powens.md ("Times and time zones") for the evidence.
 */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** A redirect URI Powens accepts: absolute http(s), without query parameters (SPEC). Returns the problem, if any. */
export function redirectUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http(s) URL';
  if (url.search !== '') return 'must not contain query parameters (Powens appends its own)';
  return undefined;
}

/** An IANA time zone the runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function httpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const Millis = (name: string) => z.optional(z.number().check(z.refine((v) => Number.isFinite(v) && v > 0, `${name} must be a positive number of milliseconds`)));

export const PowensOptionsSchema = z
  .strictObject(
    {
      /** Your Powens domain (`acme-sandbox` for `https://acme-sandbox.biapi.pro/2.0`). */
      domain: z.optional(z.string().check(z.regex(DOMAIN, 'must be your Powens domain name, e.g. "acme-sandbox" (lower-case letters, digits and dashes)'))),
      /** The API root including `/2.0`; overrides `domain` (a proxy, a simulator). */
      baseUrl: z.optional(z.string().check(z.refine(httpUrl, 'must be an absolute http(s) URL, e.g. https://acme-sandbox.biapi.pro/2.0'))),
      /** Client ID of your Powens client application (digits). */
      clientId: z.union([z.string(), z.number()]).check(
        z.refine((v) => CLIENT_ID.test(String(v)), 'must be the numeric client ID of your Powens client application'),
      ),
      /** Its client secret: creates users (`/auth/init`) and renews their tokens (`/auth/renew`). */
      clientSecret: z.string().check(z.refine((v) => v.trim() !== '', 'clientSecret is required')),
      /** Where Powens sends the user back after a webauth (`webauthRequired`, webauth connectors); no query string. */
      redirectUri: z.optional(
        z.string().check(
          z.superRefine((value, ctx) => {
            const problem = redirectUriProblem(value);
            if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
          }),
        ),
      ),
      /** How often a validating connection or a decoupled approval is polled. Default 3 s, backing off to 15 s. */
      polling: z.optional(z.strictObject({ intervalMs: Millis('polling.intervalMs'), maxIntervalMs: Millis('polling.maxIntervalMs') })),
      /**
       * Timeout of the calls that check credentials with the bank synchronously (create,
       * answer, force sync): Powens documents "up to a few minutes". Default 180 000 ms.
       */
      syncTimeoutMs: Millis('syncTimeoutMs'),
      /**
       * The time zone of Powens' date-times without an offset (`last_update`, `expire`,
       * `next_try`, `created`, …). Default `Europe/Paris`; `UTC` reads them as UTC.
       */
      timeZone: z.optional(z.string().check(z.refine(isTimeZone, 'must be an IANA time zone, e.g. "Europe/Paris" or "UTC"'))),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'options are required: powens({ domain, clientId, clientSecret })' : undefined) },
  )
  .check(
    z.refine((options) => options.domain !== undefined || options.baseUrl !== undefined, 'give domain (your Powens domain, e.g. "acme-sandbox") or baseUrl'),
  );

/** What `powens({...})` takes (checked against the schema below at compile time). */
export interface PowensOptions {
  /** Your Powens domain (`acme-sandbox` for `https://acme-sandbox.biapi.pro/2.0`). */
  domain?: string;
  /** The API root including `/2.0`; overrides `domain` (a proxy, a simulator). */
  baseUrl?: string;
  /** Client ID of your Powens client application (digits). */
  clientId: string | number;
  /** Its client secret: creates users (`/auth/init`) and renews their tokens (`/auth/renew`). */
  clientSecret: string;
  /** Where Powens sends the user back after a webauth (`webauthRequired`, webauth connectors); no query string. */
  redirectUri?: string;
  /** How often a validating connection or a decoupled approval is polled. Default 3 s, backing off to 15 s. */
  polling?: {
    /** The first wait between two polls, in ms. */
    intervalMs?: number;
    /** The longest wait once backing off, in ms. */
    maxIntervalMs?: number;
  };
  /** Timeout of the calls that check credentials with the bank synchronously. Default 180 000 ms. */
  syncTimeoutMs?: number;
  /** The zone of Powens' date-times without an offset. Default `Europe/Paris`; `UTC` reads them as UTC. */
  timeZone?: string;
}
// The interface and the schema say the same thing, in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _same: Same<PowensOptions, z.input<typeof PowensOptionsSchema>> = true;
void _same;

export interface PowensConfig {
  baseUrl: string;
  /** Set when built from `domain`: the reconnect webview is then the current `webview.powens.com`. */
  domain?: string;
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  syncTimeoutMs: number;
  timeZone: string;
}

export function powensConfig(options: z.output<typeof PowensOptionsSchema>): PowensConfig {
  const intervalMs = options.polling?.intervalMs ?? 3_000;
  // A domain alone builds the production root; a baseUrl (a proxy, a simulator) wins.
  const baseUrl = options.baseUrl !== undefined ? options.baseUrl.replace(/\/+$/, '') : `https://${options.domain as string}.biapi.pro/2.0`;
  return {
    baseUrl,
    ...(options.baseUrl === undefined && options.domain !== undefined ? { domain: options.domain } : {}),
    clientId: String(options.clientId),
    clientSecret: options.clientSecret,
    ...(options.redirectUri !== undefined ? { redirectUri: options.redirectUri } : {}),
    pollIntervalMs: intervalMs,
    pollMaxIntervalMs: Math.max(intervalMs, options.polling?.maxIntervalMs ?? 15_000),
    syncTimeoutMs: options.syncTimeoutMs ?? 180_000,
    timeZone: options.timeZone ?? DEFAULT_TIME_ZONE,
  };
}
