import { WireAmount } from '../../../provider.js';
/**
 * Powens API 2.0 wire formats (zod/mini): the single source of the wire types.
 *
 * Lenient where the sources disagree (research/powens.md §11): extra keys are kept (loose
 * objects, so `raw` stays the provider's object), most fields may be null or absent,
 * `wrongpass`/`wrongPass` and unknown states are plain strings that the mapping tables
 * interpret. Strict where a value is needed to go on (ids, tokens).
 */
import * as z from 'zod/mini';

const Id = z.int().check(z.nonnegative());
const Text = z.string().check(z.minLength(1));
/** `"YYYY-MM-DD HH:MM:SS"`, no offset; read in the configured time zone by the mapping. */
const SqlDateTime = z.string();
/** An amount as it comes: a JSON number (Powens) or a decimal string (proxies). */

// ---------------------------------------------------------------- errors

/** The common error body (`ServiceError`); recorded bodies carry `code` plus `message` or `description` only. */
export const ServiceError = z.looseObject({
  code: Text,
  description: z.nullish(z.string()),
  message: z.nullish(z.string()),
  /** "ID of the associated API request" (a string in the SPEC, an integer in the docs). */
  request_id: z.nullish(z.union([z.string(), z.number()])),
});
export type ServiceError = z.infer<typeof ServiceError>;

// ---------------------------------------------------------------- auth

/** `POST /auth/init` → a new user and its token (`expires_in` absent for a permanent token). */
export const AuthInit = z.looseObject({
  auth_token: Text,
  type: z.nullish(z.string()),
  id_user: Id,
  expires_in: z.nullish(z.number()),
});

/** `POST /auth/renew` (and `/auth/token/access`): `access_token`; one guide shows `token`, accepted too. */
export const RenewedToken = z.pipe(
  z
    .looseObject({ access_token: z.optional(Text), token: z.optional(Text), token_type: z.nullish(z.string()) })
    .check(z.refine((body) => body.access_token !== undefined || body.token !== undefined, { message: 'expected access_token', path: ['access_token'] })),
  z.transform((body) => ({ token: (body.access_token ?? body.token) as string })),
);

/** `GET /auth/token/code`: a temporary code for the webviews (`expires_in` seconds). */
export const AuthCode = z.looseObject({
  code: Text,
  type: z.nullish(z.string()),
  access: z.nullish(z.string()),
  expires_in: z.nullish(z.number()),
});

/** `GET /webauth-url` → where to send the user. */
export const WebauthUrl = z.looseObject({ url: z.url() });

// ---------------------------------------------------------------- connectors

export const FieldValue = z.looseObject({
  value: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
  label: z.nullish(z.string()),
});

/** `ConnectorField`, in connectors and in connections waiting for the user (`fields`). */
export const ConnectorField = z.looseObject({
  name: Text,
  /** text, password, date, number, list (legacy: hidden); unknown types are treated as text. */
  type: z.nullish(z.string()),
  label: z.nullish(z.string()),
  description: z.nullish(z.string()),
  required: z.nullish(z.boolean()),
  regex: z.nullish(z.string()),
  values: z.nullish(z.array(FieldValue)),
  auth_mechanisms: z.nullish(z.array(z.string())),
  connector_sources: z.nullish(z.array(z.string())),
});
export type ConnectorField = z.infer<typeof ConnectorField>;

/** `GET /connectors/{uuid}?expand=fields`. */
export const Connector = z.looseObject({
  id: Id,
  uuid: z.nullish(z.string()),
  name: z.nullish(z.string()),
  auth_mechanism: z.nullish(z.string()),
  available_auth_mechanisms: z.nullish(z.array(z.string())),
  fields: z.nullish(z.array(ConnectorField)),
});
export type Connector = z.infer<typeof Connector>;

// ---------------------------------------------------------------- connections

const ConnectionShape = {
  id: Id,
  id_user: z.nullish(Id),
  id_connector: z.nullish(Id),
  connector_uuid: z.nullish(z.string()),
  state: z.nullish(z.string()),
  error: z.nullish(z.string()),
  error_message: z.nullish(z.string()),
  description: z.nullish(z.string()),
  fields: z.nullish(z.array(ConnectorField)),
  last_update: z.nullish(SqlDateTime),
  created: z.nullish(SqlDateTime),
  active: z.nullish(z.boolean()),
  expire: z.nullish(SqlDateTime),
  next_try: z.nullish(SqlDateTime),
};

/**
 * `Connection`: 200 (SPEC, recordings), 201 (docs) or 202 (needs the user) on create and
 * update. `error` is the deprecated duplicate of `state`; the decoupled answer also
 * carries `description` and `id_connection`.
 */
export const Connection = z.looseObject(ConnectionShape);
export type Connection = z.infer<typeof Connection>;

