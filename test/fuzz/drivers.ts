/**
 * One fuzz target per provider, built on its driver: every documented scenario, answered
 * by the driver's autopilot, in-process over the simulator's msw handlers with a
 * simulated clock (polls do not wait). After authenticate(), the data calls the provider
 * has (accounts, holders, one account's transactions), so every endpoint gets spoiled.
 * Every case must also keep secret-bearing requests at most once.
 */
import { setupServer } from 'msw/node';
import { Polybank, simulatedClock, type Challenge, type Connection, type RequestEvent } from '../../src/index.js';
import type { AnyProvider } from '../../src/core/provider.js';
import type { Driver, DriverScenario, Simulator } from '../../src/testing/index.js';
import { resent, secretEndpoints } from '../reliability/support/at-most-once.js';
import type { FuzzTarget } from './harness.js';

export const FUZZ_ORIGIN = 'https://fuzz.polybank.test';

export interface DriverFuzzTarget extends FuzzTarget {
  /** Serves the simulated bank pages (redirects) to the driver's autopilot through msw; call `close()` after. */
  listen(): { close(): void };
}

async function runScenario(driver: Driver, sim: Simulator<unknown>, scenario: DriverScenario, bank: Polybank<AnyProvider>, provider: AnyProvider): Promise<{ accounts: unknown[] }> {
  const connection = bank.connect(driver.id, scenario.input as never) as Connection;
  for await (const challenge of connection.authenticate()) {
    const answer = await driver.answer(challenge as Challenge, sim, scenario);
    if (answer !== undefined) (challenge as { answer(a: unknown): void }).answer(answer);
  }
  const accounts = await connection.accounts();
  if (typeof provider.holders === 'function') await connection.holders();
  const [first] = accounts;
  if (first && typeof provider.transactions === 'function') for await (const transaction of connection.transactions(first.id)) void transaction;
  return { accounts };
}

export function driverTarget(driver: Driver): DriverFuzzTarget {
  const sim = driver.simulator();
  let events: RequestEvent[] = [];
  let current: DriverScenario | undefined;
  let provider: AnyProvider | undefined;
  return {
    name: driver.id,
    simulator: sim,
    bank(fetch) {
      events = [];
      // The harness pointed the simulator at the fuzz origin: the driver configures the provider from it.
      provider = driver.provider(sim);
      const bank = new Polybank({ providers: [provider], fetch, retry: { limit: 2, backoffLimitMs: 1 }, clock: simulatedClock(), pollTimeout: 10 * 60_000 });
      bank.on('request', (event) => events.push(event));
      return bank;
    },
    scenarios: driver.scenarios.map((scenario) => ({
      name: scenario.name,
      outcome: scenario.outcome,
      run: (bank) => {
        current = scenario;
        return runScenario(driver, sim, scenario, bank as Polybank<AnyProvider>, provider as AnyProvider);
      },
    })),
    verify() {
      if (!current) return [];
      const counts = resent(sim, events, secretEndpoints(driver, current));
      return counts.duplicates > 0 ? [`secret-bearing request sent twice: ${JSON.stringify(counts)}`] : [];
    },
    listen() {
      const server = setupServer(...sim.handlers(FUZZ_ORIGIN));
      server.listen();
      return { close: () => server.close() };
    },
  };
}
