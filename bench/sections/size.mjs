/**
 * 5. Size: what a user's bundle gets from polybank with one provider, esbuild, minified,
 * gzip level 9, from the built package (dist/, through its exports map: what a user's
 * bundler sees). Two kinds of rows:
 *
 * - the edge bundle of #16 (scripts/edge-bundle.mjs): `new Polybank({ providers: [<id>()] })`,
 *   a connect with its challenge loop and `accounts()`, EVERY dependency inside
 *   (eventemitter3, and zod, which dist carries inlined). The same entry is also bundled from
 *   src/ with esbuild's metafile, which attributes every minified byte to its source file
 *   (zod, eventemitter3, the core, the provider): the report's "where the bytes are".
 * - polybank's own code (#9): the dependencies and peers left external; "typical" (one
 *   provider, a bank built) and "export *" (both entries whole).
 *
 * The src-side bundle of each entry also shows that no other provider and no simulator is in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EDGE_TARGET_BYTES, bundleCode, edgeBundle } from '../../scripts/edge-bundle.mjs';
import { args, emit } from '../lib/stats.mjs';

const opts = args();
const root = fileURLToPath(new URL('../..', import.meta.url));
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'];
const BUDGET = Number(opts.budget ?? 15 * 1024);
// `polybank` resolves from bench/ through bench/node_modules/polybank → the package's exports, as in a user's project.
const fromDist = { from: 'dist', resolveDir: benchDir };

/** What the src-side bundle holds besides the provider itself. */
function isolation(srcBundle, id) {
  const groups = srcBundle.groups.map((g) => g.group);
  return {
    others: groups.filter((g) => g.startsWith('other provider')).map((g) => g.slice('other provider ('.length, -1)),
    testing: groups.some((g) => g.startsWith('testing')),
    own: id === undefined || groups.includes(`provider (${id})`),
    sourceFiles: srcBundle.files.filter((f) => f.path.startsWith('src/')).length,
  };
}

// ---------------------------------------------------------------- the edge bundle (#16)
const edge = [];
for (const id of PROVIDERS) {
  const dist = await edgeBundle(id, fromDist);
  const src = await edgeBundle(id);
  edge.push({
    provider: id,
    gzip: dist.gzip,
    minified: dist.minified,
    budget: EDGE_TARGET_BYTES,
    srcGzip: src.gzip,
    srcMinified: src.minified,
    nodeImports: dist.nodeImports,
    groups: src.groups,
    topFiles: src.files.slice(0, 12),
    // The core's bytes per file, largest first: where polybank's own share goes.
    coreFiles: src.files.filter((f) => f.path.startsWith('src/core/')).slice(0, 10),
    ...isolation(src, id),
  });
}

// ---------------------------------------------------------------- polybank's own code (#9)
/** What an application writes: a Polybank with one provider (tree shaking keeps what that reaches). */
const typical = (id) => `import { Polybank } from 'polybank';\nimport { ${id} } from 'polybank/${id}';\nexport const bank = (options) => new Polybank({ providers: [${id}(options)] });\n`;
/** Everything both entries export: the upper bound. */
const everything = (id) => `export * from 'polybank';\nexport * from 'polybank/${id}';\n`;

async function ownCode(code, id) {
  const dist = await bundleCode(code, id ?? '', { ...fromDist, external });
  const src = await bundleCode(code, id ?? '', { external });
  return { minified: dist.minified, gzip: dist.gzip, ...isolation(src, id) };
}

const rows = [];
rows.push({ name: 'core only (export *)', kind: 'everything', ...(await ownCode("export * from 'polybank';\n")), budget: BUDGET, others: [] });
for (const [kind, entry] of [['typical', typical], ['everything', everything]])
for (const id of PROVIDERS) {
  const result = await ownCode(entry(id), id);
  rows.push({ name: kind === 'typical' ? `new Polybank({ providers: [${id}()] })` : `core + ${id} (export *)`, kind, provider: id, ...result, budget: BUDGET });
}

emit({ section: 'size', external, edge, rows });
