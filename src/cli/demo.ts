import * as p from '@clack/prompts';
import { isAbortedError, isConnectionError, isPolybankError } from '../core/errors.js';
import type { Challenge } from '../core/model/challenge.js';
import { Polybank } from '../core/polybank.js';
import { drivers, type Driver, type DriverScenario } from '../testing/drivers/index.js';
import { startSimulatorServer, type SimulatorServer } from '../testing/server.js';
import type { Simulator } from '../testing/simulator.js';
import { UsageError } from './args.js';
import { accountLine, describeChallenge, showAnswer } from './describe.js';
import { askAtTerminal, type Ask, type AnswerableChallenge } from './prompter.js';
import { waitAtTerminal, waitInLog, type Waiting } from './waiting.js';

export interface DemoOptions {
  /** Answer every challenge with the simulated person's answers, without prompts. */
  auto: boolean;
  provider?: string;
  scenario?: string;
  out: (line: string) => void;
  /** Ctrl-C: aborts the link in progress (the provider's session is cancelled); the demo returns 130. */
  signal?: AbortSignal;
}

/** Exit codes: linked (or ended as documented), failed, cancelled by the person. */
import { EXIT } from './args.js';
export { EXIT };

/** One representative MFA case per provider: what `--auto` runs when none is named. */
const SHOWCASE: Record<string, string> = {
  flinks: 'td_2step',
  powens: 'additionalInformationNeeded',
  fintecture: 'agfbfr-decoupled',
  powerauth: 'login_sca',
};

type Outcome = 'documented' | 'failed' | 'cancelled';

interface Running {
  server: SimulatorServer;
  sims: Map<string, Simulator<unknown>>;
}

async function startSimulators(): Promise<Running> {
  const sims = new Map<string, Simulator<unknown>>(Object.values(drivers).map((d) => [d.id, d.simulator()]));
  const server = await startSimulatorServer([...sims.values()]);
  return { server, sims };
}

/**
 * What the chosen scenario already decides in a credentials challenge: its list fields (the
 * Powens test connector's scenario lists) as the autopilot would fill them, so that the person
 * is not asked again for what they picked in the menu. Text and secret fields stay theirs.
 */
async function presetFor(driver: Driver, sim: Simulator<unknown>, scenario: DriverScenario, challenge: Challenge): Promise<Record<string, string | null>> {
  if (challenge.type !== 'credentials' || !challenge.fields.some((f) => f.choices ?? f.suggestions)) return {};
  const auto = ((await driver.answer(challenge, sim, scenario)) ?? {}) as Record<string, string>;
  const preset: Record<string, string | null> = {};
  for (const field of challenge.fields) {
    if (!(field.choices ?? field.suggestions)) continue;
    const value = auto[field.name];
    if (value !== undefined) preset[field.name] = value;
    else if (!field.required) preset[field.name] = null;
  }
  return preset;
}

interface Session {
  driver: Driver;
  sim: Simulator<unknown>;
  scenario: DriverScenario;
  /** Present at a terminal; absent with --auto. */
  ask: Ask | undefined;
  signal: AbortSignal | undefined;
  out: (line: string) => void;
  flush: () => void;
}

/** Runs one scenario: each challenge answered by the person (or the autopilot), then the accounts. */
async function runScenario(driver: Driver, sim: Simulator<unknown>, scenario: DriverScenario, ask: Ask | undefined, print: (text: string) => void, signal?: AbortSignal): Promise<Outcome> {
  // Lines are shown in blocks, one per step, before each prompt.
  const buffer: string[] = [];
  const out = (line: string): void => void buffer.push(line);
  const flush = (): void => {
    if (buffer.length) print(buffer.splice(0).join('\n'));
  };
  try {
    return await steps({ driver, sim, scenario, ask, signal, out, flush });
  } finally {
    flush();
  }
}

async function steps(s: Session): Promise<Outcome> {
  const { driver, sim, scenario, ask, out, flush } = s;
  const bank = new Polybank({ providers: [driver.provider(sim)] });
  const conn = bank.connect(driver.id as never, scenario.input as never);
  // Ctrl-C while a spinner runs: the spinner reports it; abort the loop like the signal does.
  const local = new AbortController();
  const signal = s.signal ? AbortSignal.any([s.signal, local.signal]) : local.signal;
  out(`▶ ${driver.id} · ${scenario.name}: ${scenario.description}`);
  let waiting: Waiting | undefined;
  const stopWaiting = (outcome: string): void => {
    waiting?.stop(outcome);
    waiting = undefined;
  };
  try {
    for await (const challenge of conn.authenticate({ signal })) {
      stopWaiting('approved');
      for (const line of describeChallenge(challenge)) out(`  ${line}`);
      const hint = driver.hint(challenge, sim, scenario);
      if (hint) out(`  ↳ ${hint}`);
      if (challenge.type === 'decoupled') {
        if (ask) {
          flush();
          waiting = waitAtTerminal(challenge, () => local.abort());
        } else waiting = waitInLog(out);
        continue;
      }
      // The simulated bank's redirect page approves by itself: the autopilot follows it.
      if (ask && challenge.type !== 'redirect') {
        flush();
        const preset = await presetFor(driver, sim, scenario, challenge);
        const result = await ask(challenge as AnswerableChallenge, { preset, hint: () => driver.hint(challenge, sim, scenario), signal });
        if (result === 'cancelled') {
          out('  cancelled: the provider session is cancelled');
          return 'cancelled';
        }
        continue;
      }
      const answer = await driver.answer(challenge, sim, scenario);
      out(`  → ${showAnswer(challenge, answer)}`);
      (challenge as { answer(a: unknown): void }).answer(answer);
    }
    stopWaiting('approved');
    if (conn.status.status !== 'active') return 'failed';
    out(`  ✓ active${conn.status.consentExpiresAt ? `, consent until ${conn.status.consentExpiresAt}` : ''}; store this reference: ${JSON.stringify(conn.toJSON().ref)}`);
    for (const account of await conn.accounts({ signal })) out(accountLine(account));
    return scenario.outcome === 'active' ? 'documented' : 'failed';
  } catch (error) {
    if (isAbortedError(error) || signal.aborted) {
      stopWaiting('cancelled');
      out('  cancelled: the provider session is cancelled');
      return 'cancelled';
    }
    stopWaiting('failed');
    if (isConnectionError(error)) {
      out(`  ✗ ${error.reason} (${error.providerCode ?? 'no provider code'}): ${error.userMessage ?? error.message}; user action: ${error.userAction}`);
      return scenario.outcome === error.reason ? 'documented' : 'failed';
    }
    if (isPolybankError(error)) {
      out(`  ✗ ${error.kind}: ${error.message}`);
      return 'failed';
    }
    throw error;
  }
}

