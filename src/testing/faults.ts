/**
 * Faults a test injects into a simulator: they apply the same way under msw
 * (in-process fetch interception) and on the real-socket server.
 */
export type FaultKind =
  /** Wait `ms` before answering normally. */
  | {
      /** Slow answer. */
      kind: 'latency';
      /** The delay, in ms. */
      ms: number;
    }
  /** Answer this status instead (default body: a provider-neutral JSON error). */
  | {
      /** A failed answer. */
      kind: 'status';
      /** The HTTP status. */
      status: number;
      /** The body text, instead of the neutral JSON error. */
      body?: string;
      /** Extra response headers. */
      headers?: Record<string, string>;
      /** A `Retry-After` header (seconds, or an HTTP date). */
      retryAfter?: number | string;
    }
  /** Drop the connection without a response (ECONNRESET on a socket, a TypeError under msw). */
  | {
      /** A dropped connection. */
      kind: 'reset';
    }
  /** Never answer until the client gives up (or `ms` passes). */
  | {
      /** No answer. */
      kind: 'timeout';
      /** How long to hang before dropping the connection, in ms (default 120 000). */
      ms?: number;
    }
  /** Answer normally but cut the body in half: truncated JSON. */
  | {
      /** A body cut in half. */
      kind: 'truncate';
    }
  /** Answer an HTML error page with this status (default 502), as load balancers do. */
  | {
      /** An HTML error page. */
      kind: 'html';
      /** Its status (default 502). */
      status?: number;
    }
  /** Answer normally but with another content type. */
  | {
      /** Another content type. */
      kind: 'content-type';
      /** The content type to send. */
      value: string;
    }
  /** Answer a body that is not JSON at all. */
  | {
      /** A body that is not JSON. */
      kind: 'garbage';
    }
  /** Rewrite the JSON body (drop or add fields, change types). */
  | {
      /** A rewritten body. */
      kind: 'mutate';
      /** Gets the parsed JSON body, returns the one to send. */
      mutate: (body: unknown) => unknown;
    };

/** A fault to arm with `sim.faults.add(spec)`: what happens, and to which requests. */
export type FaultSpec = FaultKind & {
  /** Endpoint name (as in the counters) or a pattern; all endpoints when absent. */
  endpoint?: string | RegExp;
  /** How many matching requests it hits (default 1; Infinity for all). */
  times?: number;
  /** Let this many matching requests through first. */
  after?: number;
  /** Hit with this probability (0..1) instead of always. */
  probability?: number;
  /**
   * `before` (default): the provider never processes the request.
   * `after`: the provider processes it (state changes), then the response is lost or spoiled.
   */
  when?: 'before' | 'after';
};

interface ActiveFault {
  spec: FaultSpec;
  seen: number;
  hits: number;
}

/** The faults armed on one simulator. */
export class FaultInjector {
  #faults: ActiveFault[] = [];
  #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Arms a fault; returns a function that disarms it. */
  add(spec: FaultSpec): () => void {
    const fault: ActiveFault = { spec, seen: 0, hits: 0 };
    this.#faults.push(fault);
    return () => {
      this.#faults = this.#faults.filter((f) => f !== fault);
    };
  }

  /** Disarms every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** How many faults were added and not disarmed (spent ones included). */
  get armed(): number {
    return this.#faults.length;
  }

  /** The fault that applies to this request, if any (and counts it). */
  pick(endpoint: string): FaultSpec | undefined {
    for (const fault of this.#faults) {
      const { spec } = fault;
      if (spec.endpoint !== undefined) {
        const matches = typeof spec.endpoint === 'string' ? spec.endpoint === endpoint : spec.endpoint.test(endpoint);
        if (!matches) continue;
      }
      fault.seen++;
      if (fault.seen <= (spec.after ?? 0)) continue;
      if (fault.hits >= (spec.times ?? 1)) continue;
      if (spec.probability !== undefined && this.#random() >= spec.probability) continue;
      fault.hits++;
      return spec;
    }
    return undefined;
  }
}

const RESET = Symbol.for('polybank.testing.reset');

/** A response that tells the socket server to drop the connection (msw turns Response.error() into a network error). */
export function resetResponse(): Response {
  const response = Response.error();
  Object.defineProperty(response, RESET, { value: true });
  return response;
}

export function isResetResponse(response: Response): boolean {
  return response.type === 'error' || (response as unknown as Record<symbol, unknown>)[RESET] === true;
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
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

/** Applies a fault that acts before the provider sees the request; undefined lets the request through. */
export async function applyBefore(spec: FaultSpec, signal?: AbortSignal): Promise<Response | undefined> {
  switch (spec.kind) {
    case 'latency':
      await wait(spec.ms, signal);
      return undefined;
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...spec.headers };
      if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
      const body = spec.body ?? JSON.stringify({ error: 'injected', status: spec.status });
      return new Response(body, { status: spec.status, headers });
    }
    case 'reset':
      return resetResponse();
    case 'timeout':
      await wait(spec.ms ?? 120_000, signal);
      return resetResponse();
    case 'html':
      return htmlError(spec.status ?? 502);
    case 'garbage':
      return new Response('\u0000\u0001garbage<<<', { status: 200, headers: { 'content-type': 'application/json' } });
    default:
      return undefined;
  }
}

/** Applies a fault to the provider's real response (for `when: 'after'` and body-spoiling kinds). */
export async function applyAfter(spec: FaultSpec, response: Response, signal?: AbortSignal): Promise<Response> {
  switch (spec.kind) {
    case 'truncate': {
      const text = await response.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), { status: response.status, headers: response.headers });
    }
    case 'content-type': {
      const headers = new Headers(response.headers);
      headers.set('content-type', spec.value);
      return new Response(await response.text(), { status: response.status, headers });
    }
    case 'mutate': {
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return new Response(text, { status: response.status, headers: response.headers });
      }
      return new Response(JSON.stringify(spec.mutate(body)), { status: response.status, headers: response.headers });
    }
    default: {
      // A 'before' kind applied after processing: the provider acted, the client never learns it.
      const replaced = await applyBefore(spec, signal);
      return replaced ?? response;
    }
  }
}

/** An HTML error page with this status, as a load balancer in front of a provider sends. */
export function htmlError(status: number): Response {
  const body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server encountered an error.</p></body></html>`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=iso-8859-1' } });
}
