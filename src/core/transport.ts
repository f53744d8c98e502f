/**
 * The HTTP client of one provider in one Polybank: the platform's `fetch` and the SDK's
 * rules — retries only for idempotent requests, never for sensitive ones; Retry-After
 * (and a provider's quota headers) honoured up to a bound; redirects never followed on
 * their own; bodies capped; every attempt reported with its URL redacted; every failure
 * typed.
 *
 * This loop replaced ky (BENCHMARKS.md, #16): ky was a third of the per-call overhead and
 * 25 KB of the 40 KB edge budget, while the SDK used little of it (it already read bodies,
 * mapped statuses, handled redirects and Retry-After itself).
 */
import { AbortedError, NetworkError, ProviderResponseError, TimeoutError, isPolybankError } from './errors.js';
import { failureOf } from './failures.js';
import { boundedText, ResponseTooLargeError } from './body.js';
import { buildUrl, HttpResponse, type CallScope, type HookContext, type HttpRequest, type HttpSettings, type RequestEvent } from './http.js';
import { Slots } from './slots.js';

const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
// Statuses whose Retry-After is a server's instruction to wait (as HTTP means it).
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([413, 429, 503]);
const BASE_BACKOFF_MS = 300;

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304);
}

/** What one attempt was, for its event. */
interface Attempt {
  n: number;
  started: number;
  startTime: number;
}

