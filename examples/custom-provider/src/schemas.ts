/**
 * GoCardless's answers as zod schemas, read tolerantly where RESEARCH.md documents
 * variants (numbers as strings, nullable and absent fields, single-or-list values) and
 * strictly where polybank depends on a value (ids used in paths, the bank link).
 */
import { z } from 'zod';
import { WireId } from './model.js';

const text = z.string().nullish();
/** A count of days as GoCardless sends it: `"90"` or `90`. */
const Days = z.union([z.number().int(), z.string().regex(/^\d{1,4}$/).transform(Number)]);
/** A field documented as a string in one place and a list of lines in another. */
export const Lines = z.union([z.string(), z.array(z.string())]).nullish();

export const TokenPair = z.object({
  access: z.string().min(1),
  access_expires: z.number().int().nullish(),
  refresh: z.string().min(1),
  refresh_expires: z.number().int().nullish(),
});
export const RefreshedToken = z.object({ access: z.string().min(1), access_expires: z.number().int().nullish() });

export const Institution = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  transaction_total_days: Days.nullish(),
  max_access_valid_for_days: Days.nullish(),
  supported_features: z.array(z.string()).nullish(),
});
export type Institution = z.output<typeof Institution>;

export const Agreement = z.looseObject({
  id: WireId,
  created: text,
  accepted: text,
  access_valid_for_days: z.number().int().nullish(),
  access_scope: z.array(z.string()).nullish(),
});
export type Agreement = z.output<typeof Agreement>;

/** The bank link goes to the user's browser: http(s) only, never `javascript:` or `data:`. */
const Link = z.url({ protocol: /^https?$/ });

export const Requisition = z.looseObject({
  id: WireId,
  status: z.string().max(64),
  link: Link,
  reference: text,
  agreement: WireId.nullish(),
  institution_id: text,
  accounts: z.array(WireId).nullish(),
});
export type Requisition = z.output<typeof Requisition>;

export const AccountMetadata = z.looseObject({
  status: text,
  iban: text,
  bban: text,
  owner_name: text,
  last_accessed: text,
});
export type AccountMetadata = z.output<typeof AccountMetadata>;

export const AccountDetails = z.object({
  account: z.looseObject({
    currency: text,
    iban: text,
    bban: text,
    msisdn: text,
    name: text,
    displayName: text,
    product: text,
    details: text,
    cashAccountType: text,
    ownerName: text,
    ownerAddressUnstructured: Lines,
    status: text,
  }),
});
export type AccountDetail = z.output<typeof AccountDetails>['account'];

// Amounts arrive as strings (sometimes numbers); `money()` of polybank/provider reads either exactly.
// Our own zod, not polybank's: a provider's schemas are its own (polybank validates through Standard Schema).
const WireAmount = z.union([z.string(), z.number()]);
const Amount = z.object({ amount: WireAmount, currency: z.string() });

export const Balances = z.object({
  balances: z.array(
    z.looseObject({
      balanceAmount: Amount,
      balanceType: z.string(),
      referenceDate: text,
      lastChangeDateTime: text,
      creditLimitIncluded: z.boolean().nullish(),
    }),
  ),
});
export type Balance = z.output<typeof Balances>['balances'][number];

export const WireTransaction = z.looseObject({
  transactionAmount: Amount,
  transactionId: text,
  internalTransactionId: text,
  entryReference: text,
  bookingDate: text,
  bookingDateTime: text,
  valueDate: text,
  valueDateTime: text,
  remittanceInformationUnstructured: text,
  remittanceInformationUnstructuredArray: z.array(z.string()).nullish(),
  remittanceInformationStructured: text,
  remittanceInformationStructuredArray: z.array(z.string()).nullish(),
  additionalInformation: text,
  creditorName: text,
  debtorName: text,
});
export type WireTransaction = z.output<typeof WireTransaction>;

export const Transactions = z.object({
  transactions: z.object({
    booked: z.array(WireTransaction).nullish(),
    pending: z.array(WireTransaction).nullish(),
  }),
});
