import { defineConfig } from 'vitest/config';

/**
 * `npm run fuzz`: the long runs. 100,000 fuzz cases per adapter (FUZZ_CASES overrides),
 * reports in .tmp/fuzz/, and the fault matrix in full (every request of every scenario ×
 * every fault). `npm test` runs the same files with a few hundred cases and the matrix's
 * secret-bearing requests in full.
 */
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.test.ts', 'test/reliability/faults.*.test.ts'],
    env: {
      FUZZ_CASES: process.env.FUZZ_CASES ?? '100000',
      FUZZ_REPORT: process.env.FUZZ_REPORT ?? '.tmp/fuzz',
      RELIABILITY_MATRIX: 'full',
    },
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
