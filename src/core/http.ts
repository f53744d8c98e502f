import ky, { isHTTPError, isNetworkError as isKyNetworkError, isTimeoutError as isKyTimeoutError } from 'ky';
import type { z } from 'zod';
import { AbortedError, NetworkError, ProviderResponseError, TimeoutError, isPolybankError } from './errors.js';
import type { Secrets } from './redact.js';
import { issuePath } from './validate.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

export interface HttpRequest {
  /** A stable name for errors, events and simulator counters, e.g. `Authorize`. */
  endpoint: string;
  method: HttpMethod;
  /** Relative to the provider's base URL, or absolute (pagination links). */
  path: string;
  query?: Record<string, QueryValue> | URLSearchParams;
  json?: unknown;
  form?: Record<string, string>;
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
}

/**
 * One HTTP attempt to a provider, for logs and metrics. Shaped to become an OpenTelemetry
 * span as is: `name`, `startTime`, `ms` (duration) and semantic-convention `attributes`.
 * Never holds a secret (the URL is redacted; no headers, no bodies).
 */
export interface RequestEvent {
  /** `polybank.<provider>.<endpoint>`, e.g. `polybank.flinks.Authorize`. */
  name: string;
  provider: string;
  endpoint: string;
  method: HttpMethod;
  /** The URL with secrets removed. */
  url: string;
  status?: number;
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

function requestEvent(provider: string, req: HttpRequest, url: string, started: number, startTime: number, attempt: number, outcome: { status?: number; error?: string }): RequestEvent {
  const attributes: Record<string, string | number> = {
    'http.request.method': req.method,
    'url.full': url,
    'polybank.provider': provider,
    'polybank.endpoint': req.endpoint,
  };
  if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1;
  if (outcome.status !== undefined) attributes['http.response.status_code'] = outcome.status;
  if (outcome.error !== undefined) attributes['error.type'] = outcome.error;
  else if (outcome.status !== undefined && outcome.status >= 400) attributes['error.type'] = String(outcome.status);
  return {
    name: `polybank.${provider}.${req.endpoint}`,
    provider,
    endpoint: req.endpoint,
    method: req.method,
    url,
    ...outcome,
    startTime,
    ms: performance.now() - started,
    attempt,
    attributes,
  };
}

export interface RetryPolicy {
  /** Retries of idempotent requests after the first attempt. */
  limit: number;
  /** A Retry-After longer than this is not waited for: the error is returned with `retryAfter`. */
  maxRetryAfterMs: number;
  /** Upper bound of one backoff delay. */
  backoffLimitMs: number;
}

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** A provider's hook on every outgoing request (e.g. HTTP signatures); may return a new Request. */
export type BeforeRequestHook = (request: Request) => Request | void | Promise<Request | void>;

export interface HttpSettings {
  provider: string;
  baseUrl: string;
  timeout: number;
  /** Requests in flight to this provider at once; more wait their turn (each one holds a socket). */
  maxConcurrent: number;
  retry: RetryPolicy;
  fetch: FetchLike;
  headers?: Record<string, string>;
  beforeRequest?: BeforeRequestHook;
}

/** What a request is made for: the caller's abort signal, its secrets and its event sink. */
export interface CallScope {
  signal?: AbortSignal;
  secrets: Secrets;
  onRequest?: (event: RequestEvent) => void;
}

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

/** A provider response of any status; adapters map statuses, the core validates bodies. */
export class HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON body, or undefined when the body is empty or not JSON. */
  readonly body: unknown;
  readonly isJson: boolean;
  readonly provider: string;
  readonly endpoint: string;

  constructor(provider: string, endpoint: string, status: number, headers: Headers, text: string) {
    this.provider = provider;
    this.endpoint = endpoint;
    this.status = status;
    this.headers = headers;
    this.text = text;
    let body: unknown;
    let isJson = false;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
        isJson = true;
      } catch {
        body = undefined;
      }
    }
    this.body = body;
    this.isJson = isJson;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Server-requested delay (Retry-After seconds or HTTP date), as an absolute time. */
  get retryAfter(): Date | undefined {
    return parseRetryAfter(this.headers.get('retry-after'));
  }

  /** Validates the body against a schema; a mismatch is a ProviderResponseError naming the field. */
  parse<S extends z.ZodType>(schema: S): z.output<S> {
    if (!this.isJson) {
      const type = this.headers.get('content-type') ?? 'no content type';
      const detail = this.text.trim() === '' ? 'empty body' : `body is not JSON (${type}, HTTP ${this.status})`;
      throw new ProviderResponseError(this.provider, this.endpoint, '', detail, { status: this.status });
    }
    const result = schema.safeParse(this.body);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new ProviderResponseError(
        this.provider,
        this.endpoint,
        issue ? issuePath(issue.path) : '',
        issue ? issue.message : 'invalid body',
        { status: this.status },
      );
    }
    return result.data;
  }
}

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): Date | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return new Date(now + Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : new Date(date);
}

