import * as z from 'zod/mini';
import { Money } from './money.js';

const IsoDay = z.iso.date();

/** A booked or pending movement on an account; `amount` is signed (negative: money out). */
export const Transaction = z.object({
  /** The provider's id of the transaction. */
  id: z.string().check(z.minLength(1)),
  /** The provider id it came through. */
  provider: z.string().check(z.minLength(1)),
  /** The {@link Account} `id` it belongs to. */
  accountId: z.string().check(z.minLength(1)),
  /** Signed, exact: negative is money out of the account, positive money in. */
  amount: Money,
  /** `pending`: not booked yet; the bank may still change or drop it. */
  status: z.enum(['booked', 'pending']),
  /** The day the bank booked it (ISO date), when known. */
  bookingDate: z.optional(IsoDay),
  /** The day it counts from for interest (ISO date), when the provider gives it. */
  valueDate: z.optional(IsoDay),
  /** The bank's wording (empty when the provider sends none). */
  description: z.string(),
  /** The other party's name, when the provider gives it. */
  counterparty: z.optional(z.string()),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type Transaction = z.infer<typeof Transaction>;

/** A person or company holding the accounts of a connection. */
export const AccountHolder = z.object({
  /** The holder's name. */
  name: z.string(),
  /** A postal address, as one line of text. */
  address: z.optional(z.string()),
  /** An email address. */
  email: z.optional(z.string()),
  /** A phone number, as the provider wrote it. */
  phone: z.optional(z.string()),
  /** The provider's own object, untouched. */
  raw: z.unknown(),
});
export type AccountHolder = z.infer<typeof AccountHolder>;

/** Which transactions to list: ISO days, inclusive. */
export interface TransactionQuery {
  /** The first booking day to include (`YYYY-MM-DD`). */
  from?: string;
  /** The last booking day to include (`YYYY-MM-DD`). */
  to?: string;
}
