import ky, { isHTTPError, isNetworkError as isKyNetworkError, isTimeoutError as isKyTimeoutError, type KyInstance } from 'ky';
import { AbortedError, NetworkError, ProviderResponseError, TimeoutError, isPolybankError } from './errors.js';
import { failureOf, type FailureHint, type FailureTable } from './failures.js';
import { boundedText, ResponseTooLargeError } from './body.js';
import { parseRetryAfter } from './headers.js';
import { parseJson } from './json.js';
import type { Secrets } from './redact.js';
import { check, type SchemaOutput, type StandardSchemaV1 } from './schema.js';

export { parseRetryAfter } from './headers.js';

/** The HTTP methods providers use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** One query parameter's value; `undefined` and `null` leave the parameter out. */
export type QueryValue = string | number | boolean | undefined | null;

/** One request an adapter sends through `ctx.request()`. */
export interface HttpRequest {
  /** A stable name for errors, events and simulator counters, e.g. `Authorize`. */
  endpoint: string;
  /** The HTTP method. */
  method: HttpMethod;
  /** Relative to the provider's base URL, or absolute (pagination links). */
  path: string;
  /** Query parameters, appended to the URL. */
  query?: Record<string, QueryValue> | URLSearchParams;
  /** A JSON body (sent with `content-type: application/json`). */
  json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), when there is no `json`. */
  form?: Record<string, string>;
  /** Headers for this request, over the provider's own; an `undefined` value sends none. */
  headers?: Record<string, string | undefined>;
  /**
   * The request carries credentials, an OTP or an answer: it is sent at most once,
   * whatever happens (a retry can lock the user's bank account).
   */
  sensitive?: boolean;
  /** A POST that is safe to repeat (a data read). GET, PUT, DELETE are idempotent already. */
  idempotent?: boolean;
  /** Per-request timeout in ms, overriding the bank's. */
  timeout?: number;
  /**
   * The statuses the adapter reads itself. Any other status becomes a typed error through
   * the provider's failure table (`http.failures`). `'any'` hands every status over.
   * Default: any 2xx when the provider declares a failure table, else `'any'`.
   */
  expect?: readonly number[] | 'any';
  /** Context for the failure table's `special` rules (e.g. what a 404 is about). */
  hint?: FailureHint;
  /** A larger body cap for this request (bulk data), in bytes. */
  maxBytes?: number;
  /** Aborts this request on its own (a shared token refresh), besides the call's signal. */
  signal?: AbortSignal;
}

/**
 * One HTTP attempt to a provider, for logs and metrics. Shaped to become an OpenTelemetry
 * span as is: `name`, `startTime`, `ms` (duration) and semantic-convention `attributes`.
 * Never holds a secret (the URL is redacted; no headers, no bodies).
 */
export interface RequestEvent {
  /** `polybank.<provider>.<endpoint>`, e.g. `polybank.flinks.Authorize`. */
  name: string;
  /** The provider id. */
  provider: string;
  /** The request's stable name (`Authorize`, `GetAccountsDetail`). */
  endpoint: string;
  /** The HTTP method. */
  method: HttpMethod;
  /** The URL with secrets removed. */
  url: string;
  /** The response's HTTP status; absent when no response came. */
  status?: number;
  /** The provider's id for this request, when it sends one (`x-request-id` and the like). */
  requestId?: string;
  /** When the attempt started (epoch ms). */
  startTime: number;
  /** How long it took (ms). */
  ms: number;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** The error's class when no response came (TimeoutError, TypeError…). */
  error?: string;
  /** OpenTelemetry HTTP client semantic conventions, plus polybank's own. */
  attributes: Record<string, string | number>;
}

/** How failed idempotent requests are retried (the `retry` option of `new Polybank`); a `sensitive` request never is. */
export interface RetryPolicy {
  /** Retries of idempotent requests after the first attempt. */
  limit: number;
  /** A Retry-After longer than this is not waited for: the error is returned with `retryAfter`. */
  maxRetryAfterMs: number;
  /** Upper bound of one backoff delay. */
  backoffLimitMs: number;
}

