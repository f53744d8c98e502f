import { z } from 'zod';
import { ConfigurationError } from '../../core/errors.js';
import { toIssues } from '../../core/validate.js';

/** Fintecture's documented environments (all SDKs default to sandbox). */
export const ENVIRONMENTS = {
  sandbox: 'https://api-sandbox.fintecture.com',
  production: 'https://api.fintecture.com',
} as const;

export type FintectureEnvironment = keyof typeof ENVIRONMENTS;

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !new URL(value).search && !new URL(value).hash, 'must not carry a query or fragment');

/** What `fintecture({...})` accepts. */
export const OptionsSchema = z.strictObject({
  /** `app_id` from the Fintecture Console: the Basic user name, the `app_id` header and the signature keyId. */
  appId: z.string().trim().min(1),
  /** `app_secret` from the Fintecture Console. */
  appSecret: z.string().min(1),
  /** The application's private key: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or an RSASSA-PKCS1-v1_5/SHA-256 CryptoKey. */
  privateKey: z.union([z.string(), z.custom<CryptoKey>((value) => isCryptoKey(value), 'expected a PEM string or a CryptoKey')]).optional(),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  /** The API origin the documented paths hang from; overrides `environment`. */
  baseUrl: HttpUrl.optional(),
  /** Where `/oauth/accesstoken` lives; default: `baseUrl` (doc.fintecture.com, PHP/Ruby/Python SDKs). */
  oauthBaseUrl: HttpUrl.optional(),
  /** Decoupled status polling cadence; the official samples poll every ~2 s. */
  pollIntervalMs: z.number().int().positive().default(2000),
  /** How long the PSU has to approve a decoupled request before `auth_expired`. */
  decoupledTimeoutMs: z.number().int().positive().default(5 * 60_000),
});

export type FintectureOptions = z.input<typeof OptionsSchema>;

export interface FintectureConfig {
  readonly appId: string;
  readonly appSecret: string;
  readonly privateKey: string | CryptoKey | undefined;
  readonly environment: FintectureEnvironment;
  readonly baseUrl: string;
  readonly oauthBaseUrl: string;
  readonly pollIntervalMs: number;
  readonly decoupledTimeoutMs: number;
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

/** Validates the factory options; a wrong option is a ConfigurationError that never echoes a value. */
export function parseOptions(options: unknown): FintectureConfig {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = toIssues(parsed.error).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    throw new ConfigurationError(`fintecture({...}): ${issues.join('; ')}`, { provider: 'fintecture' });
  }
  const o = parsed.data;
  // "Signature, digest, date and x-request-id headers are optional in SANDBOX but mandatory in PRODUCTION" (doc.fintecture.com).
  if (o.environment === 'production' && o.privateKey === undefined) {
    throw new ConfigurationError('fintecture({...}): production requires privateKey: Fintecture only accepts signed requests there', {
      provider: 'fintecture',
    });
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
  };
}