function driverOf(id: string): Driver {
  const driver = (drivers as Record<string, Driver | undefined>)[id];
  if (!driver) throw new UsageError(`unknown provider '${id}'; one of: ${Object.keys(drivers).join(', ')}`);
  return driver;
}

function scenarioOf(driver: Driver, name: string): DriverScenario {
  const scenario = driver.scenarios.find((s) => s.name === name);
  if (!scenario) throw new UsageError(`unknown scenario ${name} for ${driver.id}; one of: ${driver.scenarios.map((s) => s.name).join(', ')}`);
  return scenario;
}

/**
 * What the flags select, checked before anything starts: a provider (and scenario), a scenario
 * alone (the provider whose catalog has it), or nothing (every provider's showcase with --auto).
 */
export function selection(provider: string | undefined, scenario: string | undefined): { driver?: Driver; scenario?: DriverScenario } {
  if (provider !== undefined) {
    const driver = driverOf(provider);
    return scenario === undefined ? { driver } : { driver, scenario: scenarioOf(driver, scenario) };
  }
  if (scenario === undefined) return {};
  const owners = Object.values(drivers).filter((d) => d.scenarios.some((s) => s.name === scenario));
  if (owners.length !== 1) {
    const known = Object.values(drivers).map((d) => `${d.id}: ${d.scenarios.map((s) => s.name).join(', ')}`);
    throw new UsageError(owners.length === 0 ? `unknown scenario ${scenario}; the scenarios are ${known.join('; ')}` : `scenario ${scenario} exists for ${owners.map((d) => d.id).join(' and ')}: add --provider`);
  }
  const driver = owners[0] as Driver;
  return { driver, scenario: scenarioOf(driver, scenario) };
}

async function auto(options: DemoOptions, running: Running): Promise<number> {
  const chosen = selection(options.provider, options.scenario);
  const runs = chosen.driver
    ? [{ driver: chosen.driver, scenario: chosen.scenario ?? scenarioOf(chosen.driver, SHOWCASE[chosen.driver.id] as string) }]
    : Object.values(drivers).map((driver) => ({ driver, scenario: scenarioOf(driver, SHOWCASE[driver.id] as string) }));
  options.out(`polybank demo (auto): the four provider simulators at ${running.server.origin}`);
  let code: number = EXIT.ok;
  for (const { driver, scenario } of runs) {
    const outcome = await runScenario(driver, running.sims.get(driver.id) as Simulator<unknown>, scenario, undefined, options.out, options.signal);
    if (outcome === 'cancelled') return EXIT.cancelled;
    if (outcome === 'failed') code = EXIT.failed;
  }
  return code;
}

async function interactive(options: DemoOptions, running: Running): Promise<number> {
  const chosen = selection(options.provider, options.scenario);
  const signal = options.signal;
  p.intro('polybank demo — every provider runs offline on its bundled simulator');
  let code: number;
  for (;;) {
    const driverId = chosen.driver?.id ?? (await p.select({ message: 'Provider', options: Object.values(drivers).map((d) => ({ value: d.id, label: d.label })), signal }));
    if (p.isCancel(driverId)) return cancelled();
    const driver = driverOf(driverId);
    const scenarioName =
      chosen.scenario?.name ?? (await p.select({ message: 'Scenario', options: driver.scenarios.map((s) => ({ value: s.name, label: s.name, hint: s.description })), signal }));
    if (p.isCancel(scenarioName)) return cancelled();
    const outcome = await runScenario(driver, running.sims.get(driver.id) as Simulator<unknown>, scenarioOf(driver, scenarioName), askAtTerminal, (line) => p.log.message(line), signal);
    if (outcome === 'cancelled') return cancelled();
    code = outcome === 'failed' ? EXIT.failed : EXIT.ok;
    if (chosen.scenario) break;
    const again = await p.confirm({ message: 'Link another?', signal });
    if (p.isCancel(again)) return cancelled();
    if (!again) break;
  }
  p.outro('Done. Read the README to link real connections.');
  return code;
}

function cancelled(): number {
  p.cancel('Cancelled.');
  return EXIT.cancelled;
}

/** `polybank demo`: the bundled simulators on a loopback socket, a link at the terminal. */
export async function demo(options: DemoOptions): Promise<number> {
  // Bad flags fail before anything starts.
  selection(options.provider, options.scenario);
  const running = await startSimulators();
  try {
    return await (options.auto ? auto(options, running) : interactive(options, running));
  } finally {
    await running.server.close();
  }
}