/** A `fetch` to send requests with (the `fetch` option): the global one by default. */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** A provider's hook on every outgoing request (e.g. HTTP signatures); may return a new Request. */
export type BeforeRequestHook = (request: Request) => Request | void | Promise<Request | void>;

/**
 * After a response and before the adapter sees it: returns a replacement request to send
 * once more (a 401 answered by refreshing the token), or nothing. The core never does this
 * for a sensitive request, and at most once per request.
 */
export type AfterResponseHook = (response: HttpResponse, request: HttpRequest, hook: HookContext) => HttpRequest | void | Promise<HttpRequest | void>;

/** What a hook may do: send a request through the core (e.g. the token refresh a 401 asks for). */
export interface HookContext {
  /** Sends a request through the core, as `ctx.request()` does. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** The signal of the call the hook runs in. */
  readonly signal: AbortSignal | undefined;
  /** The values to redact: register a token the hook obtains. */
  readonly secrets: Secrets;
}

/** The HTTP side of a provider: where it lives and its hooks on the core's HTTP layer. */
export interface ProviderHttpConfig {
  /** The origin and path every relative request path hangs from. */
  readonly baseUrl: string;
  /** Headers sent with every request. */
  readonly headers?: Record<string, string>;
  /** Runs on every outgoing request (see {@link BeforeRequestHook}). */
  readonly beforeRequest?: BeforeRequestHook;
  /** Runs on every response before the adapter reads it (see {@link AfterResponseHook}). */
  readonly afterResponse?: AfterResponseHook;
  /** The provider's error codes and statuses: non-expected answers become typed errors. */
  readonly failures?: FailureTable;
  /** When to come back, from the provider's quota headers (`X-RateLimit-Reset`-style); Retry-After otherwise. */
  readonly retryAfter?: (response: HttpResponse) => Date | undefined;
  /** The provider's request id (a header, a body field); default: common request-id headers. */
  readonly requestId?: (response: HttpResponse) => string | undefined;
  /**
   * Endpoints where the provider documents a redirect. Elsewhere a 3xx is a typed error.
   * Even here it is followed only to the same origin, and never for a sensitive request.
   */
  readonly redirects?: readonly string[];
}

export interface HttpSettings {
  provider: string;
  config: ProviderHttpConfig;
  timeout: number;
  /** Requests in flight to this provider at once; more wait their turn (each one holds a socket). */
  maxConcurrent: number;
  retry: RetryPolicy;
  fetch: FetchLike;
  /** Largest response body read, in bytes (a hostile provider cannot fill the memory). */
  maxResponseBytes: number;
}

/** What a request is made for: the caller's abort signal, its secrets, its event sink and per-call options. */
export interface CallScope {
  /** Aborts the call's requests. */
  signal?: AbortSignal;
  /** The values to redact from URLs, errors and events. */
  secrets: Secrets;
  /** Receives every attempt's {@link RequestEvent}. */
  onRequest?: (event: RequestEvent) => void;
  /** Per-call overrides (`conn.accounts({ timeout, retry })`). */
  timeout?: number;
  /** Retries of an idempotent request for this call, instead of the policy's `limit`. */
  retry?: number;
}

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id', 'x-amzn-requestid', 'correlation-id'];
const MAX_REQUEST_ID = 128;

