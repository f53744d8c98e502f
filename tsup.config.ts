import { defineConfig } from 'tsup';

// One entry per public subpath; each provider is its own entry so that a user
// importing one provider never loads the other three.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    fintecture: 'src/providers/fintecture/index.ts',
    powens: 'src/providers/powens/index.ts',
    flinks: 'src/providers/flinks/index.ts',
    powerauth: 'src/providers/powerauth/index.ts',
    testing: 'src/testing/index.ts',
    redis: 'src/redis/index.ts',
    bullmq: 'src/bullmq/index.ts',
    cli: 'src/cli/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'node22',
  platform: 'neutral',
  // Keep 'node:' specifiers: Deno and Bun resolve them, bare 'http' they may not.
  removeNodeProtocol: false,
  // Dependencies and peer dependencies are external by default; node: builtins too.
  external: [/^node:/],
});
