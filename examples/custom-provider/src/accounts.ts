/**
 * Berlin Group accounts, balances and transactions (RESEARCH.md §5) → polybank's model:
 * exact money, balances from the holder's side, signed amounts, stable ids.
 */
import { ProviderResponseError, accountTypeOf, money, type Account, type AccountHolder, type Money, type Transaction } from 'polybank/provider';
import { PROVIDER } from './failures.js';
import { BALANCE_TYPES, CASH_ACCOUNT_TYPES } from './mapping.js';
import type { AccountDetail, AccountMetadata, Balance, WireTransaction } from './schemas.js';

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;

function present(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** `LT12 1000 0111 0100 1000` → `LT121000011101001000`; anything that is not an IBAN (a masked card number) → undefined. */
function iban(value: string | null | undefined): string | undefined {
  const compact = present(value)?.replace(/\s+/g, '').toUpperCase();
  return compact && IBAN.test(compact) ? compact : undefined;
}

function currencyOf(value: string): string {
  return value.trim().toUpperCase();
}

/** The balance of the first type in `types` (in the account's currency), the latest when a bank sends several days. */
function pick(balances: readonly Balance[], types: readonly string[], currency: string): { balance: Balance; index: number } | undefined {
  let best: { balance: Balance; index: number; rank: number; date: string } | undefined;
  balances.forEach((balance, index) => {
    const rank = types.indexOf(balance.balanceType);
    if (rank < 0 || currencyOf(balance.balanceAmount.currency) !== currency) return;
    const date = balance.lastChangeDateTime ?? balance.referenceDate ?? '';
    if (!best || rank < best.rank || (rank === best.rank && date > best.date)) best = { balance, index, rank, date };
  });
  return best;
}

function balanceMoney(balances: readonly Balance[], types: readonly string[], currency: string): Money | undefined {
  const found = pick(balances, types, currency);
  if (!found) return undefined;
  // Berlin Group balances are from the holder's side already: what a card holder owes is negative.
  return money({ provider: PROVIDER, endpoint: 'AccountBalances', field: `balances.${found.index}.balanceAmount.amount` }, found.balance.balanceAmount.amount, currency);
}

export interface AccountParts {
  id: string;
  requisitionId: string;
  metadata: AccountMetadata;
  details?: AccountDetail;
  balances?: readonly Balance[];
}

export function toAccount(parts: AccountParts): Account {
  const { id, requisitionId, metadata, details, balances = [] } = parts;
  const wireCurrency = present(details?.currency) ?? balances[0]?.balanceAmount.currency;
  if (!wireCurrency) throw new ProviderResponseError(PROVIDER, details ? 'AccountDetails' : 'AccountBalances', details ? 'account.currency' : 'balances', 'the account has no currency');
  const currency = currencyOf(wireCurrency);
  const accountIban = iban(details?.iban) ?? iban(metadata.iban);
  // American Express sends a masked card number as "iban": it is a number, not an IBAN.
  const number = present(details?.bban) ?? present(metadata.bban) ?? (accountIban ? undefined : (present(details?.iban) ?? present(metadata.iban))) ?? present(details?.msisdn);
  const label = present(details?.name) ?? present(details?.displayName) ?? present(details?.product) ?? present(details?.details);
  const cashType = present(details?.cashAccountType);
  const current = balanceMoney(balances, BALANCE_TYPES.current, currency);
  const available = balanceMoney(balances, BALANCE_TYPES.available, currency);
  const holder = present(details?.ownerName) ?? present(metadata.owner_name);
  const closed = details?.status === 'deleted' || details?.status === 'blocked';
  return {
    id,
    provider: PROVIDER,
    connectionId: requisitionId,
    name: label ?? (accountIban ? `Account ${accountIban.slice(-4)}` : number ? `Account ${number.slice(-4)}` : 'Account'),
    type: cashType ? accountTypeOf(cashType, CASH_ACCOUNT_TYPES) : accountTypeOf(label),
    ...(accountIban ? { iban: accountIban } : {}),
    ...(number ? { number } : {}),
    currency,
    balances: { ...(current ? { current } : {}), ...(available ? { available } : {}) },
    ...(holder ? { holder } : {}),
    status: closed ? 'disabled' : 'active',
    raw: { metadata, details, balances },
  };
}

/** The holders named by the accounts' details (an address is one line or a list of lines). */
export function toHolders(details: readonly AccountDetail[]): AccountHolder[] {
  const byName = new Map<string, AccountHolder>();
  for (const detail of details) {
    const name = present(detail.ownerName);
    if (!name || byName.has(name)) continue;
    const lines = detail.ownerAddressUnstructured;
    const address = Array.isArray(lines) ? lines.map((line) => line.trim()).filter(Boolean).join(', ') : present(lines);
    byName.set(name, { name, ...(address ? { address } : {}), raw: detail });
  }
  return [...byName.values()];
}

/** `2024-04-19`, or the day of `2024-04-19T18:22:03Z` as the bank wrote it; anything else → undefined. */
function isoDay(value: string | null | undefined): string | undefined {
  const day = value?.trim().slice(0, 10);
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day ? undefined : day;
}

/** FNV-1a over the transaction's JSON: a stable id for the many pending transactions that have none. */
function contentId(value: unknown): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const char of JSON.stringify(value)) {
    const code = char.codePointAt(0) ?? 0;
    h1 = Math.imul(h1 ^ code, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ code, 0x811c9dc5) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

function joined(lines: readonly string[] | null | undefined): string | undefined {
  return lines?.map((line) => line.trim()).filter(Boolean).join(' ') || undefined;
}

/** One page of transactions (booked then pending), with ids unique within it. */
export function toTransactions(accountId: string, booked: readonly WireTransaction[], pending: readonly WireTransaction[]): Transaction[] {
  const seen = new Map<string, number>();
  const one = (item: WireTransaction, status: 'booked' | 'pending', index: number): Transaction => {
    const field = `transactions.${status}.${index}.transactionAmount`;
    const currency = currencyOf(item.transactionAmount.currency);
    const amount = money({ provider: PROVIDER, endpoint: 'AccountTransactions', field: `${field}.amount` }, item.transactionAmount.amount, currency);
    const base = present(item.transactionId) ?? present(item.internalTransactionId) ?? present(item.entryReference) ?? `${status}-${contentId(item)}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    const out = amount.amount.startsWith('-');
    const counterparty = out ? (present(item.creditorName) ?? present(item.debtorName)) : (present(item.debtorName) ?? present(item.creditorName));
    const description =
      present(item.remittanceInformationUnstructured) ??
      joined(item.remittanceInformationUnstructuredArray) ??
      present(item.remittanceInformationStructured) ??
      joined(item.remittanceInformationStructuredArray) ??
      present(item.additionalInformation) ??
      counterparty ??
      '';
    const bookingDate = isoDay(item.bookingDate) ?? isoDay(item.bookingDateTime);
    const valueDate = isoDay(item.valueDate) ?? isoDay(item.valueDateTime);
    return {
      id: count === 0 ? base : `${base}#${count + 1}`,
      provider: PROVIDER,
      accountId,
      amount,
      status,
      ...(bookingDate ? { bookingDate } : {}),
      ...(valueDate ? { valueDate } : {}),
      description,
      ...(counterparty ? { counterparty } : {}),
      raw: item,
    };
  };
  return [...booked.map((item, i) => one(item, 'booked', i)), ...pending.map((item, i) => one(item, 'pending', i))];
}
