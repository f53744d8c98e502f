#!/usr/bin/env node
/**
 * The package build: tsup (ESM + CJS + declarations for every entry), then zod's own
 * declarations shipped inside dist/. zod's code is bundled into polybank's chunks (only
 * the parts used: zod/mini tree-shakes), so `npm install polybank` does not install the
 * 8 MiB zod package; the public types still name zod's types (`Account` is a zod schema),
 * so its .d.ts files come along and our declarations import them by relative path.
 *   node scripts/build.mjs [--out-dir dir]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './entries.mjs';

const flag = process.argv.indexOf('--out-dir');
const out = flag >= 0 ? process.argv[flag + 1] : join(ROOT, 'dist');
execFileSync(join(ROOT, 'node_modules/.bin/tsup'), flag >= 0 ? ['--out-dir', out] : [], { cwd: ROOT, stdio: 'inherit' });

// zod's declarations: v4/core, v4/mini and v4/locales are all that zod/mini's types reach.
const zod = join(ROOT, 'node_modules/zod');
const vendor = join(out, 'zod');
for (const part of ['v4/core', 'v4/mini', 'v4/locales']) {
  for (const file of readdirSync(join(zod, part))) {
    if (!/\.d\.c?ts$/.test(file)) continue;
    mkdirSync(join(vendor, part), { recursive: true });
    copyFileSync(join(zod, part, file), join(vendor, part, file));
  }
}
cpSync(join(zod, 'LICENSE'), join(vendor, 'LICENSE'));

/** `from 'zod/mini'` → `from './zod/v4/mini/index.js'` (relative to the declaration file). */
const TARGETS = { 'zod/mini': 'v4/mini/index', 'zod/v4/core': 'v4/core/index', 'zod/locales': 'v4/locales/index', zod: 'v4/mini/index' };
let rewritten = 0;
for (const file of readdirSync(out)) {
  const cts = file.endsWith('.d.cts');
  if (!cts && !file.endsWith('.d.ts')) continue;
  const path = join(out, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(/(from\s+|import\s*\(\s*|import\s+)(['"])(zod(?:\/mini|\/v4\/core|\/locales)?)\2/g, (_m, lead, quote, spec) => {
    const target = join(vendor, `${TARGETS[spec]}${cts ? '.cjs' : '.js'}`);
    let rel = relative(dirname(path), target).split('\\').join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${lead}${quote}${rel}${quote}`;
  });
  if (next !== text) {
    writeFileSync(path, next);
    rewritten++;
  }
}
console.error(`build: zod's declarations shipped in ${relative(ROOT, vendor) || vendor}; ${rewritten} declaration files point at them`);
