/**
 * 4. Cold start: loading polybank and one provider in a fresh Node process, vs loading
 * each peer SDK (`require('fintecture-client')`, `require('plaid')`,
 * `require('nordigen-node')`), one fresh process per sample, the candidates shuffled in
 * every round. The figure is the time from just before the import to just after it,
 * measured inside the child (Node's own boot, the same for all, is left out); the wall
 * time of the whole process is kept as a cross-check.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { args, emit, median, quantile, shuffle } from '../lib/stats.mjs';

const opts = args();
const samples = Number(opts.samples ?? (opts.quick ? 8 : 30));
const benchDir = fileURLToPath(new URL('..', import.meta.url));

const esm = (code) => ({ args: ['--input-type=module', '-e', code] });
const cjs = (code) => ({ args: ['--input-type=commonjs', '-e', code] });
const probe = (load) => `const t0 = performance.now(); ${load}; const ms = performance.now() - t0; console.log(JSON.stringify({ ms }));`;

export const CANDIDATES = {
  'polybank + fintecture (ESM import)': esm(probe("await import('polybank'); await import('polybank/fintecture')")),
  'polybank + powens (ESM import)': esm(probe("await import('polybank'); await import('polybank/powens')")),
  'polybank + flinks (ESM import)': esm(probe("await import('polybank'); await import('polybank/flinks')")),
  'polybank + powerauth (ESM import)': esm(probe("await import('polybank'); await import('polybank/powerauth')")),
  'polybank + fintecture (CJS require)': cjs(probe("require('polybank'); require('polybank/fintecture')")),
  'fintecture-client (require)': cjs(probe("require('fintecture-client')")),
  'plaid (require)': cjs(probe("require('plaid')")),
  'nordigen-node (require)': cjs(probe("require('nordigen-node')")),
};
const PEERS = ['fintecture-client (require)', 'plaid (require)', 'nordigen-node (require)'];

const times = Object.fromEntries(Object.keys(CANDIDATES).map((k) => [k, { inner: [], wall: [] }]));
for (let round = 0; round < samples + 1; round++) {
  for (const name of shuffle(Object.keys(CANDIDATES))) {
    const started = performance.now();
    const child = spawnSync(process.execPath, CANDIDATES[name].args, { cwd: benchDir, encoding: 'utf8' });
    const wall = performance.now() - started;
    if (child.status !== 0) throw new Error(`${name}: exit ${child.status}: ${child.stderr.slice(0, 500)}`);
    const { ms } = JSON.parse(child.stdout.trim().split('\n').pop());
    // Round 0 warms the file system cache for everyone and is not counted.
    if (round === 0) continue;
    times[name].inner.push(ms);
    times[name].wall.push(wall);
  }
}

const fastestPeer = PEERS.map((p) => [p, median(times[p].inner)]).sort((a, b) => a[1] - b[1])[0];
const fastestPeerWall = Math.min(...PEERS.map((p) => median(times[p].wall)));
const rows = Object.entries(times).map(([name, t]) => ({
  name,
  peer: PEERS.includes(name),
  /** Import time relative to the fastest peer's (medians). */
  ratio: median(t.inner) / fastestPeer[1],
  p25: quantile(t.inner, 0.25) / fastestPeer[1],
  p75: quantile(t.inner, 0.75) / fastestPeer[1],
  /** Whole-process wall time relative to the fastest peer's. */
  wallRatio: median(t.wall) / fastestPeerWall,
}));

emit({ section: 'coldstart', samples, fastestPeer: fastestPeer[0], rows });
