/**
 * Fintecture codes → normalized reasons, and Fintecture bodies → the normalized model.
 * Every code maps to exactly one reason; an unknown code falls back to its HTTP class.
 */
import { ProviderResponseError } from '../../core/errors.js';
import type { HttpResponse } from '../../core/http.js';
import { httpFailure, money } from '../../core/kit.js';
import type { Account, AccountType } from '../../core/model/account.js';
import type { ErrorReason } from '../../core/model/status.js';
import type { AccountHolder, Transaction } from '../../core/model/transaction.js';
import type { AdapterContext } from '../../core/provider.js';
import { ErrorBody, isJsonApi, type AccountItem, type HolderItem, type TransactionItem } from './schemas.js';

export const PROVIDER = 'fintecture';

/**
 * Error codes (`errors[].code`, else the top-level `code`) → reason. Sources: the Python
 * SDK's error catalogue (research/fintecture.md §4.1); `invalid_grant` is the OAuth 2
 * standard code for a dead refresh token; `invalid_signature` is what the simulator
 * answers for a bad signature (Fintecture does not document that code).
 */
export const REASON_BY_CODE: Readonly<Record<string, ErrorReason>> = {
  // 400 bad_request
  bad_request: 'unknown',
  invalid_field: 'unknown',
  mandatory_field_missing: 'unknown',
  invalid_debited_account: 'unknown',
  account_unknown: 'unknown', // transactions() reports it as a ValidationError on the account id instead
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

/** Decoupled status values (doc: PENDING → COMPLETED, or FAILED on timeout, cancel or refusal). */
export const DECOUPLED_FAILED_REASON: ErrorReason = 'auth_rejected';

/**
 * Redirect callback errors: `?error=provider_error&provider_error=access_denied`
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

function reasonForStatus(status: number): ErrorReason {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_unavailable';
  return 'unknown';
}

/** The provider code of an error body, if it has one. */
export function errorCode(res: HttpResponse): string | undefined {
  const body = ErrorBody.safeParse(res.body);
  if (!body.success) return undefined;
  return body.data.errors?.[0]?.code ?? body.data.code ?? body.data.meta?.code ?? undefined;
}

/** The typed error for a non-2xx answer: the body's codes first, then the HTTP class. */
export function failure(ctx: AdapterContext, res: HttpResponse): Error {
  const parsed = res.isJson ? ErrorBody.safeParse(res.body) : undefined;
  if (!parsed?.success) return httpFailure(ctx, res);
  const body = parsed.data;
  const item = body.errors?.[0];
  const codes = [item?.code, body.code, body.meta?.code].filter((c): c is string => typeof c === 'string' && c !== '');
  if (codes.length === 0) return httpFailure(ctx, res);
  const mapped = codes.find((c) => c in REASON_BY_CODE);
  const reason = mapped ? (REASON_BY_CODE[mapped] as ErrorReason) : reasonForStatus(res.status);
  const text = item?.message ?? item?.detail ?? item?.title ?? body.meta?.message ?? '';
  const logId = body.log_id ? ` (log_id ${body.log_id})` : '';
  return ctx.fail(reason, `${res.endpoint} answered HTTP ${res.status} ${codes[0]}${text ? `: ${text}` : ''}${logId}`, {
    providerCode: mapped ?? codes[0],
    status: res.status,
    endpoint: res.endpoint,
    ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}),
  });
}

// ---------------------------------------------------------------- accounts

// `account_type` is free text ("Compte Courante", "Livret A") or an ISO 20022 code (catalog: CACC, SVGS…).
const ACCOUNT_TYPES: ReadonlyArray<[RegExp, AccountType]> = [
  [/^(cacc|cash|tran|curr)$|courant|current|checking|cheque|chèque|corriente|giro|dépôt|depot/i, 'checking'],
  [/^(svgs|onde|lloa)$|épargne|epargne|saving|livret|ldd|pel\b|cel\b|ahorro/i, 'savings'],
  [/^card$|carte|card|tarjeta|credit card/i, 'card'],
  [/^(loan|mort)$|prêt|pret|loan|crédit|credit|mortgage|hypoth/i, 'loan'],
  [/^(moma|secu)$|titre|pea\b|invest|securities|bourse|assurance.vie|life insurance/i, 'investment'],
];

export function accountType(raw: string | null | undefined): AccountType {
  if (!raw) return 'other';
  for (const [pattern, type] of ACCOUNT_TYPES) if (pattern.test(raw.trim())) return type;
  return 'other';
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

function cleanIban(value: string | null | undefined): string | undefined {
  const compact = value?.replace(/\s+/g, '').toUpperCase();
  return compact && IBAN.test(compact) ? compact : undefined;
}

/** One account, JSON:API (`attributes`) or the catalog's flat shape, as an `Account`. */
export function toAccount(item: AccountItem, customerId: string, index: number, endpoint: string): Account {
  const where = (field: string) => ({ provider: PROVIDER, endpoint, field: `data.${index}.${field}` });
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
      type: accountType(a.account_type ?? a.product),
      ...(iban ? { iban } : {}),
      ...(number ? { number } : {}),
      currency,
      balances: current ? { current } : {},
      raw: item,
    };
  }
  const currency = item.currency.trim().toUpperCase();
  const balances: Account['balances'] = {};
  (item.balances ?? []).forEach((b, i) => {
    const kind = /^(available|interimavailable|expected)$/i.test(b.type) ? 'available' : /booked|current|closing/i.test(b.type) ? 'current' : undefined;
    if (kind && !balances[kind]) balances[kind] = money(where(`balances.${i}.amount`), b.amount, b.currency ?? currency);
  });
  const iban = cleanIban(item.iban);
  return {
    id: item.id,
    provider: PROVIDER,
    connectionId: customerId,
    name: item.name ?? iban ?? item.id,
    type: accountType(item.type),
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
