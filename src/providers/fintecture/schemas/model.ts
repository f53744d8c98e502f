/**
 * What users pass to polybank for Fintecture (input, reference) and what the adapter keeps
 * between steps (state). The state is JSON and secret-free: ids and times, never a token
 * or a code; the tokens travel sealed.
 */
import * as z from 'zod/mini';

/** Fails unknown keys with the key's name (zod/mini's default message names nothing). */
const strictKeys = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `Unrecognized key${(issue.keys?.length ?? 0) > 1 ? 's' : ''}: ${(issue.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}` : undefined,
};

const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected the PSU’s IPv4 or IPv6 address' });
const ProviderId = z.string().check(z.trim(), z.minLength(1), z.regex(/^[A-Za-z0-9_-]+$/, 'expected a Fintecture provider id such as "agfbfr"'));
const TwoLetters = (what: string) => z.string().check(z.regex(/^[A-Za-z]{2}$/, `expected a two-letter ${what} code`));

/** How the user authenticates: approval in the bank's app (`decoupled`), on the bank's page (`redirect`), or on Fintecture's hosted bank selection (`connect`). */
export type FintectureModel = 'decoupled' | 'redirect' | 'connect';

interface ModelFields {
  model?: FintectureModel | undefined;
  provider?: string | undefined;
  psuId?: string | undefined;
  redirectUri?: string | undefined;
}

/** The model a link uses: as given, else `psuId` → decoupled, a bank with `redirectUri` → redirect, `redirectUri` alone → Connect. */
export function chosenModel(input: ModelFields): FintectureModel | undefined {
  if (input.model) return input.model;
  if (input.psuId !== undefined) return 'decoupled';
  if (input.redirectUri === undefined) return undefined;
  return input.provider !== undefined ? 'redirect' : 'connect';
}

/**
 * `bank.connect('fintecture', input)`. `provider` is Fintecture's id of the bank
 * (`agfbfr`, `handse`, …). Decoupled needs the PSU's id at the bank and IP address
 * (headers `x-psu-id`, `x-psu-ip-address`); redirect needs the `redirectUri` registered
 * for the application in the Fintecture Console; Fintecture Connect (the hosted bank
 * selection, `model: 'connect'` or `redirectUri` without `provider`) needs `redirectUri`
 * and may preselect the bank, the PSU type, the country and the page's language.
 */
export const InputSchema = z
  .strictObject(
    {
      /** Fintecture's id of the bank (`agfbfr`); required unless Fintecture Connect chooses it. */
      provider: z.optional(ProviderId),
      /** The authentication model; default: inferred from the fields given (see {@link FintectureModel}). */
      model: z.optional(z.enum(['decoupled', 'redirect', 'connect'])),
      /** Decoupled: the user's id at the bank (`x-psu-id`). */
      psuId: z.optional(z.string().check(z.trim(), z.minLength(1))),
      /** Decoupled: the user's IP address (`x-psu-ip-address`). */
      psuIpAddress: z.optional(IpAddress),
      /** PSU segment, checked against the bank's `psu_types` when it lists them (Connect: `x-psu-type`). */
      psuType: z.optional(z.enum(['retail', 'corporate'])),
      /** Redirect and Connect: where the bank sends the user back, as registered in the Fintecture Console. */
      redirectUri: z.optional(z.url({ protocol: /^https?$/ })),
      /** Connect only: the country whose banks the page offers (`x-country`, ISO 3166 alpha-2). */
      country: z.optional(TwoLetters('country')),
      /** Connect only: the page's language (`x-language`, default `en`). */
      language: z.optional(TwoLetters('language')),
    },
    strictKeys,
  )
  .check(
    z.superRefine((input, ctx) => {
      const model = chosenModel(input);
      const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
      if (model === undefined) {
        issue('model', 'give psuId and psuIpAddress (decoupled) or redirectUri (redirect, or Fintecture Connect without a provider)');
        return;
      }
      if (model !== 'connect' && input.provider === undefined) issue('provider', `required for the ${model} model (the Fintecture id of the bank)`);
      if (model === 'decoupled') {
        if (input.psuId === undefined) issue('psuId', 'required for the decoupled model (x-psu-id)');
        if (input.psuIpAddress === undefined) issue('psuIpAddress', 'required for the decoupled model (x-psu-ip-address)');
      } else if (input.redirectUri === undefined) {
        issue('redirectUri', `required for the ${model} model`);
      }
      if (model !== 'connect') {
        if (input.country !== undefined) issue('country', 'only used by Fintecture Connect (model: connect)');
        if (input.language !== undefined) issue('language', 'only used by Fintecture Connect (model: connect)');
      }
    }),
  );
