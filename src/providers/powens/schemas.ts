/**
 * Powens API 2.0 wire formats (zod): the single source of the wire types.
 *
 * Lenient where the sources disagree (see research/powens.md §11): extra keys are
 * kept (loose objects, so `raw` stays the provider's object), most fields may be
 * null or absent, `wrongpass`/`wrongPass` and unknown states are plain strings that
 * the mapping tables interpret. Strict where a value is needed to go on (ids, tokens).
 */
import { z } from 'zod';
import { WireAmount } from '../../core/kit.js';

const Id = z.number().int().nonnegative();
/** `"YYYY-MM-DD HH:MM:SS"` in the API; kept as text, converted by the mapping. */
const SqlDateTime = z.string();

// ---------------------------------------------------------------- errors

/** The common error body (`ServiceError`); recorded bodies carry `code` plus `message` or `description` only. */
export const ServiceError = z.looseObject({
  code: z.string().min(1),
  description: z.string().nullish(),
  message: z.string().nullish(),
  request_id: z.union([z.string(), z.number()]).nullish(),
});
export type ServiceError = z.infer<typeof ServiceError>;

// ---------------------------------------------------------------- auth

/** `POST /auth/init` → a new user and its token (`expires_in` absent for a permanent token). */
export const AuthInit = z.looseObject({
  auth_token: z.string().min(1),
  type: z.string().nullish(),
  id_user: Id,
  expires_in: z.number().nullish(),
});

/** `POST /auth/renew` (and `/auth/token/access`): `access_token`; one guide shows `token`, accepted too. */
export const RenewedToken = z
  .looseObject({ access_token: z.string().min(1).optional(), token: z.string().min(1).optional(), token_type: z.string().nullish() })
  .refine((body) => body.access_token !== undefined || body.token !== undefined, { message: 'expected access_token', path: ['access_token'] })
  .transform((body) => ({ token: (body.access_token ?? body.token) as string }));

/** `GET /auth/token/code`: a temporary code for the webviews. */
export const AuthCode = z.looseObject({
  code: z.string().min(1),
  type: z.string().nullish(),
  access: z.string().nullish(),
  expires_in: z.number().nullish(),
});

/** `GET /webauth-url` → where to send the user. */
export const WebauthUrl = z.looseObject({ url: z.url() });

// ---------------------------------------------------------------- connectors

export const FieldValue = z.looseObject({
  value: z.union([z.string(), z.number()]).transform(String),
  label: z.string().nullish(),
});

/** `ConnectorField`, in connectors and in connections waiting for the user (`fields`). */
export const ConnectorField = z.looseObject({
  name: z.string().min(1),
  /** text, password, date, number, list (legacy: hidden); unknown types are treated as text. */
  type: z.string().nullish(),
  label: z.string().nullish(),
  description: z.string().nullish(),
  required: z.boolean().nullish(),
  regex: z.string().nullish(),
  values: z.array(FieldValue).nullish(),
  auth_mechanisms: z.array(z.string()).nullish(),
  connector_sources: z.array(z.string()).nullish(),
});
export type ConnectorField = z.infer<typeof ConnectorField>;

/** `GET /connectors/{uuid}?expand=fields`. */
export const Connector = z.looseObject({
  id: Id,
  uuid: z.string().nullish(),
  name: z.string().nullish(),
  auth_mechanism: z.string().nullish(),
  fields: z.array(ConnectorField).nullish(),
});
export type Connector = z.infer<typeof Connector>;

// ---------------------------------------------------------------- connections

/**
 * `Connection`: 200 (SPEC, recordings), 201 (docs) or 202 (needs the user) on create and
 * update. `error` is the deprecated duplicate of `state`; the decoupled answer also
 * carries `description` and `id_connection`.
 */
