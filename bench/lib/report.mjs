/**
 * Turns the sections' results into the console table and BENCHMARKS.md. Every figure is a
 * ratio to a baseline measured in the same run; a target is "met" or "NOT met", never hidden.
 * Issue #16's rows come first (lean.mjs); then the other targets, issue #9's.
 */
import { leanDetails, leanRows, leanTable, leanText } from './lean.mjs';

const r2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const met = (ok) => (ok ? 'met' : 'NOT met');

function rowsOf(results) {
  const rows = [];
  // Per-call overhead (1.) and normalization throughput (2.) are in #16's table, with the same targets.
  for (const key of ['concurrencySmall', 'concurrency']) {
    const c = results[key];
    if (!c) continue;
    const target = key === 'concurrency' && c.total >= 10_000;
    const label = `${c.total.toLocaleString('en')} held decoupled authentications`;
    const early = Object.values(c.polls).reduce((n, p) => n + p.early, 0);
    const retries = Object.values(c.polls).reduce((n, p) => n + p.retries, 0);
    rows.push({
      n: 3,
      measure: `${label}: extra RSS (${c.rss.extraMiB.toFixed(0)} MiB; JS heap in use +${c.rss.heapExtraMiB.toFixed(0)} MiB) / 200 MiB target`,
      figure: x(c.rss.extraMiB / 200),
      target: target ? '< 1.00×' : 'info',
      status: target ? met(c.rss.extraMiB < 200) : '',
    });
    rows.push({
      n: 3,
      measure: `${label}: event-loop delay p99 (${c.loop.holdP99.toFixed(1)} ms; ${x(c.loop.holdP99 / c.loop.idleP99)} the idle loop's) / 20 ms target`,
      figure: x(c.loop.holdP99 / 20),
      target: target ? '< 1.00×' : 'info',
      status: target ? met(c.loop.holdP99 < 20) : '',
    });
    rows.push({
      n: 3,
      measure: `${label}: poll requests sooner than the provider's interval (${retries} of them retries of failed polls; ${c.held} held, ${c.failed} failed to start)`,
      figure: String(early),
      target: target ? '0' : 'info',
      status: target ? met(early === 0 && c.failed === 0) : '',
    });
  }
  const s = results.coldstart;
  if (s) {
    // #9's measure: the import alone (the first-result figure is #16's, above).
    for (const r of s.rows.filter((r) => r.kind !== 'floor')) {
      rows.push({
        n: 4,
        measure: `${r.name}: import time alone vs the fastest peer's import (${s.fastestImportPeer})`,
        figure: `${x(r.importRatio)} (p25–p75 ${r2(r.importP25)}–${r2(r.importP75)})`,
        target: r.kind === 'polybank' ? '≤ 1.00×' : 'peer',
        status: r.kind === 'polybank' ? met(r.importRatio <= 1) : '',
      });
    }
  }
  const z = results.size;
  if (z) {
    for (const r of z.rows) {
      const isolation = r.provider ? (r.others.length === 0 && !r.testing && r.own ? 'no other provider in the bundle' : `CONTAINS ${[...r.others, r.testing ? 'testing' : ''].filter(Boolean).join(', ')}`) : '';
      rows.push({
        n: 5,
        measure: `${r.name}, dependencies external (zod inlined): ${kb(r.gzip)} gzip (${kb(r.minified)} minified)${isolation ? `; ${isolation}` : ''}`,
        figure: x(r.gzip / r.budget),
        target: r.kind === 'typical' ? '≤ 1.00× of 15 KB' : 'info',
        status: r.kind === 'typical' ? met(r.gzip <= r.budget && r.others.length === 0 && !r.testing) : '',
      });
    }
  }
  const q = results.scaleout;
  if (q) {
    const t = q.throughput;
    rows.push({
      n: 6,
      measure: `one worker (4 provider queues × ${q.concurrency}): connections refreshed per second vs its own refreshAll at the same total concurrency (${t.queuePerSecond.toFixed(0)}/s vs ${t.refreshAllPerSecond.toFixed(0)}/s, ${q.jobs.toLocaleString('en')} per run)`,
      figure: `${x(median(t.ratios))} (${t.ratios.map((r) => r2(r)).join(', ')})`,
      target: 'info',
      status: '',
    });
    for (const [kind, label] of [['onDemand', 'on-demand job (refreshNow)'], ['scheduled', 'scheduled job (a job scheduler iteration)']]) {
      rows.push({ n: 6, measure: `Redis commands per ${label}, counted with MONITOR over ${q.commands.jobs.toLocaleString('en')} jobs`, figure: r2(q.commands[kind].perJob), target: '≤ 4', status: met(q.commands[kind].perJob <= 4) });
    }
    rows.push({ n: 6, measure: 'the baseline: refreshAll with redisRateLimiters, Redis commands per connection', figure: r2(q.commands.refreshAllShared.perJob), target: 'info', status: '' });
    const worst = (list) => Math.max(...list.map((b) => b.most / b.limit));
    rows.push({ n: 6, measure: "3 workers, 1 start then 19 at 10 per 500 ms: most starts in any 450 ms / the limit, polybank's sliding window", figure: x(worst(q.bursts.polybank)), target: '≤ 1.00×', status: met(worst(q.bursts.polybank) <= 1) });
    rows.push({ n: 6, measure: "the same burst through BullMQ's own limiter ({ max: 10, duration: 500 }, fixed windows)", figure: x(worst(q.bursts.bullmq)), target: 'peer', status: '' });
  }
  return rows;
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2 : Number.NaN;
};

