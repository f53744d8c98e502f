/**
 * Flinks accounts, transactions and holders → the normalized model. Amounts become
 * exact Money (never float arithmetic); transit/institution numbers stay in `raw`.
 */
import { ProviderResponseError } from '../../core/errors.js';
import { money } from '../../core/kit.js';
import type { Account, AccountType } from '../../core/model/account.js';
import { subtractDecimals, type Money } from '../../core/model/money.js';
import type { AccountHolder, Transaction } from '../../core/model/transaction.js';
import type { WireAccount, WireTransaction } from './schemas.js';

// Flinks `Type` (help article 43000436169) → account type; matched case-insensitively.
const BY_TYPE: Readonly<Record<string, AccountType>> = {
  chequing: 'checking',
  checking: 'checking',
  cashmanagement: 'checking',
  savings: 'savings',
  deposit: 'savings',
  creditcard: 'card',
  creditcardprepaid: 'card',
  lineofcredit: 'loan',
  lineofcredithomeequity: 'loan',
  loan: 'loan',
  mortgage: 'loan',
  rrsp: 'investment',
  tfsa: 'investment',
  fhsa: 'investment',
  resp: 'investment',
  rrif: 'investment',
  lira: 'investment',
  gic: 'investment',
  certificateofdeposit: 'investment',
  brokerage: 'investment',
  investment: 'investment',
  otherasset: 'investment',
  rewards: 'other',
  unknown: 'other',
};

// When the Type is not in the table, its Category still says enough.
const BY_CATEGORY: Readonly<Record<string, AccountType>> = {
  operations: 'checking',
  credits: 'loan',
  products: 'investment',
  other: 'other',
};

export function accountType(type: string | null | undefined, category: string | null | undefined): AccountType {
  const t = (type ?? '').toLowerCase();
  const byType = BY_TYPE[t] ?? (t.startsWith('loan') ? 'loan' : t.startsWith('creditcard') ? 'card' : t.startsWith('lineofcredit') ? 'loan' : undefined);
  return byType ?? BY_CATEGORY[(category ?? '').toLowerCase()] ?? 'other';
}

interface Where {
  endpoint: string;
  /** Path of the account in the response, e.g. `Accounts.0`. */
  path: string;
}

function amount(where: Where, field: string, value: number | string | null | undefined, currency: string): Money | undefined {
  if (value === null || value === undefined) return undefined;
  return money({ provider: 'flinks', endpoint: where.endpoint, field: `${where.path}.${field}` }, value, currency);
}

export function holderName(holder: WireAccount['Holder']): string | undefined {
  if (holder === null || holder === undefined) return undefined;
  if (typeof holder === 'string') return holder || undefined;
  return holder.Name ?? undefined;
}

export function toAccount(a: WireAccount, where: Where, loginId: string): Account {
  const currency = a.Currency.trim().toUpperCase();
  const available = amount(where, 'Balance.Available', a.Balance?.Available, currency);
  const current = amount(where, 'Balance.Current', a.Balance?.Current, currency);
  const limit = amount(where, 'Balance.Limit', a.Balance?.Limit, currency);
  const number = a.AccountNumber ?? (a.LastFourDigits ? `****${a.LastFourDigits}` : undefined);
  const holder = holderName(a.Holder);
  return {
    id: a.Id,
    provider: 'flinks',
    connectionId: loginId,
    name: a.Title ?? a.Type ?? 'Account',
    type: accountType(a.Type, a.Category),
    ...(number ? { number } : {}),
    currency,
    balances: { ...(current ? { current } : {}), ...(available ? { available } : {}), ...(limit ? { limit } : {}) },
    ...(holder ? { holder } : {}),
    raw: a,
  };
}

/** A transaction's signed amount: Credit in, Debit out; both set (seen in docs examples) nets them exactly. */
function signedAmount(where: Where, t: WireTransaction, currency: string): Money {
  const credit = amount(where, 'Credit', t.Credit, currency);
  const debit = amount(where, 'Debit', t.Debit, currency);
  // The usual case, one side only: the exact amount as it is, or negated; no arithmetic.
  if (credit && !debit) return credit;
  if (debit && !credit) return { amount: negated(debit.amount), currency: debit.currency };
  const net = subtractDecimals(credit?.amount ?? '0', debit?.amount ?? '0');
  return { amount: net, currency: credit?.currency ?? debit?.currency ?? currency.toUpperCase() };
}

/** `12.30` → `-12.30`, `-12.30` → `12.30`; zero stays unsigned. */
function negated(value: string): string {
  if (value.startsWith('-')) return value.slice(1);
  return /^0(\.0+)?$/.test(value) ? value : `-${value}`;
}

export function toTransactions(a: WireAccount, where: Where): Transaction[] {
  const currency = a.Currency.trim().toUpperCase();
  return (a.Transactions ?? []).map((t, i) => {
    const at: Where = { endpoint: where.endpoint, path: `${where.path}.Transactions.${i}` };
    const day = t.Date.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new ProviderResponseError('flinks', where.endpoint, `${at.path}.Date`, 'expected YYYY-MM-DD');
    return {
      id: t.Id,
      provider: 'flinks',
      accountId: a.Id,
      amount: signedAmount(at, t, currency),
      status: 'booked' as const,
      bookingDate: day,
      description: t.Description ?? '',
      raw: t,
    };
  });
}

export function toHolders(accounts: WireAccount[]): AccountHolder[] {
  const seen = new Map<string, AccountHolder>();
  for (const a of accounts) {
    const holder = a.Holder;
    const name = holderName(holder);
    if (!name || seen.has(name)) continue;
    if (typeof holder === 'string' || !holder) {
      seen.set(name, { name, raw: holder });
      continue;
    }
    const address = holder.Address
      ? [holder.Address.CivicAddress, holder.Address.POBox, holder.Address.City, holder.Address.Province, holder.Address.PostalCode, holder.Address.Country]
          .filter((part): part is string => typeof part === 'string' && part !== '')
          .join(', ')
      : '';
    seen.set(name, {
      name,
      ...(address ? { address } : {}),
      ...(holder.Email ? { email: holder.Email } : {}),
      ...(holder.PhoneNumber ? { phone: holder.PhoneNumber } : {}),
      raw: holder,
    });
  }
  return [...seen.values()];
}
