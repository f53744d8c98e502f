import { defineConfig } from 'tsup';
import { buildEntries } from './scripts/entries.mjs';

// One entry per public subpath, from the source tree (scripts/entries.mjs); each provider
// is its own entry so that a user importing one provider never loads the other three.
export default defineConfig({
  entry: buildEntries(),
  format: ['esm', 'cjs'],
  dts: true,
  // Source maps only when asked (the size benchmark traces chunks back to sources): they would double the install.
  sourcemap: process.env.POLYBANK_SOURCEMAP === '1',
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'node22',
  platform: 'neutral',
  // Keep 'node:' specifiers: Deno and Bun resolve them, bare 'http' they may not.
  removeNodeProtocol: false,
  // Dependencies and peer dependencies are external by default; node: builtins too. zod is bundled:
  // only the parts used (zod/mini tree-shakes), not an 8 MiB install (scripts/build.mjs ships its types).
  external: [/^node:/],
  noExternal: [/^zod(\/|$)/],
});
