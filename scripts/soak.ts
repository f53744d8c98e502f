/**
 * `npm run soak`: 1,000 concurrent flows across the four providers, every documented
 * scenario, against the real-socket simulators on loopback with faults on (10% 5xx,
 * 5% connection resets, 2% timeouts, 429 bursts with and without Retry-After). Prints a
 * table per provider and exits non-zero if any flow ended untyped or unfinished, a
 * rejection went unhandled, or a secret-bearing request reached a provider twice.
 *
 *   npm run soak                      # 1,000 flows, 5-minute hard cap
 *   npm run soak -- --flows 200 --cap 120 --write   # --write: put the table into RELIABILITY.md
 *
 * Each scenario gets its own simulator (and loopback server), so that what a provider
 * received on its secret-bearing endpoints can be compared with what the SDK's request
 * events say it sent, scenario by scenario.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { drivers, powerauthTestUsers, startSimulatorServer, type Driver, type DriverScenario, type FaultSpec, type Simulator, type SimulatorServer } from '../src/testing/index.js';
import { powerauthSimulator } from '../src/testing/index.js';
import { resent, secretEndpoints } from '../test/reliability/support/at-most-once.js';
import { accountProblems, runFlow, type FlowResult } from '../test/reliability/support/flow.js';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const FLOWS = option('flows', 1000);
const CAP_S = option('cap', 300);
const WRITE = args.includes('--write');
// Per attempt; 1,000 flows starting at once on a small machine make the first answers slow.
const SDK_TIMEOUT_MS = 5_000;

type Id = 'fintecture' | 'powens' | 'flinks' | 'powerauth';
const IDS: Id[] = ['fintecture', 'powens', 'flinks', 'powerauth'];

interface Group {
  driver: Driver;
  scenario: DriverScenario;
  sim: Simulator<unknown>;
  server: SimulatorServer;
  flows: number;
}

interface Row {
  flows: number;
  active: number;
  documented: number;
  retryable: number;
  terminal: number;
  untyped: number;
  unfinished: number;
  unhandled: number;
  duplicates: number;
  requests: number;
  faulted: number;
  toActive: number[];
  terminalKinds: Record<string, number>;
}

// ------------------------------------------------------------------ faults

/** Endpoints the SDK calls (the bank pages are the autopilot's browser, not the SDK). */
const SDK_ENDPOINTS = /^(?!BankPage$|Webauth$)/;

/** 10% 5xx, 5% resets (half after the provider processed the request), 2% timeouts; probabilities are conditional on the faults before. */
function armFaults(sim: Simulator<unknown>): void {
  const always = { endpoint: SDK_ENDPOINTS, times: Infinity } as const;
  sim.inject({ ...always, kind: 'status', status: 503, probability: 0.05 });
  sim.inject({ ...always, kind: 'status', status: 500, probability: 0.05 / 0.95 });
  sim.inject({ ...always, kind: 'reset', probability: 0.025 / 0.9 });
  sim.inject({ ...always, kind: 'reset', when: 'after', probability: 0.025 / 0.875 });
  sim.inject({ ...always, kind: 'timeout', ms: 30_000, probability: 0.02 / 0.85 });
}

/** A burst of 429s on one simulator: its next 8 requests (within 3 s), with or without Retry-After. */
function burst(sim: Simulator<unknown>, withRetryAfter: boolean): void {
  const spec: FaultSpec = { endpoint: SDK_ENDPOINTS, kind: 'status', status: 429, times: 8, ...(withRetryAfter ? { retryAfter: 1 } : {}) };
  const disarm = sim.inject(spec);
  setTimeout(disarm, 3_000).unref();
}

// ------------------------------------------------------------------ setup

/** PowerAuth flows read their SMS from the simulated phone: one user per flow, so that concurrent flows never read each other's code. */
function powerauthSim(flows: number): Simulator<unknown> {
  const [template, ...others] = powerauthTestUsers();
  const users = [...(template ? [template] : []), ...others];
  for (let i = 0; i < flows; i++) if (template) users.push({ ...template, username: `soak-${i}`, id: String(30_000_000 + i), accounts: template.accounts.map((a) => ({ ...a })) });
  return powerauthSimulator({ users }) as unknown as Simulator<unknown>;
}

