import type { ConnectionErrorOptions } from './errors.js';
import type { HttpRequest, HttpResponse, ProviderHttpConfig } from './http.js';
import type { Logger } from './logger.js';
import type { Account } from './model/account.js';
import type { ChallengeData, ChallengeDataInput, NormalizedAnswer } from './model/challenge.js';
import type { ErrorReason } from './model/status.js';
import type { AccountHolder, Transaction, TransactionQuery } from './model/transaction.js';
import type { Secrets } from './redact.js';
import type { SchemaInput, SchemaOutput, StandardSchemaV1 } from './schema.js';

/** A JSON value: what provider state must be, so that it can live in a checkpoint. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };

/** How the core polls a provider: after `intervalMs`, then backing off by `factor` up to `maxIntervalMs`, until `deadline`. */
export interface PollPlan {
  /** The first wait, in milliseconds. */
  intervalMs: number;
  /** The longest wait between two polls once backing off, in milliseconds. */
  maxIntervalMs?: number;
  /** 1 keeps the interval fixed (the provider's documented cadence); default 1.5. */
  factor?: number;
  /** ISO time after which waiting stops with `auth_expired` (or `deadlineReason`). */
  deadline?: string;
  /** The reason the connection fails with at the deadline (default `auth_expired`). */
  deadlineReason?: ErrorReason;
}

/** A challenge as an adapter describes it: the core adds `id` and `provider`. */
export type ChallengeSpec = ChallengeDataInput extends infer C ? (C extends unknown ? Omit<C, 'id' | 'provider'> : never) : never;

/** Details of an active connection, where the provider tells them. */
export interface ActiveInfo {
  /** When the consent runs out (ISO date-time): the `active` status's `consentExpiresAt`. */
  consentExpiresAt?: string;
  /** When the provider last refreshed the data (ISO date-time). */
  lastSyncedAt?: string;
}

/**
 * What one step of an authentication leads to. `state` is the adapter's whole
 * checkpointable memory (JSON, secret-free); `sealed` holds values that are
 * sensitive but needed later (a Powens user token): kept in memory, and in a
 * checkpoint only encrypted.
 */
export type Step<S, R> =
  | {
      /** The user has something to do: the core yields `challenge`. */
      kind: 'challenge';
      /** The adapter's state from now on. */
      state: S;
      /** Sensitive values for the steps that follow (replacing the previous ones). */
      sealed?: Record<string, string>;
      /** What to ask; the core gives it its `id` and `provider`. */
      challenge: ChallengeSpec;
      /** For a decoupled challenge: how to poll until it is approved. */
      poll?: PollPlan;
    }
  | {
      /** Nothing for the user to do: the core polls per `poll`. */
      kind: 'pending';
      /** The adapter's state from now on. */
      state: S;
      /** Sensitive values for the steps that follow. */
      sealed?: Record<string, string>;
      /** How to poll. */
      poll: PollPlan;
    }
  | {
      /** Authenticated: the connection is active. */
      kind: 'active';
      /** The adapter's state for the data calls. */
      state: S;
      /** Sensitive values the data calls need (a user token). */
      sealed?: Record<string, string>;
      /** The reference to store: what `bank.connection(provider, ref)` opens again later. */
      ref: R;
      /** Consent and sync dates, when the provider tells them. */
      info?: ActiveInfo;
    };

/** What a poll says while nothing has changed yet. */
export interface StillPending<S> {
  /** Nothing new: wait and poll again. */
  kind: 'still_pending';
  /** A new state to keep, when the poll changed it. */
  state?: S;
  /** The provider asked to wait at least until then (Retry-After). */
  retryAfter?: Date;
}

/** What an adapter has of a link between calls: its state, and its sealed values (in memory, or decrypted from a checkpoint). */
export interface Session<S> {
  /** The adapter's JSON state, as its last step or update left it. */
  readonly state: S;
  /** The sensitive values its steps sealed, by name. */
  readonly sealed: Readonly<Record<string, string>>;
}

