import * as z from 'zod/mini';
import { CurrencyCode, Money } from './money.js';

/**
 * What kind of account: `card` and `loan` balances are what the holder owes (negative);
 * `other` when the provider's type has no equivalent.
 */
export const AccountType = z.enum(['checking', 'savings', 'card', 'loan', 'investment', 'other']);
export type AccountType = z.infer<typeof AccountType>;

/**
 * An account's balances, each from the holder's side: positive is money the holder has,
 * negative money the holder owes. A provider that does not report one leaves it out.
 */
export const Balances = z.object({
  /** The booked balance. */
  current: z.optional(Money),
  /** What can be spent now (booked plus pending, plus overdraft where the provider counts it). */
  available: z.optional(Money),
  /** Credit limit or overdraft limit. */
  limit: z.optional(Money),
});

/** A bank account, the same whichever provider it came through. */
export const Account = z.object({
  /** The provider's id of the account: what `transactions(accountId)` takes. */
  id: z.string().check(z.minLength(1)),
  /** The provider id it came through (`flinks`, `powens`, …). */
  provider: z.string().check(z.minLength(1)),
  /** The connection reference it belongs to (LoginId, Powens connection id, Fintecture customer id, …). */
  connectionId: z.string().check(z.minLength(1)),
  /** The account's name as the bank shows it. */
  name: z.string(),
  /** What kind of account (see {@link AccountType}). */
  type: AccountType,
  /** The IBAN, without spaces, when the provider gives one. */
  iban: z.optional(z.string().check(z.regex(/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/, 'expected an IBAN without spaces'))),
  /** Account number, masked where the provider masks it. */
  number: z.optional(z.string()),
  /** The account's ISO 4217 currency. */
  currency: CurrencyCode,
  /** Its balances (see {@link Balances}): whichever the provider reports. */
  balances: Balances,
  /** The holder's name, when the provider gives it with the account. */
  holder: z.optional(z.string()),
  /** `disabled`: known but not synchronized (e.g. Powens accounts before the user enables them). */
  status: z.optional(z.enum(['active', 'disabled'])),
  /** Whether the account can be debited by a payment, when the provider says. */
  usableForPayment: z.optional(z.boolean()),
  /** Why the account cannot be used for payments, when the provider says. */
  unusableForPaymentReason: z.optional(z.string()),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Account = z.infer<typeof Account>;
