/**
 * Small statistics for interleaved benchmarks. Every figure the benchmarks report is a
 * ratio of two things measured side by side in the same run, never an absolute time.
 */

/** The q-quantile (0..1) of numbers, by linear interpolation. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/**
 * Runs `a` and `b` in pairs, alternating which goes first (ABBA), and returns the
 * per-pair ratios a/b: noise that hits one moment hits both sides of a pair.
 */
export async function interleaved(a, b, { pairs, warmup = Math.min(50, pairs) }) {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ratios = [];
  const ta = [];
  const tb = [];
  for (let i = 0; i < pairs; i++) {
    let da;
    let db;
    if (i % 2 === 0) {
      da = await timed(a);
      db = await timed(b);
    } else {
      db = await timed(b);
      da = await timed(a);
    }
    ta.push(da);
    tb.push(db);
    ratios.push(da / db);
  }
  return summary(ratios, ta, tb);
}

export function summary(ratios, ta, tb) {
  return {
    pairs: ratios.length,
    /** Median of the per-pair ratios: the headline figure. */
    ratio: median(ratios),
    p25: quantile(ratios, 0.25),
    p75: quantile(ratios, 0.75),
    /** Ratio of the medians, as a cross-check of the headline. */
    ratioOfMedians: median(ta) / median(tb),
  };
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export function fmtRatio(value, digits = 2) {
  return Number.isFinite(value) ? `${value.toFixed(digits)}×` : 'n/a';
}

export function fmtSpread(s, digits = 2) {
  return `${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)}`;
}

/** Shuffles in place (Fisher–Yates); used to interleave cold-start samples. */
export function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Reads `--name=value` / `--flag` options of a section script. */
export function args(argv = process.argv.slice(2)) {
  const out = {};
  for (const arg of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (m) out[m[1]] = m[2] ?? true;
  }
  return out;
}

/** A section prints its result as the last line of stdout, prefixed so run.mjs can find it. */
export function emit(result) {
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
}
