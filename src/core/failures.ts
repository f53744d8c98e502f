/**
 * The one place that turns a provider's failed answer into a typed error: the provider's
 * code table first, then its status table, then one HTTP-status fallback for everyone
 * (5xx → provider_unavailable, 429 → rate_limited). Provider folders only declare tables.
 */
import { ConnectionError, ProviderResponseError, type ConnectionErrorOptions } from './errors.js';
import type { HttpResponse } from './http.js';
import type { ErrorReason } from './model/status.js';

/** What a provider's error body says, read tolerantly (every field optional). */
export interface ProviderFailure {
  /** The provider's own code (FlinksCode, `errors[0].code`, Powens `code`). */
  code?: string;
  /** What went wrong, for developers (goes into `error.message`, redacted). */
  message?: string;
  /** Text the provider meant for the end user. */
  userMessage?: string;
  /** When the provider says to come back (a body field; headers are read by the core). */
  retryAfter?: Date;
}

/** One row of a code table: the reason, and what the app should understand. */
export interface CodeRow {
  /** The normalized reason the code means. */
  reason: ErrorReason;
  /** What the code means, in words: put before the provider's message in `error.message`. */
  explain?: string;
}

/** Request-specific context a table's `special` rule may need ("a 404 here means deleted"). */
export type FailureHint = Readonly<Record<string, string | number | boolean>>;

/** How a provider's failed answers become typed errors: its code table, its status table, its special rules. */
export interface FailureTable {
  /** Reads the provider's error body; undefined when it is not one (an HTML page, an empty body). */
  read(response: HttpResponse): ProviderFailure | undefined;
  /** Provider code → reason. Looked up as an own property only (a code `constructor` is not a row). */
  codes: Readonly<Record<string, ErrorReason | CodeRow>>;
  /** Codes compare case-insensitively (the table's keys are then upper case). */
  caseInsensitive?: boolean;
  /** HTTP status → reason, for answers without a known code, before the core's fallback. */
  statuses?: Readonly<Partial<Record<number, ErrorReason>>>;
  /**
   * Rules a table cannot say: a reason (or a whole error) for this response, given the
   * request's hint and what `read` found; undefined leaves it to the tables.
   */
  special?(response: HttpResponse, failure: ProviderFailure | undefined, hint: FailureHint | undefined): ErrorReason | Error | undefined;
}

/** Declares a failure table (identity, for type checking and one place to read). */
export function failureTable(table: FailureTable): FailureTable {
  return table;
}

/** The row for a code, as an own property only. */
export function codeRow(table: FailureTable, code: string): CodeRow | undefined {
  const key = table.caseInsensitive ? code.toUpperCase() : code;
  if (!Object.hasOwn(table.codes, key)) return undefined;
  const row = table.codes[key];
  if (row === undefined) return undefined;
  return typeof row === 'string' ? { reason: row } : row;
}

function statusReason(table: FailureTable | undefined, status: number): ErrorReason | undefined {
  const own = table?.statuses && Object.hasOwn(table.statuses, status) ? table.statuses[status] : undefined;
  if (own) return own;
  if (status >= 500) return 'provider_unavailable';
  if (status === 429) return 'rate_limited';
  return undefined;
}

export interface FailureScope {
  provider: string;
  /** When to retry per the provider's quota headers (its `retryAfter` hook), else Retry-After. */
  retryAfter(response: HttpResponse): Date | undefined;
}

/**
 * The typed error for a failed provider answer: a ConnectionError with its normalized
 * reason, or a ProviderResponseError when nothing says what it means.
 */
export function failureOf(scope: FailureScope, table: FailureTable | undefined, response: HttpResponse, hint?: FailureHint): Error {
  let found: ProviderFailure | undefined;
  try {
    found = table?.read(response);
  } catch {
    found = undefined; // A body the reader did not expect says nothing: fall back on the status.
  }
  const base = {
    provider: scope.provider,
    status: response.status,
    endpoint: response.endpoint,
    ...(response.requestId !== undefined ? { requestId: response.requestId } : {}),
  };
  const special = table?.special?.(response, found, hint);
  if (special instanceof Error) return special;
  const row = found?.code !== undefined && table ? codeRow(table, found.code) : undefined;
  const reason: ErrorReason | undefined = special ?? row?.reason ?? statusReason(table, response.status) ?? (found?.code !== undefined ? 'unknown' : undefined);
  const where = `${scope.provider} ${response.endpoint} answered HTTP ${response.status}`;
  const detail = [row?.explain, found?.message].filter((part): part is string => typeof part === 'string' && part !== '').join(': ');
  const text = `${where}${found?.code !== undefined ? ` ${found.code}` : ''}${detail ? `: ${detail}` : ''}`;
  if (reason === undefined) return new ProviderResponseError(scope.provider, response.endpoint, '', `unexpected HTTP ${response.status}`, base);
  const retryAfter = found?.retryAfter ?? scope.retryAfter(response);
  const options: ConnectionErrorOptions = {
    ...base,
    ...(found?.code !== undefined ? { providerCode: found.code } : {}),
    ...(found?.userMessage ? { userMessage: found.userMessage } : {}),
    ...(retryAfter ? { retryAfter } : {}),
  };
  return new ConnectionError(reason, text, options);
}
