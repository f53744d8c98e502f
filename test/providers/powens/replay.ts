import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FetchLike } from '../../../src/index.js';

const DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** One recorded request/response pair. */
export interface Exchange {
  method: string;
  /** Path with query, as recorded (`/2.0/users/me/connections/15`). */
  path: string;
  body?: unknown;
  status: number;
  response: unknown;
  /** Where it comes from (file name), or why it was composed. */
  origin: string;
}

/** A nock recording (`fixtures/recorded/<name>.json`): `[{ method, path, body, status, response }]`. */
export function recording(name: string): Exchange[] {
  const entries = JSON.parse(readFileSync(`${DIR}recorded/${name}.json`, 'utf8')) as Array<{ method: string; path: string; body: unknown; status: number; response: unknown }>;
  return entries.map((e) => ({ method: e.method, path: e.path, body: e.body === '' ? undefined : e.body, status: e.status, response: e.response, origin: name }));
}

/** A curated pair (`fixtures/examples/<name>.json`). */
export function example(name: string): Exchange {
  const e = JSON.parse(readFileSync(`${DIR}examples/${name}.json`, 'utf8')) as { request: { method: string; path: string; body: unknown }; response: { status: number; body: unknown } };
  return { method: e.request.method, path: e.request.path, body: e.request.body ?? undefined, status: e.response.status, response: e.response.body, origin: name };
}

/** The body of a curated example's response. */
export function exampleBody<T = Record<string, unknown>>(name: string): T {
  return example(name).response as T;
}

/** A recorded body served at another path or state (said so in `origin`). */
export function composed(method: string, path: string, status: number, response: unknown, origin: string): Exchange {
  return { method, path, status, response, origin: `composed: ${origin}` };
}

export interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The recorded exchange that answered it. */
  served?: Exchange;
}

// Ids differ between recordings of one flow (a resume to 1324 after creating 1326): match paths with ids as N.
const shape = (path: string): string => new URL(path, 'https://replay.invalid').pathname.replace(/\/\d+(?=\/|$)/g, '/N');

/**
 * A fetch that answers from recordings: each request takes the first unused exchange with
 * the same method and path (ids normalized, query ignored), in recorded order.
 */
export class Replay {
  readonly exchanges: Exchange[];
  readonly sent: Sent[] = [];
  readonly #used = new Set<Exchange>();

  constructor(exchanges: Exchange[]) {
    this.exchanges = exchanges;
  }

  readonly fetch: FetchLike = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    const sent: Sent = { method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    this.sent.push(sent);
    const match = this.exchanges.find((e) => !this.#used.has(e) && e.method === request.method && shape(e.path) === shape(url.pathname));
    if (!match) return Response.json({ replay: 'no recorded exchange', method: request.method, path: url.pathname }, { status: 418 });
    this.#used.add(match);
    sent.served = match;
    if (match.status === 204) return new Response(null, { status: 204 });
    if (typeof match.response === 'string') return new Response(match.response, { status: match.status, headers: { 'content-type': 'text/html' } });
    return Response.json(match.response, { status: match.status });
  };

  /** Requests no recording answered. */
  get unmatched(): Sent[] {
    return this.sent.filter((s) => !s.served);
  }

  /** What was sent to an endpoint path (ids normalized), in order. */
  to(method: string, path: string): Sent[] {
    return this.sent.filter((s) => s.method === method && shape(s.path) === shape(path));
  }
}
