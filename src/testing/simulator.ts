// 'msw/http', not 'msw': the root loads msw's WebSocket API too, which keeps Deno alive (see server.ts).
import { http, type HttpHandler } from 'msw/http';
import { FaultInjector, applyAfter, applyBefore, isResetResponse, type FaultSpec } from './faults.js';

/** The HTTP methods a simulator route serves. */
export type SimMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler receives: the request, its parsed body, the simulator's state. */
export interface RouteContext<S> {
  /** The request as msw received it (its body already read). */
  readonly request: Request;
  /** The request's URL, parsed. */
  readonly url: URL;
  /** The path parameters (`:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  /** Parsed JSON or form body (undefined when empty, the raw text when neither parses). */
  readonly body: unknown;
  /** The body as text ('' when empty). */
  readonly rawBody: string;
  /** The simulator's scenario state, to read and change. */
  readonly state: S;
  /** The simulator serving the request. */
  readonly simulator: Simulator<S>;
}

/** One endpoint of a simulated provider. */
export interface Route<S> {
  /** The HTTP method it serves. */
  method: SimMethod;
  /** Path under the simulator's base path, in msw syntax (`/users/:id`). */
  path: string;
  /** The endpoint name used by counters, faults and the SDK's own errors. */
  endpoint: string;
  /** Answers a request, as the provider would. */
  handle(ctx: RouteContext<S>): Response | Promise<Response>;
}

/** What a simulator is made of: the provider's name, where it lives, and its routes. */
export interface SimulatorDefinition<S> {
  /** Provider id, e.g. `flinks`. */
  name: string;
  /** The origin msw intercepts by default, e.g. `https://toolbox-api.private.fin.ag`. */
  defaultOrigin: string;
  /** Path prefix the provider's documented paths hang from (`/2.0` for Powens). */
  basePath?: string;
  /** Its endpoints. */
  routes: ReadonlyArray<Route<S>>;
  /** Called for requests that match no route (default: a JSON 404). */
  notFound?: (request: Request) => Response;
}

/** One request a simulator received, as its log keeps it. */
export interface RecordedRequest {
  /** The route's endpoint name (`(unknown)` when no route matched). */
  endpoint: string;
  /** The HTTP method. */
  method: string;
  /** The URL path (no query). */
  path: string;
  /** The request body as received (first 4 KiB), to prove what was sent and that nothing was sent twice. */
  body?: string;
  /** The fault applied, if any. */
  fault?: FaultSpec['kind'];
  /** The HTTP status answered (after any fault); absent while in flight, or when the connection was dropped. */
  status?: number;
  /** When it arrived, and when it was answered (ms since the epoch). */
  at: number;
  /** When it was answered (epoch ms); absent while in flight or when the connection was dropped. */
  answeredAt?: number;
}

async function parseBody(request: Request): Promise<{ body: unknown; rawBody: string }> {
  if (request.method === 'GET' || request.method === 'HEAD') return { body: undefined, rawBody: '' };
  const rawBody = await request.text();
  if (rawBody === '') return { body: undefined, rawBody };
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(rawBody)), rawBody };
  }
  try {
    return { body: JSON.parse(rawBody), rawBody };
  } catch {
    return { body: rawBody, rawBody };
  }
}

/**
 * One provider simulator: routes written once as msw handlers, with per-endpoint
 * counters, a request log and fault injection. Use `handlers()` with msw's
 * `setupServer` in your tests, or `startSimulatorServer()` for a real socket.
 */
export class Simulator<S> {
  /** The provider id it simulates. */
  readonly name: string;
  /** Its routes and origin. */
  readonly definition: SimulatorDefinition<S>;
  /** Faults to inject into its answers (timeouts, resets, HTTP errors, …). */
  readonly faults: FaultInjector;
  /** Scenario state: what the simulated provider knows (sessions, connections, scripted outcomes). */
  state: S;
  readonly #createState: () => S;
  readonly #counts = new Map<string, number>();
  readonly #log: RecordedRequest[] = [];
  #origin: string;
  /** How many requests the log keeps (oldest dropped first). */
  maxLog = 10_000;
  /** Extra latency on every answer, like a real provider's (ms, or [min, max]). */
  latency: number | [number, number] = 0;

  constructor(definition: SimulatorDefinition<S>, createState: () => S, options: { random?: () => number } = {}) {
    this.name = definition.name;
    this.definition = definition;
    this.#createState = createState;
    this.state = createState();
    this.faults = new FaultInjector(options.random);
    this.#origin = definition.defaultOrigin;
  }

