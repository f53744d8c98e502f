import { z } from 'zod';
import { ConfigurationError } from '../../core/errors.js';
import { toIssues } from '../../core/validate.js';

/** Flinks identifiers (customerId, LoginId, RequestId) are GUIDs. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ms = z.number().int().positive();

export const FlinksOptions = z.strictObject({
  /** The GUID of your Flinks instance (the `{customerId}` of every path). */
  customerId: z.string().regex(GUID, 'expected the GUID Flinks gave your instance, e.g. 43387ca6-0391-4c82-857d-70d95f087ecb'),
  /** `toolbox` (sandbox, default), or your production instance name: `https://{instance}-api.private.fin.ag`. */
  instance: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'expected an instance name such as toolbox').optional(),
  /** The instance origin, e.g. `https://toolbox-api.private.fin.ag`; overrides `instance`. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  /** Your secret key: when set, a single-use authorize token is generated before every /Authorize. */
  authKey: z.string().min(1).optional(),
  /** Your x-api-key, sent on data endpoints (GetAccountsDetail, DeleteCard, …) when Flinks enabled it. */
  apiKey: z.string().min(1).optional(),
  /** How often a 202 (OPERATION_PENDING / DISPATCHED) is polled; Flinks documents 10 s. */
  asyncPollIntervalMs: ms.optional(),
  /** How long a 202 is polled before giving up; Flinks documents 30 minutes. */
  asyncTimeoutMs: ms.optional(),
  /** How often a trusted-device approval (WaitUntilEUAccept) is confirmed; default 5 s. */
  decoupledPollIntervalMs: ms.optional(),
  /** How long the user has to approve on the trusted device; default 5 minutes. */
  decoupledTimeoutMs: ms.optional(),
  /** Which endpoint `accounts()` reads: GetAccountsDetail (default, with transit/institution numbers) or GetAccountsSummary. */
  accounts: z.enum(['detail', 'summary']).optional(),
});
export type FlinksOptions = z.input<typeof FlinksOptions>;

export interface ResolvedOptions {
  customerId: string;
  /** The root of the documented paths: `{origin}/v3/{customerId}/BankingServices`. */
  servicesUrl: string;
  authKey?: string;
  apiKey?: string;
  asyncPollIntervalMs: number;
  asyncTimeoutMs: number;
  decoupledPollIntervalMs: number;
  decoupledTimeoutMs: number;
  accounts: 'detail' | 'summary';
}

export const DEFAULTS = {
  instance: 'toolbox',
  // Documented: "poll … every 10 seconds … Set a maximum timeout of 30 minutes".
  asyncPollIntervalMs: 10_000,
  asyncTimeoutMs: 30 * 60_000,
  // Not documented by Flinks: a trusted-device push usually lives a few minutes.
  decoupledPollIntervalMs: 5_000,
  decoupledTimeoutMs: 5 * 60_000,
  // "RequestId … expires after 8 minutes of inactivity during authorization".
  sessionIdleMs: 8 * 60_000,
} as const;

/** Checks the factory options at construction: a wrong one fails before any request. */
export function resolveOptions(options: unknown): ResolvedOptions {
  const parsed = FlinksOptions.safeParse(options);
  if (!parsed.success) {
    const detail = toIssues(parsed.error).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new ConfigurationError(`flinks({...}): ${detail}`, { provider: 'flinks' });
  }
  const o = parsed.data;
  let origin: string;
  if (o.baseUrl !== undefined) {
    const url = new URL(o.baseUrl);
    if (url.search || url.hash) throw new ConfigurationError('flinks({...}): baseUrl must not carry a query or fragment', { provider: 'flinks' });
    if (/\/BankingServices\/?$/i.test(url.pathname) || /\/v3(\/|$)/i.test(url.pathname)) {
      throw new ConfigurationError(
        'flinks({...}): baseUrl is the instance origin (e.g. https://toolbox-api.private.fin.ag); polybank appends /v3/{customerId}/BankingServices itself',
        { provider: 'flinks' },
      );
    }
    origin = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } else {
    origin = `https://${o.instance ?? DEFAULTS.instance}-api.private.fin.ag`;
  }
  return {
    customerId: o.customerId,
    servicesUrl: `${origin}/v3/${o.customerId}/BankingServices`,
    ...(o.authKey !== undefined ? { authKey: o.authKey } : {}),
    ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
    asyncPollIntervalMs: o.asyncPollIntervalMs ?? DEFAULTS.asyncPollIntervalMs,
    asyncTimeoutMs: o.asyncTimeoutMs ?? DEFAULTS.asyncTimeoutMs,
    decoupledPollIntervalMs: o.decoupledPollIntervalMs ?? DEFAULTS.decoupledPollIntervalMs,
    decoupledTimeoutMs: o.decoupledTimeoutMs ?? DEFAULTS.decoupledTimeoutMs,
    accounts: o.accounts ?? 'detail',
  };
}
