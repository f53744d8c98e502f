import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../src/testing/index.js';
import { cleanTraces, runCases, selectCases, simPool, type Position } from './faults.js';
import type { AnySim } from './flow.js';

/** Full matrix (every request × every variant) with RELIABILITY_MATRIX=full, as `npm run fuzz` sets it. */
export const FULL_MATRIX = process.env.RELIABILITY_MATRIX === 'full';
const POOL = Number(process.env.RELIABILITY_POOL ?? 6);

/** The fault matrix of one provider, one test per scenario. */
export function faultMatrix(driver: Driver): void {
  describe(`${driver.id}: every request of every scenario under every fault`, () => {
    let pool: { sims: AnySim[]; close(): Promise<void> };
    let traces: Map<string, Position[]>;
    let changed = 0;
    beforeAll(async () => {
      pool = await simPool(driver, POOL);
      traces = await cleanTraces(driver, pool.sims[0] as AnySim);
    });
    afterAll(async () => {
      await pool.close();
    });

    it.each(driver.scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const cases = selectCases(driver, traces, FULL_MATRIX).filter((c) => c.scenario === scenario);
      expect(cases.length).toBeGreaterThan(0);
      const { problems, outcomes } = await runCases(driver, pool.sims, cases);
      expect(problems).toEqual([]);
      expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(cases.length);
      changed += cases.length - (outcomes[scenario.outcome] ?? 0);
    }, 300_000);

    it('the faults were felt: many faulted flows did not end as their scenario documents', () => {
      expect(changed).toBeGreaterThan(driver.scenarios.length);
    });
  });
}