async function groups(): Promise<Group[]> {
  const out: Group[] = [];
  const perProvider = Math.floor(FLOWS / IDS.length);
  for (const [p, id] of IDS.entries()) {
    const driver = drivers[id];
    const total = perProvider + (p < FLOWS % IDS.length ? 1 : 0);
    for (const [i, scenario] of driver.scenarios.entries()) {
      const flows = Math.floor(total / driver.scenarios.length) + (i < total % driver.scenarios.length ? 1 : 0);
      if (flows === 0) continue;
      const sim = id === 'powerauth' ? powerauthSim(flows) : driver.simulator();
      sim.maxLog = 1_000_000;
      const server = await startSimulatorServer(sim);
      armFaults(sim);
      out.push({ driver, scenario, sim, server, flows });
    }
  }
  return out;
}

// ------------------------------------------------------------------ run

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  const rows = new Map<Id, Row>(IDS.map((id) => [id, { flows: 0, active: 0, documented: 0, retryable: 0, terminal: 0, untyped: 0, unfinished: 0, unhandled: 0, duplicates: 0, requests: 0, faulted: 0, toActive: [], terminalKinds: {} }]));
  let unhandled = 0;
  process.on('unhandledRejection', (reason) => {
    unhandled++;
    const provider = (reason as { provider?: string })?.provider as Id | undefined;
    const row = provider ? rows.get(provider) : undefined;
    if (row) row.unhandled++;
    console.error('unhandled rejection:', reason);
  });

  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const all = await groups();
  const cap = new AbortController();
  const capTimer = setTimeout(() => cap.abort(), CAP_S * 1000);
  // The hard bound: whatever happens, the process does not outlive the cap by more than a minute.
  setTimeout(() => {
    console.error(`soak: still running ${CAP_S + 60} s after the start; giving up`);
    process.exit(3);
  }, (CAP_S + 60) * 1000).unref();
  const bursts = setInterval(() => {
    const group = all[Math.floor(Math.random() * all.length)];
    if (group) burst(group.sim, Math.random() < 0.5);
  }, 1_000);

  const started = performance.now();
  console.log(`soak: ${FLOWS} concurrent flows over ${all.length} scenarios of ${IDS.length} providers; faults on; cap ${CAP_S} s`);
  const results = await Promise.all(
    all.flatMap((group) =>
      Array.from({ length: group.flows }, async (_, n): Promise<{ group: Group; result: FlowResult; ms: number }> => {
        const t0 = performance.now();
        const scenario = group.driver.id === 'powerauth' && group.scenario.persona?.username === 'user1234' ? { ...group.scenario, persona: { username: `soak-${n}` } } : group.scenario;
        const result = await runFlow(group.driver, group.sim, scenario, {
          signal: cap.signal,
          bank: { timeout: SDK_TIMEOUT_MS, retry: { limit: 2, backoffLimitMs: 200, maxRetryAfterMs: 3_000 } },
        });
        return { group, result, ms: performance.now() - t0 };
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(bursts);
  clearTimeout(capTimer);

  for (const { group, result } of results) {
    const row = rows.get(group.driver.id as Id) as Row;
    row.flows++;
    const expected = group.scenario.outcome;
    if (result.ending === 'active' && expected === 'active' && accountProblems(result.accounts).length === 0) {
      row.active++;
      if (result.msToActive !== undefined) row.toActive.push(result.msToActive);
    } else if (result.outcome === 'AbortedError' && cap.signal.aborted) row.unfinished++;
    else if (!result.typed) row.untyped++;
    else if (result.ending === 'error' && result.outcome === expected) row.documented++;
    else if (result.ending === 'error' && result.retryable) row.retryable++;
    else {
      row.terminal++;
      const kind = `${result.outcome}${result.phase === 'accounts' ? ' (accounts)' : ''}`;
      row.terminalKinds[kind] = (row.terminalKinds[kind] ?? 0) + 1;
    }
  }
  for (const group of all) {
    const row = rows.get(group.driver.id as Id) as Row;
    const events = results.filter((r) => r.group === group).flatMap((r) => r.result.events);
    row.duplicates += resent(group.sim, events, secretEndpoints(group.driver, group.scenario)).duplicates;
    row.requests += group.sim.requests.length;
    row.faulted += group.sim.requests.filter((r) => r.fault !== undefined).length;
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  await Promise.all(all.map((g) => g.server.close()));

  if (args.includes('--slowest')) {
    for (const { group, result, ms } of [...results].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
      console.log(`${Math.round(ms)} ms ${group.driver.id} ${group.scenario.name} ${result.outcome}: ${result.events.map((e) => `${e.endpoint}#${e.attempt} ${e.status ?? e.error} ${Math.round(e.ms)}ms`).join(', ')}`);
    }
  }
  const table = render(rows, peakRss, seconds);
  console.log(table);
  for (const [id, row] of rows) if (Object.keys(row.terminalKinds).length) console.log(`${id} terminal errors: ${JSON.stringify(row.terminalKinds)}`);
  if (WRITE) writeReliability(table);

  const bad = [...rows.values()].reduce((n, r) => n + r.untyped + r.unfinished + r.duplicates + r.unhandled, 0) + unhandled;
  const lost = [...rows.values()].reduce((n, r) => n + r.flows, 0) !== FLOWS;
  if (bad > 0 || lost) {
    console.error('soak: FAILED (untyped or unfinished flows, unhandled rejections or duplicate secret-bearing requests)');
    process.exitCode = 1;
  }
}

function render(rows: Map<Id, Row>, peakRss: number, seconds: number): string {
  const header = ['provider', 'flows', 'active', 'documented failure', 'typed retryable', 'typed terminal', 'untyped', 'unfinished', 'unhandled rejections', 'duplicate secret requests', 'requests', 'faulted', 'p50 to active', 'p99 to active'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  const ms = (v: number): string => (Number.isNaN(v) ? '—' : `${Math.round(v)} ms`);
  const total: Row = { flows: 0, active: 0, documented: 0, retryable: 0, terminal: 0, untyped: 0, unfinished: 0, unhandled: 0, duplicates: 0, requests: 0, faulted: 0, toActive: [], terminalKinds: {} };
  for (const [id, row] of rows) {
    lines.push(`| ${id} | ${row.flows} | ${row.active} | ${row.documented} | ${row.retryable} | ${row.terminal} | ${row.untyped} | ${row.unfinished} | ${row.unhandled} | ${row.duplicates} | ${row.requests} | ${row.faulted} | ${ms(percentile(row.toActive, 50))} | ${ms(percentile(row.toActive, 99))} |`);
    for (const key of ['flows', 'active', 'documented', 'retryable', 'terminal', 'untyped', 'unfinished', 'unhandled', 'duplicates', 'requests', 'faulted'] as const) total[key] += row[key];
    total.toActive.push(...row.toActive);
  }
  lines.push(`| **all** | ${total.flows} | ${total.active} | ${total.documented} | ${total.retryable} | ${total.terminal} | ${total.untyped} | ${total.unfinished} | ${total.unhandled} | ${total.duplicates} | ${total.requests} | ${total.faulted} | ${ms(percentile(total.toActive, 50))} | ${ms(percentile(total.toActive, 99))} |`);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  lines.push('', `Peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB (the whole process: 1 Node ${process.version} process, ${cpus().length} cores of ${cpu}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB); wall time ${seconds.toFixed(1)} s; ${new Date().toISOString().slice(0, 10)}.`);
  return lines.join('\n');
}

/** Replaces the table between the soak markers of RELIABILITY.md. */
function writeReliability(table: string): void {
  const file = new URL('../RELIABILITY.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const start = '<!-- soak:start -->';
  const end = '<!-- soak:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error('RELIABILITY.md has no soak markers');
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
}

await main();
