#!/usr/bin/env node
/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`): self time per part (a dependency by
 * package, polybank's core and providers by source folder, Node's internals by kind) and
 * the top functions. The profiles behind bench/findings.md were read with it:
 *
 *   node bench/lib/cpuprofile.mjs profile.cpuprofile [--top=25] [--from=ms] [--to=ms]
 *
 * Run a section from src/ (`node --import tsx --cpu-prof bench/sections/…`: tsconfig paths
 * map `polybank` to the sources) to see polybank's time per source file; from dist/, zod is
 * inlined in polybank's chunks and shows as "polybank dist".
 */
import { readFileSync } from 'node:fs';
import { args } from './stats.mjs';

export function partOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (modules && modules[1] !== 'polybank') return modules[1];
  const src = /\/src\/(core|providers\/[^/]+|testing|cli)\//.exec(url);
  if (src) return `polybank ${src[1]}`;
  if (/\/dist\/[^/]+\.c?js$/.test(url)) return 'polybank dist';
  if (url.startsWith('node:internal/deps/undici')) return 'undici (node:internal/deps/undici)';
  if (url.startsWith('node:internal/modules') || url.startsWith('node:internal/vm')) return 'node module loader';
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/bench/')) return 'the benchmark itself';
  return url.replace(/^file:\/\//, '');
}

export function summarize(profile, { from = 0, to = Infinity } = {}) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const t0 = profile.startTime;
  let t = t0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const ms = (t - t0) / 1000;
    if (ms < from || ms > to) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const parts = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { callFrame } = byId.get(id);
    const part = partOf(callFrame.url, callFrame.functionName);
    parts.set(part, (parts.get(part) ?? 0) + ms);
    const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*\/(node_modules|src|dist)\//, '$1/')}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
    total += ms;
  }
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, parts: sorted(parts), functions: sorted(functions) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = args(process.argv.slice(3));
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const s = summarize(profile, { from: Number(opts.from ?? 0), to: Number(opts.to ?? Infinity) });
  const top = Number(opts.top ?? 25);
  console.log(`total ${s.totalMs.toFixed(0)} ms sampled`);
  for (const p of s.parts) console.log(`${(p.share * 100).toFixed(1).padStart(5)}%  ${p.ms.toFixed(0).padStart(6)} ms  ${p.name}`);
  console.log('\ntop functions (self time)');
  for (const f of s.functions.slice(0, top)) console.log(`${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
}