function textTable(rows) {
  const head = ['#', 'measure', 'ratio', 'target', ''];
  const cells = rows.map((r) => [String(r.n), r.measure, r.figure, r.target, r.status]);
  const widths = head.map((h, i) => Math.min(i === 1 ? 110 : 40, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function mdTable(rows) {
  const esc = (v) => v.replace(/\|/g, '\\|');
  return ['| # | measure | ratio | target | |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.n} | ${esc(r.measure)} | ${esc(r.figure)} | ${esc(r.target)} | ${r.status} |`)].join('\n');
}

function details(results) {
  const out = [];
  const o = results.overhead;
  if (o) {
    out.push('### 1. Per-call overhead', '');
    out.push(
      `Each provider is driven to an active connection by its \`polybank/testing\` driver over a real socket, then \`conn.accounts()\` and a raw \`fetch\` of the very request the SDK sent (URL, method, headers, body recorded from the SDK) followed by \`JSON.parse\` run in ${o.pairs} interleaved pairs (ABBA order), after a warm-up. The figure is the median of the per-pair ratios SDK / raw; p25–p75 is their spread.`,
      '',
      '| provider | what accounts() sends | accounts | requests per call | ratio of medians (sim) | ratio of medians (floor) |',
      '|---|---|---|---|---|---|',
      ...o.rows.map((r) => `| ${r.provider} | ${r.method} ${r.path.replace(/[0-9a-f]{16,}|\d{3,}/g, '…')} (${r.wire}) | ${r.accounts} | ${r2(r.requestsPerCall)} | ${x(r.vsSim.ratioOfMedians)} | ${x(r.vsFloor.ratioOfMedians)} |`),
      '',
      'What the raw baseline includes: the same HTTP request on the same keep-alive connection pool (undici, the global `fetch`), the full body read and `JSON.parse`. What it leaves out, and the SDK does: building the URL and headers, redacting the URL for the `request` event, the core\'s fetch loop (timeout, retry policy, redirects refused, hooks), the body-read timeout, checking the session (Fintecture: the AIS token is cached and not refreshed while it has more than a minute left; Flinks: the RequestId of the session authenticate() opened is reused, no new /Authorize; PowerAuth: the service status is read once per provider instance; Powens: the user token is sealed in the session), the provider\'s zod schema, the mapping to `Account`, and the `request` event (the model\'s own schema is not checked again for built-in providers in production: they declare `typedOutput`; the section refuses to run with the test-only switch on). A warm accounts() on the active connection is one request on the wire; Flinks answers a repeat from memory for a session\'s idle minutes, so its row reads a stored connection each call (`bank.connection(id, ref).accounts()`: a cached-mode Authorize, then GetAccountsDetail) and the raw side replays both requests, the fresh RequestId carried forward (the column above counts the requests at the simulator).',
      '',
      'The "floor" rows send the SDK and the raw call to a plain `node:http` server that answers the same bytes at once (both sides through the same re-routing `fetch`): without the simulator\'s own work, the SDK\'s cost shows against the cheapest possible server.',
      '',
    );
  }
  const t = results.throughput;
  if (t) {
    out.push('### 2. Normalization throughput', '');
    out.push(
      `Bodies are grown from what each simulator answers (captured over the socket, the accounts or the transactions repeated with unique ids and varied float amounts), then served to \`conn.accounts()\` / \`conn.transactions()\` from memory through the Polybank \`fetch\` option, so that the figure is parsing and normalizing only. Baseline: \`JSON.parse(new TextDecoder().decode(bytes))\` of the same bytes. The figure is speed relative to that baseline (time of JSON.parse / time of the SDK), median of ${t.pairs} interleaved pairs. The SDK side includes: the body read, \`JSON.parse\`, the provider's zod schema, the mapping (exact decimal strings from floats, IBAN clean-up, type tables); built-in providers declare \`typedOutput\`, so the model's schema is not checked a second time in production (the test-only switch that turns it on for everyone is off: the section checks). Powens transactions come with the \`GetAccount\` call the adapter makes first (served from memory too). PowerAuth's Data Adapter has no transactions.`,
      '',
    );
  }
  for (const key of ['concurrencySmall', 'concurrency']) {
    const c = results[key];
    if (!c) continue;
    out.push(`### 3. Concurrency: ${c.total.toLocaleString('en')} held authentications`, '');
    out.push(
      `Mix: ${Object.entries(c.mix).map(([p, s]) => `${Math.round(s * 100)}% ${p}`).join(', ')}; each a \`for await (const challenge of conn.authenticate({ signal }))\` loop held at its decoupled challenge, polling at the provider's default cadence (Fintecture every 2 s, Powens 3 s backing off ×1.5 to 15 s, Flinks every 5 s). The simulators run in a child process (the provider side is not the SDK's memory or CPU). Started in batches of 100 every 50 ms; all ${c.held.toLocaleString('en')} were held after ${c.rampSeconds.toFixed(0)} s (${c.failed} failed to start), then held for ${c.holdSeconds.toFixed(0)} s.`,
      '',
      `- RSS: ${c.rss.baseMiB.toFixed(0)} MiB before the first connection (everything loaded, after GC) → ${c.rss.afterMiB.toFixed(0)} MiB at the end of the hold (after GC): **+${c.rss.extraMiB.toFixed(0)} MiB** (${x(c.rss.afterMiB / c.rss.baseMiB)} the baseline). Of it, JS heap in use +${c.rss.heapExtraMiB.toFixed(0)} MiB (${((c.rss.heapExtraMiB * 1024) / c.total).toFixed(1)} KiB per held authentication), V8 heap reserved +${c.rss.heapTotalExtraMiB.toFixed(0)} MiB; RSS over the hold, each second (MiB over baseline): ${c.rssSamplesMiB.join(', ')}.`,
      `- Event-loop delay (monitorEventLoopDelay, 5 ms resolution): idle p99 ${c.loop.idleP99.toFixed(1)} ms; while holding p99 **${c.loop.holdP99.toFixed(1)} ms**, mean ${c.loop.holdMean.toFixed(1)} ms, max ${c.loop.holdMax.toFixed(0)} ms; during the ramp p99 ${c.loop.rampP99.toFixed(0)} ms, max ${c.loop.rampMax.toFixed(0)} ms.`,
      '',
      '| provider | held | polls sent in the hold (SDK events) | polls received (simulator) | most the schedule allows | sooner than the interval | retries |',
      '|---|---|---|---|---|---|---|',
      ...Object.entries(c.polls).map(([p, v]) => `| ${p} | ${v.connections} | ${v.sdkPolls} | ${v.received} | ${v.allowed} | ${v.early} | ${v.retries} |`),
      '',
      '"Sooner than the interval" counts every poll request that came less than its scheduled interval after the previous one of the same authentication (retries of a failed poll included: a retry is such a request). Sent and received differ by the requests in flight at the window\'s edges.',
      '',
    );
    const errors = Object.entries(c.errors ?? {});
    if (errors.length) {
      out.push('Authentications that ended with an error during the run:', '', ...errors.slice(0, 8).map(([e, n]) => `- ${n} × ${e}`), '');
    }
  }
  const s = results.coldstart;
  if (s) {
    out.push('### 4. Cold start', '');
    out.push(
      `The import-only rows come from the same processes as #16's cold start to first result (below): the time of the imports alone, measured inside each child, against the fastest peer's (${s.fastestImportPeer}; fintecture-client and plaid are only required).`,
      '',
    );
  }
  const z = results.size;
  if (z) {
    out.push('### 5. Size', '');
    out.push(
      `esbuild, bundle + minify, ESM, platform neutral, from the built package through its exports map; external: ${z.external.join(', ')} (zod is not a dependency any more: dist carries the parts it uses); gzip level 9. "typical" is an application that imports \`Polybank\` and one provider factory and builds a bank (tree shaking keeps what that reaches); "export *" re-exports both entries whole. What each bundle holds is read from the same entry bundled from src/ (esbuild's metafile):`,
      '',
      ...z.rows.filter((r) => r.kind === 'typical').map((r) => `- ${r.name}: ${r.sourceFiles} source files, ${r.others.length ? `other providers: ${r.others.join(', ')}` : 'none of the other providers'}, ${r.testing ? 'the simulators' : 'no simulator code'}.`),
      '',
    );
  }
  const q = results.scaleout;
  if (q) {
    const cmds = (kind) => Object.entries(q.commands[kind].byCommand).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
    out.push('### 6. Scale-out with BullMQ', '');
    out.push(
      `polybank/bullmq against the four simulators (in a child process) and a private \`redis-server\`, from the built package. Stored connections are made in the simulators' state (\`driver.stored()\`), a quarter per provider, fresh for every run (none is refreshed twice); the bank has no in-request retries.`,
      '',
      `- Throughput: one \`refreshWorker\` (the four provider queues, concurrency ${q.concurrency} each, no rate limit) works off ${q.jobs.toLocaleString('en')} on-demand jobs; the baseline is \`bank.refreshAll\` of ${q.jobs.toLocaleString('en')} other stored connections in the same process at concurrency ${q.concurrency * 4}. ${q.rounds} rounds, the order alternated; the figure is the median of the per-round ratios (queue / refreshAll). What the queue adds per job: BullMQ's fetch and finish, the lease and rate script, the job's data read and checked, the result reported.`,
      `- Redis commands: MONITOR on a separate connection while ${q.commands.jobs.toLocaleString('en')} jobs run, counting what clients sent (not the commands scripts run inside Redis), the enqueueing left out. On-demand jobs: ${cmds('onDemand')}. Scheduled jobs (their first iteration; each also schedules the next): ${cmds('scheduled')}. Baseline, refreshAll sharing its limits through \`redisRateLimiters\`: ${cmds('refreshAllShared')}.`,
      `- Rate across workers: three workers on one Redis, one start then 19 more 350 ms later, at 10 per 500 ms (PowerAuth, one request per refresh); arrival times at the simulator; the most starts in any 450 ms (the window less a request's travel) over 10, worst of ${q.rounds} rounds. polybank: ${q.bursts.polybank.map((b) => `${b.most} in ${b.spanMs} ms`).join('; ')}. BullMQ's limiter: ${q.bursts.bullmq.map((b) => `${b.most} in ${b.spanMs} ms`).join('; ')} (it counts in fixed windows: the 9 starts at the end of the first and the 10 at the start of the next come within half a window).`,
      '',
    );
  }
  return out.join('\n');
}

export function render({ results, machine, command, quick, note, failures, findings = '' }) {
  const rows = rowsOf(results);
  const lean = leanRows(results);
  const table = `Issue #16 (lean and fast)\n${leanText(lean)}\n\nOther targets (issue #9, and the sections added since)\n${textTable(rows)}`;
  const loads = Object.entries(results)
    .filter(([, r]) => r)
    .map(([k, r]) => `${k} ${r.loadBefore.toFixed(1)}→${r.loadAfter.toFixed(1)}`)
    .join(', ');
  const markdown = [
    '# Benchmarks',
    '',
    `Generated by \`${command}\` (bench/run.mjs) on ${machine.date}${quick ? ' — **quick run: fewer iterations, 2,000 connections; not the figures of record**' : ''}.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}; polybank ${machine.commit}${machine.dirty ? ' with uncommitted changes to src/' : ''}. 1-minute load average before→after each section: ${loads} (other work shared the machine).`,
    '',
    note ? `This run: ${note}` : '',
    '',
    'Every figure is a ratio to a baseline measured side by side in the same run (interleaved or shuffled), never an absolute time (these machines are noisy), except sizes, counts and bytes. Where a dependency sets a floor, the floor is measured in the same run and shown under the row.',
    '',
    '## Issue #16: lean and fast',
    '',
    leanTable(lean),
    '',
    '## Other targets (issue #9, and the sections added since)',
    '',
    mdTable(rows),
    '',
    failures.length ? `Sections that failed: ${failures.join('; ')}\n` : '',
    '## How each figure is measured',
    '',
    leanDetails(results),
    details(results),
    '',
    findings,
  ].join('\n');
  return { table, markdown };
}