/** A provider response of any status; adapters read what they expect, the core validates bodies. */
export class HttpResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;
  /** The body as text (bounded by `maxResponseBytes`). */
  readonly text: string;
  /** The provider id. */
  readonly provider: string;
  /** The request's stable name, for errors. */
  readonly endpoint: string;
  /** The URL that answered (redaction is the caller's business: this may hold a token). */
  readonly url: string;
  readonly #config: ProviderHttpConfig | undefined;
  #body: unknown;
  #parsed = false;
  #isJson = false;

  constructor(provider: string, endpoint: string, status: number, headers: Headers, text: string, url = '', config?: ProviderHttpConfig) {
    this.provider = provider;
    this.endpoint = endpoint;
    this.status = status;
    this.headers = headers;
    this.text = text;
    this.url = url;
    this.#config = config;
  }

  #parse(): void {
    if (this.#parsed) return;
    this.#parsed = true;
    if (this.text.trim() === '') return;
    try {
      this.#body = parseJson(this.text);
      this.#isJson = true;
    } catch {
      // Not JSON (or a number this runtime cannot read exactly): the readers' typed errors say so.
      this.#body = undefined;
    }
  }

  /** The JSON body, or undefined when the body is empty or not JSON (parsed once, on first use). */
  get body(): unknown {
    this.#parse();
    return this.#body;
  }

  /** Whether the body parsed as JSON. */
  get isJson(): boolean {
    this.#parse();
    return this.#isJson;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** When the provider asked to come back: its quota headers (hook), else Retry-After; bounded. */
  get retryAfter(): Date | undefined {
    return this.#config?.retryAfter?.(this) ?? parseRetryAfter(this.headers.get('retry-after'));
  }

  /** The provider's id for this request, when it sends one. */
  get requestId(): string | undefined {
    let id: string | undefined;
    try {
      id = this.#config?.requestId?.(this);
    } catch {
      id = undefined;
    }
    if (id === undefined) {
      for (const name of REQUEST_ID_HEADERS) {
        const value = this.headers.get(name);
        if (value) {
          id = value;
          break;
        }
      }
    }
    // An id is a short printable token; anything else is not shown.
    if (id === undefined) return undefined;
    const trimmed = id.trim();
    return trimmed !== '' && trimmed.length <= MAX_REQUEST_ID && /^[\x21-\x7e]+$/.test(trimmed) ? trimmed : undefined;
  }

  /** Validates the body against a schema; a mismatch is a ProviderResponseError naming the field. */
  parse<S extends StandardSchemaV1>(schema: S): SchemaOutput<S> {
    const extra = { status: this.status, ...(this.requestId !== undefined ? { requestId: this.requestId } : {}) };
    if (!this.isJson) {
      const type = this.headers.get('content-type') ?? 'no content type';
      const detail = this.text.trim() === '' ? 'empty body' : `body is not JSON (${type}, HTTP ${this.status})`;
      throw new ProviderResponseError(this.provider, this.endpoint, '', detail, extra);
    }
    const result = check(schema, this.body);
    if (!result.ok) {
      const issue = result.issues[0];
      throw new ProviderResponseError(this.provider, this.endpoint, issue?.path ?? '', issue?.message ?? 'invalid body', extra);
    }
    return result.value;
  }
}

