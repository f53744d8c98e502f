/**
 * The package's public entries, derived from the source tree: a folder under
 * src/providers/<id>/ with an index.ts is the entry `polybank/<id>`. Everything that
 * lists entries (package.json exports, tsup, TypeDoc, the vitest and tsconfig aliases)
 * reads this, so adding a provider is adding its folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Provider ids: the folders of src/providers that have an index.ts, sorted. */
export function providerIds(root = ROOT) {
  const dir = join(root, 'src/providers');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Entries that are not providers: subpath → source file. `cli` is the bin, not an export. */
const FIXED = [
  ['.', 'src/index.ts', 'index'],
  ['provider', 'src/provider.ts', 'provider'],
  ['testing', 'src/testing/index.ts', 'testing'],
  ['redis', 'src/redis/index.ts', 'redis'],
  ['bullmq', 'src/bullmq/index.ts', 'bullmq'],
];

/** Every public entry: `{ subpath, source, name }` (name is the dist file's base name). */
export function entries(root = ROOT) {
  const fixed = FIXED.filter(([, source]) => existsSync(join(root, source))).map(([subpath, source, name]) => ({ subpath, source, name }));
  const providers = providerIds(root).map((id) => ({ subpath: id, source: `src/providers/${id}/index.ts`, name: id }));
  return [...fixed.slice(0, 1), ...providers, ...fixed.slice(1)];
}

/** tsup's entry map (the CLI included). */
export function buildEntries(root = ROOT) {
  const out = Object.fromEntries(entries(root).map((e) => [e.name, e.source]));
  out.cli = 'src/cli/index.ts';
  return out;
}

/** package.json `exports` and `typesVersions` for the entries. */
export function packageFields(root = ROOT) {
  const exports = {};
  const typesVersions = {};
  for (const e of entries(root)) {
    const key = e.subpath === '.' ? '.' : `./${e.subpath}`;
    exports[key] = {
      import: { types: `./dist/${e.name}.d.ts`, default: `./dist/${e.name}.js` },
      require: { types: `./dist/${e.name}.d.cts`, default: `./dist/${e.name}.cjs` },
    };
    if (e.subpath !== '.') typesVersions[e.subpath] = [`./dist/${e.name}.d.ts`];
  }
  exports['./package.json'] = './package.json';
  return { exports, typesVersions: { '*': typesVersions } };
}
