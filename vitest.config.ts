import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import 'polybank' as users do: resolve it to the sources (as tsconfig paths do
    // for tsx and tsc), never to a dist/ that may be stale or absent.
    alias: [
      { find: /^polybank$/, replacement: src('index.ts') },
      { find: /^polybank\/testing$/, replacement: src('testing/index.ts') },
      { find: /^polybank\/redis$/, replacement: src('redis/index.ts') },
      { find: /^polybank\/bullmq$/, replacement: src('bullmq/index.ts') },
      { find: /^polybank\/(fintecture|powens|flinks|powerauth)$/, replacement: src('providers/$1/index.ts') },
    ],
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
