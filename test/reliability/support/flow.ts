/**
 * One flow of one driver scenario, with everything the reliability suite looks at:
 * the SDK's request events, the challenges, the outcome classified (active, a reason,
 * another typed error, or untyped), the accounts checked, and hooks to break, abort,
 * checkpoint or fault at any step. The answers are the driver's autopilot.
 */
import {
  Account,
  Polybank,
  isConnectionError,
  isPolybankError,
  type Challenge,
  type Connection,
  type PolybankOptions,
  type RequestEvent,
} from '../../../src/index.js';
import type { AnyProvider } from '../../../src/core/provider.js';
import type { Driver, DriverScenario, Simulator } from '../../../src/testing/index.js';

export type AnyDriver = Driver;
export type AnySim = Simulator<unknown>;

/** What to do at the k-th challenge, before answering it. */
export type ChallengeAction = 'answer' | 'break' | 'abort';

export interface FlowOptions {
  /** Extra Polybank options (clock, retry, timeout, logger, fetch, checkpoints). */
  bank?: Partial<PolybankOptions<AnyProvider>>;
  /** The provider to use instead of `driver.provider(sim)` (canary credentials). */
  provider?: AnyProvider;
  /** The input to use instead of `scenario.input`. */
  input?: unknown;
  /** Rewrites the autopilot's answer (canary values); the autopilot still decides what to answer. */
  rewrite?: (answer: unknown, challenge: Challenge) => unknown;
  signal?: AbortSignal;
  /** The controller behind `signal`, for `abort` actions. */
  controller?: AbortController;
  /** Called on every yielded challenge with its index: answer it (default), break, or abort. */
  at?: (challenge: Challenge, index: number, connection: Connection) => ChallengeAction | Promise<ChallengeAction>;
  /** Read the accounts once active (default true). */
  accounts?: boolean;
  /** Called with the connection before authenticate() starts (to attach listeners). */
  watch?: (connection: Connection, bank: Polybank<AnyProvider>) => void;
}

export type Ending = 'active' | 'broke' | 'error';

export interface FlowResult {
  /** `active`, `broke` (left the loop on purpose), a ConnectionError reason, another PolybankError kind, or `untyped`. */
  outcome: string;
  ending: Ending;
  /** Where it ended: in authenticate() or in accounts() on an active connection. */
  phase: 'authenticate' | 'accounts';
  error?: unknown;
  typed: boolean;
  retryable: boolean;
  events: RequestEvent[];
  challenges: Challenge[];
  accounts: Account[];
  connection: Connection;
  bank: Polybank<AnyProvider>;
  /** ms from the start to active (undefined when not active). */
  msToActive?: number;
}

export function outcomeOf(error: unknown): { outcome: string; typed: boolean; retryable: boolean } {
  if (isConnectionError(error)) return { outcome: error.reason, typed: true, retryable: error.retryable };
  if (isPolybankError(error)) return { outcome: error.kind, typed: true, retryable: error.retryable };
  return { outcome: 'untyped', typed: false, retryable: false };
}

/** Runs one scenario with the driver's autopilot until active, a typed error, or a break/abort. */
export async function runFlow(driver: AnyDriver, sim: AnySim, scenario: DriverScenario, options: FlowOptions = {}): Promise<FlowResult> {
  const provider = options.provider ?? driver.provider(sim);
  const bank = new Polybank({ providers: [provider], ...options.bank } as PolybankOptions<AnyProvider>);
  const events: RequestEvent[] = [];
  bank.on('request', (event) => events.push(event));
  const started = performance.now();
  const challenges: Challenge[] = [];
  let connection: Connection | undefined;
  let phase: FlowResult['phase'] = 'authenticate';
  const base = { events, challenges, bank };
  try {
    connection = bank.connect(driver.id, (options.input ?? scenario.input) as never) as Connection;
    options.watch?.(connection, bank);
    let broke = false;
    for await (const challenge of connection.authenticate(options.signal ? { signal: options.signal } : {})) {
      const index = challenges.length;
      challenges.push(challenge);
      const action = options.at ? await options.at(challenge, index, connection) : 'answer';
      if (action === 'break') {
        broke = true;
        break;
      }
      if (action === 'abort') {
        options.controller?.abort();
        continue;
      }
      const raw = await driver.answer(challenge, sim, scenario);
      const answer = raw !== undefined && options.rewrite ? options.rewrite(raw, challenge) : raw;
      if (answer !== undefined) (challenge as { answer(a: unknown): void }).answer(answer);
    }
    if (broke) return { ...base, outcome: 'broke', ending: 'broke', phase, typed: true, retryable: false, accounts: [], connection };
    const msToActive = performance.now() - started;
    phase = 'accounts';
    const accounts = options.accounts === false ? [] : await connection.accounts(options.signal ? { signal: options.signal } : {});
    return { ...base, outcome: 'active', ending: 'active', phase, typed: true, retryable: false, accounts, connection, msToActive };
  } catch (error) {
    const what = outcomeOf(error);
    return { ...base, ...what, ending: 'error', phase, error, accounts: [], connection: connection as Connection };
  }
}

/** Problems with accounts handed to the user: schema, exact money, one currency per account. */
export function accountProblems(accounts: readonly unknown[]): string[] {
  const problems: string[] = [];
  for (const [i, account] of accounts.entries()) {
    const parsed = Account.safeParse(account);
    if (!parsed.success) {
      problems.push(`account ${i} fails the schema: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      continue;
    }
    if (!/^[A-Z]{3}$/.test(parsed.data.currency)) problems.push(`account ${i} currency ${parsed.data.currency}`);
    for (const [kind, money] of Object.entries(parsed.data.balances)) {
      if (!money) continue;
      if (!/^-?\d+(\.\d+)?$/.test(money.amount)) problems.push(`account ${i} ${kind} amount ${money.amount}`);
      if (money.currency !== parsed.data.currency) problems.push(`account ${i} ${kind} in ${money.currency}, account in ${parsed.data.currency}`);
    }
  }
  return problems;
}
