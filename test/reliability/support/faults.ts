/**
 * The fault matrix: every SDK request of every scenario (by endpoint and occurrence),
 * spoiled by every fault kind the simulators can inject, before or after the provider
 * processed it. Each faulted flow must end active with valid accounts or with a typed
 * error, never send a secret-bearing request twice, recover where the core retries,
 * and end with a retryable error where the fault was transient and nothing recovered it.
 */
import { simulatedClock, type RequestEvent } from '../../../src/index.js';
import { startSimulatorServer, type DriverScenario, type FaultKind, type FaultSpec, type SimulatorServer } from '../../../src/testing/index.js';
import { resent, secretEndpoints } from './at-most-once.js';
import { accountProblems, runFlow, type AnyDriver, type AnySim, type FlowResult } from './flow.js';

/**
 * benign: the outcome must not change; transient: recovered or a retryable error; malformed:
 * any typed end; hostile: any typed end, and what the hostile answer asked for never happens
 * (a redirect followed, to another host or back to the provider).
 */
export type FaultClass = 'benign' | 'transient' | 'malformed' | 'hostile';

/**
 * Another origin a hostile provider redirects to: it counts what reaches it (credentials,
 * bearer tokens, API keys would). It must stay at zero in every faulted flow.
 */
export const REDIRECT_SINK = { url: 'http://127.0.0.1:9', hits: 0, close: async (): Promise<void> => undefined };

export async function startRedirectSink(): Promise<void> {
  if (REDIRECT_SINK.url !== 'http://127.0.0.1:9') return;
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    REDIRECT_SINK.hits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"accounts":[],"stolen":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  REDIRECT_SINK.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  REDIRECT_SINK.close = () => new Promise((resolve) => server.close(() => resolve()));
}

export interface FaultVariant {
  name: string;
  fault: FaultKind & { when?: 'before' | 'after' };
  kind: FaultClass;
  /** Runs with a short per-attempt timeout (the fault never answers). */
  slow?: boolean;
  /** The core may decide not to retry it (a Retry-After beyond its bound). */
  mayNotRetry?: boolean;
}

function addField(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(addField);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) out[key] = addField(value);
  // A string: some objects are maps of strings (PowerAuth's userInput), where an object would be wrong data.
  out.polybank_unexpected = 'a field this SDK version has never seen';
  return out;
}

function dropFirstField(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const [first] = Object.keys(body);
  if (first === undefined) return body;
  const { [first]: _gone, ...rest } = body as Record<string, unknown>;
  return rest;
}

const HTTP_DATE_SOON = (): string => new Date(Date.now() + 1000).toUTCString();

export const VARIANTS: readonly FaultVariant[] = [
  { name: 'latency', fault: { kind: 'latency', ms: 30 }, kind: 'benign' },
  { name: 'extra-fields', fault: { kind: 'mutate', mutate: addField }, kind: 'benign' },
  { name: 'content-type-text', fault: { kind: 'content-type', value: 'text/plain; charset=utf-8' }, kind: 'benign' },
  { name: '500', fault: { kind: 'status', status: 500 }, kind: 'transient' },
  { name: '503-after', fault: { kind: 'status', status: 503, when: 'after' }, kind: 'transient' },
  { name: 'reset', fault: { kind: 'reset' }, kind: 'transient' },
  { name: 'reset-after', fault: { kind: 'reset', when: 'after' }, kind: 'transient' },
  { name: 'timeout', fault: { kind: 'timeout', ms: 5000 }, kind: 'transient', slow: true },
  { name: 'timeout-after', fault: { kind: 'timeout', ms: 5000, when: 'after' }, kind: 'transient', slow: true },
  { name: '429', fault: { kind: 'status', status: 429 }, kind: 'transient' },
  { name: '429-retry-after-0', fault: { kind: 'status', status: 429, retryAfter: 0 }, kind: 'transient' },
  { name: '429-retry-after-date', fault: { kind: 'status', status: 429, get retryAfter() { return HTTP_DATE_SOON(); } }, kind: 'transient' },
  { name: '429-retry-after-hour', fault: { kind: 'status', status: 429, retryAfter: 3600 }, kind: 'transient', mayNotRetry: true },
  { name: 'html-502', fault: { kind: 'html', status: 502 }, kind: 'transient' },
  { name: 'html-200', fault: { kind: 'html', status: 200 }, kind: 'malformed' },
  { name: 'truncated', fault: { kind: 'truncate' }, kind: 'malformed' },
  { name: 'garbage', fault: { kind: 'garbage' }, kind: 'malformed' },
  { name: 'empty-200', fault: { kind: 'status', status: 200, body: '' }, kind: 'malformed' },
  { name: 'missing-field', fault: { kind: 'mutate', mutate: dropFirstField }, kind: 'malformed' },
  { name: 'wrong-shape', fault: { kind: 'mutate', mutate: () => ({ data: 'unexpected', items: null }) }, kind: 'malformed' },
  // #13 item 1: a provider (or something in its path) answering a redirect.
  { name: 'redirect-cross-307', fault: { kind: 'status', status: 307, body: '', get headers() { return { location: `${REDIRECT_SINK.url}/captured` }; } }, kind: 'hostile' },
  { name: 'redirect-cross-302-after', fault: { kind: 'status', status: 302, body: '', when: 'after', get headers() { return { location: `${REDIRECT_SINK.url}/captured` }; } }, kind: 'hostile' },
  { name: 'redirect-same-308', fault: { kind: 'status', status: 308, body: '', headers: { location: '/polybank-same-origin-redirect' } }, kind: 'hostile' },
];

