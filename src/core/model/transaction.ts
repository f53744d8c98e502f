import { z } from 'zod';
import { Money } from './money.js';

const IsoDay = z.iso.date();

/** A booked or pending movement on an account; `amount` is signed (negative: money out). */
export const Transaction = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  accountId: z.string().min(1),
  amount: Money,
  status: z.enum(['booked', 'pending']),
  bookingDate: IsoDay.optional(),
  valueDate: IsoDay.optional(),
  description: z.string(),
  counterparty: z.string().optional(),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Transaction = z.infer<typeof Transaction>;

/** A person or company holding the accounts of a connection. */
export const AccountHolder = z.object({
  name: z.string(),
  address: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  raw: z.unknown(),
});
export type AccountHolder = z.infer<typeof AccountHolder>;

/** Which transactions to list: ISO days, inclusive. */
export interface TransactionQuery {
  from?: string;
  to?: string;
}