  /** The URL the SDK's `baseUrl` should point to (origin plus base path). */
  get baseUrl(): string {
    return `${this.#origin}${this.definition.basePath ?? ''}`;
  }

  /** The origin it serves at: the provider's own, or the one `handlers()` or the server gave it. */
  get origin(): string {
    return this.#origin;
  }

  /** msw request handlers for this simulator at `origin` (default: the provider's own). */
  handlers(origin: string = this.#origin, options: { catchAll?: boolean } = {}): HttpHandler[] {
    this.#origin = origin.replace(/\/+$/, '');
    const prefix = `${this.#origin}${this.definition.basePath ?? ''}`;
    const methods = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const;
    const routes = this.definition.routes.map((route) =>
      methods[route.method](`${prefix}${route.path}`, async ({ request, params }) => this.#serve(route, request, params)),
    );
    const notFound = http.all(`${this.#origin}/*`, ({ request }) => {
      this.#record('(unknown)', request, undefined);
      return this.definition.notFound?.(request) ?? Response.json({ error: 'not_found', path: new URL(request.url).pathname }, { status: 404 });
    });
    return options.catchAll === false ? routes : [...routes, notFound];
  }

  async #serve(route: Route<S>, request: Request, params: Record<string, unknown>): Promise<Response> {
    const fault = this.faults.pick(route.endpoint);
    const { body, rawBody } = await parseBody(request);
    const entry = this.#record(route.endpoint, request, fault, rawBody);
    const answered = await this.#answer(route, request, params, fault, body, rawBody);
    if (!isResetResponse(answered)) entry.status = answered.status;
    entry.answeredAt = Date.now();
    return answered;
  }

  async #answer(route: Route<S>, request: Request, params: Record<string, unknown>, fault: FaultSpec | undefined, body: unknown, rawBody: string): Promise<Response> {
    await this.#latency(request.signal);
    if (fault && (fault.when ?? 'before') === 'before') {
      const early = await applyBefore(fault, request.signal);
      if (early) return early;
    }
    const stringParams = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]));
    let response: Response;
    try {
      response = await route.handle({ request, url: new URL(request.url), params: stringParams, body, rawBody, state: this.state, simulator: this });
    } catch (error) {
      // A simulator bug shows as a provider 500, as it would in production.
      response = Response.json({ error: 'simulator_error', message: String((error as Error)?.message ?? error) }, { status: 500 });
    }
    if (fault) return applyAfter(fault, response, request.signal);
    return response;
  }

  async #latency(signal: AbortSignal): Promise<void> {
    const ms = Array.isArray(this.latency) ? this.latency[0] + Math.random() * (this.latency[1] - this.latency[0]) : this.latency;
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #record(endpoint: string, request: Request, fault: FaultSpec | undefined, body?: string): RecordedRequest {
    this.#counts.set(endpoint, (this.#counts.get(endpoint) ?? 0) + 1);
    const entry: RecordedRequest = {
      endpoint,
      method: request.method,
      path: new URL(request.url).pathname,
      at: Date.now(),
      ...(body ? { body: body.slice(0, 4096) } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    };
    this.#log.push(entry);
    if (this.#log.length > this.maxLog) this.#log.shift();
    return entry;
  }

  /** How many requests an endpoint received (faulted ones included). */
  count(endpoint: string): number {
    return this.#counts.get(endpoint) ?? 0;
  }

  /** Counts per endpoint. */
  get counts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#counts);
  }

  /**
   * Requests to `endpoints` that reached the provider more than once with the very same
   * path and body: what an SDK that retried a secret-bearing request would leave. Only
   * meaningful where every answer differs: two OTPs can both be "abcd", and a device
   * confirmation is re-sent on every poll (compare with the SDK's request events then).
   */
  duplicates(endpoints: readonly string[]): RecordedRequest[] {
    const seen = new Set<string>();
    const dupes: RecordedRequest[] = [];
    for (const entry of this.#log) {
      if (!endpoints.includes(entry.endpoint)) continue;
      const key = `${entry.endpoint} ${entry.path} ${entry.body ?? ''}`;
      if (seen.has(key)) dupes.push(entry);
      seen.add(key);
    }
    return dupes;
  }

  /** The last requests received, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#log;
  }

  /** Arms a fault (see FaultSpec); returns a function that disarms it. */
  inject(fault: FaultSpec): () => void {
    return this.faults.add(fault);
  }

  /** Forgets counters, the log, faults and all state. */
  reset(): void {
    this.#counts.clear();
    this.#log.length = 0;
    this.faults.clear();
    this.state = this.#createState();
  }

  /** Forgets counters and the log only. */
  resetCounts(): void {
    this.#counts.clear();
    this.#log.length = 0;
  }
}
