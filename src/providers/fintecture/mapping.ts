/**
 * Fintecture's tables (error codes, callback errors, decoupled statuses, balance types)
 * and its bodies → the normalized model. Codes and provider-sent names are looked up as
 * own properties only: a code `constructor` is not a row.
 */
import {
  ProviderResponseError,
  UnsupportedError,
  ValidationError,
  accountTypeOf,
  failureTable,
  money,
  negateDecimal,
  type Account,
  type AccountHolder,
  type ErrorReason,
  type HttpResponse,
  type ProviderFailure,
  type Transaction,
} from '../../provider.js';
import { ErrorBody, isJsonApi, type AccountItem, type HolderItem, type TransactionItem } from './schemas/wire.js';

export const PROVIDER = 'fintecture';

/** `table[key]` when `key` is the table's own row, never an inherited property. */
export function own<V>(table: Readonly<Record<string, V>>, key: string | undefined): V | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Error codes (`errors[].code`, else the top-level `code`, else `meta.code`) → reason.
 * Sources: the Python SDK's error catalogue (research/fintecture.md §4.1); `invalid_grant`
 * is the OAuth 2 standard code for a dead refresh token; `invalid_signature` is what the
 * simulator answers for a bad signature (Fintecture does not document that code).
 */
export const FAILURE_CODES: Readonly<Record<string, ErrorReason>> = {
  // 400 bad_request
  bad_request: 'unknown',
  invalid_field: 'unknown',
  mandatory_field_missing: 'unknown',
  invalid_debited_account: 'unknown',
  account_unknown: 'unknown', // transactions() and account() report it as a ValidationError on the account id instead
  customer_unknown: 'consent_expired', // the connection is gone: authenticate to the bank again
  session_id_invalid_or_expired: 'auth_expired',
  // 401 unauthorized
  unauthorized: 'unknown',
  invalid_token: 'consent_expired', // only after the one refresh failed to help
  invalid_grant: 'consent_expired',
  invalid_code: 'auth_expired', // the single-use code is wrong or expired
  invalid_scopes: 'unknown',
  invalid_app_id: 'unknown', // appId/appSecret wrong: a configuration problem nobody can fix at run time
  invalid_app_url: 'unknown',
  invalid_signature: 'unknown',
  // 403, 404
  forbidden: 'unknown',
  not_found: 'unknown',
  // 429, 5xx
  too_many_requests: 'rate_limited',
  internal_server_error: 'provider_unavailable',
  service_unavailable: 'provider_unavailable',
};

/** The error body, if the answer is Fintecture's envelope. */
function errorBody(res: HttpResponse): ErrorBody | undefined {
  if (!res.isJson) return undefined;
  const parsed = ErrorBody.safeParse(res.body);
  return parsed.success ? parsed.data : undefined;
}

/** The codes an error body carries, most specific first. */
function errorCodes(body: ErrorBody): string[] {
  return [body.errors?.[0]?.code, body.code, body.meta?.code].filter((c): c is string => typeof c === 'string' && c !== '');
}

/** The provider code of an error body: the first one the table knows, else the most specific. */
export function errorCode(res: HttpResponse): string | undefined {
  const body = errorBody(res);
  if (!body) return undefined;
  const codes = errorCodes(body);
  return codes.find((c) => Object.hasOwn(FAILURE_CODES, c)) ?? codes[0];
}