/** What the core hands an adapter for one call: HTTP bound to the caller's signal, secrets and events. */
export interface AdapterContext {
  /** The provider id. */
  readonly provider: string;
  /** The caller's abort signal (and timeout): pass it to anything that waits. */
  readonly signal: AbortSignal;
  /** The values to redact: add a secret learned mid-flow (a token) before it can reach a log. */
  readonly secrets: Secrets;
  /** The logger the user configured, for the adapter's own lines (redact what you log). */
  readonly log: Logger;
  /**
   * True when a user is present (inside authenticate()); false for background calls
   * (accounts() on a stored link). Without a user, never trigger an SCA send: fail with
   * `sca_required` instead.
   */
  readonly interactive: boolean;
  /**
   * One HTTP request to the provider through the core: base URL, hooks, timeouts, retries
   * (never of a `sensitive` request), redaction, request events. A failed status throws the
   * typed error of the provider's failure table unless `expect` says otherwise.
   */
  request(req: HttpRequest): Promise<HttpResponse>;
  /**
   * Pages of a list that links to its next page. The core resolves each link against the
   * page that gave it, refuses a link to another origin (a bearer token never follows it),
   * stops a cycle, and bounds the number of pages.
   */
  paginate<T>(first: HttpRequest, read: (response: HttpResponse) => Page<T>): AsyncGenerator<T[], void, undefined>;
  /** The typed error for a failed answer, through the provider's failure table (for answers read with `expect: 'any'`). */
  failure(response: HttpResponse, hint?: Readonly<Record<string, string | number | boolean>>): Error;
  /**
   * Runs something whose failure must not fail the call (a notification, a cleanup):
   * a failure is logged at warn, redacted, and `false` is returned.
   */
  bestEffort(what: string, run: () => Promise<unknown>): Promise<boolean>;
  /**
   * The core's poller for provider operations that answer "still processing" (e.g. a
   * 202 on a data endpoint): waits per `plan`, honours Retry-After, the deadline and the
   * abort signal. `attempt` returns `{ kind: 'still_pending' }` to wait again. At the
   * deadline it throws `onDeadline()` or a ConnectionError with `plan.deadlineReason`.
   */
  poll<T>(plan: PollPlan, attempt: () => Promise<T | StillPending<unknown>>, onDeadline?: () => Error): Promise<T>;
  /** The current time in epoch milliseconds, from the configured clock (simulated in tests). */
  now(): number;
  /** Builds the typed failure for a normalized reason (use with `throw`). */
  fail(reason: ErrorReason, message: string, options?: ConnectionErrorOptions): Error;
  /**
   * Records what a call learned, for the calls and checkpoints that follow: a new state
   * (a cached session id), sealed values (a refreshed token), a new reference (a rotated
   * refresh token: the user is told through the `ref` event), consent dates.
   */
  update(patch: SessionUpdate<Json, unknown>): void;
}

/** What `ctx.update()` records; every field is optional and replaces what it names. */
export interface SessionUpdate<S, R> {
  /** The adapter's new state. */
  state?: S;
  /** Sealed values to set (merged over the current ones). */
  sealed?: Record<string, string>;
  /** A new reference to store (the user is told through the `ref` event). */
  ref?: R;
  /** New consent or sync dates. */
  info?: ActiveInfo;
}

/**
 * Why the core cancels a provider-side session: `cancelled` (the app left the loop or called
 * `cancel()`), `aborted` (the caller's signal fired), `failed` (the authentication failed).
 */
export type CancelCause = 'cancelled' | 'aborted' | 'failed';

/** One page of a paginated list: its items and the link to the next page, if any. */
export interface Page<T> {
  /** This page's items. */
  items: T[];
  /** The next page's URL (absolute or relative to this page); absent, null or '' on the last page. */
  next?: string | null | undefined;
}

/** What a provider action runs on: the connection's reference and its session, when one is open. */
export interface ActionTarget<Ref, S> {
  /** The connection's reference, once it is known. */
  readonly ref: Ref | undefined;
  /** Its session, while one is open (authenticated in this process, or resumed). */
  readonly session: Session<S> | undefined;
}

/** A provider's own operation beyond the common API (Powens' reconnect webview URL, Flinks statements). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProviderAction<Ref = any, S = any> = (ctx: AdapterContext, target: ActionTarget<Ref, S>, args: any) => Promise<unknown>;
/** A provider's actions by name: what `ProviderAdapter.actions` holds. */
export type ProviderActions = Readonly<Record<string, ProviderAction>>;

/** The schemas of a provider: Standard Schemas (zod, valibot, …), so their input and output types may differ. */
export interface ProviderSchemas<InputIn = unknown, Input = InputIn, RefIn = unknown, Ref = RefIn, S = Json> {
  /** What `bank.connect(id, input)` accepts (strict: a wrong field is an error). */
  readonly input: StandardSchemaV1<InputIn, Input>;
  /** What `bank.connection(id, ref)` accepts, and what an active connection's `ref` is. */
  readonly ref: StandardSchemaV1<RefIn, Ref>;
  /** The adapter's state; checked again when a checkpoint is resumed. */
  readonly state: StandardSchemaV1<unknown, S>;
}

/**
 * The one interface every provider implements. The core owns the loop, answer
 * validation, retries, redaction, polling, checkpoints and events; an adapter only
 * speaks its provider's endpoints and maps them to steps, challenges and accounts.
 */
