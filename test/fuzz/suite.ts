import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Driver } from '../../src/testing/index.js';
import { driverTarget } from './drivers.js';
import { fuzz } from './harness.js';

/** `npm test` runs a few hundred cases per adapter; `npm run fuzz` sets FUZZ_CASES=100000. */
export const CASES = Number(process.env.FUZZ_CASES ?? 250);
export const SEED = process.env.FUZZ_SEED === undefined ? 20_260_101 : Number(process.env.FUZZ_SEED);

/** Fuzzes one provider's response handling through its driver's scenarios. */
export function fuzzSuite(driver: Driver): void {
  describe(`fuzzing the ${driver.id} adapter: spoiled provider responses end typed or valid`, () => {
    it(`${CASES} cases (seed ${SEED})`, async () => {
      const target = driverTarget(driver);
      const pages = target.listen();
      const started = performance.now();
      try {
        const report = await fuzz(target, CASES, SEED);
        expect(report.cases).toBe(CASES);
        expect(report.typedErrors + report.successes).toBe(CASES);
        // Not vacuous: spoiled responses do end flows, and unspoiled-enough ones still succeed.
        expect(report.typedErrors).toBeGreaterThan(CASES / 10);
        expect(report.successes).toBeGreaterThan(0);
        expect(Object.keys(report.scenarios).sort()).toEqual(driver.scenarios.map((s) => s.name).sort());
        if (process.env.FUZZ_REPORT) {
          mkdirSync(process.env.FUZZ_REPORT, { recursive: true });
          const seconds = Math.round((performance.now() - started) / 100) / 10;
          writeFileSync(`${process.env.FUZZ_REPORT}/fuzz-${driver.id}.json`, JSON.stringify({ ...report, seed: SEED, seconds }, null, 2));
        }
      } finally {
        pages.close();
      }
    }, Math.max(120_000, CASES * 30));
  });
}
