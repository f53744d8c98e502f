import { REASONS, type ErrorReason, type UserAction } from './model/status.js';

// A registry symbol, not a class check, so guards work across realms and duplicate installs.
const BRAND = Symbol.for('polybank.error');
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What an error carries besides its message: the fields of the same names on {@link PolybankError}. */
export interface PolybankErrorOptions {
  /** The provider id involved. */
  provider?: string;
  /** The provider's own code or state. */
  providerCode?: string;
  /** Whether trying again later may succeed without the user (default: false, or the class's own). */
  retryable?: boolean;
  /** When trying again makes sense (a rate limit's reset, a `Retry-After`). */
  retryAfter?: Date;
  /** HTTP status of the provider response. */
  status?: number;
  /** Provider endpoint name. */
  endpoint?: string;
  /** The provider's id of the request that failed (Flinks `RequestId`, `x-request-id`, …). */
  requestId?: string;
  /** The underlying error, kept as the standard `error.cause`. */
  cause?: unknown;
}

/** The base of every error polybank throws. */
export class PolybankError extends Error {
  /** Marks polybank's errors across realms and duplicate installs: what `isPolybankError` reads. */
  declare readonly [BRAND]: true;
  /** The concrete class, readable across realms: 'ValidationError', 'ConnectionError', … */
  readonly kind: string = 'PolybankError';
  /** A stable machine code: `validation`, `invalid_answer`, or for ConnectionError the reason. */
  readonly code: string;
  /** The provider id involved, when there is one. */
  readonly provider?: string;
  /** The provider's own code or state (FlinksCode, Powens error code, Fintecture errors[].code, …). */
  readonly providerCode?: string;
  /** True when trying the same thing again later may succeed without the user. */
  readonly retryable: boolean;
  /** When trying again makes sense (a rate limit's reset, a `Retry-After`), when known. */
  readonly retryAfter?: Date;
  /** HTTP status of the provider response, when there is one. */
  readonly status?: number;
  /** Provider endpoint name, e.g. `Authorize`, `POST /users/me/connections`. */
  readonly endpoint?: string;
  /** The provider's id of the request that failed, to quote to its support. */
  readonly requestId?: string;