export function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): string {
  const absolute = /^https?:\/\//i.test(path);
  const url = absolute ? path : `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  if (!query) return url;
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
  }
  const search = params.toString();
  if (!search) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

/** A counting semaphore: `acquire` waits (in order, abortably) until fewer than `limit` are held. */
export class Slots {
  #held = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}

  acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.#held < this.limit) {
      this.#held++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(new AbortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter; it is never free in between.
    if (next) next();
    else this.#held--;
  }
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304);
}

/** What one attempt saw, for its event (the URL, its request id, how many times it was sent). */
interface Attempt {
  n: number;
  requestId?: string;
  /**
   * The event of the latest response, held until it is known whether it is the last one: the
   * last one waits for its body, where some providers put their request id (Flinks).
   */
  held?: { n: number; started: number; startTime: number; status: number; ms: number; requestId?: string };
}

/**
 * The HTTP client of one provider in one Polybank: ky underneath (one instance, created
 * once), with the SDK's rules on top — retries only for idempotent requests, never for
 * sensitive ones; Retry-After honoured up to a bound; redirects never followed
 * automatically; bodies capped; every attempt reported with its URL redacted; every
 * failure typed.
 */
export class ProviderHttp {
  readonly settings: HttpSettings;
  readonly #slots: Slots;
  readonly #ky: KyInstance;
  readonly #origin: string;

  constructor(settings: HttpSettings) {
    this.settings = settings;
    this.#slots = new Slots(settings.maxConcurrent);
    this.#origin = new URL(settings.config.baseUrl).origin;
    this.#ky = ky.create({
      // Our own body handling: error bodies come back as responses, read with a cap.
      throwHttpErrors: false,
      // A 3xx is the adapter's business, never a silent re-send of a body or a bearer token.
      redirect: 'manual',
      retry: 0,
    });
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

  async #send(req: HttpRequest, scope: CallScope): Promise<HttpResponse> {
    const { provider, retry, config } = this.settings;
    const url = buildUrl(config.baseUrl, req.path, req.query);
    const safeUrl = scope.secrets.redactUrl(url);
    const timeout = req.timeout ?? scope.timeout ?? this.settings.timeout;
    const limit = Math.max(0, Math.floor(scope.retry ?? retry.limit));
    const repeatable = !req.sensitive && (req.idempotent || req.method !== 'POST');
    const maxBytes = req.maxBytes ?? this.settings.maxResponseBytes;
    if (req.signal) scope = { ...scope, signal: scope.signal ? AbortSignal.any([scope.signal, req.signal]) : req.signal };
    if (scope.signal?.aborted) throw new AbortedError(undefined, { provider, endpoint: req.endpoint });

    const attempt: Attempt = { n: 0 };
    const instrumentedFetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      attempt.n++;
      const started = performance.now();
      const startTime = Date.now();
      let request = input instanceof Request ? input : new Request(input, init);
      if (config.beforeRequest) request = (await config.beforeRequest(request)) ?? request;
      try {
        const response = await this.settings.fetch(request);
        const probe = new HttpResponse(provider, req.endpoint, response.status, response.headers, '', url, config);
        this.#flush(req, safeUrl, attempt, scope);
        const id = probe.requestId;
        attempt.held = { n: attempt.n, started, startTime, status: response.status, ms: performance.now() - started, ...(id !== undefined ? { requestId: id } : {}) };
        return response;
      } catch (error) {
        this.#flush(req, safeUrl, attempt, scope);
        scope.onRequest?.(this.#event(req, safeUrl, started, startTime, attempt, { error: error instanceof Error ? error.name : 'Error' }));
        throw error;
      }
    };

    const headers: Record<string, string> = { accept: 'application/json', ...config.headers };
    for (const [key, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = value;
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }

    let response: Response;
    try {
      response = await this.#ky(url, {
        method: req.method,
        headers,
        body,
        timeout,
        signal: scope.signal,
        fetch: instrumentedFetch,
        throwHttpErrors: (status) => repeatable && RETRY_STATUSES.includes(status),
        retry: {
          limit: repeatable ? limit : 0,
          methods: repeatable ? [req.method.toLowerCase() as 'get'] : [],
          statusCodes: RETRY_STATUSES,
          afterStatusCodes: [413, 429, 503],
          maxRetryAfter: retry.maxRetryAfterMs,
          backoffLimit: retry.backoffLimitMs,
          jitter: true,
          retryOnTimeout: true,
          shouldRetry: async ({ error }) => {
            if (isPolybankError(error)) return false;
            if (!isHTTPError(error)) return undefined;
            const wire = new HttpResponse(provider, req.endpoint, error.response.status, error.response.headers, '', url, config);
            const after = wire.retryAfter;
            if (!after) return undefined;
            const wait = after.getTime() - Date.now();
            // Beyond our bound: the caller gets the error and its retryAfter instead of a wait.
            if (wait > retry.maxRetryAfterMs) return false;
            // The provider's own quota headers: wait for them (ky then adds its backoff: never sooner).
            if (config.retryAfter && wait > 0) await sleepFor(wait, scope.signal);
            return undefined;
          },
        },
      });
    } catch (error) {
      if (isHTTPError(error)) {
        // The last retryable status, after the retries: an answer like any other.
        const text = typeof error.data === 'string' ? error.data : error.data === undefined ? '' : JSON.stringify(error.data);
        return this.#answered(req, safeUrl, attempt, scope, new HttpResponse(provider, req.endpoint, error.response.status, error.response.headers, text.slice(0, maxBytes), url, config));
      }
      this.#flush(req, safeUrl, attempt, scope);
      throw this.#typed(error, req, scope, safeUrl);
    }
    if (isRedirect(response)) {
      this.#flush(req, safeUrl, attempt, scope);
      return this.#redirected(req, scope, response, url, safeUrl);
    }
    let text: string;
    try {
      text = await boundedText(response, { timeout, maxBytes, provider, endpoint: req.endpoint, signal: scope.signal });
    } catch (error) {
      this.#flush(req, safeUrl, attempt, scope);
      if (error instanceof ResponseTooLargeError) {
        throw new ProviderResponseError(provider, req.endpoint, '', error.message, { status: response.status });
      }
      throw this.#typed(error, req, scope, safeUrl);
    }
    return this.#answered(req, safeUrl, attempt, scope, new HttpResponse(provider, req.endpoint, response.status, response.headers, text, url, config));
  }

  /** The last response, read: its event goes out now, with the request id its body may hold. */
  #answered(req: HttpRequest, safeUrl: string, attempt: Attempt, scope: CallScope, res: HttpResponse): HttpResponse {
    const held = attempt.held;
    if (held) {
      const id = res.requestId ?? held.requestId;
      attempt.held = { ...held, ms: performance.now() - held.started, ...(id !== undefined ? { requestId: id } : {}) };
    }
    this.#flush(req, safeUrl, attempt, scope);
    return res;
  }

  /** Emits the held event of an attempt (a retry started, or the call ended). */
  #flush(req: HttpRequest, safeUrl: string, attempt: Attempt, scope: CallScope): void {
    const held = attempt.held;
    if (!held) return;
    attempt.held = undefined;
    scope.onRequest?.(this.#event(req, safeUrl, held.started, held.startTime, { n: held.n, ...(held.requestId !== undefined ? { requestId: held.requestId } : {}) }, { status: held.status }, held.ms));
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

  #event(req: HttpRequest, safeUrl: string, started: number, startTime: number, attempt: Attempt, outcome: { status?: number; error?: string }, ms = performance.now() - started): RequestEvent {
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
    if (attempt.requestId !== undefined && outcome.status !== undefined) attributes['polybank.request_id'] = attempt.requestId;
    return {
      name: `polybank.${provider}.${req.endpoint}`,
      provider,
      endpoint: req.endpoint,
      method: req.method,
      url: safeUrl,
      ...outcome,
      ...(attempt.requestId !== undefined && outcome.status !== undefined ? { requestId: attempt.requestId } : {}),
      startTime,
      ms,
      attempt: attempt.n,
      attributes,
    };
  }

  #typed(error: unknown, req: HttpRequest, scope: CallScope, safeUrl: string): Error {
    const { provider } = this.settings;
    const where = `${provider} ${req.endpoint} (${req.method} ${safeUrl})`;
    if (scope.signal?.aborted) return new AbortedError(`${where} was aborted`, { provider, endpoint: req.endpoint });
    // Ours already (a provider hook's ConfigurationError, a body-read timeout): keep it as it is.
    if (isPolybankError(error)) return error;
    if (isKyTimeoutError(error)) return new TimeoutError(`${where} timed out`, { provider, endpoint: req.endpoint });
    const cause = isKyNetworkError(error) ? error.cause : error;
    return new NetworkError(`${where} failed: ${describeNetworkCause(cause)}`, {
      provider,
      endpoint: req.endpoint,
      cause: plain(cause, scope),
    });
  }
}

function sleepFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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
