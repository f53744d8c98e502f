/**
 * 3. Concurrency: 10,000 decoupled authentications held at once in this process (half
 * Fintecture decoupled, a quarter Powens decoupled, a quarter Flinks trusted device), each
 * `for await (const challenge of conn.authenticate())` loop polling at its provider's
 * default cadence, against the simulators over loopback (in a child process).
 *
 * Measures, while all of them are held: extra RSS over this process before the first
 * connection (after a GC at both ends), event-loop delay p99 (perf_hooks
 * monitorEventLoopDelay) against the idle loop's, and the polls: every poll of every
 * connection must come at least one scheduled interval after the previous one (jitter only
 * lengthens), and the simulators must receive exactly the polls the SDK reports sending.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Polybank } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { POWENS_TEST_CONNECTOR, powens } from 'polybank/powens';
import { drivers } from 'polybank/testing';
import { args, emit } from '../lib/stats.mjs';

const opts = args();
const TOTAL = Number(opts.connections ?? 10_000);
const HOLD_MS = Number(opts.hold ?? (opts.quick ? 12_000 : 40_000));
// Authentications start in batches spread over a few seconds, as users arrive: not 10,000 in one tick.
const BATCH = Number(opts.batch ?? 100);
const BATCH_GAP_MS = Number(opts.gap ?? 50);
const MIB = 1024 * 1024;
const gc = globalThis.gc ?? (() => undefined);

/** The poll plans of the providers' defaults (what their adapters ask the core for). */
const PLANS = {
  fintecture: { intervalMs: 2000, factor: 1, endpoints: ['PollDecoupled', 'PollDecoupledBySession'] },
  powens: { intervalMs: 3000, factor: 1.5, maxIntervalMs: 15_000, endpoints: ['GetConnection', 'UpdateConnection'] },
  flinks: { intervalMs: 5000, factor: 1, endpoints: ['Authorize'] },
};
const MIX = [
  ['fintecture', 0.5],
  ['powens', 0.25],
  ['flinks', 0.25],
];

