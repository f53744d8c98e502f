/**
 * Fintecture wire formats, the single source of their types. Primary shapes are the
 * ones the official SDKs read (JSON:API bodies, `polling_id`); where the api-evangelist
 * catalog (the seed's Arazzo workflow) describes other shapes, they are accepted too
 * (research/fintecture.md §0): `meta.session_id`, flat provider/account bodies.
 */
import * as z from 'zod/mini';

const Str = z.string();
const OptStr = z.nullish(z.string());
/** An id the docs give as a string; some servers send a number. */
const Id = z.pipe(z.union([Str, z.number()]), z.transform(String));
/** A provider amount as it comes on the wire: a JSON number or a decimal string (read exactly later). */
export const Amount = z.union([z.number(), z.string()]);

type Schema = z.ZodMiniType;

/**
 * JSON:API item (`attributes`) or the catalog's flat item: picks the schema by shape, so a
 * malformed body names the failing field (`data.0.attributes.currency`), not just the union.
 */
function eitherShape<A extends Schema, B extends Schema>(jsonApi: A, flat: B) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx): z.output<A> | z.output<B> => {
      const schema = value !== null && typeof value === 'object' && 'attributes' in value ? jsonApi : flat;
      const result = z.safeParse(schema, value);
      if (result.success) return result.data as z.output<A> | z.output<B>;
      for (const issue of result.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[], input: value });
      return z.NEVER;
    }),
  );
}

/** A list the docs give as an array; tolerate a comma-separated string too. */
const StringList = z.union([
  z.array(z.string()),
  z.pipe(
    z.string(),
    z.transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ),
]);

/** A bounded number, also as a string of digits (`"3600"`). */
function numberish(bounded: z.ZodMiniNumber<number>, digits: RegExp) {
  return z.union([bounded, z.pipe(z.pipe(z.string().check(z.regex(digits)), z.transform(Number)), bounded)]);
}

// ---------------------------------------------------------------- OAuth

// Seconds, bounded: the expiry must be a real date (Fintecture's tokens live an hour; a year is far beyond).
const Lifetime = z.number().check(z.nonnegative(), z.maximum(366 * 86_400));
// Days left on the consent, bounded for the same reason (PSD2 consents last 180 days; 0 or less: lapsed).
const RemainingDays = z.number().check(z.maximum(36_500));

/** POST /oauth/accesstoken and /oauth/refreshtoken. `refresh_token` only for AIS grants. */
export const TokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.optional(z.string()),
  expires_in: z.optional(numberish(Lifetime, /^\d+$/)),
  refresh_token: z.nullish(z.string().check(z.minLength(1))),
  /** Not documented; taken when a server tells which connection the code was for. */
  customer_id: OptStr,
});
export type TokenResponse = z.output<typeof TokenResponse>;

// ---------------------------------------------------------------- providers (banks)

const ProviderAttributes = z.looseObject({
  name: OptStr,
  full_name: OptStr,
  country: OptStr,
  logo_url: OptStr,
  auth_models: z.nullish(StringList),
  ais: z.nullish(StringList),
  pis: z.nullish(StringList),
  psu_types: z.nullish(StringList),
});
type ProviderAttributes = z.output<typeof ProviderAttributes>;

const JsonApiProvider = z.object({ id: Str, type: OptStr, attributes: z._default(ProviderAttributes, {}) });
const FlatProvider = z.extend(ProviderAttributes, { id: Str });

/**
 * GET /res/v1/providers/{id}: JSON:API `data` (an array even for one id, per the Ruby spec;
 * an object tolerated), or the catalog's flat Provider object with top-level `auth_models`.
 */
export const ProviderResponse = z.union([z.looseObject({ data: z.union([z.array(JsonApiProvider), JsonApiProvider]) }), FlatProvider]);
export type ProviderResponse = z.output<typeof ProviderResponse>;

/** GET /res/v1/providers: JSON:API items (or the catalog's flat ones). */
export const ProvidersResponse = z.looseObject({ data: z.array(eitherShape(JsonApiProvider, FlatProvider)) });

/** What polybank reads of a bank, from whichever shape it came in. */
export interface BankInfo {
  /** Fintecture's id of the bank: the `provider` of `bank.connect('fintecture', …)`. */
  id: string;
  /** The bank's name. */
  name?: string;
  /** Its country (ISO 3166 alpha-2). */
  country?: string;
  /** A URL of its logo. */
  logoUrl?: string;
  /** `redirect`, `decoupled` (lower case); absent when the bank does not say. */
  authModels?: string[];
  /** AIS services (`accounts`, `transactions`, `accountholders`), lower case. */
  ais?: string[];
  /** PIS schemes (`sepa`, `isct`, …), lower case. */
  pis?: string[];
  /** The kinds of customer it serves (`retail`, `corporate`), lower case. */
  psuTypes?: string[];
}

