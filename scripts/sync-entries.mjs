#!/usr/bin/env node
/**
 * Writes what lists the provider folders: package.json `exports` and `typesVersions`, the
 * simulators' index and the drivers' registry (scripts/entries.mjs). Runs before the tests
 * and the build; `--check` only reports a difference (exit 1).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, generatedFiles, packageFields } from './entries.mjs';

const check = process.argv.includes('--check');
const stale = [];

const path = join(ROOT, 'package.json');
const text = readFileSync(path, 'utf8');
const { exports, typesVersions } = packageFields();
const manifest = JSON.stringify({ ...JSON.parse(text), exports, typesVersions }, null, 2) + '\n';
const wanted = { 'package.json': manifest, ...generatedFiles() };

for (const [file, content] of Object.entries(wanted)) {
  const target = join(ROOT, file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === content) continue;
  stale.push(file);
  if (!check) writeFileSync(target, content);
}
if (stale.length === 0) process.exit(0);
if (check) {
  console.error(`out of date (run node scripts/sync-entries.mjs): ${stale.join(', ')}`);
  process.exit(1);
}
console.error(`updated from the provider folders: ${stale.join(', ')}`);