/** One SDK request of a clean run: the `k`-th request to `endpoint` (0-based). */
export interface Position {
  endpoint: string;
  k: number;
  method: string;
}

/** The requests the SDK sends in a clean run of the scenario, in order. */
export function positionsOf(events: readonly RequestEvent[]): Position[] {
  const seen = new Map<string, number>();
  const out: Position[] = [];
  for (const event of events) {
    if (event.attempt !== 1) continue;
    const k = seen.get(event.endpoint) ?? 0;
    seen.set(event.endpoint, k + 1);
    out.push({ endpoint: event.endpoint, k, method: event.method });
  }
  return out;
}

export interface FaultCase {
  scenario: DriverScenario;
  position: Position;
  variant: FaultVariant;
}

export const BANK = { retry: { limit: 2, backoffLimitMs: 5, maxRetryAfterMs: 5_000 }, timeout: 5_000 };
// Long enough that an ordinary answer on a loaded 2-core CI machine never times out by accident.
export const SLOW_TIMEOUT_MS = 600;

/** Runs one faulted flow and says what is wrong with how it ended (nothing, ideally). */
export async function runCase(driver: AnyDriver, sim: AnySim, c: FaultCase): Promise<{ result: FlowResult; problems: string[] }> {
  await startRedirectSink();
  sim.reset();
  const spec = { ...c.variant.fault, endpoint: c.position.endpoint, after: c.position.k, times: 1 } as FaultSpec;
  sim.inject(spec);
  const result = await runFlow(driver, sim, c.scenario, {
    bank: { ...BANK, clock: simulatedClock(), ...(c.variant.slow ? { timeout: SLOW_TIMEOUT_MS } : {}) },
  });
  return { result, problems: judge(driver, sim, c, result) };
}

export function judge(driver: AnyDriver, sim: AnySim, c: FaultCase, result: FlowResult): string[] {
  const problems: string[] = [];
  const expected = c.scenario.outcome;
  const where = `${c.scenario.name} ${c.position.endpoint}#${c.position.k} ${c.variant.name}`;
  const detail = result.error ? `: ${String((result.error as Error)?.message ?? result.error).slice(0, 240)}` : '';
  if (!result.typed) problems.push(`${where}: untyped ${String((result.error as Error)?.stack ?? result.error).slice(0, 600)}`);
  problems.push(...accountProblems(result.accounts).map((p) => `${where}: ${p}`));
  if (result.ending === 'error' && result.phase === 'authenticate' && result.connection && result.connection.status.status !== 'error') {
    problems.push(`${where}: ended with ${result.outcome} but the status is ${result.connection.status.status}`);
  }
  if (result.ending === 'active' && expected !== 'active') problems.push(`${where}: active although the scenario ends ${expected}`);

  const secret = secretEndpoints(driver, c.scenario);
  const counts = resent(sim, result.events, secret);
  if (counts.duplicates > 0) problems.push(`${where}: secret-bearing request sent twice ${JSON.stringify(counts)}`);

  const retried = result.events.some((e) => e.endpoint === c.position.endpoint && e.attempt > 1);
  const repeatable = c.position.method !== 'POST' && !secret.includes(c.position.endpoint);
  const recovered = result.outcome === expected;
  switch (c.variant.kind) {
    case 'benign':
      if (!recovered) problems.push(`${where}: a harmless fault changed the outcome to ${result.outcome}${detail}`);
      break;
    case 'transient':
      if (retried && !recovered && !c.variant.mayNotRetry) problems.push(`${where}: retried but ended ${result.outcome}${detail}`);
      else if (repeatable && !c.variant.mayNotRetry && !recovered) problems.push(`${where}: a ${c.position.method} was not retried: ${result.outcome}${detail}`);
      else if (!recovered && !result.retryable) problems.push(`${where}: a transient fault ended with a terminal ${result.outcome}${detail}`);
      if (c.variant.mayNotRetry && !recovered && result.retryable && result.outcome === 'rate_limited' && !(result.error as { retryAfter?: Date }).retryAfter) {
        problems.push(`${where}: rate_limited without the provider's retryAfter`);
      }
      break;
    case 'malformed':
      break;
    case 'hostile':
      if (REDIRECT_SINK.hits > 0) problems.push(`${where}: a redirect was followed to another origin (${REDIRECT_SINK.hits} request(s) reached it)`);
      if (sim.requests.some((r) => r.path.includes('polybank-same-origin-redirect'))) problems.push(`${where}: a same-origin redirect was followed`);
      break;
  }
  return problems;
}