  constructor(code: string, message: string, options: PolybankErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.provider !== undefined) this.provider = options.provider;
    if (options.providerCode !== undefined) this.providerCode = options.providerCode;
    // An Invalid Date (from a hostile header somewhere) is no date: JSON and inspect must never throw.
    if (options.retryAfter instanceof Date && !Number.isNaN(options.retryAfter.getTime())) this.retryAfter = options.retryAfter;
    if (options.status !== undefined) this.status = options.status;
    if (options.endpoint !== undefined) this.endpoint = options.endpoint;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }

  /** The error as JSON for logs: name, kind, code, message and the fields that are set (never a secret, never the cause). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, kind: this.kind, code: this.code, message: this.message };
    for (const key of ['provider', 'providerCode', 'retryable', 'status', 'endpoint', 'requestId'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    if (this.retryAfter && !Number.isNaN(this.retryAfter.getTime())) out.retryAfter = this.retryAfter.toISOString();
    return out;
  }

  /** What Node's `util.inspect` (and so `console.log`) prints: the stack, then {@link toJSON}'s fields. */
  [INSPECT](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n  ${JSON.stringify(this.toJSON())}`;
  }
}

/** A provider factory or Polybank option is wrong: fails at construction, before any request. */
export class ConfigurationError extends PolybankError {
  override readonly kind = 'ConfigurationError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('configuration', message, options);
  }
}

/** One problem found in an input or an answer. */
export interface Issue {
  /** Where, as a dotted path (`fields.password`, `callback.state`); '' for the value as a whole. */
  path: string;
  /** What is wrong, in words. */
  message: string;
}

function describeIssues(issues: readonly Issue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

/** Input given to the SDK is wrong (connect input, connection ref, options): nothing was sent. */
export class ValidationError extends PolybankError {
  override readonly kind: string = 'ValidationError';
  /** Every problem found, not only the first. */
  readonly issues: readonly Issue[];
  constructor(what: string, issues: readonly Issue[], options: PolybankErrorOptions = {}) {
    super('validation', `${what}: ${describeIssues(issues)}`, options);
    this.issues = issues;
  }
}

/** An answer does not fit its challenge: nothing was sent; answer again. */
export class InvalidAnswerError extends ValidationError {
  override readonly kind = 'InvalidAnswerError';
  override readonly code = 'invalid_answer';
  /** The `id` of the challenge the answer was for. */
  readonly challengeId: string;
  constructor(challengeId: string, issues: readonly Issue[], options: PolybankErrorOptions = {}) {
    super(`Invalid answer to challenge ${challengeId}`, issues, options);
    this.challengeId = challengeId;
  }
}

/** The loop was driven wrongly: moved on without answering, answered twice, authenticated twice at once. */
export class ChallengeStateError extends PolybankError {
  override readonly kind = 'ChallengeStateError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('challenge_state', message, options);
  }
}

/** A provider answered something that does not match its documented format. */
export class ProviderResponseError extends PolybankError {
  override readonly kind = 'ProviderResponseError';
  /** The field at fault, as a dotted path (`Accounts.0.Balance.Current`), or '' for the whole body. */
  readonly field: string;
  constructor(provider: string, endpoint: string, field: string, detail: string, options: PolybankErrorOptions = {}) {
    super(
      'provider_response',
      `${provider} ${endpoint} returned an unexpected response${field ? ` at ${field}` : ''}: ${detail}`,
      { retryable: false, ...options, provider, endpoint },
    );
    this.field = field;
  }
}

/** The request never got an HTTP response (DNS, refused, reset). */
export class NetworkError extends PolybankError {
  override readonly kind = 'NetworkError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('network', message, { retryable: true, ...options });
  }
}

/** The provider did not answer in time. */
export class TimeoutError extends PolybankError {
  override readonly kind = 'TimeoutError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('timeout', message, { retryable: true, ...options });
  }
}

/** The caller aborted through its AbortSignal. */
export class AbortedError extends PolybankError {
  override readonly kind = 'AbortedError';
  constructor(message = 'The operation was aborted', options: PolybankErrorOptions = {}) {
    super('aborted', message, options);
  }
}

/** A checkpoint is malformed, of an unknown version, tampered with, or for a provider not configured. */
export class CheckpointError extends PolybankError {
  override readonly kind = 'CheckpointError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('checkpoint', message, options);
  }
}

/** The provider does not support what was asked (e.g. decoupled auth at a bank that only redirects). */
export class UnsupportedError extends PolybankError {
  override readonly kind = 'UnsupportedError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('unsupported', message, options);
  }
}

/** Two instances answered the same challenge: this one lost, nothing was sent by it. */
export class ConflictError extends PolybankError {
  override readonly kind = 'ConflictError';
  constructor(message: string, options: PolybankErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** What a {@link ConnectionError} carries besides its reason and message. */
export interface ConnectionErrorOptions extends PolybankErrorOptions {
  /** The provider's message meant for the end user. */
  userMessage?: string;
}

/**
 * The connection cannot become (or stay) usable. `code` is the normalized reason
 * from the reason table; `retryable` and `userAction` come from that table.
 */
export class ConnectionError extends PolybankError {
  override readonly kind = 'ConnectionError';
  /** The reason, as the machine code. */
  declare readonly code: ErrorReason;
  /** Why the connection is not usable (see {@link ErrorReason}). */
  readonly reason: ErrorReason;
  /** What the user (or the app) has to do before trying again, from the reason table. */
  readonly userAction: UserAction;
  /** The provider's message meant for the end user, when it sent one: safe to show. */
  readonly userMessage?: string;
  constructor(reason: ErrorReason, message: string, options: ConnectionErrorOptions = {}) {
    super(reason, message, { retryable: REASONS[reason].retryable, ...options });
    this.reason = reason;
    this.userAction = REASONS[reason].userAction;
    if (options.userMessage !== undefined) this.userMessage = options.userMessage;
  }

  override toJSON(): Record<string, unknown> {
    const out = super.toJSON();
    out.reason = this.reason;
    out.userAction = this.userAction;
    if (this.userMessage !== undefined) out.userMessage = this.userMessage;
    return out;
  }
}

// ---------------------------------------------------------------- guards (cross-realm)

/** Whether a value is an error polybank threw (any class), also across realms and duplicate installs. */
export function isPolybankError(value: unknown): value is PolybankError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

function guard<T extends PolybankError>(...kinds: string[]): (value: unknown) => value is T {
  return (value: unknown): value is T => isPolybankError(value) && kinds.includes(value.kind);
}

/**
 * Whether a value is a {@link ConfigurationError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isConfigurationError = guard<ConfigurationError>('ConfigurationError');
/**
 * Whether a value is a {@link ValidationError} (an {@link InvalidAnswerError} included), by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isValidationError = guard<ValidationError>('ValidationError', 'InvalidAnswerError');
/**
 * Whether a value is an {@link InvalidAnswerError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isInvalidAnswerError = guard<InvalidAnswerError>('InvalidAnswerError');
/**
 * Whether a value is a {@link ChallengeStateError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isChallengeStateError = guard<ChallengeStateError>('ChallengeStateError');
/**
 * Whether a value is a {@link ProviderResponseError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isProviderResponseError = guard<ProviderResponseError>('ProviderResponseError');
/**
 * Whether a value is a {@link NetworkError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isNetworkError = guard<NetworkError>('NetworkError');
/**
 * Whether a value is a {@link TimeoutError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isTimeoutError = guard<TimeoutError>('TimeoutError');
/**
 * Whether a value is an {@link AbortedError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isAbortedError = guard<AbortedError>('AbortedError');
/**
 * Whether a value is a {@link CheckpointError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isCheckpointError = guard<CheckpointError>('CheckpointError');
/**
 * Whether a value is an {@link UnsupportedError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isUnsupportedError = guard<UnsupportedError>('UnsupportedError');
/**
 * Whether a value is a {@link ConflictError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isConflictError = guard<ConflictError>('ConflictError');
/**
 * Whether a value is a {@link ConnectionError}, by its `kind`: works across realms and duplicate installs, where `instanceof` does not.
 *
 * @function
 */
export const isConnectionError = guard<ConnectionError>('ConnectionError');