/** What `bank.connect('fintecture', input)` takes: the bank and the fields of the chosen model. */
export type FintectureInput = z.input<typeof InputSchema>;
/** The input as the adapter receives it, checked. */
export type ParsedInput = z.output<typeof InputSchema>;

/**
 * What to store to reopen the link: the customer (connection) id and the AIS refresh
 * token. `refreshToken` is the one secret here, and named so (`isSecretKey`): the core
 * seals it in checkpoints and keeps it out of what it hands to browsers.
 */
export const RefSchema = z.strictObject(
  {
    /** Fintecture's customer (connection) id. */
    customerId: z.string().check(z.trim(), z.minLength(1)),
    /** The AIS refresh token that reopens the link without the user; a secret. */
    refreshToken: z.optional(z.string().check(z.minLength(1))),
  },
  strictKeys,
);
/** What to store to reopen a Fintecture link: `bank.connection('fintecture', ref)`. */
export type FintectureRef = z.output<typeof RefSchema>;

const Instant = z.iso.datetime({ offset: true });

/** The adapter's checkpointable memory, a union on `phase`: ids and times only, never a token or a code. */
export const StateSchema = z.discriminatedUnion('phase', [
  z.object({
    /** Waiting for the approval in the bank's app. */
    phase: z.literal('decoupled'),
    /** Fintecture's id of the bank. */
    bank: z.string(),
    /** The decoupled request's polling id. */
    pollingId: z.string(),
    /** `path`: official `/authorize/decoupled/{polling_id}`; `session`: the catalog's `?session_id=`. */
    pollStyle: z.enum(['path', 'session']),
    /** When the approval window closes (ISO date-time). */
    deadline: Instant,
  }),
  z.object({
    /** The user is away on the bank's page. */
    phase: z.literal('redirect'),
    /** Fintecture's id of the bank. */
    bank: z.string(),
  }),
  /** Fintecture Connect: the bank is chosen on Fintecture's page; the callback names it. */
  z.object({
    /** The user is away on Fintecture Connect. */
    phase: z.literal('connect'),
    /** The Connect session id, when Fintecture gave one. */
    connectId: z.optional(z.string()),
  }),
  z.object({
    /** Authenticated. */
    phase: z.literal('active'),
    /** Fintecture's customer (connection) id. */
    customerId: z.string(),
    /**
     * When the sealed access token stops being valid. Named so that no secret-name rule
     * mistakes it for a token (`isSecretKey`): it is a time, safe in a checkpoint.
     */
    accessExpiresAt: z.optional(Instant),
  }),
]);
/** The Fintecture adapter's state, a union on `phase` (what a checkpoint carries). */
export type FintectureState = z.output<typeof StateSchema>;
export type ActiveState = Extract<FintectureState, { phase: 'active' }>;

// ---------------------------------------------------------------- data-call and action arguments

const Day = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date'),
  z.refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'not a calendar date'),
);

/** `conn.transactions(id, { from, to })`: dates sent as `filter[date_from]` / `filter[date_to]`. */
export const TransactionQuerySchema = z
  .object({ from: z.optional(Day), to: z.optional(Day) })
  .check(
    z.superRefine((query, ctx) => {
      if (query.from !== undefined && query.to !== undefined && query.from > query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is before from' });
    }),
  );

/** `conn.actions.providers(filters)`: the filters of `GET /res/v1/providers`. */
export const ProviderFiltersSchema = z.optional(
  z.strictObject(
    {
      /** Banks of this country (ISO 3166 alpha-2). */
      country: z.optional(TwoLetters('country')),
      /** Banks offering this AIS service. */
      ais: z.optional(z.enum(['accounts', 'transactions', 'accountholders'])),
      /** Banks offering this PIS scheme (`sepa`, …). */
      pis: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,20}$/, 'expected a PIS scheme such as "sepa"'))),
      /** Banks serving this kind of customer. */
      psuType: z.optional(z.enum(['retail', 'corporate'])),
      /** Banks offering this authentication model. */
      authModel: z.optional(z.enum(['redirect', 'decoupled'])),
    },
    strictKeys,
  ),
);
/** The filters of `conn.actions.providers(filters)`; all optional. */
export type FintectureProviderFilters = z.input<typeof ProviderFiltersSchema>;

/** `conn.actions.provider({ provider })`: one bank. */
export const BankArgsSchema = z.strictObject({ provider: ProviderId }, strictKeys);

/** `conn.actions.testAccounts({ provider? })` (sandbox). */
export const TestAccountsArgsSchema = z.optional(z.strictObject({ provider: z.optional(ProviderId) }, strictKeys));

/** `conn.actions.account({ accountId, withBalances? })`: one account of the connection. */
export const AccountArgsSchema = z.strictObject({ accountId: z.string().check(z.minLength(1)), withBalances: z.optional(z.boolean()) }, strictKeys);