/** N simulators of one driver, each on its own loopback server, to run cases side by side. */
export async function simPool(driver: AnyDriver, size: number): Promise<{ sims: AnySim[]; close(): Promise<void> }> {
  const sims: AnySim[] = [];
  const servers: SimulatorServer[] = [];
  for (let i = 0; i < size; i++) {
    const sim = driver.simulator();
    servers.push(await startSimulatorServer(sim));
    sims.push(sim);
  }
  return { sims, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

/** Runs `cases` on the pool's simulators, `sims.length` at a time; returns every problem found. */
export async function runCases(driver: AnyDriver, sims: AnySim[], cases: readonly FaultCase[]): Promise<{ problems: string[]; outcomes: Record<string, number> }> {
  const problems: string[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    sims.map(async (sim) => {
      while (next < cases.length) {
        const c = cases[next++] as FaultCase;
        const { result, problems: found } = await runCase(driver, sim, c);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        problems.push(...found);
      }
    }),
  );
  return { problems, outcomes };
}

/** Clean runs of every scenario: the requests each sends (faults are placed on them). */
export async function cleanTraces(driver: AnyDriver, sim: AnySim): Promise<Map<string, Position[]>> {
  const traces = new Map<string, Position[]>();
  for (const scenario of driver.scenarios) {
    sim.reset();
    const result = await runFlow(driver, sim, scenario, { bank: { ...BANK, clock: simulatedClock() } });
    if (result.outcome !== scenario.outcome) throw new Error(`${driver.id} ${scenario.name}: clean run ended ${result.outcome}, expected ${scenario.outcome}`);
    traces.set(scenario.name, positionsOf(result.events));
  }
  return traces;
}

/**
 * The cases to run. `full`: every request of every scenario × every variant. Otherwise
 * (npm test): every secret-bearing request of every scenario × every variant (that is
 * where a retry would hurt), every other request × every variant once per endpoint and
 * occurrence across the scenarios (and a scenario's last request when all of them were
 * covered before), and the slow (timeout) variants once per endpoint and occurrence.
 */
export function selectCases(driver: AnyDriver, traces: Map<string, Position[]>, full: boolean): FaultCase[] {
  const cases: FaultCase[] = [];
  const done = new Set<string>();
  for (const scenario of driver.scenarios) {
    const secret = secretEndpoints(driver, scenario);
    const positions = traces.get(scenario.name) ?? [];
    // A scenario whose requests were all covered by earlier ones still gets its last (where it ends).
    const fresh = positions.some((p) => secret.includes(p.endpoint) || !done.has(`${p.endpoint}#${p.k}`));
    for (const [i, position] of positions.entries()) {
      const key = `${position.endpoint}#${position.k}`;
      const all = full || secret.includes(position.endpoint) || !done.has(key) || (!fresh && i === positions.length - 1);
      done.add(key);
      if (!all) continue;
      for (const variant of VARIANTS) {
        if (variant.slow && !full && done.has(`${key} slow`)) continue;
        if (variant.slow) done.add(`${key} slow`);
        cases.push({ scenario, position, variant });
      }
    }
  }
  return cases;
}