/** Fintecture's `log_id`, in every error body: the request id its support asks for. */
export function logId(res: HttpResponse): string | undefined {
  if (res.ok || !res.isJson) return undefined;
  const body = res.body;
  const id = body !== null && typeof body === 'object' && 'log_id' in body ? body.log_id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** Reads `{status, code, log_id, errors:[{code, title, message|detail}]}` (or its `meta` form). */
function readFailure(res: HttpResponse): ProviderFailure | undefined {
  const body = errorBody(res);
  const code = errorCode(res);
  if (!body || code === undefined) return undefined;
  const item = body.errors?.[0];
  const text = item?.message ?? item?.detail ?? item?.title ?? body.meta?.message ?? '';
  // Fintecture's texts are written for developers: they go into `message`, never `userMessage`.
  const message = [text, body.log_id ? `(log_id ${body.log_id})` : ''].filter(Boolean).join(' ');
  return { code, ...(message ? { message } : {}) };
}

function unsupported(res: HttpResponse, message: string): UnsupportedError {
  return new UnsupportedError(message, { provider: PROVIDER, status: res.status, endpoint: res.endpoint, ...(res.requestId ? { requestId: res.requestId } : {}) });
}

/**
 * The failure table. Special answers: a bank Fintecture does not know (its JSON 404 on
 * the provider read, not a wrong baseUrl's HTML page), holders a bank does not implement
 * (501), and an account id that is not the connection's (a ValidationError: the caller's
 * input was wrong, the connection is fine).
 */
export const failures = failureTable({
  read: readFailure,
  codes: FAILURE_CODES,
  special(res, failure, hint) {
    if (res.endpoint === 'GetProvider' && res.status === 404 && res.isJson) {
      return unsupported(res, `Fintecture has no provider (bank) ${JSON.stringify(String(hint?.bank ?? ''))}`);
    }
    if (res.endpoint === 'ListHolders' && res.status === 501) return unsupported(res, 'this bank does not give account holders through Fintecture');
    if (failure?.code === 'account_unknown' && (res.endpoint === 'ListTransactions' || res.endpoint === 'GetAccount')) {
      return new ValidationError(`fintecture ${res.endpoint === 'GetAccount' ? 'account' : 'transactions'}`, [{ path: 'accountId', message: 'not an account of this connection' }], {
        provider: PROVIDER,
        providerCode: 'account_unknown',
        status: res.status,
        endpoint: res.endpoint,
        ...(res.requestId ? { requestId: res.requestId } : {}),
      });
    }
    return undefined;
  },
});

/** Decoupled status values (doc: PENDING → COMPLETED, or FAILED on timeout, cancel or refusal). */
export const DECOUPLED_FAILED_REASON: ErrorReason = 'auth_rejected';

/**
 * Redirect and Connect callback errors: `?error=provider_error&provider_error=access_denied`
 * (Python SDK example). OAuth 2 values; anything else means the user did not complete.
 */
export const REASON_BY_CALLBACK_ERROR: Readonly<Record<string, ErrorReason>> = {
  access_denied: 'auth_rejected',
  consent_required: 'auth_rejected',
  login_required: 'auth_rejected',
  interaction_required: 'auth_rejected',
  server_error: 'provider_unavailable',
  temporarily_unavailable: 'provider_unavailable',
  invalid_request: 'unknown',
};
export const CALLBACK_ERROR_DEFAULT: ErrorReason = 'auth_rejected';

export function callbackErrorReason(code: string): ErrorReason {
  return own(REASON_BY_CALLBACK_ERROR, code) ?? CALLBACK_ERROR_DEFAULT;
}

// ---------------------------------------------------------------- accounts

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

function cleanIban(value: string | null | undefined): string | undefined {
  const compact = value?.replace(/\s+/g, '').toUpperCase();
  return compact && IBAN.test(compact) ? compact : undefined;
}

/**
 * Balance types of the flat (catalog, Berlin Group, STET, ISO 20022) shape → the model's
 * balances, compared lower-cased. STET's `OTHR` (a deferred-debit card's outstanding
 * amount) is the current balance only when nothing else is.
 */
const BALANCE_KINDS: Readonly<Record<string, 'current' | 'available'>> = {
  available: 'available',
  interimavailable: 'available',
  expected: 'available',
  closingavailable: 'available',
  forwardavailable: 'available',
  xpcd: 'available',
  itav: 'available',
  clav: 'available',
  fwav: 'available',
  closingbooked: 'current',
  interimbooked: 'current',
  current: 'current',
  booked: 'current',
  clbd: 'current',
  itbd: 'current',
};
const FALLBACK_CURRENT = 'othr';

/**
 * A balance as the holder sees it. Fintecture passes on the bank's balance; STET and
 * Berlin Group sign it from the holder's side already (a card's spending and a loan's
 * principal arrive negative), so the sign is kept. An ISO 20022 style unsigned amount with
 * a debit indicator is money owed: negative.
 */
function holderSide(amount: string, indicator: string | null | undefined): string {
  if (!indicator || !/^(dbit|debit)$/i.test(indicator.trim()) || amount.startsWith('-')) return amount;
  return negateDecimal(amount);
}

/** One account, JSON:API (`attributes`) or the catalog's flat shape, as an `Account`. */
export function toAccount(item: AccountItem, customerId: string, index: number, endpoint: string, field = `data.${index}`): Account {
  const where = (name: string) => ({ provider: PROVIDER, endpoint, field: field ? `${field}.${name}` : name });
  if (isJsonApi(item)) {
    const a = item.attributes;
    const currency = a.currency.trim().toUpperCase();
    const iban = cleanIban(a.iban) ?? cleanIban(a.account_id);
    const number = iban ? undefined : (a.account_id ?? a.internal_id ?? undefined);
    const current = a.balance !== null && a.balance !== undefined ? money(where('attributes.balance'), a.balance, currency) : undefined;
    return {
      id: item.id,
      provider: PROVIDER,
      connectionId: customerId,
      name: a.account_name ?? a.product ?? iban ?? item.id,
      type: accountTypeOf(a.account_type ?? a.product),
      ...(iban ? { iban } : {}),
      ...(number ? { number } : {}),
      currency,
      balances: current ? { current } : {},
      raw: item,
    };
  }
  const currency = item.currency.trim().toUpperCase();
  const balances: Account['balances'] = {};
  let fallback: Account['balances']['current'];
  (item.balances ?? []).forEach((b, i) => {
    const type = b.type.trim().toLowerCase();
    const kind = own(BALANCE_KINDS, type);
    if (!kind && type !== FALLBACK_CURRENT) return;
    const read = money(where(`balances.${i}.amount`), b.amount, b.currency ?? currency);
    const value = { ...read, amount: holderSide(read.amount, b.credit_debit_indicator ?? b.creditDebitIndicator) };
    if (!kind) fallback ??= value;
    else if (!balances[kind]) balances[kind] = value;
  });
  if (!balances.current && fallback) balances.current = fallback;
  const iban = cleanIban(item.iban);
  return {
    id: item.id,
    provider: PROVIDER,
    connectionId: customerId,
    name: item.name ?? item.product ?? iban ?? item.id,
    type: accountTypeOf(item.type ?? item.product),
    ...(iban ? { iban } : {}),
    currency,
    balances,
    raw: item,
  };
}

// ---------------------------------------------------------------- transactions

const DAY = /^(\d{4}-\d{2}-\d{2})/;

function isoDay(value: string | null | undefined): string | undefined {
  return value ? DAY.exec(value.trim())?.[1] : undefined;
}

/** `DBIT`/`debit` with an unsigned amount means money out: the model's amounts are signed. */
function signed(amount: string, direction: string | null | undefined): string {
  if (!direction || !/^(dbit|debit|d)$/i.test(direction.trim())) return amount;
  return amount.startsWith('-') || /^0(\.0+)?$/.test(amount) ? amount : `-${amount}`;
}

export function toTransaction(item: TransactionItem, accountId: string, fallbackCurrency: string | undefined, index: number, endpoint: string): Transaction {
  const t = isJsonApi(item) ? item.attributes : item;
  const field = isJsonApi(item) ? `data.${index}.attributes` : `data.${index}`;
  const currency = t.currency ?? fallbackCurrency;
  if (!currency) throw new ProviderResponseError(PROVIDER, endpoint, `${field}.currency`, 'missing currency');
  const amount = money({ provider: PROVIDER, endpoint, field: `${field}.amount` }, t.amount, currency);
  const bookingDate = isoDay(t.booking_date);
  const valueDate = isoDay(t.value_date ?? t.execution_date);
  const counterparty = t.counterparty?.name ?? undefined;
  return {
    id: item.id,
    provider: PROVIDER,
    accountId,
    amount: { ...amount, amount: signed(amount.amount, t.transaction_type ?? t.type) },
    status: /^(pending|pdng|pend|processing|unbooked)$/i.test(t.status?.trim() ?? '') ? 'pending' : 'booked',
    ...(bookingDate ? { bookingDate } : {}),
    ...(valueDate ? { valueDate } : {}),
    description: t.communication ?? t.description ?? '',
    ...(counterparty ? { counterparty } : {}),
    raw: item,
  };
}

// ---------------------------------------------------------------- holders

function addressText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts = Object.values(value as Record<string, unknown>).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    return parts.length ? parts.join(', ') : undefined;
  }
  return undefined;
}

export function toHolder(item: HolderItem, index: number, endpoint: string): AccountHolder {
  const h = isJsonApi(item) ? { ...item.attributes } : { full_name: undefined, ...item };
  const name = h.full_name ?? h.name;
  if (!name) throw new ProviderResponseError(PROVIDER, endpoint, `data.${index}.attributes.full_name`, 'missing holder name');
  const address = addressText(h.address);
  return {
    name,
    ...(address ? { address } : {}),
    ...(h.email ? { email: h.email } : {}),
    ...(h.phone ? { phone: h.phone } : {}),
    raw: item,
  };
}
