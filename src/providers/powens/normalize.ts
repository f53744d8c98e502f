/**
 * Powens objects → the normalized model: accounts (exact money, holder-side signs),
 * transactions (signed: negative = money out), account holders (Check ownerships).
 */
import { addMoney, money, owedBalance, type Account, type AccountHolder, type Money, type Transaction } from '../../provider.js';
import { PROVIDER, accountType } from './mapping.js';
import type { AccountOwnerships, BankAccount, Transaction as WireTransaction } from './schemas/wire.js';

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | null | undefined): string | undefined {
  return value && ISO_DAY.test(value) ? value : undefined;
}

/**
 * A loan's balance is its outstanding principal, owed: Powens sends it negative (woob's
 * convention; recorded `-4395.78`). A connector that reports the debt as a positive
 * number is read the same way, so a loan is never an asset.
 */
function loanSide(value: Money): Money {
  return value.amount.startsWith('-') ? value : owedBalance(value);
}

/**
 * A Powens bank account as an Account: exact balances with the currency's own
 * `precision`; `available` is Powens' balance plus coming operations (a deferred debit
 * card: 0 booked, its pending spending negative). Returns undefined for an account
 * without a currency (the API allows it; no Money can be built).
 */
export function toAccount(raw: unknown, account: BankAccount, connectionId: number, where: { endpoint: string; index: number }): Account | undefined {
  const currency = account.currency;
  if (!currency) return undefined;
  const field = (name: string): { provider: string; endpoint: string; field: string } => ({
    provider: PROVIDER,
    endpoint: where.endpoint,
    field: `accounts.${where.index}.${name}`,
  });
  const precision = currency.precision ?? undefined;
  const type = accountType(account.type);
  const side = type === 'loan' ? loanSide : (m: Money): Money => m;
  const current = account.balance === null || account.balance === undefined ? undefined : side(money(field('balance'), account.balance, currency.id, precision));
  let available: Money | undefined;
  if (account.coming_balance !== null && account.coming_balance !== undefined) {
    available = side(money(field('coming_balance'), account.coming_balance, currency.id, precision));
  } else if (current && account.coming !== null && account.coming !== undefined) {
    available = addMoney(current, money(field('coming'), account.coming, currency.id, precision));
  }
  const iban = account.iban?.replace(/\s+/g, '').toUpperCase();
  return {
    id: String(account.id),
    provider: PROVIDER,
    connectionId: String(account.id_connection ?? connectionId),
    name: account.name || account.original_name || `Account ${account.id}`,
    type,
    ...(iban && IBAN.test(iban) ? { iban } : {}),
    ...(account.number ? { number: account.number } : {}),
    currency: currency.id.toUpperCase(),
    balances: { ...(current ? { current } : {}), ...(available ? { available } : {}) },
    ...(account.company_name ? { holder: account.company_name } : {}),
    // New accounts are disabled until the user enables them (GDPR): listed, not synchronized.
    status: account.disabled ? 'disabled' : 'active',
    raw,
  };
}

export interface AccountMoney {
  id: string;
  currency: string;
  precision: number | undefined;
}

/**
 * A Powens transaction as a Transaction: `value` is signed (negative = a debit) on
 * every account type, cards included (a deferred card's purchases are negative and
 * `coming`). `value` may be null (SPEC; recorded): the original-currency amount is used
 * then; a transaction with no amount at all returns undefined.
 */
export function toTransaction(raw: unknown, tx: WireTransaction, account: AccountMoney, where: { endpoint: string; index: number }): Transaction | undefined {
  const field = (name: string): { provider: string; endpoint: string; field: string } => ({
    provider: PROVIDER,
    endpoint: where.endpoint,
    field: `transactions.${where.index}.${name}`,
  });
  let amount: Money;
  if (tx.value !== null && tx.value !== undefined) {
    amount = money(field('value'), tx.value, account.currency, account.precision);
  } else if (tx.original_value !== null && tx.original_value !== undefined && tx.original_currency) {
    amount = money(field('original_value'), tx.original_value, tx.original_currency.id, tx.original_currency.precision ?? undefined);
  } else {
    return undefined;
  }
  const bookingDate = day(tx.date) ?? day(tx.rdate);
  const valueDate = day(tx.vdate);
  const counterparty = tx.counterparty?.label;
  return {
    id: String(tx.id),
    provider: PROVIDER,
    accountId: account.id,
    amount,
    status: tx.coming ? 'pending' : 'booked',
    ...(bookingDate ? { bookingDate } : {}),
    ...(valueDate ? { valueDate } : {}),
    description: tx.wording ?? tx.simplified_wording ?? tx.original_wording ?? '',
    ...(counterparty ? { counterparty } : {}),
    raw,
  };
}

/**
 * The people holding the connection's accounts, from Powens Check's account ownerships:
 * one holder per distinct name, with the accounts and roles it holds them in (`raw`).
 */
export function toHolders(list: AccountOwnerships): AccountHolder[] {
  const byName = new Map<string, { name: string; roles: Set<string>; accounts: Set<number>; isUser: boolean | null }>();
  for (const ownership of list.account_ownerships) {
    for (const party of ownership.parties ?? []) {
      const name = party.identity?.full_name?.trim();
      if (!name) continue;
      const entry = byName.get(name) ?? { name, roles: new Set<string>(), accounts: new Set<number>(), isUser: party.identity?.is_user ?? null };
      if (party.role) entry.roles.add(party.role);
      entry.accounts.add(ownership.id_account);
      if (party.identity?.is_user === true) entry.isUser = true;
      byName.set(name, entry);
    }
  }
  return [...byName.values()].map((entry) => ({
    name: entry.name,
    raw: { full_name: entry.name, roles: [...entry.roles], accounts: [...entry.accounts].map(String), is_user: entry.isUser },
  }));
}
