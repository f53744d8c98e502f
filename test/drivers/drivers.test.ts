import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, startSimulatorServer, type Simulator, type SimulatorServer } from '../../src/testing/index.js';
import { drive, resentSecrets } from '../support/drive.js';

describe.each(Object.values(drivers))('$id: every documented scenario, driven by its autopilot over a real socket', (driver) => {
  let sim: Simulator<unknown>;
  let server: SimulatorServer;
  beforeAll(async () => {
    sim = driver.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(driver.scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    sim.resetCounts();
    const result = await drive(driver, sim, scenario);
    expect(result.outcome, String((result.error as Error | undefined)?.message ?? '')).toBe(scenario.outcome);
    if (scenario.outcome === 'active') {
      expect(result.accounts.length).toBeGreaterThan(0);
      for (const account of result.accounts) expect(account.balances.current?.amount ?? account.balances.available?.amount).toMatch(/^-?\d+(\.\d+)?$/);
    }
    const secrets = resentSecrets(driver, sim, result.requests);
    expect(secrets.retried).toBe(0);
    expect(secrets.received).toBe(secrets.sent);
  });
});