const lower = (list: readonly string[] | null | undefined): string[] | undefined => (list ? list.map((m) => m.toLowerCase()) : undefined);

/** One bank's facts; `top` are the catalog's top-level projections, read where the attributes say nothing. */
export function bankFacts(id: string, a: ProviderAttributes, top: ProviderAttributes = {}): BankInfo {
  const name = a.full_name ?? a.name ?? undefined;
  const country = a.country ?? top.country ?? undefined;
  const logoUrl = a.logo_url ?? undefined;
  const authModels = lower(a.auth_models ?? top.auth_models);
  const ais = lower(a.ais ?? top.ais);
  const pis = lower(a.pis ?? top.pis);
  const psuTypes = lower(a.psu_types ?? top.psu_types);
  return {
    id,
    ...(name ? { name } : {}),
    ...(country ? { country } : {}),
    ...(logoUrl ? { logoUrl } : {}),
    ...(authModels ? { authModels } : {}),
    ...(ais ? { ais } : {}),
    ...(pis ? { pis } : {}),
    ...(psuTypes ? { psuTypes } : {}),
  };
}

/** The provider's facts, from whichever shape it came in; undefined when `data` is empty. */
export function bankInfo(body: ProviderResponse, id: string): BankInfo | undefined {
  if (!('data' in body)) return bankFacts(body.id, body);
  const list = Array.isArray(body.data) ? body.data : [body.data];
  const item = list.find((p) => p.id.toLowerCase() === id.toLowerCase()) ?? (list.length === 1 ? list[0] : undefined);
  if (!item) return undefined;
  // Top-level projections (catalog) win only where JSON:API attributes say nothing.
  const top = z.safeParse(ProviderAttributes, body);
  return bankFacts(item.id, item.attributes, top.success ? top.data : {});
}

/** GET /res/v1/testaccounts: sandbox accounts per bank (the shape is not documented: read loosely). */
export const TestAccountsResponse = z.looseObject({
  data: z.array(z.looseObject({ id: Id, type: OptStr, attributes: z.optional(z.record(z.string(), z.unknown())), provider_id: OptStr })),
});

// ---------------------------------------------------------------- authorization

/**
 * GET /ais/v1/provider/{id}/authorize. Official: `{provider, model, url}` (redirect) or
 * `{…, polling_id, triggers{qr,a2a}}` (decoupled); catalog: `{meta:{url, session_id}}`.
 */
export const AuthorizeResponse = z.looseObject({
  provider: OptStr,
  model: OptStr,
  url: OptStr,
  polling_id: OptStr,
  triggers: z.nullish(z.looseObject({ qr: OptStr, a2a: OptStr })),
  meta: z.nullish(z.looseObject({ url: OptStr, session_id: OptStr, decoupled: z.nullish(z.boolean()) })),
});
export type AuthorizeResponse = z.output<typeof AuthorizeResponse>;

/**
 * GET /ais/v2/connect: `{meta:{url}}` (JS SDK); the Ruby spec reads `meta.connect_id`, the
 * catalog `meta.session_id`.
 */
export const ConnectResponse = z.looseObject({
  meta: z.looseObject({ url: z.string().check(z.minLength(1)), connect_id: OptStr, session_id: OptStr }),
});

/** GET …/authorize/decoupled/{polling_id} (or the catalog's `?session_id=`). */
export const DecoupledStatusResponse = z.looseObject({
  status: z.pipe(
    z.string(),
    z.transform((s) => s.toUpperCase()),
  ),
  code: OptStr,
  customer_id: OptStr,
  /** One API version answered `connection_id` instead of `customer_id` (Python SDK example). */
  connection_id: OptStr,
  provider: OptStr,
});

// ---------------------------------------------------------------- accounts

const JsonApiAccount = z.looseObject({
  id: Str,
  type: OptStr,
  attributes: z.looseObject({
    account_id: OptStr,
    account_name: OptStr,
    account_type: OptStr,
    product: OptStr,
    bic_swift: OptStr,
    currency: Str,
    iban: OptStr,
    internal_id: OptStr,
    balance: z.nullish(Amount),
  }),
});

/**
 * The catalog's Berlin-Group-style account (api-evangelist example): flat, with
 * `balances[]`. Berlin Group and STET sign their amounts; ISO 20022 style unsigned
 * amounts come with a credit/debit indicator, read where given.
 */
