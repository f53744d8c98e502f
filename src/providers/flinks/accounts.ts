/**
 * Flinks accounts, transactions and holders → the normalized model. Amounts become exact
 * Money (never float arithmetic); transit/institution numbers stay in `raw`.
 *
 * Signs: balances are from the holder's side. Flinks sends what is owed on a credit
 * account (card, line of credit, loan, mortgage) as a positive `Balance.Current`: it is
 * negated. On those accounts `Available` is the credit left to use (a card's limit less
 * what is owed, as banks show it) and `Limit` the credit limit: money the holder can
 * still use, positive, as they are. Transactions carry `Debit` (money out of the account, also
 * a purchase on a card) and `Credit` (money in, also a payment to a card or a loan):
 * `amount` is Credit − Debit, whatever the account type.
 */
import { money, owedBalance, ProviderResponseError, subtractDecimals, negateDecimal, type Account, type AccountHolder, type Money, type Transaction } from '../../provider.js';
import { accountType, isCreditAccount } from './mapping.js';
import type { WireAccount, WireTransaction } from './schemas.js';

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
  const type = accountType(a.Type, a.Category);
  const available = amount(where, 'Balance.Available', a.Balance?.Available, currency);
  const posted = amount(where, 'Balance.Current', a.Balance?.Current, currency);
  // What is owed on a credit account is the holder's debt: negative.
  const current = posted && isCreditAccount(type, a.Category) ? owedBalance(posted) : posted;
  const limit = amount(where, 'Balance.Limit', a.Balance?.Limit, currency);
  const number = a.AccountNumber ?? (a.LastFourDigits ? `****${a.LastFourDigits}` : undefined);
  const holder = holderName(a.Holder);
  return {
    id: a.Id,
    provider: 'flinks',
    connectionId: loginId,
    name: a.Title ?? a.Type ?? 'Account',
    type,
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
  if (debit && !credit) return { amount: negateDecimal(debit.amount), currency: debit.currency };
  const net = subtractDecimals(credit?.amount ?? '0', debit?.amount ?? '0');
  return { amount: net, currency: credit?.currency ?? debit?.currency ?? currency };
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
