import * as p from '@clack/prompts';
import { isConnectionError, isPolybankError } from '../core/errors.js';
import type { Account } from '../core/model/account.js';
import type { Challenge } from '../core/model/challenge.js';
import { Polybank } from '../core/polybank.js';
import { drivers, type Driver, type DriverScenario } from '../testing/drivers/index.js';
import { startSimulatorServer, type SimulatorServer } from '../testing/server.js';
import type { Simulator } from '../testing/simulator.js';
import { askAtTerminal, describeImage, type Ask } from './prompter.js';

export interface DemoOptions {
  /** Answer every challenge with the simulated person's answers, without prompts. */
  auto: boolean;
  provider?: string;
  scenario?: string;
  out: (line: string) => void;
}

/** One representative MFA case per provider: what `--auto` runs when none is named. */
const SHOWCASE: Record<string, string> = {
  flinks: 'td_2step',
  powens: 'additionalInformationNeeded',
  fintecture: 'agfbfr-decoupled',
  powerauth: 'login_sca',
};

interface Running {
  server: SimulatorServer;
  sims: Map<string, Simulator<unknown>>;
}

async function startSimulators(): Promise<Running> {
  const sims = new Map<string, Simulator<unknown>>(Object.values(drivers).map((d) => [d.id, d.simulator()]));
  const server = await startSimulatorServer([...sims.values()]);
  return { server, sims };
}

function describeChallenge(challenge: Challenge): string[] {
  switch (challenge.type) {
    case 'credentials':
      return [`credentials: ${challenge.fields.map((f) => `${f.label}${f.secret ? ' (secret)' : ''}`).join(', ')}`];
    case 'otp':
      return [`otp: ${challenge.label ?? 'a code'} by ${challenge.channel}${challenge.length ? `, ${challenge.length} characters` : ''}${challenge.passwordRequired ? ', with the password' : ''}`];
    case 'questions':
      return [
        `questions (answered together):`,
        ...challenge.prompts.map((q) => {
          if (q.questions) return `  • ${q.text}: pick one of ${q.questions.length} questions`;
          if (q.choices?.some((c) => c.image)) return `  • ${q.text}: ${q.choices.length} images`;
          if (q.choices) return `  • ${q.text}: ${q.choices.map((c) => c.label).join(' / ')}`;
          return `  • ${q.text}`;
        }),
      ];
    case 'choice':
      return [
        `choice (${challenge.kind}${challenge.methods ? `, by ${challenge.methods.join(' or ')}` : ''}): ${challenge.prompt}`,
        ...challenge.options.map((o) => `  • ${o.label}${o.image ? ` — ${o.image.mediaType}, ${describeImage(o.image.data)}` : ''}`),
      ];
    case 'decoupled':
      return [`decoupled (${challenge.channel}): ${challenge.message ?? 'approve on your device'}`];
    case 'redirect':
      return [`redirect: ${challenge.url}`];
    case 'consent':
      return [`consent: ${challenge.text.replace(/<[^>]+>/g, '').trim()}`, ...challenge.options.map((o) => `  • ${o.label.replace(/<[^>]+>/g, '')}${o.required ? ' (required)' : ''}`)];
  }
}

/** What an answer looks like on screen: secrets masked. */
function showAnswer(challenge: Challenge, answer: unknown): string {
  if (challenge.type === 'credentials') {
    const values = answer as Record<string, string>;
    return challenge.fields
      .filter((f) => values[f.name] !== undefined)
      .map((f) => `${f.name}=${f.secret ? '••••' : values[f.name]}`)
      .join(' ');
  }
  if (challenge.type === 'otp') return `code ••••${(answer as { password?: string }).password ? ' + password ••••' : ''}`;
  if (challenge.type === 'questions') return `${challenge.prompts.length} answer(s)`;
  if (challenge.type === 'redirect') return 'the bank sent us back to the callback';
  return JSON.stringify(answer);
}

function accountLine(account: Account): string {
  const { current, available } = account.balances;
  const balance = current ?? available;
  return `  ${account.name.slice(0, 28).padEnd(28)} ${account.type.padEnd(10)} ${(balance?.amount ?? '-').padStart(14)} ${account.currency}${account.iban ? `  ${account.iban}` : ''}`;
}

/** Runs one scenario: each challenge answered by the person (or the autopilot), then the accounts. */
async function runScenario(driver: Driver, sim: Simulator<unknown>, scenario: DriverScenario, ask: Ask | undefined, print: (text: string) => void): Promise<boolean> {
  // Lines are shown in blocks, one per step, before each prompt.
  const buffer: string[] = [];
  const out = (line: string): void => void buffer.push(line);
  const flush = (): void => {
    if (buffer.length) print(buffer.splice(0).join('\n'));
  };
  try {
    return await steps(driver, sim, scenario, ask, out, flush);
  } finally {
    flush();
  }
}

