import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { entries } from './scripts/entries.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import 'polybank' as users do: resolve every public entry to its sources (as
    // tsconfig paths do for tsx and tsc), never to a dist/ that may be stale or absent.
    alias: entries().map((entry) => ({
      find: new RegExp(`^polybank${entry.subpath === '.' ? '' : `/${entry.subpath}`}$`),
      replacement: `${root}${entry.source}`,
    })),
  },
  test: {
    // examples/testing is a user's own suite on polybank/testing: it runs with ours.
    include: ['test/**/*.test.ts', 'examples/testing/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Real sockets and timers: keep files isolated but run them in parallel.
    pool: 'forks',
  },
});
