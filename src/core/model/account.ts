import { z } from 'zod';
import { CurrencyCode, Money } from './money.js';

export const AccountType = z.enum(['checking', 'savings', 'card', 'loan', 'investment', 'other']);
export type AccountType = z.infer<typeof AccountType>;

export const Balances = z.object({
  /** Booked balance. */
  current: Money.optional(),
  /** What can be spent now (booked plus pending, plus overdraft where the provider counts it). */
  available: Money.optional(),
  /** Credit limit or overdraft limit. */
  limit: Money.optional(),
});

/** A bank account, the same whichever provider it came through. */
export const Account = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  /** The connection reference it belongs to (LoginId, Powens connection id, Fintecture customer id, …). */
  connectionId: z.string().min(1),
  name: z.string(),
  type: AccountType,
  iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/, 'expected an IBAN without spaces').optional(),
  /** Account number, masked where the provider masks it. */
  number: z.string().optional(),
  currency: CurrencyCode,
  balances: Balances,
  holder: z.string().optional(),
  /** `disabled`: known but not synchronized (e.g. Powens accounts before the user enables them). */
  status: z.enum(['active', 'disabled']).optional(),
  usableForPayment: z.boolean().optional(),
  /** Why the account cannot be used for payments, when the provider says. */
  unusableForPaymentReason: z.string().optional(),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Account = z.infer<typeof Account>;
