/**
 * What users give and get back (connect input, stored reference, action arguments) and
 * the adapter's checkpointable state: a union on `phase`, JSON and secret-free (the user
 * token lives in `sealed`).
 */
import * as z from 'zod/mini';
import { redirectUriProblem } from '../config.js';
import { WEBVIEW_LANGUAGES } from '../webview.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const NUMERIC_ID = /^[1-9]\d*$/;
const PowensId = z.int().check(z.positive());
const Text = z.string().check(z.minLength(1));
const RedirectUri = z.string().check(z.refine((v) => redirectUriProblem(v) === undefined, 'an absolute http(s) URL without query parameters'));

/** What `bank.connect('powens', input)` takes. */
export const PowensInput = z.strictObject({
  /** The connector UUID (stable across domains); a numeric connector id is accepted (deprecated). */
  connector: z.string().check(z.refine((v) => UUID.test(v) || NUMERIC_ID.test(v), 'expected a connector UUID (or its numeric id)')),
  /** The connector's field values (`login`, `password`, …). Without them, a `credentials` challenge asks for them. */
  fields: z.optional(z.record(Text, z.string())),
  /** A connector source (`openapi`, `directaccess`, …) to target. */
  source: z.optional(z.string().check(z.regex(/^[a-z]+$/, 'a source name: lower-case letters'))),
  /**
   * How the user signs in: `credentials` (fields posted through the API) or `webauth` (the
   * bank's own page, a redirect). Default: credentials when the connector has credential
   * fields, else webauth when it offers it.
   */
  authMechanism: z.optional(z.enum(['credentials', 'webauth'])),
  /** An existing Powens user to add the connection to; without it a new user is created (`/auth/init`). */
  user: z.optional(
    z.strictObject({
      /** The Powens user id. */
      id: PowensId,
      /** Its token; without it one is obtained with `/auth/renew` (client credentials). */
      token: z.optional(Text),
    }),
  ),
  /** Where Powens sends the user back after a webauth; overrides the factory's. */
  redirectUri: z.optional(RedirectUri),
});
export type PowensInput = z.output<typeof PowensInput>;
/** What `bank.connect('powens', input)` accepts (before defaults). */
export type PowensInputIn = z.input<typeof PowensInput>;

/** What to store to reopen the connection: no secret (a token is obtained with `/auth/renew`). */
export const PowensRef = z.strictObject({
  /** Powens' id of the connection. */
  connectionId: PowensId,
  /** The Powens user it belongs to. */
  userId: PowensId,
  /** Optional: a user token you keep yourself (then no `/auth/renew`); a secret, kept out of checkpoints unless encrypted. */
  userToken: z.optional(Text),
});
export type PowensRef = z.output<typeof PowensRef>;
/** What `bank.connection('powens', ref)` accepts. */
export type PowensRefIn = z.input<typeof PowensRef>;

const Int = z.int();
/** What every phase may know of the link being made. */
const Common = {
  /** The connector source targeted, when one was given. */
  source: z.optional(z.string()),
  /** Where the webauth sends the user back. */
  redirectUri: z.optional(z.string()),
  /** The user was created by this flow (`/auth/init`): deleted again if the flow does not finish. */
  userCreated: z.optional(z.boolean()),
};

/** The adapter's checkpointable memory: ids and flags, never the token (that is in `sealed`). */
export const PowensState = z.discriminatedUnion('phase', [
  /** The connector's fields are asked; no connection exists yet (a user may). */
  z.strictObject({
    /** Asking for the connector's fields. */
    phase: z.literal('credentials'),
    /** The connector UUID. */
    connector: z.string(),
    /** The Powens user, once there is one. */
    userId: z.optional(Int),
    ...Common,
  }),
  /** A new connection through the bank's page: no connection exists until the callback names it. */
  z.strictObject({
    /** The user is away on the bank's page. */
    phase: z.literal('webauth'),
    /** The connector UUID. */
    connector: z.string(),
    /** The Powens user. */
    userId: Int,
    ...Common,
  }),
  /** A connection exists and is being authenticated. */
  z.strictObject({
    /** Authenticating an existing connection. */
    phase: z.literal('connection'),
    /** Powens' id of the connection. */
    connectionId: Int,
    /** The Powens user. */
    userId: Int,
    ...Common,
    /** The connection was created (or taken over) by this flow: deleted on break/abort/failure. */
    ownsConnection: z.optional(z.boolean()),
    /** The last connection state seen. */
    powensState: z.nullable(z.string()),
    /** The field names an `otp`/`questions`/`credentials` challenge on the connection answers. */
    fieldNames: z.optional(z.array(z.string())),
    /** `{ resume: true }` was posted for the current decoupled approval. */
    resumed: z.optional(z.boolean()),
    /** A sync was forced for SCARequired: a second SCARequired is not forced again. */
    forced: z.optional(z.boolean()),
  }),
  /** Synced: data calls read it. */
  z.strictObject({
    /** Synced. */
    phase: z.literal('active'),
    /** Powens' id of the connection. */
    connectionId: Int,
    /** The Powens user. */
    userId: Int,
    /** The connector source, when one was targeted. */
    source: z.optional(z.string()),
  }),
]);
export type PowensState = z.output<typeof PowensState>;
export type PowensPhase<P extends PowensState['phase']> = Extract<PowensState, { phase: P }>;

// ---------------------------------------------------------------- actions

const State = z.string().check(z.regex(/^[\x21-\x7e]{1,256}$/, 'printable ASCII, at most 256 characters'));

/** `conn.actions.reconnectUrl(args)`. */
export const ReconnectUrlArgs = z.strictObject({
  /** Where the webview sends the user back (no query string). */
  redirectUri: RedirectUri,
  /** Carried back on the callback; default: a random one (returned). Store it: `completeReconnect` checks it. */
  state: z.optional(State),
  /** The webview's language. Default `en`. */
  lang: z.optional(z.enum(WEBVIEW_LANGUAGES)),
  /** Ask the credentials again (a `wrongpass` connection). */
  resetCredentials: z.optional(z.boolean()),
});
export type ReconnectUrlArgs = z.input<typeof ReconnectUrlArgs>;

/** `conn.actions.completeReconnect(args)`. */
export const CompleteReconnectArgs = z.strictObject({
  /** The callback URL (or its query string, or its parameters) the webview sent the user back to. */
  callback: z.union([
    z.string(),
    z.custom<URL>((value) => value instanceof URL, 'a URL'),
    z.custom<URLSearchParams>((value) => value instanceof URLSearchParams, 'URLSearchParams'),
    z.record(z.string(), z.string()),
  ]),
  /** The `state` `reconnectUrl` returned: a callback that does not carry it back is refused. */
  state: State,
});
export type CompleteReconnectArgs = z.input<typeof CompleteReconnectArgs>;

/** `conn.actions.enableAccounts(args)` / `disableAccounts(args)`. */
export const AccountsArgs = z.strictObject({
  /** Account ids of this connection (`account.id`). */
  accountIds: z.array(z.string().check(z.regex(NUMERIC_ID, 'a Powens account id (digits)'))).check(z.minLength(1, 'give at least one account id')),
});
export type AccountsArgs = z.input<typeof AccountsArgs>;