/** Waits, or stops early when the caller aborts (then the caller's abort is handled by the loop). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class ProviderHttp {
  readonly settings: HttpSettings;
  readonly #slots: Slots;
  readonly #origin: string;

  constructor(settings: HttpSettings) {
    this.settings = settings;
    this.#slots = new Slots(settings.maxConcurrent);
    this.#origin = new URL(settings.config.baseUrl).origin;
  }

  async request(req: HttpRequest, scope: CallScope): Promise<HttpResponse> {
    await this.#slots.acquire(scope.signal);
    try {
      let res = await this.#send(req, scope);
      const after = this.settings.config.afterResponse;
      if (after && !req.sensitive) {
        const hook: HookContext = { request: async (r) => this.#expected(r, await this.#send(r, scope)), signal: scope.signal, secrets: scope.secrets };
        const again = await after(res, req, hook);
        // Once: a hook cannot loop the core, and never re-sends what carries a secret.
        if (again && !again.sensitive) {
          req = again;
          res = await this.#send(again, scope);
        }
      }
      return this.#expected(req, res);
    } finally {
      this.#slots.release();
    }
  }

  /** A status the adapter does not read becomes a typed error through the provider's table. */
  #expected(req: HttpRequest, res: HttpResponse): HttpResponse {
    const { failures } = this.settings.config;
    const expect = req.expect ?? (failures ? undefined : 'any');
    if (expect === 'any') return res;
    if (expect === undefined ? res.ok : expect.includes(res.status)) return res;
    throw failureOf({ provider: this.settings.provider, retryAfter: (r) => r.retryAfter }, failures, res, req.hint);
  }

  async #send(req: HttpRequest, callScope: CallScope): Promise<HttpResponse> {
    const { provider, retry, config } = this.settings;
    const scope: CallScope = req.signal ? { ...callScope, signal: callScope.signal ? AbortSignal.any([callScope.signal, req.signal]) : req.signal } : callScope;
    const url = buildUrl(config.baseUrl, req.path, req.query);
    const safeUrl = scope.secrets.redactUrl(url);
    // The caller's per-call bound wins over a provider's own (a slow bank check's 180 s).
    const timeout = scope.timeout ?? req.timeout ?? this.settings.timeout;
    const repeatable = !req.sensitive && (req.idempotent || req.method !== 'POST');
    const limit = repeatable ? Math.max(0, Math.floor(scope.retry ?? retry.limit)) : 0;
    const maxBytes = req.maxBytes ?? this.settings.maxResponseBytes;
    const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
    for (const [key, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = value;
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }

    for (let n = 1; ; n++) {
      if (scope.signal?.aborted) throw new AbortedError(`${provider} ${req.endpoint} (${req.method} ${safeUrl}) was aborted`, { provider, endpoint: req.endpoint });
      const attempt: Attempt = { n, started: performance.now(), startTime: Date.now() };
      // One timer per attempt: the headers must come within `timeout` (the body has its own bound).
      const timer = new AbortController();
      const timeoutId = setTimeout(() => timer.abort(), timeout);
      let response: Response;
      try {
        const signal = scope.signal ? AbortSignal.any([scope.signal, timer.signal]) : timer.signal;
        // A 3xx is the adapter's business, never a silent re-send of a body or a bearer token.
        const init: RequestInit = { method: req.method, headers, redirect: 'manual', signal };
        if (body !== undefined) init.body = body;
        // A Request only for a hook that reads one: fetch builds its own, and a second one costs ~6% of a loopback call.
        if (config.beforeRequest) {
          const request = new Request(url, init);
          response = await this.settings.fetch((await config.beforeRequest(request)) ?? request);
        } else {
          response = await this.settings.fetch(url, init);
        }
      } catch (error) {
        clearTimeout(timeoutId);
        const timedOut = timer.signal.aborted && !scope.signal?.aborted;
        scope.onRequest?.(this.#event(req, safeUrl, attempt, { error: timedOut ? 'TimeoutError' : error instanceof Error ? error.name : 'Error' }));
        const typed = this.#typed(error, req, scope, safeUrl, timedOut);
        // Network trouble and timeouts: an idempotent request is tried again.
        if (n <= limit && (typed instanceof NetworkError || typed instanceof TimeoutError)) {
          await pause(this.#backoff(n), scope.signal);
          continue;
        }
        throw typed;
      }
      clearTimeout(timeoutId);

      if (n <= limit && RETRY_STATUSES.has(response.status)) {
        const wire = new HttpResponse(provider, req.endpoint, response.status, response.headers, '', url, config, req);
        const after = RETRY_AFTER_STATUSES.has(response.status) || config.retryAfter ? wire.retryAfter : undefined;
        const wait = after ? after.getTime() - Date.now() : 0;
        // Beyond our bound: the caller gets the answer and its retryAfter instead of a wait.
        if (wait <= retry.maxRetryAfterMs) {
          void response.body?.cancel().catch(() => undefined);
          scope.onRequest?.(this.#event(req, safeUrl, attempt, { status: response.status }, wire.requestId));
          // Never sooner than the provider asked; never a retry storm either.
          await pause(Math.max(wait, this.#backoff(n)), scope.signal);
          continue;
        }
      }

      if (isRedirect(response)) {
        scope.onRequest?.(this.#event(req, safeUrl, attempt, { status: response.status }));
        return this.#redirected(req, scope, response, url, safeUrl);
      }
      let text: string;
      try {
        text = await boundedText(response, { timeout, maxBytes, provider, endpoint: req.endpoint, signal: scope.signal });
      } catch (error) {
        scope.onRequest?.(this.#event(req, safeUrl, attempt, { status: response.status }));
        if (error instanceof ResponseTooLargeError) throw new ProviderResponseError(provider, req.endpoint, '', error.message, { status: response.status });
        throw this.#typed(error, req, scope, safeUrl, false);
      }
      const res = new HttpResponse(provider, req.endpoint, response.status, response.headers, text, url, config, req);
      // The event of the answer goes out once it is read: the request id may be in its body (Flinks).
      scope.onRequest?.(this.#event(req, safeUrl, attempt, { status: response.status }, res.requestId));
      return res;
    }
  }

  /** Exponential backoff with full jitter, bounded by the policy. */
  #backoff(n: number): number {
    const ceiling = Math.min(this.settings.retry.backoffLimitMs, BASE_BACKOFF_MS * 2 ** (n - 1));
    return ceiling * (0.5 + Math.random() * 0.5);
  }

  /**
   * A 3xx. Where the provider documents one, a same-origin redirect of a request that
   * carries nothing secret is followed once, by a GET; everything else is a typed error.
   */
  async #redirected(req: HttpRequest, scope: CallScope, response: Response, url: string, safeUrl: string): Promise<HttpResponse> {
    void response.body?.cancel().catch(() => undefined);
    const { provider, config } = this.settings;
    const location = response.headers.get('location');
    let target: URL | undefined;
    try {
      target = location ? new URL(location, url) : undefined;
    } catch {
      target = undefined;
    }
    const documented = config.redirects?.includes(req.endpoint) === true;
    const sameOrigin = target !== undefined && target.origin === this.#origin;
    const where = target ? (sameOrigin ? 'the same origin' : `another origin (${target.origin})`) : 'an unreadable location';
    if (!documented || !sameOrigin || req.sensitive || req.method !== 'GET' || !target) {
      throw new ProviderResponseError(
        provider,
        req.endpoint,
        '',
        `unexpected redirect (HTTP ${response.status || 'opaque'}) to ${where} from ${safeUrl}; polybank never follows redirects it was not told about`,
        { status: response.status },
      );
    }
    return this.#send({ ...req, path: target.toString(), query: undefined, expect: 'any' }, scope);
  }

  #event(req: HttpRequest, safeUrl: string, attempt: Attempt, outcome: { status?: number; error?: string }, requestId?: string): RequestEvent {
    const { provider } = this.settings;
    const attributes: Record<string, string | number> = {
      'http.request.method': req.method,
      'url.full': safeUrl,
      'polybank.provider': provider,
      'polybank.endpoint': req.endpoint,
    };
    if (attempt.n > 1) attributes['http.request.resend_count'] = attempt.n - 1;
    if (outcome.status !== undefined) attributes['http.response.status_code'] = outcome.status;
    if (outcome.error !== undefined) attributes['error.type'] = outcome.error;
    else if (outcome.status !== undefined && outcome.status >= 400) attributes['error.type'] = String(outcome.status);
    if (requestId !== undefined) attributes['polybank.request_id'] = requestId;
    return {
      name: `polybank.${provider}.${req.endpoint}`,
      provider,
      endpoint: req.endpoint,
      method: req.method,
      url: safeUrl,
      ...outcome,
      ...(requestId !== undefined ? { requestId } : {}),
      startTime: attempt.startTime,
      ms: performance.now() - attempt.started,
      attempt: attempt.n,
      attributes,
    };
  }

  #typed(error: unknown, req: HttpRequest, scope: CallScope, safeUrl: string, timedOut: boolean): Error {
    const { provider } = this.settings;
    const where = `${provider} ${req.endpoint} (${req.method} ${safeUrl})`;
    if (scope.signal?.aborted) return new AbortedError(`${where} was aborted`, { provider, endpoint: req.endpoint });
    // Ours already (a provider hook's ConfigurationError, a body-read timeout): keep it as it is.
    if (isPolybankError(error)) return error;
    if (timedOut) return new TimeoutError(`${where} timed out`, { provider, endpoint: req.endpoint });
    return new NetworkError(`${where} failed: ${describeNetworkCause(error)}`, {
      provider,
      endpoint: req.endpoint,
      cause: plain(error, scope),
    });
  }
}

function plain(cause: unknown, scope: CallScope): Error {
  const err = new Error(scope.secrets.redactString(describeNetworkCause(cause)));
  err.name = cause instanceof Error ? cause.name : 'Error';
  err.stack = `${err.name}: ${err.message}`;
  return err;
}

function describeNetworkCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner: unknown = cause.cause;
  const code = inner !== null && typeof inner === 'object' && 'code' in inner ? String(inner.code) : undefined;
  return code ? `${cause.message} (${code})` : cause.message;
}
