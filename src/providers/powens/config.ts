/** The `powens({...})` options, validated at construction (ConfigurationError before any request). */
import { ConfigurationError } from '../../core/errors.js';

export interface PowensOptions {
  /** Your Powens domain (`acme-sandbox` for `https://acme-sandbox.biapi.pro/2.0`). */
  domain?: string;
  /** The API root including `/2.0`; overrides `domain` (a proxy, a simulator). */
  baseUrl?: string;
  /** Client ID of your Powens client application (digits). */
  clientId: string | number;
  /** Its client secret: creates users (`/auth/init`) and renews their tokens (`/auth/renew`). */
  clientSecret: string;
  /** Where Powens sends the user back after a webauth (`webauthRequired`); no query string. */
  redirectUri?: string;
  /** How often a validating connection or a decoupled approval is polled. Default 3 s, backing off to 15 s. */
  polling?: { intervalMs?: number; maxIntervalMs?: number };
  /**
   * Timeout of the calls that check credentials with the bank synchronously (create,
   * answer, force sync): Powens documents "up to a few minutes". Default 180 000 ms.
   */
  syncTimeoutMs?: number;
}

export interface PowensConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
  pollIntervalMs: number;
  pollMaxIntervalMs: number;
  syncTimeoutMs: number;
}

// The official SDK's checks (PowensDomains.kt).
const DOMAIN = /^[a-z\d]+(-[a-z\d]+)*$/;
const CLIENT_ID = /^\d+$/;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`powens: ${name} must be a positive number of milliseconds`, { provider: 'powens' });
  return value;
}

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

export function powensConfig(options: PowensOptions): PowensConfig {
  const fail = (message: string): never => {
    throw new ConfigurationError(`powens: ${message}`, { provider: 'powens' });
  };
  if (!options || typeof options !== 'object') fail('options are required: powens({ domain, clientId, clientSecret })');
  const clientId = typeof options.clientId === 'number' ? String(options.clientId) : options.clientId;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) fail('clientId must be the numeric client ID of your Powens client application');
  if (typeof options.clientSecret !== 'string' || options.clientSecret.trim() === '') fail('clientSecret is required');

  let baseUrl: string;
  if (options.baseUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.baseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) fail('baseUrl must be an absolute http(s) URL, e.g. https://acme-sandbox.biapi.pro/2.0');
    baseUrl = options.baseUrl.replace(/\/+$/, '');
  } else if (options.domain !== undefined) {
    if (typeof options.domain !== 'string' || !DOMAIN.test(options.domain)) {
      fail('domain must be your Powens domain name, e.g. "acme-sandbox" (lower-case letters, digits and dashes)');
    }
    baseUrl = `https://${options.domain}.biapi.pro/2.0`;
  } else {
    baseUrl = fail('give domain (your Powens domain, e.g. "acme-sandbox") or baseUrl');
  }

  if (options.redirectUri !== undefined) {
    const problem = redirectUriProblem(options.redirectUri);
    if (problem) fail(`redirectUri ${problem}`);
  }
  const intervalMs = positive('polling.intervalMs', options.polling?.intervalMs, 3_000);
  return {
    baseUrl,
    clientId: clientId as string,
    clientSecret: options.clientSecret,
    ...(options.redirectUri !== undefined ? { redirectUri: options.redirectUri } : {}),
    pollIntervalMs: intervalMs,
    pollMaxIntervalMs: Math.max(intervalMs, positive('polling.maxIntervalMs', options.polling?.maxIntervalMs, 15_000)),
    syncTimeoutMs: positive('syncTimeoutMs', options.syncTimeoutMs, 180_000),
  };
}
