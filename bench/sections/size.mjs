/**
 * 5. Size: what a user's bundle gets from polybank with one provider. For each provider,
 * an entry that re-exports everything of `polybank` and of `polybank/<id>` is bundled from
 * the built package (dist/, through its exports map) with esbuild, minified, dependencies
 * and peer dependencies left external, then gzipped. The bundle's inputs (dist chunks) are
 * traced back to their sources through the chunks' source maps, to show that none of the
 * other three providers (nor the simulators) is in it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { args, emit } from '../lib/stats.mjs';

const opts = args();
const root = fileURLToPath(new URL('../..', import.meta.url));
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), 'node:*'];
const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'];
const BUDGET = Number(opts.budget ?? 15 * 1024);

/** The sources (src/...) a dist chunk was built from, read from its source map. */
function sourcesOf(distFile) {
  try {
    const map = JSON.parse(readFileSync(`${distFile}.map`, 'utf8'));
    return map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
  } catch {
    return [`(no source map for ${distFile})`];
  }
}

async function bundle(entryCode) {
  // The entry lives under bench/ (bench/.work, git-ignored) so that `polybank` resolves through
  // bench/node_modules/polybank → the package's exports, as in a user's project.
  mkdirSync(join(benchDir, '.work'), { recursive: true });
  const dir = mkdtempSync(join(benchDir, '.work', 'size-'));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, entryCode);
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['import'],
      external,
      // Not the repository's tsconfig: its `paths` would map polybank to src/ instead of the built package.
      tsconfigRaw: '{}',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.endsWith('entry.mjs'));
    const sources = [...new Set(inputs.flatMap((p) => sourcesOf(join(benchDir, p))))].sort();
    return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs, sources };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What an application writes: a Polybank with one provider (tree shaking keeps what that reaches). */
const typical = (id) => `import { Polybank } from 'polybank';\nimport { ${id} } from 'polybank/${id}';\nexport const bank = (options) => new Polybank({ providers: [${id}(options)] });\n`;
/** Everything both entries export: the upper bound. */
const everything = (id) => `export * from 'polybank';\nexport * from 'polybank/${id}';\n`;

const rows = [];
const core = await bundle("export * from 'polybank';\n");
rows.push({ name: 'core only (export *)', kind: 'everything', ...core, budget: BUDGET, others: [] });
for (const [kind, entry] of [['typical', typical], ['everything', everything]])
for (const id of PROVIDERS) {
  const result = await bundle(entry(id));
  const others = PROVIDERS.filter((p) => p !== id).filter((p) => result.sources.some((s) => s.includes(`src/providers/${p}/`)));
  const testing = result.sources.some((s) => s.includes('src/testing/'));
  const own = result.sources.some((s) => s.includes(`src/providers/${id}/`));
  rows.push({ name: kind === 'typical' ? `new Polybank({ providers: [${id}()] })` : `core + ${id} (export *)`, kind, provider: id, ...result, budget: BUDGET, others, testing, own });
}

emit({ section: 'size', external, rows: rows.map(({ inputs, sources, ...r }) => ({ ...r, inputs: inputs.length, sourceFiles: sources.length, sources })) });
