import fc from 'fast-check';
import { getResponse } from 'msw';
import { Account, isPolybankError, isProviderResponseError, type Polybank, type FetchLike } from '../../src/index.js';
import type { Simulator } from '../../src/testing/index.js';

/**
 * Property-based fuzzing of an adapter's response handling. Each case runs one real flow
 * in-process against the provider's simulator (its msw handlers, no socket) and spoils
 * exactly one provider response — the n-th of the flow, n below the number of responses
 * of a clean run — with a random mutation of the real body, random JSON, or broken bytes.
 * The property: the flow ends with a valid normalized result or a PolybankError; never a
 * TypeError (not even one the core's safety net typed), never invalid data; and the
 * target's own rules (`verify`) hold after every case.
 */
export interface FuzzScenario {
  name: string;
  /** Drives one flow to the end (authenticate, accounts, …) and returns what it produced. */
  run(bank: Polybank): Promise<{ accounts?: unknown[] }>;
  /** How a clean run ends: `active` (the default) or the reason of its typed error. */
  outcome?: string;
}

export interface FuzzTarget {
  name: string;
  simulator: Simulator<unknown>;
  /** A bank for this provider pointed at `baseUrl`, using `fetch`. */
  bank(fetch: FetchLike, baseUrl: string): Polybank;
  scenarios: FuzzScenario[];
  /** Rules checked after every case, whatever its end (e.g. no secret-bearing request sent twice): problems found. */
  verify?(): string[];
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

// Handlers are built once per simulator and origin: msw captures a stack trace for each, which dominated short cases.
const handlerCache = new WeakMap<Simulator<unknown>, { origin: string; handlers: ReturnType<Simulator<unknown>['handlers']> }>();

function handlersOf(sim: Simulator<unknown>, origin: string): ReturnType<Simulator<unknown>['handlers']> {
  const cached = handlerCache.get(sim);
  if (cached?.origin === origin && sim.origin === origin) return cached.handlers;
  const handlers = sim.handlers(origin);
  handlerCache.set(sim, { origin, handlers });
  return handlers;
}

/** A fetch over the simulator's msw handlers that spoils the `target`-th response (none when `m` is undefined); `count()` says how many it served. */
function fuzzFetch(sim: Simulator<unknown>, origin: string, target: number, m: Mutation | undefined): FetchLike & { count(): number } {
  const handlers = handlersOf(sim, origin);
  let n = 0;
  const fetch = async (input: string | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const response = (await getResponse(handlers, request)) ?? new Response('not found', { status: 404 });
    if (response.type === 'error') throw new TypeError('fetch failed');
    return n++ === target && m ? spoil(response, m) : response;
  };
  return Object.assign(fetch, { count: () => n });
}

/**
 * The core's safety net turns anything untyped an adapter throws into a ProviderResponseError
 * at endpoint `response` whose cause is the foreign error: typed for the user, but still an
 * adapter that did not validate. The fuzz property counts it as a failure.
 */
function safetyNet(error: unknown): boolean {
  if (!isProviderResponseError(error) || error.endpoint !== 'response') return false;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && !isPolybankError(cause);
}

export interface FuzzReport {
  target: string;
  cases: number;
  typedErrors: number;
  successes: number;
  /** Cases per scenario. */
  scenarios: Record<string, number>;
  /** Error kinds (ConnectionError reasons by name) and how often each ended a case. */
  errors: Record<string, number>;
}

/** Runs `numRuns` cases against a target; throws (with the shrunk counter-example) on the first bad outcome. */
export async function fuzz(target: FuzzTarget, numRuns: number, seed?: number): Promise<FuzzReport> {
  const origin = 'https://fuzz.polybank.test';
  const baseUrl = `${origin}${target.simulator.definition.basePath ?? ''}`;
  const report: FuzzReport = { target: target.name, cases: 0, typedErrors: 0, successes: 0, scenarios: {}, errors: {} };
  // A clean run of each scenario first: it must succeed as it is, and it says how many responses there are to spoil.
  const responses: number[] = [];
  for (const scenario of target.scenarios) {
    target.simulator.reset();
    const fetch = fuzzFetch(target.simulator, origin, -1, undefined);
    let outcome = 'active';
    try {
      await scenario.run(target.bank(fetch, baseUrl));
    } catch (error) {
      if (!isPolybankError(error)) throw error;
      outcome = (error as { reason?: string }).reason ?? error.kind;
    }
    if (outcome !== (scenario.outcome ?? 'active')) throw new Error(`${target.name} ${scenario.name}: a clean run ended ${outcome}, expected ${scenario.outcome ?? 'active'}`);
    const problems = target.verify?.() ?? [];
    if (problems.length) throw new Error(`${target.name} ${scenario.name}: clean run: ${problems.join('; ')}`);
    responses.push(Math.max(1, fetch.count()));
  }
  const property = fc.asyncProperty(fc.nat(target.scenarios.length - 1), fc.nat(1_000), mutation, async (which, pick, m) => {
    target.simulator.reset();
    target.simulator.maxLog = 200;
    const scenario = target.scenarios[which] as FuzzScenario;
    const index = pick % (responses[which] as number);
    const bank = target.bank(fuzzFetch(target.simulator, origin, index, m), baseUrl);
    report.cases++;
    report.scenarios[scenario.name] = (report.scenarios[scenario.name] ?? 0) + 1;
    const where = () => `${scenario.name}: response #${index} spoiled by ${JSON.stringify(m).slice(0, 300)}`;
    let result: { accounts?: unknown[] } | undefined;
    try {
      result = await scenario.run(bank);
    } catch (error) {
      if (!isPolybankError(error)) {
        throw new Error(`${where()} → untyped ${String((error as Error)?.stack ?? error)}`, { cause: error });
      }
      if (safetyNet(error)) throw new Error(`${where()} → the adapter threw untyped, caught by the core's safety net: ${error.message}`, { cause: error });
      const kind = (error as { reason?: string }).reason ?? error.kind;
      report.errors[kind] = (report.errors[kind] ?? 0) + 1;
      report.typedErrors++;
    }
    const problems = target.verify?.() ?? [];
    if (problems.length) throw new Error(`${where()} → ${problems.join('; ')}`);
    if (!result) return true;
    for (const account of result.accounts ?? []) {
      const parsed = Account.safeParse(account);
      if (!parsed.success) throw new Error(`${scenario.name}: an invalid account reached the user: ${parsed.error.message}`);
      if (!/^[A-Z]{3}$/.test(parsed.data.currency)) throw new Error(`${scenario.name}: an account in ${JSON.stringify(parsed.data.currency)} reached the user`);
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
