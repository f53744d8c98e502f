import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated or installed: builds, runtime and benchmark work folders, scratch files.
  { ignores: ['dist/**', '**/node_modules/**', 'coverage/**', 'docs/api/**', '.tmp/**', 'runtimes/.work/**', 'bench/.work/**', '**/.probe*', 'examples/custom-provider/dist/**', 'examples/custom-provider/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The core and the providers run in Node, Bun, Deno and workerd (npm run test:runtimes):
    // web APIs only. Fetch and time are injectable (the `fetch` and `clock` options).
    files: ['src/core/**', 'src/providers/**', 'src/index.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setImmediate', 'clearImmediate', 'process', 'Buffer', 'global', 'require', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'Node-only: the core and the providers use web APIs only (they run in workerd too).',
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(node:|(assert|buffer|child_process|cluster|crypto|dns|events|fs|http|https|net|os|path|stream|timers|tls|url|util|worker_threads|zlib)(/|$))', message: 'Node-only module: the core and the providers use web APIs only (they run in workerd too).' },
            // Optional peer dependencies: only their own entries (polybank/redis, polybank/bullmq) may import them.
            { regex: '^(bullmq|ioredis|rate-limiter-flexible)(/|$)', message: 'The core never imports a queue or Redis client: put it in src/redis or src/bullmq.' },
          ],
        },
      ],
    },
  },
  {
    // A provider folder speaks its endpoints, schemas and tables through the public authoring API
    // (polybank/provider): the core's mechanisms (retries, pagination, redaction, failures) are used,
    // never re-implemented or reached into. A third-party provider has exactly this surface.
    files: ['src/providers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(node:|(assert|buffer|child_process|cluster|crypto|dns|events|fs|http|https|net|os|path|stream|timers|tls|url|util|worker_threads|zlib)(/|$))', message: 'Node-only module: the core and the providers use web APIs only (they run in workerd too).' },
            { regex: '^(bullmq|ioredis|rate-limiter-flexible|ky)(/|$)', message: 'A provider uses the core (polybank/provider), not its own HTTP, queue or Redis client.' },
            { regex: '^\\.\\./\\.\\./(\\.\\./)?core/', message: "A provider imports only from '../../provider.js' (the public authoring API), never from the core's internals." },
            { regex: '^zod$', message: "Providers use 'zod/mini' (tree-shakable; the edge bundle budget)." },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='setTimeout']", message: 'A provider never waits or retries by itself: the core retries idempotent requests (ctx.request) and polls (ctx.poll).' },
        { selector: "CallExpression[callee.name='fetch']", message: 'A provider sends through ctx.request (the core owns redirects, retries, caps and redaction).' },
      ],
    },
  },
  {
    // msw's root entry also loads its WebSocket API, whose module-level BroadcastChannel keeps a
    // Deno process alive forever: polybank/testing imports msw's subpaths only.
    files: ['src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'msw', message: "Import from 'msw/http' or 'msw/utils/*': the root entry keeps Deno alive (npm run test:runtimes)." }] }],
    },
  },
  {
    // The web example's page: plain browser JavaScript, no build step.
    files: ['examples/web/public/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['examples/**', 'scripts/**', 'bench/**', 'src/cli/**', 'test/support/*-script.ts'],
    rules: { 'no-console': 'off' },
  },
);
