import fc from 'fast-check';
import { getResponse } from 'msw';
import { Account, isPolybankError, type Polybank, type FetchLike } from '../../src/index.js';
import type { Simulator } from '../../src/testing/index.js';

/**
 * Property-based fuzzing of an adapter's response handling. Each case runs one real flow
 * in-process against the provider's simulator (its msw handlers, no socket) and spoils
 * exactly one provider response — the n-th of the flow — with a random mutation of the
 * real body, random JSON, or broken bytes. The property: the flow ends with a valid
 * normalized result or a PolybankError; never a TypeError, never invalid data.
 */
export interface FuzzScenario {
  name: string;
  /** Drives one flow to the end (authenticate, accounts, …) and returns what it produced. */
  run(bank: Polybank): Promise<{ accounts?: unknown[] }>;
}

export interface FuzzTarget {
  name: string;
  simulator: Simulator<unknown>;
  /** A bank for this provider pointed at `baseUrl`, using `fetch`. */
  bank(fetch: FetchLike, baseUrl: string): Polybank;
  scenarios: FuzzScenario[];
}

type Mutation =
  | { kind: 'replace'; value: unknown }
  | { kind: 'path'; pick: number; op: 'delete' | 'null' | 'set'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'status'; status: number };

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('NaN', 'Infinity', '', ' ', '1e400', '-0', '12,50', 'null', '0x10', '\u0000', 'é€💶'),
  fc.constantFrom(1e308, -1e308, 0.1 + 0.2, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, 1e-320),
  fc.constantFrom([], {}, [null], { unexpected: true }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('path' as const), pick: fc.nat(), op: fc.constantFrom('delete' as const, 'null' as const, 'set' as const), value: weird }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), value: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.oneof(fc.string(), fc.constantFrom('<html><body>502 Bad Gateway</body></html>', '{"a":1e400}', '{', '[]', 'null')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(200, 201, 202, 203, 204, 301, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503) }) },
);

function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      if (out.length < 2000) paths(item, path, out);
    }
  }
  return out;
}

function applyPath(body: unknown, m: Extract<Mutation, { kind: 'path' }>): unknown {
  const all = paths(body);
  if (all.length === 0) return m.value;
  const path = all[m.pick % all.length] as Array<string | number>;
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = m.op === 'null' ? null : m.value;
  return copy;
}

async function spoil(response: Response, m: Mutation): Promise<Response> {
  const headers = new Headers(response.headers);
  const text = await response.text();
  switch (m.kind) {
    case 'status':
      return new Response(text, { status: m.status, headers });
    case 'text':
      return new Response(m.text, { status: response.status, headers });
    case 'truncate':
      return new Response(text.slice(0, text.length ? m.at % text.length : 0), { status: response.status, headers });
    default: {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return new Response(text, { status: response.status, headers });
      }
      const next = m.kind === 'replace' ? m.value : applyPath(body, m);
      // 1e400 must reach the client as a number literal that parses to Infinity.
      const json = JSON.stringify(next)?.replace(/"1e400"/g, '1e400') ?? '';
      return new Response(json, { status: response.status, headers });
    }
  }
}

/** A fetch over the simulator's msw handlers that spoils the `target`-th response. */
function fuzzFetch(sim: Simulator<unknown>, origin: string, target: number, m: Mutation): FetchLike {
  const handlers = sim.handlers(origin);
  let n = 0;
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const response = (await getResponse(handlers, request)) ?? new Response('not found', { status: 404 });
    if (response.type === 'error') throw new TypeError('fetch failed');
    return n++ === target ? spoil(response, m) : response;
  };
}

export interface FuzzReport {
  target: string;
  cases: number;
  typedErrors: number;
  successes: number;
}

/** Runs `numRuns` cases against a target; throws (with the shrunk counter-example) on the first bad outcome. */
export async function fuzz(target: FuzzTarget, numRuns: number, seed?: number): Promise<FuzzReport> {
  const origin = 'https://fuzz.polybank.test';
  const report: FuzzReport = { target: target.name, cases: 0, typedErrors: 0, successes: 0 };
  const property = fc.asyncProperty(fc.nat(target.scenarios.length - 1), fc.nat(40), mutation, async (which, index, m) => {
    target.simulator.reset();
    target.simulator.maxLog = 200;
    const scenario = target.scenarios[which] as FuzzScenario;
    const bank = target.bank(fuzzFetch(target.simulator, origin, index, m), `${origin}${target.simulator.definition.basePath ?? ''}`);
    report.cases++;
    let result: { accounts?: unknown[] };
    try {
      result = await scenario.run(bank);
    } catch (error) {
      if (isPolybankError(error)) {
        report.typedErrors++;
        return true;
      }
      throw new Error(`${scenario.name}: response #${index} spoiled by ${JSON.stringify(m).slice(0, 300)} → untyped ${String((error as Error)?.stack ?? error)}`, { cause: error });
    }
    for (const account of result.accounts ?? []) {
      const parsed = Account.safeParse(account);
      if (!parsed.success) throw new Error(`${scenario.name}: an invalid account reached the user: ${parsed.error.message}`);
      for (const money of Object.values(parsed.data.balances)) {
        if (money && (money.currency !== parsed.data.currency || !/^-?\d+(\.\d+)?$/.test(money.amount))) {
          throw new Error(`${scenario.name}: a bad balance reached the user: ${JSON.stringify(money)}`);
        }
      }
    }
    report.successes++;
    return true;
  });
  await fc.assert(property, { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true });
  return report;
}
