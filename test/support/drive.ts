import { Polybank, isConnectionError, type Account, type Challenge, type Connection, type PolybankOptions, type RequestEvent } from '../../src/index.js';
import type { Driver, DriverScenario, Simulator } from '../../src/testing/index.js';

export interface DriveResult {
  outcome: string;
  /** Request events the SDK emitted (every HTTP attempt). */
  requests: RequestEvent[];
  challenges: string[];
  accounts: Account[];
  error?: unknown;
  connection: Connection;
}

/** Runs one scenario with the driver's autopilot to its end: active (with accounts) or a typed error. */
export async function drive(driver: Driver, sim: Simulator<unknown>, scenario: DriverScenario, options: Partial<PolybankOptions<never>> = {}): Promise<DriveResult> {
  const bank = new Polybank({ providers: [driver.provider(sim)], ...options } as PolybankOptions<never>);
  const connection = bank.connect(driver.id as never, scenario.input as never) as Connection;
  const challenges: string[] = [];
  const requests: RequestEvent[] = [];
  bank.on('request', (event) => requests.push(event));
  try {
    for await (const challenge of connection.authenticate()) {
      challenges.push(challenge.type);
      const answer = await driver.answer(challenge as Challenge, sim, scenario);
      if (answer !== undefined) (challenge as { answer(a: unknown): void }).answer(answer);
    }
    const accounts = await connection.accounts();
    return { outcome: 'active', requests, challenges, accounts, connection };
  } catch (error) {
    if (isConnectionError(error)) return { outcome: error.reason, requests, challenges, accounts: [], error, connection };
    throw error;
  }
}

/**
 * Secret-bearing requests the provider received beyond the ones the SDK sent as first
 * attempts: what a retry of a credential, code or answer would leave (0 is the rule).
 * Identical bodies alone prove nothing: two OTPs can both be "abcd", and a device
 * confirmation is re-sent on every poll.
 */
export function resentSecrets(driver: Driver, sim: Simulator<unknown>, requests: readonly RequestEvent[]): { received: number; sent: number; retried: number } {
  const secret = new Set(driver.secretEndpoints);
  const received = [...secret].reduce((n, endpoint) => n + sim.count(endpoint), 0);
  const sent = requests.filter((e) => secret.has(e.endpoint) && e.attempt === 1).length;
  const retried = requests.filter((e) => secret.has(e.endpoint) && e.attempt > 1).length;
  return { received, sent, retried };
}
