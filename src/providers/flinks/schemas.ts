/**
 * Flinks v3 BankingServices: what users pass in (connect input, connection reference),
 * what the adapter remembers between steps (a union on `phase`), and the wire formats
 * (zod/mini: the single source of the wire types). Response schemas are loose: Flinks adds
 * fields over time, and older shapes stay valid (research notes §2.2, §4.1:
 * InstitutionName/InstitutionId, Holder as a string, …).
 */
import * as z from 'zod/mini';

/** zod/mini ships no English messages: each user-facing schema says its own. */
const said = (message: string) => ({ error: message });
const unknownKeys = {
  error: (issue: { code?: string; keys?: string[] }) => (issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).join(', ')}` : 'expected an object'),
};
const required = (what: string) => z.string(said(`${what} must be a string`)).check(z.minLength(1, `${what} is required`));

// ---------------------------------------------------------------- user input

/** `bank.connect('flinks', …)`: a new link in live mode (credentials go to the bank through Flinks). */
export const FlinksInput = z.strictObject(
  {
    /** Flinks institution name, e.g. `FlinksCapital`, `RBC`, `TD`. */
    institution: required('institution'),
    /** The user's user name at the bank. */
    username: required('username'),
    /** The user's password at the bank: sent once, to /Authorize, never stored. */
    password: required('password'),
    /** Language of the MFA prompts; part of what identifies a LoginId. */
    language: z.optional(z.enum(['en', 'fr'], said('language must be en or fr'))),
    /** Keep the data and credentials at Flinks after the session (default true: needed to reopen by LoginId). */
    save: z.optional(z.boolean(said('save must be true or false'))),
    /** A string Flinks echoes back (e.g. your user id). */
    tag: z.optional(z.string(said('tag must be a string'))),
  },
  unknownKeys,
);
/** What users pass to `bank.connect('flinks', input)`. */
export type FlinksInput = z.input<typeof FlinksInput>;
/** What the adapter receives: the input as parsed. */
export type ParsedFlinksInput = z.output<typeof FlinksInput>;

/** Flinks identifiers are GUID-shaped (the docs' own examples use placeholders such as xxxxxxxx-xxxx-…). */
export const GUID_SHAPED = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i;

/** `bank.connection('flinks', …)` and `conn.ref`: the LoginId of a saved link. */
export const FlinksRef = z.strictObject(
  {
    /** Flinks' LoginId of the saved link. */
    loginId: z.string(said('loginId must be a string')).check(z.regex(GUID_SHAPED, 'expected a Flinks LoginId (a GUID)')),
  },
  unknownKeys,
);
/** What to store to reopen a Flinks link: `{ loginId }`. */
export type FlinksRef = z.output<typeof FlinksRef>;
/** What `bank.connection('flinks', ref)` accepts. */
export type FlinksRefInput = z.input<typeof FlinksRef>;

// ---------------------------------------------------------------- adapter state

/** How one SecurityChallenge is answered. */
export const PromptKind = z.enum(['text', 'pick', 'single', 'multiple', 'image', 'text_or_call', 'device']);
export type PromptKind = z.output<typeof PromptKind>;

/**
 * What answering one SecurityChallenge needs, and nothing more: its key (the prompt text,
 * exactly as sent) and the offered strings sent back verbatim. Images are not kept here:
 * the pending challenge already holds them (a checkpoint stores each image once); only
 * what precedes a data: URL's base64 is kept, to send the offered string back exactly.
 */
export const StatePrompt = z.object({
  /** How it is answered. */
  kind: PromptKind,
  /** The prompt text, exactly as Flinks sent it: the key of its SecurityResponses entry. */
  key: z.string(),
  /** The offered strings (choices, questions, phone numbers), in order. */
  values: z.optional(z.array(z.string())),
  /** For images sent as data: URLs, what precedes each one's data (`data:image/png;base64,`); '' for bare base64. */
  heads: z.optional(z.array(z.string())),
});
export type StatePrompt = z.output<typeof StatePrompt>;

/** Which data request a RequestId served: Flinks keys async results by RequestId alone, so one RequestId serves one request. */
export const DataAsk = z.string().check(z.maxLength(200));

const Link = {
  /** The LoginId, once Flinks gave one. */
  loginId: z.optional(z.string()),
  /** The institution name, as given. */
  institution: z.optional(z.string()),
};

/** What the adapter remembers between steps (JSON, secret-free, small: it goes into checkpoints). */
export const FlinksState = z.discriminatedUnion('phase', [
  /** A 203: MFA prompts to answer on `requestId` (a trusted-device prompt is polled). */
  z.object({
    /** MFA prompts wait for the user. */
    phase: z.literal('mfa'),
    /** The RequestId the answers go to. */
    requestId: z.string(),
    /** What answering each prompt needs. */
    prompts: z.array(StatePrompt).check(z.minLength(1)),
    /** /AuthorizeAsync answered a trusted-device confirmation 202: the next poll asks for its outcome. */
    processing: z.optional(z.boolean()),
    ...Link,
  }),
  /** A 202 from /Authorize: polled with the RequestId alone. */
  z.object({
    /** Flinks is still processing. */
    phase: z.literal('pending'),
    /** The RequestId to poll. */
    requestId: z.string(),
    /** The delivery chosen for a TextOrCall code, when the 202 answered that choice (the code prompt follows). */
    codeMethod: z.optional(z.enum(['Text', 'Call'])),
    ...Link,
  }),
  /** An open link; `session` is the data session in use, once one is open. */
  z.object({
    /** Authenticated. */
    phase: z.literal('active'),
    /** The LoginId of the link. */
    loginId: z.string(),
    /** The institution name, when known. */
    institution: z.optional(z.string()),
    /** The data session in use, once one is open. */
    session: z.optional(
      z.object({
        /** The session's RequestId. */
        requestId: z.string(),
        /** The data request this RequestId served, if any (see DataAsk). */
        asked: z.optional(DataAsk),
        /** When the RequestId was last used (it lapses after 8 idle minutes). */
        usedAt: z.string(),
      }),
    ),
  }),
]);
/** The Flinks adapter's state, a union on `phase` (what a checkpoint carries). */
export type FlinksState = z.output<typeof FlinksState>;
export type MfaState = Extract<FlinksState, { phase: 'mfa' }>;
export type ActiveState = Extract<FlinksState, { phase: 'active' }>;

// ---------------------------------------------------------------- wire

const text = z.nullish(z.string());
const flag = z.nullish(z.boolean());
const int = z.optional(z.number());
/** A provider amount as it comes on the wire: a JSON number or a decimal string. */
const Amount = z.nullish(z.union([z.number(), z.string()]));

/** One SecurityChallenges entry as Flinks sends it. */
export const SecurityChallenge = z.looseObject({
  Type: z.string().check(z.minLength(1)),
  Prompt: z.string(),
  Iterables: z.nullish(z.array(z.string())),
});
export type SecurityChallenge = z.output<typeof SecurityChallenge>;

export const Login = z.looseObject({
  Username: text,
  IsScheduledRefresh: flag,
  /** UTC without offset: `2020-04-15T22:46:03.1690585`. */
  LastRefresh: text,
  /** `Personal`, `Business` or null. */
  Type: text,
  /** The LoginId. */
  Id: z.string().check(z.minLength(1)),
});

/** 200 from /Authorize: the session is open; `Login.Id` is the LoginId to keep. */
export const Authorized = z.looseObject({
  HttpStatusCode: int,
  Login,
  Institution: text,
  InstitutionName: text,
  InstitutionId: z.nullish(z.number()),
  RequestId: z.string().check(z.minLength(1)),
  Tag: text,
});

/** 203 from /Authorize: MFA. The RequestId is kept across the round trips (it may be omitted on a re-prompt). */
export const MfaPrompt = z.looseObject({
  HttpStatusCode: int,
  SecurityChallenges: z.array(SecurityChallenge).check(z.minLength(1)),
  RequestId: z.optional(z.string().check(z.minLength(1))),
  Institution: text,
});

/** 202: OPERATION_PENDING or OPERATION_DISPATCHED, to be polled. */
export const Accepted = z.looseObject({
  HttpStatusCode: int,
  FlinksCode: text,
  Message: text,
  RequestId: z.optional(z.string().check(z.minLength(1))),
});

/** The error envelope; /DeleteCard says `StatusCode` where the others say `HttpStatusCode`. */
export const ErrorBody = z.looseObject({
  HttpStatusCode: int,
  StatusCode: int,
  Message: text,
  FlinksCode: text,
  ValidationDetails: z.nullish(z.record(z.string(), z.array(z.string()))),
  RequestId: text,
});

export const GeneratedToken = z.looseObject({ HttpStatusCode: int, Token: z.string().check(z.minLength(1)) });

/** 200 from /DeleteCard: `{ StatusCode, Message }` (no HttpStatusCode). */
export const CardDeleted = z.looseObject({ StatusCode: int, HttpStatusCode: int, Message: text });

export const Address = z.looseObject({
  CivicAddress: text,
  City: text,
  Province: text,
  PostalCode: text,
  POBox: text,
  Country: text,
});

/** KYC holder: an object today; a plain string in older FlinksCapital responses. */
export const Holder = z.union([z.string(), z.looseObject({ Name: text, Address: z.nullish(Address), Email: text, PhoneNumber: text })]);

export const WireTransaction = z.looseObject({
  /** `YYYY-MM-DD` (sometimes with a time part). */
  Date: z.string().check(z.minLength(10)),
  Code: text,
  Description: text,
  Debit: Amount,
  Credit: Amount,
  Balance: Amount,
  Id: z.string().check(z.minLength(1)),
});

export const WireAccount = z.looseObject({
  Id: z.string().check(z.minLength(1)),
  Title: text,
  AccountNumber: text,
  LastFourDigits: text,
  TransitNumber: text,
  InstitutionNumber: text,
  OverdraftLimit: Amount,
  Balance: z.nullish(z.looseObject({ Available: Amount, Current: Amount, Limit: Amount })),
  /** Operations, Credits, Products, Other. */
  Category: text,
  /** Chequing, Savings, CreditCard, LineOfCredit, Mortgage, TFSA, … */
  Type: text,
  Currency: z.string().check(z.minLength(1)),
  Holder: z.nullish(Holder),
  AccountType: text,
  Transactions: z.nullish(z.array(WireTransaction)),
});
export type WireAccount = z.output<typeof WireAccount>;
export type WireTransaction = z.output<typeof WireTransaction>;

/** 200 from GetAccountsDetail / GetAccountsSummary (and their Async companions). */
export const AccountsResponse = z.looseObject({
  HttpStatusCode: int,
  Accounts: z.nullable(z.array(WireAccount)),
  Login: z.nullish(Login),
  Institution: text,
  RequestId: text,
});
export type AccountsResponse = z.output<typeof AccountsResponse>;

/** 200 from GetStatements (and GetStatementsAsync): PDFs as base64, per account number. */
export const StatementsResponse = z.looseObject({
  HttpStatusCode: int,
  StatementsByAccount: z.nullable(
    z.array(
      z.looseObject({
        AccountNumber: text,
        Statements: z.nullable(z.array(z.looseObject({ UniqueId: z.string().check(z.minLength(1)), FileType: text, Base64Bytes: z.string() }))),
      }),
    ),
  ),
  Login: z.nullish(Login),
  Institution: text,
  RequestId: text,
});
export type StatementsResponse = z.output<typeof StatementsResponse>;

/** 200 from PATCH /SetScheduledRefresh: a JSON string, "… {loginId} has now been activated|deactivated for automatic refresh". */
export const ScheduledRefreshSet = z.string();

// ---------------------------------------------------------------- actions

/** `conn.actions.statements(args)`: which PDF statements to fetch. */
export const StatementsArgs = z.strictObject(
  {
    /** Account ids (`Account.id`) to restrict to; all accounts when absent. Months12 needs exactly one. */
    accounts: z.optional(z.array(z.string(said('accounts must be account ids')).check(z.minLength(1, 'an account id is required'))).check(z.minLength(1, 'give at least one account id'))),
    /** `MostRecent` (default), `Months3` or `Months12`, as Flinks names them. */
    period: z.optional(z.enum(['MostRecent', 'Months3', 'Months12'], said('period must be MostRecent, Months3 or Months12'))),
  },
  unknownKeys,
);
/** The arguments of `conn.actions.statements(args)`; all optional. */
export type StatementsArgs = z.input<typeof StatementsArgs>;

/** `conn.actions.scheduledRefresh(args)`: Flinks' nightly refresh of this link, on or off. */
export const ScheduledRefreshArgs = z.strictObject(
  {
    /** On or off. */
    enabled: z.boolean(said('enabled must be true or false')),
  },
  unknownKeys,
);
/** The arguments of `conn.actions.scheduledRefresh(args)`. */
export type ScheduledRefreshArgs = z.input<typeof ScheduledRefreshArgs>;
