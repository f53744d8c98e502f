/**
 * What users pass to polybank for GoCardless, what they store, and what the adapter keeps
 * between steps: ids, dates and scopes only, never a token (tokens are the application's,
 * held in memory by the provider).
 */
import { z } from 'zod';

export const SCOPES = ['balances', 'details', 'transactions'] as const;
export type Scope = (typeof SCOPES)[number];

/** An id GoCardless gives (requisitions, agreements, accounts): safe as one path segment. */
export const WireId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'expected an identifier usable as a path segment');

/**
 * `bank.connect('gocardless', input)`. `institutionId` comes from GoCardless's list of
 * institutions (`SANDBOXFINANCE_SFIN0000`, `REVOLUT_REVOLT21`…); `redirectUri` is where the
 * bank sends the user back, with `?ref=`. The days default to 90, within what the bank allows.
 */
export const Input = z.strictObject({
  institutionId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected a GoCardless institution id such as "SANDBOXFINANCE_SFIN0000"'),
  redirectUri: z.url({ protocol: /^https?$/ }).max(1024),
  /** Days of transaction history to ask for: 1..730, at most the bank's `transaction_total_days`. */
  maxHistoricalDays: z.number().int().min(1).max(730).optional(),
  /** Days the access lasts from the user's consent: 1..180, at most the bank's `max_access_valid_for_days`. */
  accessValidForDays: z.number().int().min(1).max(180).optional(),
  /** What the access covers (default: all three). */
  accessScope: z
    .array(z.enum(SCOPES))
    .min(1)
    .refine((scopes) => new Set(scopes).size === scopes.length, 'a scope is listed twice')
    .optional(),
  /** The language of GoCardless's pages (ISO 639-1, e.g. `EN`). */
  userLanguage: z.string().regex(/^[A-Za-z]{2}$/, 'expected a two-letter language code').optional(),
  /** Let the user pick which accounts to share (needs the bank's `account_selection` feature). */
  accountSelection: z.boolean().optional(),
  /** Send the user back as soon as the accounts are known. */
  redirectImmediate: z.boolean().optional(),
  /** The user's social security number, for banks that verify ownership (a secret: redacted, never stored). */
  ssn: z.string().min(1).max(64).optional(),
});
export type GoCardlessInput = z.input<typeof Input>;
export type ParsedInput = z.output<typeof Input>;

/** What to store to reopen the link: the requisition. Not a secret without the app's user secret. */
export const Ref = z.strictObject({ requisitionId: WireId });
export type GoCardlessRef = z.output<typeof Ref>;

const Link = {
  requisitionId: WireId,
  agreementId: WireId,
  institutionId: z.string(),
  accessScope: z.array(z.enum(SCOPES)),
};

/** The adapter's checkpointable memory, a union on the phase. */
export const State = z.discriminatedUnion('phase', [
  /** The user is at the bank: the callback must carry `reference` as `ref`. */
  z.object({ phase: z.literal('redirect'), ...Link, reference: z.string() }),
  /** The user is back; the bank is still finishing (SA, GA…) until `deadline`. */
  z.object({ phase: z.literal('linking'), ...Link, deadline: z.iso.datetime({ offset: true }) }),
  z.object({ phase: z.literal('active'), ...Link, accounts: z.array(WireId), consentExpiresAt: z.iso.datetime({ offset: true }).optional() }),
]);
export type GoCardlessState = z.output<typeof State>;
export type ActiveState = Extract<GoCardlessState, { phase: 'active' }>;