function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): string {
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

/**
 * The HTTP client of one provider in one Polybank: ky underneath, with the SDK's rules on
 * top — retries only for idempotent requests, never for sensitive ones; Retry-After
 * honoured up to a bound; every attempt reported with its URL redacted; every failure typed.
 */
/** A counting semaphore: `acquire` waits (in order, abortably) until fewer than `limit` are held. */
class Slots {
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

export class ProviderHttp {
  readonly settings: HttpSettings;
  readonly #slots: Slots;

  constructor(settings: HttpSettings) {
    this.settings = settings;
    this.#slots = new Slots(settings.maxConcurrent);
  }

  async request(req: HttpRequest, scope: CallScope): Promise<HttpResponse> {
    await this.#slots.acquire(scope.signal);
    try {
      return await this.#send(req, scope);
    } finally {
      this.#slots.release();
    }
  }

  async #send(req: HttpRequest, scope: CallScope): Promise<HttpResponse> {
    const { provider, retry } = this.settings;
    const url = buildUrl(this.settings.baseUrl, req.path, req.query);
    const safeUrl = scope.secrets.redactUrl(url);
    const timeout = req.timeout ?? this.settings.timeout;
    const repeatable = !req.sensitive && (req.idempotent || req.method !== 'POST');
    if (scope.signal?.aborted) throw new AbortedError(undefined, { provider, endpoint: req.endpoint });

    let attempt = 0;
    const instrumentedFetch = async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
      attempt++;
      const started = performance.now();
      const startTime = Date.now();
      let request = input instanceof Request ? input : new Request(input, init);
      if (this.settings.beforeRequest) request = (await this.settings.beforeRequest(request)) ?? request;
      try {
        const response = await this.settings.fetch(request);
        scope.onRequest?.(requestEvent(provider, req, safeUrl, started, startTime, attempt, { status: response.status }));
        return response;
      } catch (error) {
        scope.onRequest?.(requestEvent(provider, req, safeUrl, started, startTime, attempt, { error: error instanceof Error ? error.name : 'Error' }));
        throw error;
      }
    };

    const headers: Record<string, string> = { accept: 'application/json', ...this.settings.headers };
    for (const [key, value] of Object.entries(req.headers ?? {})) if (value !== undefined) headers[key.toLowerCase()] = value;
    let body: BodyInit | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }

    try {
      const response = await ky(url, {
        method: req.method,
        headers,
        body,
        timeout,
        signal: scope.signal,
        fetch: instrumentedFetch,
        throwHttpErrors: true,
        // Keep error bodies as text: we parse them ourselves, so a malformed body is a typed error.
        parseJson: (text: string) => text,
        retry: {
          limit: repeatable ? retry.limit : 0,
          methods: repeatable ? [req.method.toLowerCase() as 'get'] : [],
          statusCodes: RETRY_STATUSES,
          afterStatusCodes: [413, 429, 503],
          maxRetryAfter: retry.maxRetryAfterMs,
          backoffLimit: retry.backoffLimitMs,
          jitter: true,
          retryOnTimeout: true,
          shouldRetry: ({ error }) => {
            // A Retry-After beyond our bound: give the caller the error and its retryAfter instead of waiting.
            if (isHTTPError(error)) {
              const after = parseRetryAfter(error.response.headers.get('retry-after'));
              if (after && after.getTime() - Date.now() > retry.maxRetryAfterMs) return false;
            }
            return undefined;
          },
        },
      });
      const text = await readText(response, timeout, provider, req.endpoint);
      return new HttpResponse(provider, req.endpoint, response.status, response.headers, text);
    } catch (error) {
      if (isHTTPError(error)) {
        const data = typeof error.data === 'string' ? error.data : error.data === undefined ? '' : JSON.stringify(error.data);
        return new HttpResponse(provider, req.endpoint, error.response.status, error.response.headers, data);
      }
      throw this.#typed(error, req, scope, safeUrl);
    }
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

function plain(cause: unknown, scope: CallScope): Error {
  const err = new Error(scope.secrets.redactString(describeNetworkCause(cause)));
  err.name = cause instanceof Error ? cause.name : 'Error';
  err.stack = `${err.name}: ${err.message}`;
  return err;
}

function describeNetworkCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as Error & { cause?: unknown }).cause;
  const code = inner && typeof inner === 'object' && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
  return code ? `${cause.message} (${code})` : cause.message;
}

async function readText(response: Response, timeout: number, provider: string, endpoint: string): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void response.body?.cancel().catch(() => undefined);
      reject(new TimeoutError(`${provider} ${endpoint} timed out while reading the response body`, { provider, endpoint }));
    }, timeout);
  });
  try {
    return await Promise.race([response.text(), timedOut]);
  } catch (error) {
    if (error instanceof TimeoutError) throw error;
    throw new NetworkError(`${provider} ${endpoint} failed while reading the response body: ${describeNetworkCause(error)}`, {
      provider,
      endpoint,
    });
  } finally {
    clearTimeout(timer);
  }
}
