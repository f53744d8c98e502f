import * as z from 'zod/mini';
import { CurrencyCode, Money } from './money.js';

export const AccountType = z.enum(['checking', 'savings', 'card', 'loan', 'investment', 'other']);
export type AccountType = z.infer<typeof AccountType>;

export const Balances = z.object({
  /** Booked balance. */
  current: z.optional(Money),
  /** What can be spent now (booked plus pending, plus overdraft where the provider counts it). */
  available: z.optional(Money),
  /** Credit limit or overdraft limit. */
  limit: z.optional(Money),
});

/** A bank account, the same whichever provider it came through. */
export const Account = z.object({
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  /** The connection reference it belongs to (LoginId, Powens connection id, Fintecture customer id, …). */
  connectionId: z.string().check(z.minLength(1)),
  name: z.string(),
  type: AccountType,
  iban: z.optional(z.string().check(z.regex(/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/, 'expected an IBAN without spaces'))),
  /** Account number, masked where the provider masks it. */
  number: z.optional(z.string()),
  currency: CurrencyCode,
  balances: Balances,
  holder: z.optional(z.string()),
  /** `disabled`: known but not synchronized (e.g. Powens accounts before the user enables them). */
  status: z.optional(z.enum(['active', 'disabled'])),
  usableForPayment: z.optional(z.boolean()),
  /** Why the account cannot be used for payments, when the provider says. */
  unusableForPaymentReason: z.optional(z.string()),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Account = z.infer<typeof Account>;