// ---------------------------------------------------------------- the simulators' process
const child = fork(fileURLToPath(new URL('./concurrency-sim.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const replies = [];
const waiters = [];
child.on('message', (message) => {
  const waiter = waiters.findIndex((w) => w.type === message.type);
  if (waiter >= 0) waiters.splice(waiter, 1)[0].resolve(message);
  else replies.push(message);
});
function ask(type, send = type) {
  const queued = replies.findIndex((m) => m.type === type);
  if (queued >= 0) return Promise.resolve(replies.splice(queued, 1)[0]);
  return new Promise((resolve) => {
    waiters.push({ type, resolve });
    if (send) child.send(send);
  });
}
const ready = await ask('ready', null);

const bank = new Polybank({
  providers: [
    fintecture({ appId: 'sim-app-id', appSecret: 'sim-app-secret', baseUrl: ready.baseUrls.fintecture }),
    powens({ baseUrl: ready.baseUrls.powens, ...ready.powensClient, redirectUri: 'https://app.polybank.test/powens/callback' }),
    flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: ready.baseUrls.flinks }),
  ],
});
const powensScenario = { name: 'shortDecoupled', input: { connector: POWENS_TEST_CONNECTOR }, persona: { website: 'shortDecoupled' } };

function input(provider, i) {
  if (provider === 'fintecture') return { provider: 'agfbfr', model: 'decoupled', psuId: `pending-${i}`, psuIpAddress: '203.0.113.7' };
  if (provider === 'powens') return powensScenario.input;
  return { institution: 'RBC', username: 'rbc_device', password: 'Everyday' };
}

// ---------------------------------------------------------------- baseline
// One AbortController per authentication, as a backend has one per user request. (One signal
// shared by thousands of loops costs O(n) per listener added: Node's EventTarget scans its list.)
const controllers = [];
const records = [];
let held = 0;
let failed = 0;
let allHeld;
const allHeldPromise = new Promise((resolve) => (allHeld = resolve));

async function hold(provider, i) {
  const record = { provider, heldAt: undefined, polls: [], error: undefined };
  records.push(record);
  const conn = bank.connect(provider, input(provider, i));
  const controller = new AbortController();
  controllers.push(controller);
  conn.on('request', (event) => {
    if (record.heldAt !== undefined && PLANS[provider].endpoints.includes(event.endpoint)) {
      record.polls.push({ start: performance.now() - event.ms, attempt: event.attempt });
    }
  });
  try {
    for await (const challenge of conn.authenticate({ signal: controller.signal })) {
      if (challenge.type === 'decoupled') {
        record.heldAt = performance.now();
        if (++held + failed === TOTAL) allHeld();
      } else {
        const answer = await drivers.powens.answer(challenge, undefined, powensScenario);
        challenge.answer(answer);
      }
    }
    record.error = `ended ${conn.status.status}`;
  } catch (error) {
    record.error = error?.name === 'AbortedError' ? undefined : String(error?.message ?? error);
  }
  if (record.heldAt === undefined && ++failed + held === TOTAL) allHeld();
}

// Warm the code paths (one of each, then cancelled), so the baseline has every module loaded.
{
  const warm = new AbortController();
  const conns = MIX.map(([provider], i) => bank.connect(provider, input(provider, `warm-${i}`)));
  await Promise.all(
    conns.map(async (conn) => {
      try {
        for await (const challenge of conn.authenticate({ signal: warm.signal })) {
          if (challenge.type === 'decoupled') break;
          challenge.answer(await drivers.powens.answer(challenge, undefined, powensScenario));
        }
      } catch {
        // cancelled
      }
    }),
  );
}
gc();
await sleep(500);
gc();
// --heap-snapshot=DIR: the heap before the first connection and at the end of the hold, for
// `node bench/lib/heapdiff.mjs DIR/before.heapsnapshot DIR/after.heapsnapshot` (what a held authentication is made of).
const snapshots = opts['heap-snapshot'] ? String(opts['heap-snapshot']) : undefined;
if (snapshots) writeHeapSnapshot(join(snapshots, 'before.heapsnapshot'));
const base = process.memoryUsage();
const idle = monitorEventLoopDelay({ resolution: 5 });
idle.enable();
await sleep(2000);
idle.disable();

// ---------------------------------------------------------------- ramp up
const ramp = monitorEventLoopDelay({ resolution: 5 });
ramp.enable();
const rampStart = performance.now();
const tasks = [];
let index = 0;
for (const [provider, share] of MIX) {
  const n = Math.round(TOTAL * share);
  for (let k = 0; k < n && index < TOTAL; k++, index++) {
    tasks.push(hold(provider, index));
    if (index % BATCH === BATCH - 1) await sleep(BATCH_GAP_MS);
  }
}
const rampTimeout = sleep(180_000).then(() => 'timeout');
const rampResult = await Promise.race([allHeldPromise.then(() => 'held'), rampTimeout]);
const rampMs = performance.now() - rampStart;
ramp.disable();

// ---------------------------------------------------------------- hold
await ask('reset');
const holdStart = performance.now();
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const rssSamples = [];
while (performance.now() - holdStart < HOLD_MS) {
  await sleep(1000);
  rssSamples.push(process.memoryUsage().rss);
}
const holdEnd = performance.now();
loop.disable();
const { counts } = await ask('counts');
gc();
await sleep(200);
gc();
const after = process.memoryUsage();
if (snapshots) writeHeapSnapshot(join(snapshots, 'after.heapsnapshot'));
const stillHeld = records.filter((r) => r.heldAt !== undefined && r.error === undefined).length;

// ---------------------------------------------------------------- polls
/** The scheduled minimum wait before poll k (0-based) of a plan: interval × factor^k, capped. */
function minDelay(plan, k) {
  const cap = plan.maxIntervalMs ?? Math.max(plan.intervalMs, 30_000);
  return Math.min(cap, plan.intervalMs * plan.factor ** k);
}
const TOLERANCE_MS = 1; // timer granularity
const polls = {};
for (const [provider] of MIX) {
  const plan = PLANS[provider];
  const list = records.filter((r) => r.provider === provider && r.heldAt !== undefined);
  let early = 0;
  let retries = 0;
  let inWindow = 0;
  let allowed = 0;
  for (const record of list) {
    let previous = record.heldAt;
    record.polls.forEach((poll, k) => {
      if (poll.attempt > 1) retries++;
      if (poll.start - previous < minDelay(plan, k) - TOLERANCE_MS) early++;
      previous = poll.start;
      if (poll.start >= holdStart && poll.start < holdEnd) inWindow++;
    });
    // The most polls the schedule allows in the hold window, from where this connection's schedule stood.
    let t = record.heldAt;
    let k = 0;
    for (;;) {
      t += minDelay(plan, k++);
      if (t >= holdEnd) break;
      if (t >= holdStart) allowed++;
    }
  }
  const received = plan.endpoints.reduce((n, e) => n + (counts[provider]?.[e] ?? 0), 0);
  polls[provider] = { connections: list.length, sdkPolls: inWindow, received, allowed, early, retries };
}

const errors = {};
for (const r of records) if (r.error) errors[r.error.slice(0, 120)] = (errors[r.error.slice(0, 120)] ?? 0) + 1;

child.send('stop');
emit({
  section: 'concurrency',
  total: TOTAL,
  held,
  stillHeld,
  failed,
  rampResult,
  rampSeconds: rampMs / 1000,
  holdSeconds: (holdEnd - holdStart) / 1000,
  mix: Object.fromEntries(MIX),
  plans: PLANS,
  rss: { baseMiB: base.rss / MIB, afterMiB: after.rss / MIB, extraMiB: (after.rss - base.rss) / MIB, peakExtraMiB: (Math.max(...rssSamples) - base.rss) / MIB, heapExtraMiB: (after.heapUsed - base.heapUsed) / MIB, heapTotalExtraMiB: (after.heapTotal - base.heapTotal) / MIB, externalExtraMiB: (after.external - base.external) / MIB, arrayBuffersExtraMiB: (after.arrayBuffers - base.arrayBuffers) / MIB },
  loop: {
    idleP99: idle.percentile(99) / 1e6,
    holdP99: loop.percentile(99) / 1e6,
    holdMax: loop.max / 1e6,
    holdMean: loop.mean / 1e6,
    rampP99: ramp.percentile(99) / 1e6,
    rampMax: ramp.max / 1e6,
  },
  polls,
  errors,
  rssSamplesMiB: rssSamples.map((r) => Math.round((r - base.rss) / MIB)),
});
process.exit(0);
