/**
 * Break and abort at every step of every scenario: at each challenge (break, abort at
 * the yield, abort while a decoupled approval is being waited for) and while each
 * request is in flight. Then: the loop ended as asked (AbortedError for an abort), the
 * provider-side session was cancelled where the provider has a way to (PowerAuth
 * `operation/change` CANCELED, Powens deleting the user or connection the flow created),
 * and nothing at all is sent after that.
 */
import { realClock, simulatedClock } from '../../../src/index.js';
import type { DriverScenario, PowensSimState, PowerAuthSimState } from '../../../src/testing/index.js';
import { BANK, positionsOf, type Position } from './faults.js';
import { runFlow, type AnyDriver, type AnySim, type FlowResult } from './flow.js';

export type CleanupAction =
  | { kind: 'break'; at: number }
  | { kind: 'abort'; at: number }
  /** Abort while the loop waits between polls of a decoupled approval (real time). */
  | { kind: 'abort-while-waiting'; at: number }
  /** Abort while this request is at the provider (held there by a latency fault); `last`: the scenario's last request. */
  | { kind: 'abort-in-flight'; position: Position; last: boolean };

export interface CleanupCase {
  scenario: DriverScenario;
  action: CleanupAction;
}

export function describeAction(action: CleanupAction): string {
  return action.kind === 'abort-in-flight' ? `${action.kind} ${action.position.endpoint}#${action.position.k}` : `${action.kind} at challenge ${action.at}`;
}

