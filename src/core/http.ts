import { ProviderResponseError } from './errors.js';
import type { FailureHint, FailureTable } from './failures.js';
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

/**
 * A `fetch` to send requests with (the `fetch` option): the global one by default. Called as
 * the platform's fetch is, `fetch(url, init)`, or `fetch(request)` when a provider hook had to
 * see the Request (a signature); a wrapper that reads the request takes both
 * (`input instanceof Request ? input : new Request(input, init)`).
 */
export type FetchLike = (input: string | Request, init?: RequestInit) => Promise<Response>;

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
  /** The request that was answered (its body may name the request, as Flinks' `RequestId` does). */
  readonly request: HttpRequest | undefined;
  readonly #config: ProviderHttpConfig | undefined;
  #body: unknown;
  #parsed = false;
  #isJson = false;

  constructor(provider: string, endpoint: string, status: number, headers: Headers, text: string, url = '', config?: ProviderHttpConfig, request?: HttpRequest) {
    this.provider = provider;
    this.endpoint = endpoint;
    this.status = status;
    this.headers = headers;
    this.text = text;
    this.url = url;
    this.request = request;
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

export { Slots } from './slots.js';
