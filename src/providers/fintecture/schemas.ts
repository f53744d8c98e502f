/**
 * Fintecture wire formats, the single source of their types. Primary shapes are the
 * ones the official SDKs read (JSON:API bodies, `polling_id`); where the api-evangelist
 * catalog (the seed's Arazzo workflow) describes other shapes, they are accepted too
 * (research/fintecture.md §0): `meta.session_id`, flat provider/account bodies.
 */
import { z } from 'zod';
import { WireAmount } from '../../core/kit.js';

const Str = z.string();

/**
 * JSON:API item (`attributes`) or the catalog's flat item: picks the schema by shape, so a
 * malformed body names the failing field (`data.0.attributes.currency`), not just the union.
 */
function eitherShape<A extends z.ZodType, B extends z.ZodType>(jsonApi: A, flat: B) {
  return z.unknown().transform((value, ctx): z.output<A> | z.output<B> => {
    const schema = value !== null && typeof value === 'object' && 'attributes' in value ? jsonApi : flat;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] });
    return z.NEVER;
  });
}
const OptStr = z.string().nullish();
/** A list the docs give as an array; tolerate a comma-separated string too. */
const StringList = z.union([z.array(z.string()), z.string().transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))]);

// ---------------------------------------------------------------- OAuth

// Seconds, bounded: the expiry must be a real date (Fintecture's tokens live an hour; a year is far beyond).
const Lifetime = z.number().nonnegative().max(366 * 86_400);
// Days left on the consent, bounded for the same reason (PSD2 consents last 180 days; 0 or less: lapsed).
const RemainingDays = z.number().max(36_500);

/** POST /oauth/accesstoken and /oauth/refreshtoken. `refresh_token` only for AIS grants. */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([Lifetime, z.string().regex(/^\d+$/).transform(Number).pipe(Lifetime)]).optional(),
  refresh_token: z.string().min(1).nullish(),
  /** Not documented; taken when a server tells which connection the code was for. */
  customer_id: OptStr,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

// ---------------------------------------------------------------- providers (banks)

const ProviderAttributes = z
  .object({
    name: OptStr,
    full_name: OptStr,
    country: OptStr,
    auth_models: StringList.nullish(),
    ais: StringList.nullish(),
    psu_types: StringList.nullish(),
  })
  .loose();

const JsonApiProvider = z.object({ id: Str, type: OptStr, attributes: ProviderAttributes.default({}) });

/**
 * GET /res/v1/providers/{id}: JSON:API `data` (an array even for one id, per the Ruby spec;
 * an object tolerated), or the catalog's flat Provider object with top-level `auth_models`.
 */
export const ProviderResponse = z.union([
  z.object({ data: z.union([z.array(JsonApiProvider), JsonApiProvider]) }).loose(),
  ProviderAttributes.extend({ id: Str }),
]);
export type ProviderResponse = z.infer<typeof ProviderResponse>;

export interface BankInfo {
  id: string;
  name?: string;
  authModels?: string[];
  ais?: string[];
  psuTypes?: string[];
}

/** The provider's facts, from whichever shape it came in; undefined when `data` is empty. */
export function bankInfo(body: ProviderResponse, id: string): BankInfo | undefined {
  let item: { id: string; attributes: z.infer<typeof ProviderAttributes> } | undefined;
  if ('data' in body) {
    const list = Array.isArray(body.data) ? body.data : [body.data];
    item = list.find((p) => p.id.toLowerCase() === id.toLowerCase()) ?? (list.length === 1 ? list[0] : undefined);
  } else {
    item = { id: body.id, attributes: body };
  }
  if (!item) return undefined;
  const a = item.attributes;
  // Top-level projections (catalog) win only where JSON:API attributes say nothing.
  const top = 'data' in body ? (ProviderAttributes.safeParse(body).data ?? {}) : {};
  const name = a.full_name ?? a.name ?? undefined;
  const authModels = a.auth_models ?? top.auth_models ?? undefined;
  const ais = a.ais ?? top.ais ?? undefined;
  const psuTypes = a.psu_types ?? top.psu_types ?? undefined;
  return {
    id: item.id,
    ...(name ? { name } : {}),
    ...(authModels ? { authModels: authModels.map((m) => m.toLowerCase()) } : {}),
    ...(ais ? { ais: ais.map((m) => m.toLowerCase()) } : {}),
    ...(psuTypes ? { psuTypes: psuTypes.map((m) => m.toLowerCase()) } : {}),
  };
}

// ---------------------------------------------------------------- authorization

/**
 * GET /ais/v1/provider/{id}/authorize. Official: `{provider, model, url}` (redirect) or
 * `{…, polling_id, triggers{qr,a2a}}` (decoupled); catalog: `{meta:{url, session_id}}`.
 */
export const AuthorizeResponse = z
  .object({
    provider: OptStr,
    model: OptStr,
    url: OptStr,
    polling_id: OptStr,
    triggers: z.object({ qr: OptStr, a2a: OptStr }).loose().nullish(),
    meta: z.object({ url: OptStr, session_id: OptStr, decoupled: z.boolean().nullish() }).loose().nullish(),
  })
  .loose();
