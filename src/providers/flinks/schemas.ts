/**
 * Flinks v3 BankingServices wire formats (zod: the single source of the wire types),
 * plus what users pass in (connect input, connection reference) and the adapter state.
 * Response schemas are loose: Flinks adds fields over time, and older shapes stay valid
 * (research notes §2.2, §4.1: InstitutionName/InstitutionId, Holder as a string, …).
 */
import { z } from 'zod';
import { WireAmount } from '../../core/kit.js';

// ---------------------------------------------------------------- user input

/** `bank.connect('flinks', …)`: a new link in live mode (credentials go to the bank through Flinks). */
export const FlinksInput = z.strictObject({
  /** Flinks institution name, e.g. `FlinksCapital`, `RBC`, `TD`. */
  institution: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Language of the MFA prompts; part of what identifies a LoginId. */
  language: z.enum(['en', 'fr']).optional(),
  /** Keep the data and credentials at Flinks after the session (default true: needed to reopen by LoginId). */
  save: z.boolean().optional(),
  /** A string Flinks echoes back (e.g. your user id). */
  tag: z.string().optional(),
});
export type FlinksInput = z.infer<typeof FlinksInput>;

/** `bank.connection('flinks', …)` and `conn.ref`: the LoginId of a saved link. */
export const FlinksRef = z.strictObject({
  // GUID-shaped (the docs' own examples use placeholders such as xxxxxxxx-xxxx-…).
  loginId: z.string().regex(/^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i, 'expected a Flinks LoginId (a GUID)'),
});
export type FlinksRef = z.infer<typeof FlinksRef>;

// ---------------------------------------------------------------- adapter state

/** One SecurityChallenges entry, kept as Flinks sent it: answers are keyed by its exact text. */
export const SecurityChallenge = z.object({
  Type: z.string().min(1),
  Prompt: z.string(),
  Iterables: z.array(z.string()).nullable().optional(),
});
export type SecurityChallenge = z.infer<typeof SecurityChallenge>;

/** What the adapter remembers between steps (JSON, secret-free: goes into checkpoints). */
export const FlinksState = z.object({
  /** The session of the current /Authorize flow and of the data calls after it. */
  requestId: z.string().optional(),
  loginId: z.string().optional(),
  institution: z.string().optional(),
  /** The pending 203's challenges, verbatim, to build SecurityResponses from the user's answer. */
  challenges: z.array(SecurityChallenge).optional(),
});
export type FlinksState = z.infer<typeof FlinksState>;

// ---------------------------------------------------------------- responses

export const Link = z.looseObject({ rel: z.string(), href: z.string(), example: z.string().nullable().optional() });

export const Login = z.looseObject({
  Username: z.string().nullable().optional(),
  IsScheduledRefresh: z.boolean().nullable().optional(),
  /** UTC without offset: `2020-04-15T22:46:03.1690585`. */
  LastRefresh: z.string().nullable().optional(),
  /** `Personal`, `Business` or null. */
  Type: z.string().nullable().optional(),
  /** The LoginId. */
  Id: z.string().min(1),
});

/** 200 from /Authorize: the session is open; `Login.Id` is the LoginId to keep. */
export const Authorized = z.looseObject({
  HttpStatusCode: z.number().optional(),
  Links: z.array(Link).nullable().optional(),
  Login,
  Institution: z.string().nullable().optional(),
  InstitutionName: z.string().nullable().optional(),
  InstitutionId: z.number().nullable().optional(),
  RequestId: z.string().min(1),
  Tag: z.string().nullable().optional(),
});

/** 203 from /Authorize: MFA. The RequestId is kept across the round trips (it may be omitted on a re-prompt). */
export const MfaPrompt = z.looseObject({
  HttpStatusCode: z.number().optional(),
  SecurityChallenges: z.array(SecurityChallenge).min(1),
  RequestId: z.string().min(1).optional(),
  Institution: z.string().nullable().optional(),
});

/** 202: OPERATION_PENDING or OPERATION_DISPATCHED, to be polled. */
export const Accepted = z.looseObject({
  HttpStatusCode: z.number().optional(),
  FlinksCode: z.string().nullable().optional(),
  Message: z.string().nullable().optional(),
  RequestId: z.string().min(1).optional(),
});

/** The error envelope; /DeleteCard says `StatusCode` where the others say `HttpStatusCode`. */
export const ErrorBody = z.looseObject({
  HttpStatusCode: z.number().optional(),
  StatusCode: z.number().optional(),
  Message: z.string().nullable().optional(),
  FlinksCode: z.string().nullable().optional(),
  ValidationDetails: z.record(z.string(), z.array(z.string())).nullable().optional(),
  RequestId: z.string().nullable().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const GeneratedToken = z.looseObject({ HttpStatusCode: z.number().optional(), Token: z.string().min(1) });

/** 200 from /DeleteCard: `{ StatusCode, Message }` (no HttpStatusCode). */
export const CardDeleted = z.looseObject({ StatusCode: z.number().optional(), HttpStatusCode: z.number().optional(), Message: z.string().nullable().optional() });

const Amount = WireAmount.nullable().optional();

export const Address = z.looseObject({
  CivicAddress: z.string().nullable().optional(),
  City: z.string().nullable().optional(),
  Province: z.string().nullable().optional(),
  PostalCode: z.string().nullable().optional(),
  POBox: z.string().nullable().optional(),
  Country: z.string().nullable().optional(),
});

/** KYC holder: an object today; a plain string in older FlinksCapital responses. */
export const Holder = z.union([
  z.string(),
  z.looseObject({
    Name: z.string().nullable().optional(),
    Address: Address.nullable().optional(),
    Email: z.string().nullable().optional(),
    PhoneNumber: z.string().nullable().optional(),
  }),
]);

export const WireTransaction = z.looseObject({
  /** `YYYY-MM-DD` (sometimes with a time part). */
  Date: z.string().min(10),
  Code: z.string().nullable().optional(),
  Description: z.string().nullable().optional(),
  Debit: Amount,
  Credit: Amount,
  Balance: Amount,
  Id: z.string().min(1),
});

export const WireAccount = z.looseObject({
  Id: z.string().min(1),
  Title: z.string().nullable().optional(),
  AccountNumber: z.string().nullable().optional(),
  LastFourDigits: z.string().nullable().optional(),
  TransitNumber: z.string().nullable().optional(),
  InstitutionNumber: z.string().nullable().optional(),
  OverdraftLimit: Amount,
  Balance: z.looseObject({ Available: Amount, Current: Amount, Limit: Amount }).nullable().optional(),
  /** Operations, Credits, Products, Other. */
  Category: z.string().nullable().optional(),
  /** Chequing, Savings, CreditCard, LineOfCredit, Mortgage, TFSA, … */
  Type: z.string().nullable().optional(),
  Currency: z.string().min(1),
  Holder: Holder.nullable().optional(),
  AccountType: z.string().nullable().optional(),
  Transactions: z.array(WireTransaction).nullable().optional(),
});
export type WireAccount = z.infer<typeof WireAccount>;
export type WireTransaction = z.infer<typeof WireTransaction>;

/** 200 from GetAccountsDetail / GetAccountsSummary (and their Async companions). */
export const AccountsResponse = z.looseObject({
  HttpStatusCode: z.number().optional(),
  Accounts: z.array(WireAccount).nullable(),
  Login: Login.nullable().optional(),
  Institution: z.string().nullable().optional(),
  RequestId: z.string().nullable().optional(),
});
export type AccountsResponse = z.infer<typeof AccountsResponse>;
