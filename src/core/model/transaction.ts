import * as z from 'zod/mini';
import { Money } from './money.js';

const IsoDay = z.iso.date();

/** A booked or pending movement on an account; `amount` is signed (negative: money out). */
export const Transaction = z.object({
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  accountId: z.string().check(z.minLength(1)),
  amount: Money,
  status: z.enum(['booked', 'pending']),
  bookingDate: z.optional(IsoDay),
  valueDate: z.optional(IsoDay),
  description: z.string(),
  counterparty: z.optional(z.string()),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Transaction = z.infer<typeof Transaction>;

/** A person or company holding the accounts of a connection. */
export const AccountHolder = z.object({
  name: z.string(),
  address: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  raw: z.unknown(),
});
export type AccountHolder = z.infer<typeof AccountHolder>;

/** Which transactions to list: ISO days, inclusive. */
export interface TransactionQuery {
  from?: string;
  to?: string;
}