export const Connection = z.looseObject({
  id: Id,
  id_user: Id.nullish(),
  id_connector: Id.nullish(),
  connector_uuid: z.string().nullish(),
  state: z.string().nullish(),
  error: z.string().nullish(),
  error_message: z.string().nullish(),
  description: z.string().nullish(),
  fields: z.array(ConnectorField).nullish(),
  last_update: SqlDateTime.nullish(),
  created: SqlDateTime.nullish(),
  active: z.boolean().nullish(),
  expire: SqlDateTime.nullish(),
  next_try: SqlDateTime.nullish(),
});
export type Connection = z.infer<typeof Connection>;

/** The connection's state: `state`, or the deprecated `error` when only that one is sent. */
export function connectionState(connection: Connection): string | null {
  if (connection.state !== undefined) return connection.state ?? null;
  return connection.error ?? null;
}

// ---------------------------------------------------------------- accounts

export const Currency = z.looseObject({
  id: z.string().min(1),
  precision: z.number().int().min(0).max(18).nullish(),
  name: z.string().nullish(),
  symbol: z.string().nullish(),
});

export const BankAccount = z.looseObject({
  id: Id,
  id_connection: Id.nullish(),
  id_user: Id.nullish(),
  id_parent: Id.nullish(),
  name: z.string().nullish(),
  original_name: z.string().nullish(),
  number: z.string().nullish(),
  iban: z.string().nullish(),
  balance: WireAmount.nullish(),
  coming: WireAmount.nullish(),
  /** Undocumented but recorded: balance + coming. */
  coming_balance: WireAmount.nullish(),
  currency: Currency.nullish(),
  type: z.string().nullish(),
  usage: z.string().nullish(),
  company_name: z.string().nullish(),
  disabled: SqlDateTime.nullish(),
  deleted: SqlDateTime.nullish(),
});
export type BankAccount = z.infer<typeof BankAccount>;

/** `GET …/accounts`: recordings add `balance` and `total`. */
export const AccountsList = z.looseObject({ accounts: z.array(BankAccount) });

// ---------------------------------------------------------------- transactions

export const Counterparty = z.looseObject({ label: z.string().nullish() });

export const Transaction = z.looseObject({
  id: Id,
  id_account: Id,
  date: z.string().nullish(),
  application_date: z.string().nullish(),
  rdate: z.string().nullish(),
  vdate: z.string().nullish(),
  value: WireAmount.nullish(),
  original_value: WireAmount.nullish(),
  original_currency: Currency.nullish(),
  type: z.string().nullish(),
  wording: z.string().nullish(),
  simplified_wording: z.string().nullish(),
  original_wording: z.string().nullish(),
  coming: z.boolean().nullish(),
  counterparty: Counterparty.nullish(),
});
export type Transaction = z.infer<typeof Transaction>;

const Link = z.looseObject({ href: z.string().min(1) }).nullish();

/**
 * `TransactionsList`: the current contract pages with `_links.next.href` (an opaque
 * cursor); the 2021 recording has no `_links` but `total` (offset paging).
 */
export const TransactionsList = z.looseObject({
  transactions: z.array(Transaction),
  total: z.number().int().nullish(),
  _links: z.looseObject({ next: Link, self: Link, prev: Link }).nullish(),
});

// ---------------------------------------------------------------- webhooks

export const WebhookUser = z.looseObject({ id: Id, signin: z.string().nullish(), platform: z.string().nullish() });

export const ConnectionSyncedPayload = z.looseObject({
  user: WebhookUser.nullish(),
  connection: Connection.extend({ accounts: z.array(BankAccount.extend({ transactions: z.array(Transaction).nullish() })).nullish() }),
  id_webhook_data: z.number().nullish(),
});
export const ConnectionDeletedPayload = z.looseObject({ id: Id, id_user: Id.nullish(), id_webhook_data: z.number().nullish() });
export const UserDeletedPayload = z.looseObject({ id: Id, id_webhook_data: z.number().nullish() });
export const AccountSyncedPayload = BankAccount.extend({ transactions: z.array(Transaction).nullish(), id_webhook_data: z.number().nullish() });
/** Events whose body is not modelled here: any JSON object. */
export const OtherPayload = z.record(z.string(), z.unknown());
