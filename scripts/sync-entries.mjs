#!/usr/bin/env node
/**
 * Writes package.json `exports` and `typesVersions` from the source tree (scripts/entries.mjs).
 * Runs before the tests and the build; `--check` only reports a difference (exit 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, packageFields } from './entries.mjs';

const path = join(ROOT, 'package.json');
const text = readFileSync(path, 'utf8');
const manifest = JSON.parse(text);
const { exports, typesVersions } = packageFields();
const next = JSON.stringify({ ...manifest, exports, typesVersions }, null, 2) + '\n';
if (next === text) process.exit(0);
if (process.argv.includes('--check')) {
  console.error('package.json exports are out of date: run `node scripts/sync-entries.mjs`');
  process.exit(1);
}
writeFileSync(path, next);
console.error('package.json: exports and typesVersions updated from the source tree');