async function steps(
  driver: Driver,
  sim: Simulator<unknown>,
  scenario: DriverScenario,
  ask: Ask | undefined,
  out: (line: string) => void,
  flush: () => void,
): Promise<boolean> {
  const bank = new Polybank({ providers: [driver.provider(sim)] });
  const conn = bank.connect(driver.id as never, scenario.input as never);
  out(`▶ ${driver.id} · ${scenario.name}: ${scenario.description}`);
  let spinner: ReturnType<typeof p.spinner> | undefined;
  const stopSpinner = (message: string): void => {
    spinner?.stop(message);
    spinner = undefined;
  };
  try {
    for await (const challenge of conn.authenticate()) {
      stopSpinner('approved');
      for (const line of describeChallenge(challenge)) out(`  ${line}`);
      const hint = driver.hint(challenge, sim, scenario);
      if (hint) out(`  ↳ ${hint}`);
      if (challenge.type === 'decoupled') {
        if (ask) {
          flush();
          spinner = p.spinner();
          spinner.start('Waiting for the approval in the bank app…');
        } else out('  … waiting for the approval (the loop polls)');
        continue;
      }
      let answer: unknown;
      if (ask && challenge.type !== 'redirect') {
        flush();
        answer = await ask(challenge);
        if (answer === undefined) {
          out('  cancelled: the provider session is cancelled');
          break;
        }
      } else {
        answer = await driver.answer(challenge, sim, scenario);
      }
      if (!ask) out(`  → ${showAnswer(challenge, answer)}`);
      try {
        (challenge as { answer(a: unknown): void }).answer(answer);
      } catch (error) {
        if (!isPolybankError(error)) throw error;
        out(`  ✗ ${error.message} (nothing was sent)`);
        return false;
      }
    }
    stopSpinner('approved');
    if (conn.status.status !== 'active') return false;
    out(`  ✓ active${conn.status.consentExpiresAt ? `, consent until ${conn.status.consentExpiresAt}` : ''}; store this reference: ${JSON.stringify(conn.toJSON().ref)}`);
    for (const account of await conn.accounts()) out(accountLine(account));
    return true;
  } catch (error) {
    stopSpinner('failed');
    if (isConnectionError(error)) {
      out(`  ✗ ${error.reason} (${error.providerCode ?? 'no provider code'}): ${error.userMessage ?? error.message}; user action: ${error.userAction}`);
      return scenario.outcome === error.reason;
    }
    throw error;
  }
}

function pick(driverId: string | undefined, scenarioName: string | undefined): Array<{ driver: Driver; scenario: DriverScenario }> {
  const chosen = driverId ? [drivers[driverId as keyof typeof drivers]] : Object.values(drivers);
  if (chosen.some((d) => d === undefined)) throw new Error(`unknown provider ${driverId}; one of: ${Object.keys(drivers).join(', ')}`);
  return chosen.map((driver) => {
    const name = scenarioName ?? SHOWCASE[driver.id];
    const scenario = driver.scenarios.find((s) => s.name === name);
    if (!scenario) throw new Error(`unknown scenario ${name} for ${driver.id}; one of: ${driver.scenarios.map((s) => s.name).join(', ')}`);
    return { driver, scenario };
  });
}

/** `polybank demo`: the bundled simulators on a loopback socket, a link at the terminal. */
export async function demo(options: DemoOptions): Promise<number> {
  const running = await startSimulators();
  const { out } = options;
  try {
    if (options.auto) {
      out(`polybank demo (auto): the four provider simulators at ${running.server.origin}`);
      let ok = true;
      for (const { driver, scenario } of pick(options.provider, options.scenario)) {
        ok = (await runScenario(driver, running.sims.get(driver.id) as Simulator<unknown>, scenario, undefined, out)) && ok;
      }
      return ok ? 0 : 1;
    }
    p.intro('polybank demo — every provider runs offline on its bundled simulator');
    for (;;) {
      const driverId = options.provider ?? (await p.select({ message: 'Provider', options: Object.values(drivers).map((d) => ({ value: d.id, label: d.label })) }));
      if (p.isCancel(driverId)) break;
      const driver = drivers[driverId as keyof typeof drivers];
      const scenarioName =
        options.scenario ??
        (await p.select({ message: 'Scenario', options: driver.scenarios.map((s) => ({ value: s.name, label: s.name, hint: s.description })) }));
      if (p.isCancel(scenarioName)) break;
      const [{ scenario }] = pick(driver.id, scenarioName as string) as [{ driver: Driver; scenario: DriverScenario }];
      await runScenario(driver, running.sims.get(driver.id) as Simulator<unknown>, scenario, askAtTerminal, (line) => p.log.message(line));
      if (options.provider && options.scenario) break;
      const again = await p.confirm({ message: 'Link another?' });
      if (p.isCancel(again) || !again) break;
    }
    p.outro('Done. Read the README to link real connections.');
    return 0;
  } finally {
    await running.server.close();
  }
}