const FlatBalance = z.looseObject({
  type: Str,
  amount: Amount,
  currency: OptStr,
  credit_debit_indicator: OptStr,
  creditDebitIndicator: OptStr,
});
const FlatAccount = z.looseObject({
  id: Str,
  iban: OptStr,
  bic: OptStr,
  currency: Str,
  type: OptStr,
  name: OptStr,
  product: OptStr,
  balances: z.nullish(z.array(FlatBalance)),
});

export const AccountItem = eitherShape(JsonApiAccount, FlatAccount);
export type JsonApiAccount = z.output<typeof JsonApiAccount>;
export type AccountItem = z.output<typeof AccountItem>;

const AccountsMeta = z.looseObject({
  customer_id: OptStr,
  last_authentication: OptStr,
  provider: OptStr,
  remaining_days: z.nullish(numberish(RemainingDays, /^-?\d+$/)),
});

export const AccountsResponse = z.looseObject({ data: z.array(AccountItem), meta: z.nullish(AccountsMeta) });
export type AccountsResponse = z.output<typeof AccountsResponse>;

/** GET /ais/v1/customer/{id}/accounts/{account_id}: `{data: {…}, meta}` (or a flat account), as the item and where it sits. */
export const AccountResponse = z.union([
  z.pipe(
    z.looseObject({ data: AccountItem, meta: z.nullish(AccountsMeta) }),
    z.transform((body) => ({ item: body.data, field: 'data' })),
  ),
  z.pipe(
    FlatAccount,
    z.transform((body): { item: AccountItem; field: string } => ({ item: body, field: '' })),
  ),
]);

// ---------------------------------------------------------------- transactions

const TransactionFields = {
  amount: Amount,
  currency: OptStr,
  communication: OptStr,
  description: OptStr,
  status: OptStr,
  booking_date: OptStr,
  value_date: OptStr,
  execution_date: OptStr,
  /** Direction, where a server sends unsigned amounts: `debit`/`credit` (catalog), `DBIT`/`CRDT`. */
  type: OptStr,
  transaction_type: OptStr,
  counterparty: z.nullish(z.looseObject({ name: OptStr, iban: OptStr })),
};

const JsonApiTransaction = z.looseObject({ id: Id, type: OptStr, attributes: z.looseObject(TransactionFields) });
const FlatTransaction = z.looseObject({ id: Id, ...TransactionFields });
export const TransactionItem = eitherShape(JsonApiTransaction, FlatTransaction);
export type JsonApiTransaction = z.output<typeof JsonApiTransaction>;
export type TransactionItem = z.output<typeof TransactionItem>;

export const TransactionsResponse = z.looseObject({
  data: z.array(TransactionItem),
  links: z.nullish(z.looseObject({ next: OptStr })),
});

// ---------------------------------------------------------------- holders

const JsonApiHolder = z.looseObject({
  id: z.optional(Id),
  type: OptStr,
  attributes: z.looseObject({ full_name: OptStr, name: OptStr, address: z.optional(z.unknown()), email: OptStr, phone: OptStr }),
});
const FlatHolder = z.looseObject({ name: Str, address: z.optional(z.unknown()), email: OptStr, phone: OptStr });
export const HoldersResponse = z.looseObject({ data: z.array(eitherShape(JsonApiHolder, FlatHolder)) });
export type HolderItem = z.output<typeof HoldersResponse>['data'][number];
export type JsonApiHolder = z.output<typeof JsonApiHolder>;

/** True for a JSON:API item (the official shape); false for the catalog's flat one. */
export function isJsonApi<T extends object>(item: T): item is Extract<T, { attributes: object }> {
  const attributes = (item as { attributes?: unknown }).attributes;
  return typeof attributes === 'object' && attributes !== null;
}

// ---------------------------------------------------------------- delete, errors

/** DELETE /ais/v1/customer/{id}: `{"meta":{"status":200,"code":"customer_deleted"}}`. */
export const DeleteResponse = z.looseObject({ meta: z.looseObject({ status: z.optional(z.union([z.number(), Str])), code: Str }) });

const ErrorItem = z.looseObject({ code: OptStr, title: OptStr, message: OptStr, detail: OptStr });

/** `{status, code, log_id, errors:[{code,title,message|detail}]}`; Ruby falls back to `meta` without `errors`. */
export const ErrorBody = z.looseObject({
  status: z.nullish(z.union([z.number(), Str])),
  code: OptStr,
  log_id: OptStr,
  errors: z.nullish(z.array(ErrorItem)),
  meta: z.nullish(z.looseObject({ code: OptStr, message: OptStr })),
});
export type ErrorBody = z.output<typeof ErrorBody>;
