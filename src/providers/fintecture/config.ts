/** The options of `fintecture({...})` and what they resolve to (environment URLs, defaults). */
import * as z from 'zod/mini';
import { ConfigurationError } from '../../provider.js';

/** Fintecture's documented environments (all SDKs default to sandbox). */
export const ENVIRONMENTS = {
  sandbox: 'https://api-sandbox.fintecture.com',
  production: 'https://api.fintecture.com',
} as const;

/** A Fintecture environment: `sandbox` or `production`. */
export type FintectureEnvironment = keyof typeof ENVIRONMENTS;

const HttpUrl = z.url({ protocol: /^https?$/ }).check(
  z.refine((value) => {
    const url = new URL(value);
    return !url.search && !url.hash;
  }, 'must not carry a query or fragment'),
);

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

const strictKeys = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `Unrecognized key${(issue.keys?.length ?? 0) > 1 ? 's' : ''}: ${(issue.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}` : undefined,
};

/** What `fintecture({...})` accepts. */
export const OptionsSchema = z.strictObject(
  {
    /** `app_id` from the Fintecture Console: the Basic user name, the `app_id` header and the signature keyId. */
    appId: z.string().check(z.trim(), z.minLength(1)),
    /** `app_secret` from the Fintecture Console. */
    appSecret: z.string().check(z.minLength(1)),
    /** The application's private key: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or an RSASSA-PKCS1-v1_5/SHA-256 CryptoKey. */
    privateKey: z.optional(z.union([z.string(), z.custom<CryptoKey>((value) => isCryptoKey(value), 'expected a PEM string or a CryptoKey')])),
    /** Which Fintecture environment to talk to (default `sandbox`): picks the API origin. */
    environment: z._default(z.enum(['sandbox', 'production']), 'sandbox'),
    /** The API origin the documented paths hang from; overrides `environment`. */
    baseUrl: z.optional(HttpUrl),
    /** Where `/oauth/accesstoken` lives; default: `baseUrl` (doc.fintecture.com, PHP/Ruby/Python SDKs). */
    oauthBaseUrl: z.optional(HttpUrl),
    /** Decoupled status polling cadence; the official samples poll every ~2 s. */
    pollIntervalMs: z._default(z.int().check(z.positive()), 2000),
    /** How long the PSU has to approve a decoupled request before `auth_expired`. */
    decoupledTimeoutMs: z._default(z.int().check(z.positive()), 5 * 60_000),
  },
  strictKeys,
);

/** What `fintecture({...})` accepts: the application's credentials and where to reach Fintecture. */
export type FintectureOptions = z.input<typeof OptionsSchema>;
type ParsedOptions = z.output<typeof OptionsSchema>;

export interface FintectureConfig {
  readonly appId: string;
  readonly appSecret: string;
  readonly privateKey: string | CryptoKey | undefined;
  readonly environment: FintectureEnvironment;
  readonly baseUrl: string;
  readonly oauthBaseUrl: string;
  readonly pollIntervalMs: number;
  readonly decoupledTimeoutMs: number;
  /** `Basic` credential of the token calls: base64(app_id:app_secret), a secret. */
  readonly basicCredential: string;
}

/** Resolves the parsed options: URLs from the environment, the rule a schema cannot say. */
export function resolveConfig(o: ParsedOptions): FintectureConfig {
  // "Signature, digest, date and x-request-id headers are optional in SANDBOX but mandatory in PRODUCTION" (doc.fintecture.com).
  if (o.environment === 'production' && o.privateKey === undefined) {
    throw new ConfigurationError('fintecture({...}): production requires privateKey: Fintecture only accepts signed requests there', { provider: 'fintecture' });
  }
  const baseUrl = (o.baseUrl ?? ENVIRONMENTS[o.environment]).replace(/\/+$/, '');
  return {
    appId: o.appId,
    appSecret: o.appSecret,
    privateKey: o.privateKey,
    environment: o.environment,
    baseUrl,
    oauthBaseUrl: (o.oauthBaseUrl ?? baseUrl).replace(/\/+$/, ''),
    pollIntervalMs: o.pollIntervalMs,
    decoupledTimeoutMs: o.decoupledTimeoutMs,
    basicCredential: basicCredential(o),
  };
}

function basicCredential(o: { appId: string; appSecret: string }): string {
  const bytes = new TextEncoder().encode(`${o.appId}:${o.appSecret}`);
  return btoa(String.fromCharCode(...bytes));
}

/** The values to redact everywhere: the app secret, its Basic form, the PEM (whole and as its base64 body). */
export function secretsOf(o: ParsedOptions): string[] {
  const secrets = [o.appSecret, basicCredential(o)];
  if (typeof o.privateKey === 'string') secrets.push(o.privateKey, o.privateKey.replace(/-----[^-]+-----|\s+/g, ''));
  return secrets;
}
