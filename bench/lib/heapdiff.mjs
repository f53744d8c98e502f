/**
 * What grew between two heap snapshots, by constructor: `node bench/lib/heapdiff.mjs before
 * after [per]` prints count and self size per (type, name), largest first; `per` divides by
 * the number of things held (e.g. 2000 authentications). Written for bench/findings.md.
 */
import { readFileSync } from 'node:fs';

function summarize(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const width = fields.length;
  const at = { type: fields.indexOf('type'), name: fields.indexOf('name'), size: fields.indexOf('self_size') };
  const typeNames = types[at.type];
  const out = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = typeNames[snapshot.nodes[i + at.type]];
    let name = snapshot.strings[snapshot.nodes[i + at.name]];
    // Strings and numbers by type only: their names are their values.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || type === 'code' || type === 'hidden' || type === 'array') name = '';
    const key = `${type} ${name}`.slice(0, 90);
    const entry = out.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += snapshot.nodes[i + at.size];
    out.set(key, entry);
  }
  return out;
}

const [beforeFile, afterFile, perArg] = process.argv.slice(2);
const per = Number(perArg ?? 1);
const before = summarize(beforeFile);
const after = summarize(afterFile);
const rows = [];
let total = 0;
for (const [key, { count, size }] of after) {
  const was = before.get(key) ?? { count: 0, size: 0 };
  const grew = { key, count: (count - was.count) / per, size: (size - was.size) / per };
  total += grew.size;
  if (grew.size > 0) rows.push(grew);
}
rows.sort((a, b) => b.size - a.size);
console.log(`grew by ${(total / 1024).toFixed(2)} KiB${per > 1 ? ` per one of ${per}` : ''} (self sizes)`);
for (const row of rows.slice(0, 40)) console.log(`${row.size.toFixed(0).padStart(8)} B  ${row.count.toFixed(2).padStart(7)} ×  ${row.key}`);