/** The connection's state: `state`, or the deprecated `error` when only that one is sent. */
export function connectionState(connection: Connection): string | null {
  if (connection.state !== undefined) return connection.state ?? null;
  return connection.error ?? null;
}

// ---------------------------------------------------------------- accounts

export const Currency = z.looseObject({
  id: Text,
  precision: z.nullish(z.int().check(z.minimum(0), z.maximum(18))),
  name: z.nullish(z.string()),
  symbol: z.nullish(z.string()),
});

const BankAccountShape = {
  id: Id,
  id_connection: z.nullish(Id),
  id_user: z.nullish(Id),
  id_parent: z.nullish(Id),
  name: z.nullish(z.string()),
  original_name: z.nullish(z.string()),
  number: z.nullish(z.string()),
  iban: z.nullish(z.string()),
  balance: z.nullish(WireAmount),
  coming: z.nullish(WireAmount),
  /** Undocumented but recorded: balance + coming. */
  coming_balance: z.nullish(WireAmount),
  currency: z.nullish(Currency),
  type: z.nullish(z.string()),
  usage: z.nullish(z.string()),
  company_name: z.nullish(z.string()),
  last_update: z.nullish(SqlDateTime),
  disabled: z.nullish(SqlDateTime),
  deleted: z.nullish(SqlDateTime),
};
export const BankAccount = z.looseObject(BankAccountShape);
export type BankAccount = z.infer<typeof BankAccount>;

/** `GET …/accounts`: recordings add `balance` and `total`. */
export const AccountsList = z.looseObject({ accounts: z.array(BankAccount) });

// ---------------------------------------------------------------- account ownerships (Check)

export const AccountParty = z.looseObject({
  role: z.nullish(z.string()),
  identity: z.nullish(z.looseObject({ is_user: z.nullish(z.boolean()), full_name: z.nullish(z.string()) })),
});

/** `GET /users/me/connections/{id}/account_ownerships` (Powens Check). */
export const AccountOwnerships = z.looseObject({
  account_ownerships: z.array(
    z.looseObject({
      id_account: Id,
      id_connection: z.nullish(Id),
      name: z.nullish(z.string()),
      multiple_holders: z.nullish(z.union([z.boolean(), z.string()])),
      parties: z.nullish(z.array(AccountParty)),
    }),
  ),
});
export type AccountOwnerships = z.infer<typeof AccountOwnerships>;

// ---------------------------------------------------------------- transactions

export const Counterparty = z.looseObject({ label: z.nullish(z.string()) });

const TransactionShape = {
  id: Id,
  id_account: Id,
  date: z.nullish(z.string()),
  application_date: z.nullish(z.string()),
  rdate: z.nullish(z.string()),
  vdate: z.nullish(z.string()),
  value: z.nullish(WireAmount),
  original_value: z.nullish(WireAmount),
  original_currency: z.nullish(Currency),
  type: z.nullish(z.string()),
  wording: z.nullish(z.string()),
  simplified_wording: z.nullish(z.string()),
  original_wording: z.nullish(z.string()),
  coming: z.nullish(z.boolean()),
  counterparty: z.nullish(Counterparty),
};
export const Transaction = z.looseObject(TransactionShape);
export type Transaction = z.infer<typeof Transaction>;

const Link = z.nullish(z.looseObject({ href: Text }));

/**
 * `TransactionsList`: the current contract pages with `_links.next.href` (an opaque
 * cursor); the 2021 recording has no `_links` but `total` (offset paging).
 */
export const TransactionsList = z.looseObject({
  transactions: z.array(Transaction),
  total: z.nullish(z.int()),
  _links: z.nullish(z.looseObject({ next: Link, self: Link, prev: Link })),
});
export type TransactionsList = z.infer<typeof TransactionsList>;

// ---------------------------------------------------------------- webhooks

export const WebhookUser = z.looseObject({ id: Id, signin: z.nullish(z.string()), platform: z.nullish(z.string()) });

const SyncedAccount = z.looseObject({ ...BankAccountShape, transactions: z.nullish(z.array(Transaction)) });

export const ConnectionSyncedPayload = z.looseObject({
  user: z.nullish(WebhookUser),
  connection: z.looseObject({ ...ConnectionShape, accounts: z.nullish(z.array(SyncedAccount)) }),
  id_webhook_data: z.nullish(z.number()),
});
export const ConnectionDeletedPayload = z.looseObject({ id: Id, id_user: z.nullish(Id), id_webhook_data: z.nullish(z.number()) });
export const UserDeletedPayload = z.looseObject({ id: Id, id_webhook_data: z.nullish(z.number()) });
export const AccountSyncedPayload = z.looseObject({ ...BankAccountShape, transactions: z.nullish(z.array(Transaction)), id_webhook_data: z.nullish(z.number()) });
/** Events whose body is not modelled here: any JSON object. */
export const OtherPayload = z.record(z.string(), z.unknown());
