import { defineConfig } from 'tsup';
import { buildEntries } from './scripts/entries.mjs';

// One entry per public subpath, from the source tree (scripts/entries.mjs); each provider
// is its own entry so that a user importing one provider never loads the other three.
export default defineConfig({
  entry: buildEntries(),
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