export type AuthorizeResponse = z.infer<typeof AuthorizeResponse>;

/** GET …/authorize/decoupled/{polling_id} (or the catalog's `?session_id=`). */
export const DecoupledStatusResponse = z
  .object({
    status: z.string().transform((s) => s.toUpperCase()),
    code: OptStr,
    customer_id: OptStr,
    /** One API version answered `connection_id` instead of `customer_id` (Python SDK example). */
    connection_id: OptStr,
    provider: OptStr,
  })
  .loose();

// ---------------------------------------------------------------- accounts

const JsonApiAccount = z
  .object({
    id: Str,
    type: OptStr,
    attributes: z
      .object({
        account_id: OptStr,
        account_name: OptStr,
        account_type: OptStr,
        product: OptStr,
        bic_swift: OptStr,
        currency: Str,
        iban: OptStr,
        internal_id: OptStr,
        balance: WireAmount.nullish(),
      })
      .loose(),
  })
  .loose();

/** The catalog's Berlin-Group-style account (api-evangelist example): flat, with `balances[]`. */
const FlatAccount = z
  .object({
    id: Str,
    iban: OptStr,
    bic: OptStr,
    currency: Str,
    type: OptStr,
    name: OptStr,
    balances: z.array(z.object({ type: Str, amount: WireAmount, currency: OptStr }).loose()).nullish(),
  })
  .loose();

export const AccountItem = eitherShape(JsonApiAccount, FlatAccount);
export type JsonApiAccount = z.infer<typeof JsonApiAccount>;
export type AccountItem = z.infer<typeof AccountItem>;

export const AccountsResponse = z
  .object({
    data: z.array(AccountItem),
    meta: z
      .object({
        customer_id: OptStr,
        last_authentication: OptStr,
        provider: OptStr,
        remaining_days: z.union([RemainingDays, z.string().regex(/^-?\d+$/).transform(Number).pipe(RemainingDays)]).nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();
export type AccountsResponse = z.infer<typeof AccountsResponse>;

// ---------------------------------------------------------------- transactions

const TransactionFields = {
  amount: WireAmount,
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
  counterparty: z.object({ name: OptStr, iban: OptStr }).loose().nullish(),
};

const JsonApiTransaction = z.object({ id: z.union([Str, z.number()]).transform(String), type: OptStr, attributes: z.object(TransactionFields).loose() }).loose();
const FlatTransaction = z.object({ id: z.union([Str, z.number()]).transform(String), ...TransactionFields }).loose();
export const TransactionItem = eitherShape(JsonApiTransaction, FlatTransaction);
export type JsonApiTransaction = z.infer<typeof JsonApiTransaction>;
export type TransactionItem = z.infer<typeof TransactionItem>;

export const TransactionsResponse = z
  .object({
    data: z.array(TransactionItem),
    links: z.object({ next: OptStr }).loose().nullish(),
  })
  .loose();

// ---------------------------------------------------------------- holders

const JsonApiHolder = z
  .object({
    id: z.union([Str, z.number()]).transform(String).optional(),
    type: OptStr,
    attributes: z
      .object({ full_name: OptStr, name: OptStr, address: z.unknown().optional(), email: OptStr, phone: OptStr })
      .loose(),
  })
  .loose();
const FlatHolder = z.object({ name: Str, address: z.unknown().optional(), email: OptStr, phone: OptStr }).loose();
export const HoldersResponse = z.object({ data: z.array(eitherShape(JsonApiHolder, FlatHolder)) }).loose();
export type HolderItem = z.infer<typeof HoldersResponse>['data'][number];
export type JsonApiHolder = z.infer<typeof JsonApiHolder>;

/** True for a JSON:API item (the official shape); false for the catalog's flat one. */
export function isJsonApi<T extends object>(item: T): item is Extract<T, { attributes: object }> {
  const attributes = (item as { attributes?: unknown }).attributes;
  return typeof attributes === 'object' && attributes !== null;
}

// ---------------------------------------------------------------- delete, errors

/** DELETE /ais/v1/customer/{id}: `{"meta":{"status":200,"code":"customer_deleted"}}`. */
export const DeleteResponse = z.object({ meta: z.object({ status: z.union([z.number(), Str]).optional(), code: Str }).loose() }).loose();

const ErrorItem = z
  .object({ code: OptStr, title: OptStr, message: OptStr, detail: OptStr })
  .loose();

/** `{status, code, log_id, errors:[{code,title,message|detail}]}`; Ruby falls back to `meta` without `errors`. */
export const ErrorBody = z
  .object({
    status: z.union([z.number(), Str]).nullish(),
    code: OptStr,
    log_id: OptStr,
    errors: z.array(ErrorItem).nullish(),
    meta: z.object({ code: OptStr, message: OptStr }).loose().nullish(),
  })
  .loose();
export type ErrorBody = z.infer<typeof ErrorBody>;