/** Every cleanup case of a driver, from clean runs of its scenarios. */
export async function cleanupCases(driver: AnyDriver, sim: AnySim): Promise<CleanupCase[]> {
  const cases: CleanupCase[] = [];
  for (const scenario of driver.scenarios) {
    sim.reset();
    const clean = await runFlow(driver, sim, scenario, { bank: { ...BANK, clock: simulatedClock() } });
    for (const [at, challenge] of clean.challenges.entries()) {
      cases.push({ scenario, action: { kind: 'break', at } }, { scenario, action: { kind: 'abort', at } });
      if (challenge.type === 'decoupled') cases.push({ scenario, action: { kind: 'abort-while-waiting', at } });
    }
    const positions = positionsOf(clean.events);
    for (const [i, position] of positions.entries()) cases.push({ scenario, action: { kind: 'abort-in-flight', position, last: i === positions.length - 1 } });
  }
  return cases;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function total(sim: AnySim): number {
  return Object.values(sim.counts).reduce((a, b) => a + b, 0);
}

/** Waits until the simulator has received nothing new for a while (a leftover request in flight, a best-effort cancel). */
async function settle(sim: AnySim): Promise<boolean> {
  let last = total(sim);
  let quiet = 0;
  for (let i = 0; i < 150; i++) {
    await sleep(15);
    const now = total(sim);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
    // 120 ms without a request: generous on a loaded machine, where a best-effort cancel can be late.
    if (quiet >= 8) return true;
  }
  return false;
}

/** Runs one case; returns what is wrong (nothing, ideally). */
export async function runCleanupCase(driver: AnyDriver, sim: AnySim, c: CleanupCase): Promise<{ result: FlowResult; problems: string[] }> {
  sim.reset();
  const controller = new AbortController();
  const { action } = c;
  let watching = true;
  if (action.kind === 'abort-in-flight') {
    // Hold the request at the provider, and abort as soon as the provider has it.
    const { endpoint, k } = action.position;
    sim.inject({ kind: 'latency', ms: 2_000, endpoint, after: k, times: 1 });
    void (async () => {
      while (watching && sim.count(endpoint) <= k) await sleep(2);
      if (watching) controller.abort();
    })();
  }
  const waiting = action.kind === 'abort-while-waiting';
  const result = await runFlow(driver, sim, c.scenario, {
    signal: controller.signal,
    controller,
    bank: { ...BANK, clock: waiting ? realClock : simulatedClock() },
    at: (_challenge, index) => {
      if (action.kind === 'abort-in-flight' || index !== action.at) return 'answer';
      if (action.kind === 'abort-while-waiting') {
        setTimeout(() => controller.abort(), 60);
        return 'answer';
      }
      return action.kind;
    },
  });
  watching = false;
  const problems: string[] = [];
  const where = `${c.scenario.name} ${describeAction(action)}`;
  if (!(await settle(sim))) problems.push(`${where}: requests kept coming after the loop was left`);
  const afterLeaving = { ...sim.counts };

  // An abort during the scenario's last request (the clean-up after a documented failure, the
  // accounts read) lands after the outcome was decided: that outcome stands.
  const late = action.kind === 'abort-in-flight' && action.last && (result.outcome === c.scenario.outcome || result.phase === 'accounts');
  if (action.kind === 'break' && result.outcome !== 'broke') problems.push(`${where}: ended ${result.outcome} instead of leaving the loop`);
  if (action.kind !== 'break' && result.outcome !== 'AbortedError' && !late) {
    problems.push(`${where}: ended ${result.outcome} (${String((result.error as Error)?.message ?? '').slice(0, 200)}) instead of AbortedError`);
  }
  if (!result.typed) problems.push(`${where}: untyped ${String((result.error as Error)?.stack ?? result.error)}`);
  if (action.kind === 'abort-in-flight' && !late) {
    // Not vacuous: that very request was cut off by the abort (a clean-up after the outcome, sent by the core's cancel without the caller's signal, is not).
    const attempt = result.events.filter((e) => e.endpoint === action.position.endpoint && e.attempt === 1)[action.position.k];
    if (!attempt?.error) problems.push(`${where}: the request was not in flight when the abort came (${JSON.stringify(attempt ?? null)})`);
  }
  if (result.phase === 'authenticate') problems.push(...providerSideCancel(driver, sim, c, result));

  // Nothing more, ever: no poll, no retry, no second cancel.
  await sleep(action.kind === 'abort-while-waiting' ? 450 : 150);
  const later = sim.counts;
  for (const [endpoint, n] of Object.entries(later)) {
    if (n !== (afterLeaving[endpoint] ?? 0)) problems.push(`${where}: ${endpoint} was called ${n - (afterLeaving[endpoint] ?? 0)} more time(s) after leaving`);
  }
  return { result, problems };
}

/** Where the provider has a cancel, it was sent; where the step is kept (a redirect the user is away on), nothing was. */
function providerSideCancel(driver: AnyDriver, sim: AnySim, c: CleanupCase, result: FlowResult): string[] {
  const where = `${c.scenario.name} ${describeAction(c.action)}`;
  const problems: string[] = [];
  const atChallenge = c.action.kind === 'abort-in-flight' ? undefined : result.challenges[c.action.at];
  // A redirect the user is away on is kept on break (they may come back); an abort cancels it.
  const kept = c.action.kind === 'break' && atChallenge?.type === 'redirect';
  const status = result.connection?.status;
  const left = result.outcome === 'broke' || result.outcome === 'AbortedError';
  const reason = left ? 'cancelled' : result.outcome;
  if (!kept && status && !(status.status === 'error' && status.reason === reason)) problems.push(`${where}: status ${JSON.stringify(status)} after ending ${result.outcome}`);
  if (kept && status?.status !== 'challenge') problems.push(`${where}: a kept redirect ended in status ${status?.status}`);
  switch (driver.id) {
    case 'powerauth': {
      const state = sim.state as PowerAuthSimState;
      const changes = state.operationChanges.map((o) => o.change);
      // Left by the app: CANCELED; failed: FAILED. The bank heard of the operation once anything but the service status reached it.
      const expected = left ? 'CANCELED' : 'FAILED';
      const known = sim.requests.some((r) => r.endpoint !== 'service/status' && r.endpoint !== 'operation/change');
      if (known && !changes.includes(expected)) problems.push(`${where}: no operation/change ${expected} (changes: ${changes.join(', ') || 'none'})`);
      if (changes.length > 1) problems.push(`${where}: operation/change sent ${changes.length} times (${changes.join(', ')})`);
      break;
    }
    case 'powens': {
      const state = sim.state as PowensSimState;
      const live = [...state.connections.values()];
      if (kept) {
        if (sim.count('DeleteUser') + sim.count('DeleteConnection') > 0) problems.push(`${where}: a kept redirect was deleted at Powens`);
      } else if (live.length > 0) {
        problems.push(`${where}: connection(s) ${live.map((l) => `${l.id} (${l.state})`).join(', ')} left at Powens (DeleteUser ${sim.count('DeleteUser')}, DeleteConnection ${sim.count('DeleteConnection')})`);
      }
      break;
    }
    default:
      break;
  }
  return problems;
}
