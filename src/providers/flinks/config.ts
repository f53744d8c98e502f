/** The options of `flinks({...})` and what they resolve to (defaults, the documented root URL). */
import * as z from 'zod/mini';
import { ConfigurationError } from '../../provider.js';

/** Flinks identifiers (customerId, LoginId, RequestId) are GUIDs. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ms = (name: string) => z.optional(z.int(`${name} must be an integer (ms)`).check(z.positive(`${name} must be positive`)));
const key = (name: string) => z.optional(z.string(`${name} must be a string`).check(z.minLength(1, `${name} must not be empty`)));

/** The schema of `flinks({...})`'s options (strict: an unknown option is an error). */
export const FlinksOptions = z.strictObject(
  {
    /** The GUID of your Flinks instance (the `{customerId}` of every path). */
    customerId: z.string('customerId must be a string').check(z.regex(GUID, 'expected the GUID Flinks gave your instance, e.g. 43387ca6-0391-4c82-857d-70d95f087ecb')),
    /** `toolbox` (sandbox, default), or your production instance name: `https://{instance}-api.private.fin.ag`. */
    instance: z.optional(z.string('instance must be a string').check(z.regex(/^[a-z0-9][a-z0-9-]*$/i, 'expected an instance name such as toolbox'))),
    /** The instance origin, e.g. `https://toolbox-api.private.fin.ag`; overrides `instance`. */
    baseUrl: z.optional(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' })),
    /** Your secret key: when set, a single-use authorize token is generated before every /Authorize. */
    authKey: key('authKey'),
    /** Your x-api-key, sent on data endpoints (GetAccountsDetail, DeleteCard, …) when Flinks enabled it. */
    apiKey: key('apiKey'),
    /** How often a 202 (OPERATION_PENDING / DISPATCHED) is polled; Flinks documents 10 s. */
    asyncPollIntervalMs: ms('asyncPollIntervalMs'),
    /** How long a 202 is polled before giving up; Flinks documents 30 minutes. */
    asyncTimeoutMs: ms('asyncTimeoutMs'),
    /** How often a trusted-device approval (WaitUntilEUAccept) is confirmed; default 5 s. */
    decoupledPollIntervalMs: ms('decoupledPollIntervalMs'),
    /** How long the user has to approve on the trusted device; default 5 minutes. */
    decoupledTimeoutMs: ms('decoupledTimeoutMs'),
    /** Which endpoint `accounts()` reads: GetAccountsDetail (default, with transit/institution numbers) or GetAccountsSummary. */
    accounts: z.optional(z.enum(['detail', 'summary'], 'accounts must be detail or summary')),
    /** Use /AuthorizeAsync (when Flinks enabled it on your instance): every step answers 202 first and is polled. */
    authorizeAsync: z.optional(z.boolean('authorizeAsync must be true or false')),
    /** The largest PDF statement accepted, decoded (default 10 MiB); a larger one is a typed error. */
    maxStatementBytes: z.optional(z.int('maxStatementBytes must be an integer').check(z.positive('maxStatementBytes must be positive'))),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.join(', ')}` : 'expected an options object') },
);
/** What `flinks({...})` accepts: the instance, its keys, and the polling and reading settings. */
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
  authorizeEndpoint: 'Authorize' | 'AuthorizeAsync';
  maxStatementBytes: number;
}

export const DEFAULTS = {
  instance: 'toolbox',
  // Documented: "poll … every 10 seconds … Set a maximum timeout of 30 minutes".
  asyncPollIntervalMs: 10_000,
  asyncTimeoutMs: 30 * 60_000,
  // Not documented by Flinks: a trusted-device push usually lives a few minutes.
  decoupledPollIntervalMs: 5_000,
  decoupledTimeoutMs: 5 * 60_000,
  // "RequestId … expires after 8 minutes of inactivity during authorization"; "you have 8 minutes to use the requestID".
  sessionIdleMs: 8 * 60_000,
  maxStatementBytes: 10 * 1024 * 1024,
} as const;

/** The options, parsed by defineProvider, with their defaults and the documented root URL. */
export function resolveOptions(o: z.output<typeof FlinksOptions>): ResolvedOptions {
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
    authorizeEndpoint: o.authorizeAsync === true ? 'AuthorizeAsync' : 'Authorize',
    maxStatementBytes: o.maxStatementBytes ?? DEFAULTS.maxStatementBytes,
  };
}
