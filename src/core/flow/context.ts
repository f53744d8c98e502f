/**
 * What an adapter receives for one call: HTTP bound to the caller's signal, per-call
 * options, secrets and events. One object per call with its methods on the prototype
 * (thousands of held authentications poll through these).
 */
import { ConnectionError, isPolybankError, type ConnectionErrorOptions } from '../errors.js';
import { failureOf, type FailureHint } from '../failures.js';
import type { CallScope, HttpRequest, HttpResponse, RequestEvent } from '../http.js';
import type { ProviderHttp } from '../transport.js';
import { log, type Logger } from '../logger.js';
import type { ErrorReason } from '../model/status.js';
import { paginate } from '../paginate.js';
import { pollUntil, type Clock } from '../polling.js';
import type { AdapterContext, AnyProvider, Json, Page, PollPlan, SessionUpdate, StillPending } from '../provider.js';
import type { Secrets } from '../redact.js';

/** Per-call options a user passes to a data call or to `authenticate()`. */
export interface CallOptions {
  /** Aborting cancels the call (and, inside authenticate(), the provider-side session). */
  signal?: AbortSignal;
  /** Per-attempt HTTP timeout for this call, in ms (overrides the bank's `timeout`). */
  timeout?: number;
  /** Retries of idempotent requests for this call (overrides the bank's `retry`); never for secret-bearing ones. */
  retry?: number;
}

/** What a call context needs from its connection. */
export interface ContextHost {
  readonly adapter: AnyProvider;
  readonly http: ProviderHttp;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly pollTimeoutMs: number;
  readonly clock: Clock;
  onRequest(event: RequestEvent): void;
  update(patch: SessionUpdate<Json, unknown>): void;
}

// The signal of calls made without one: never aborts (one object, not one per call).
const NEVER = new AbortController().signal;

export class CallContext implements AdapterContext {
  readonly provider: string;
  readonly signal: AbortSignal;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly interactive: boolean;
  /** The provider's id of the last response this call saw: errors of the call carry it. */
  lastRequestId: string | undefined;
  readonly #host: ContextHost;
  readonly #scope: CallScope;

  constructor(host: ContextHost, options: CallOptions, interactive: boolean) {
    this.#host = host;
    this.provider = host.adapter.id;
    this.signal = options.signal ?? NEVER;
    this.secrets = host.secrets;
    this.log = host.logger;
    this.interactive = interactive;
    this.#scope = {
      secrets: host.secrets,
      onRequest: (event) => {
        // The last answer's id (or none): an error names the request it came from, never an earlier one.
        if (event.status !== undefined) this.lastRequestId = event.requestId;
        host.onRequest(event);
      },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    };
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    return this.#host.http.request(req, this.#scope);
  }

  paginate<T>(first: HttpRequest, read: (response: HttpResponse) => Page<T>): AsyncGenerator<T[], void, undefined> {
    return paginate(this.provider, this.#host.adapter.http.baseUrl, (req) => this.request(req), first, read);
  }

  failure(response: HttpResponse, hint?: FailureHint): Error {
    return failureOf({ provider: this.provider, retryAfter: (r) => r.retryAfter }, this.#host.adapter.http.failures, response, hint);
  }

  async bestEffort(what: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      const message = this.secrets.redactString(error instanceof Error ? error.message : String(error));
      log(this.log, 'warn', { provider: this.provider, error: message }, `polybank: ${what} failed`);
      return false;
    }
  }

  poll<T>(plan: PollPlan, attempt: () => Promise<T | StillPending<unknown>>, onDeadline?: () => Error): Promise<T> {
    return pollUntil(this.#host.clock, plan, this.#scope.signal, this.#host.pollTimeoutMs, attempt, () =>
      onDeadline ? onDeadline() : this.fail(plan.deadlineReason ?? 'provider_unavailable', 'the provider did not finish in time'),
    );
  }

  now(): number {
    return this.#host.clock.now();
  }

  fail(reason: ErrorReason, message: string, options: ConnectionErrorOptions = {}): Error {
    return new ConnectionError(reason, `${this.provider}: ${message}`, {
      provider: this.provider,
      ...(this.lastRequestId !== undefined ? { requestId: this.lastRequestId } : {}),
      ...options,
    });
  }

  update(patch: SessionUpdate<Json, unknown>): void {
    this.#host.update(patch);
  }

  /** Gives an error of this call the request id it lacks (the provider's support asks for it). */
  stamp<E>(error: E): E {
    if (isPolybankError(error) && error.requestId === undefined && this.lastRequestId !== undefined) {
      Object.defineProperty(error, 'requestId', { value: this.lastRequestId, enumerable: true, configurable: true, writable: false });
    }
    return error;
  }
}