export interface ProviderAdapter<
  Id extends string = string,
  Input = unknown,
  Ref = unknown,
  S extends Json = Json,
  InputIn = Input,
  RefIn = Ref,
  Actions extends ProviderActions = Record<never, never>,
> {
  /** The provider id: what `bank.connect(id, …)` names (lower case, e.g. `flinks`). */
  readonly id: Id;
  /** The schemas of its input, reference and state. */
  readonly schemas: ProviderSchemas<InputIn, Input, RefIn, Ref, S>;
  /** Its HTTP setup: base URL, headers, hooks, failure table. */
  readonly http: ProviderHttpConfig;
  /** Provider-level secrets (API keys, app secrets) to redact everywhere. */
  readonly secrets: readonly string[];
  /** The provider's own operations, on `conn.actions` (typed per provider). */
  readonly actions?: Actions;
  /**
   * The adapter's output is typed end to end (wire schemas validated, mapping typed): the
   * core may skip its second, model-schema pass in production. Tests check it anyway.
   */
  readonly typedOutput?: boolean;

  /** Starts a new link from the user's input. */
  start(ctx: AdapterContext, input: Input): Promise<Step<S, Ref>>;
  /** Opens an existing link; may be active at once or ask for SCA again. */
  open(ctx: AdapterContext, ref: Ref): Promise<Step<S, Ref>>;
  /** Sends a validated answer (at most once) and says what follows. */
  answer(ctx: AdapterContext, session: Session<S>, challenge: ChallengeData, answer: NormalizedAnswer): Promise<Step<S, Ref>>;
  /** One poll of a pending step or a decoupled challenge. */
  poll(ctx: AdapterContext, session: Session<S>, challenge: ChallengeData | undefined): Promise<Step<S, Ref> | StillPending<S>>;
  /** Asks for a new OTP (user-initiated only). */
  resend?(ctx: AdapterContext, session: Session<S>, challenge: ChallengeData): Promise<Step<S, Ref>>;
  /** Lists accounts of an active connection. */
  accounts(ctx: AdapterContext, session: Session<S>): Promise<Account[]>;
  /** Cancels the provider-side session where the provider has a way to. */
  cancel?(ctx: AdapterContext, session: Session<S>, cause: CancelCause): Promise<void>;
  /** Lists an account's transactions, one page per iteration (the core validates each). */
  transactions?(ctx: AdapterContext, session: Session<S>, accountId: string, query: TransactionQuery): AsyncIterable<Transaction[]>;
  /** Lists the holders of the connection's accounts. */
  holders?(ctx: AdapterContext, session: Session<S>): Promise<AccountHolder[]>;
  /** Deletes the connection and its data at the provider. */
  remove?(ctx: AdapterContext, session: Session<S>): Promise<void>;
  /** Asks the provider to refresh the connection's data without the user (no SCA send). */
  refresh?(ctx: AdapterContext, session: Session<S>): Promise<void>;
}

/** Any provider, whatever its types: what `new Polybank({ providers })` takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = ProviderAdapter<string, any, any, any, any, any, any>;
/** A provider's id type (`'flinks'`). */
export type ProviderId<P extends AnyProvider> = P['id'];
/** The provider of a union whose id is `Id`. */
export type ProviderById<P extends AnyProvider, Id extends string> = Extract<
  P,
  {
    /** The id picked. */
    id: Id;
  }
>;
/** What a user passes to `bank.connect()` for this provider: a wrong field is a compile error. */
export type InputOf<P extends AnyProvider> = P extends unknown ? SchemaInput<P['schemas']['input']> : never;
/** What a user passes to `bank.connection()` for this provider. */
export type RefInputOf<P extends AnyProvider> = P extends unknown ? SchemaInput<P['schemas']['ref']> : never;
/** What an active connection's `conn.ref` is for this provider. */
export type RefOf<P extends AnyProvider> = P extends unknown ? SchemaOutput<P['schemas']['ref']> : never;
/** What the adapter's `start()` receives (the parsed input, defaults applied). */
export type ParsedInputOf<P extends AnyProvider> = P extends unknown ? SchemaOutput<P['schemas']['input']> : never;

/** The `args` an action takes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ActionArgs<F> = F extends (ctx: AdapterContext, target: any, args: infer A) => Promise<unknown> ? A : never;
/** What an action resolves to. */
type ActionResult<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;
/** A provider's actions as the user calls them: `conn.actions.reconnectUrl({ redirectUri })`. */
export type ActionsOf<P extends AnyProvider> = P extends {
  /** The provider's actions, if it has any. */
  readonly actions?: infer A;
}
  ? { readonly [K in keyof NonNullable<A>]: (args: ActionArgs<NonNullable<A>[K]>, options?: { signal?: AbortSignal }) => Promise<ActionResult<NonNullable<A>[K]>> }
  : Record<never, never>;
