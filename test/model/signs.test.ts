/**
 * #14 item 5: one sign convention across providers, asserted on each provider's own card
 * and loan data as its simulator serves it. Balances are from the holder's side: what the
 * holder owes (a card's spending, a loan's outstanding principal) is negative; transactions
 * are negative when money leaves the account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/index.js';
import { drivers, startSimulatorServer, type DriverScenario, type Simulator, type SimulatorServer } from '../../src/testing/index.js';
import { drive } from '../support/drive.js';

/** Where each provider's simulator keeps a card and a loan: an existing scenario, or its input swapped. */
const CASES: Record<keyof typeof drivers, (scenarios: readonly DriverScenario[]) => DriverScenario> = {
  fintecture: (s) => found(s, 'bnpafrpp-decoupled'),
  flinks: (s) => found(s, 'greatday_nomfa'),
  powens: (s) => found(s, 'par'),
  // The Data Adapter simulator's `borrower` has a current account, a card and a loan.
  powerauth: (s) => {
    const base = found(s, 'login');
    return { ...base, name: 'borrower', input: { ...(base.input as object), username: 'borrower' } };
  },
};

function found(scenarios: readonly DriverScenario[], name: string): DriverScenario {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

const negative = (amount: string | undefined): boolean => amount !== undefined && amount.startsWith('-');

describe.each(Object.values(drivers))('$id: cards and loans are owed (negative), from the holder’s side', (driver) => {
  let sim: Simulator<unknown>;
  let server: SimulatorServer;
  let accounts: Account[] = [];
  beforeAll(async () => {
    sim = driver.simulator();
    server = await startSimulatorServer(sim);
    const result = await drive(driver, sim, CASES[driver.id as keyof typeof drivers](driver.scenarios));
    expect(result.outcome, String((result.error as Error | undefined)?.message ?? '')).toBe('active');
    accounts = result.accounts;
  });
  afterAll(async () => {
    await server.close();
  });

  it('has a card whose debt is negative', () => {
    const cards = accounts.filter((a) => a.type === 'card');
    expect(cards.length, accounts.map((a) => `${a.name}:${a.type}`).join(', ')).toBeGreaterThan(0);
    // A card owes its spending: the current (or, for a deferred card, the available) balance is negative.
    expect(cards.some((c) => negative(c.balances.current?.amount) || negative(c.balances.available?.amount))).toBe(true);
    for (const card of cards) expect(card.balances.current?.amount ?? '0').toMatch(/^(-|0(\.0+)?$)/);
  });

  it('has a loan whose outstanding principal is negative', () => {
    const loans = accounts.filter((a) => a.type === 'loan');
    expect(loans.length, accounts.map((a) => `${a.name}:${a.type}`).join(', ')).toBeGreaterThan(0);
    for (const loan of loans) expect(negative(loan.balances.current?.amount), `${loan.name} ${loan.balances.current?.amount}`).toBe(true);
  });

  it('a checking or savings account in credit is positive', () => {
    const held = accounts.filter((a) => a.type === 'checking' || a.type === 'savings');
    expect(held.length).toBeGreaterThan(0);
    expect(held.some((a) => !negative(a.balances.current?.amount ?? a.balances.available?.amount))).toBe(true);
  });
});
