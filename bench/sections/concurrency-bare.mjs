/**
 * 3. The baseline of the held-authentication heap (#16): the same mix and schedule as
 * concurrency.mjs, but every "authentication" is a bare loop of `fetch` and a timer that
 * sends the very requests an SDK authentication sends — its start requests, then its poll
 * request at the provider's cadence — with no SDK around them. Same simulators' process,
 * same ramp, same hold, the same per-authentication bookkeeping (an AbortController, a
 * record of its polls), the same cap on requests in flight per provider (polybank's default
 * `maxConcurrentRequests`, 64: without it the ramp's burst opens a socket per request, and
 * undici's idle keep-alive sockets would be most of the baseline's heap) and the same GC
 * before both memory readings: the difference between the two sections' heap per held
 * authentication is what the SDK holds.
 *
 * The requests are recorded once per provider from a real SDK authentication (through the
 * Polybank `fetch` option) up to its first poll. Every bare loop replays them as recorded:
 * the start requests open a new session each at the simulator (they are answered like the
 * SDK's), and the polls repeat the recorded session's poll (answered "still pending" with the
 * same bytes). The simulators' answers are counted per status.
 */
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Polybank } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { POWENS_TEST_CONNECTOR, powens } from 'polybank/powens';
import { drivers } from 'polybank/testing';
import { benchFetch } from '../lib/active.mjs';
import { args, emit } from '../lib/stats.mjs';

const opts = args();
const TOTAL = Number(opts.connections ?? 2_000);
const HOLD_MS = Number(opts.hold ?? (opts.quick ? 12_000 : 20_000));
const BATCH = Number(opts.batch ?? 100);
const BATCH_GAP_MS = Number(opts.gap ?? 50);
const MIB = 1024 * 1024;
const gc = globalThis.gc ?? (() => undefined);

// The same plans and mix as concurrency.mjs.
const PLANS = {
  fintecture: { intervalMs: 2000, factor: 1 },
  powens: { intervalMs: 3000, factor: 1.5, maxIntervalMs: 15_000 },
  flinks: { intervalMs: 5000, factor: 1 },
};
const MIX = [
  ['fintecture', 0.5],
  ['powens', 0.25],
  ['flinks', 0.25],
];
const MAX_IN_FLIGHT = 64;
const delay = (plan, k) => Math.min(plan.maxIntervalMs ?? Math.max(plan.intervalMs, 30_000), plan.intervalMs * plan.factor ** k);

// ---------------------------------------------------------------- the simulators' process
const child = fork(fileURLToPath(new URL('./concurrency-sim.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ready = await new Promise((resolve) => child.once('message', resolve));

// ---------------------------------------------------------------- the SDK's requests, recorded
// One bank per provider, each with its own recording fetch: the recording authentications stay pending and keep polling.
const factories = {
  fintecture: () => fintecture({ appId: 'sim-app-id', appSecret: 'sim-app-secret', baseUrl: ready.baseUrls.fintecture }),
  powens: () => powens({ baseUrl: ready.baseUrls.powens, ...ready.powensClient, redirectUri: 'https://app.polybank.test/powens/callback' }),
  flinks: () => flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: ready.baseUrls.flinks }),
};
const powensScenario = { name: 'shortDecoupled', input: { connector: POWENS_TEST_CONNECTOR }, persona: { website: 'shortDecoupled' } };
function input(provider, i) {
  if (provider === 'fintecture') return { provider: 'agfbfr', model: 'decoupled', psuId: `pending-${i}`, psuIpAddress: '203.0.113.7' };
  if (provider === 'powens') return powensScenario.input;
  return { institution: 'RBC', username: 'rbc_device', password: 'Everyday' };
}

const recorded = {};
for (const [provider] of MIX) {
  const { fetch: recordingFetch, control } = benchFetch();
  const bank = new Polybank({ providers: [factories[provider]()], fetch: recordingFetch });
  control.recording = true;
  const conn = bank.connect(provider, input(provider, 'recorded'));
  // The loop polls inside next(), after the decoupled challenge's body: the first poll is the
  // first request recorded after it. The recording authentication is left pending (3 of them,
  // before the baseline reading): aborting would cancel the provider-side session, and Powens
  // would delete the user whose token the replays carry.
  const start = await new Promise((resolve, reject) => {
    (async () => {
      for await (const challenge of conn.authenticate()) {
        if (challenge.type === 'decoupled') {
          const at = control.recorded.length;
          const watch = setInterval(() => {
            if (control.recorded.length > at) {
              clearInterval(watch);
              resolve(at);
            }
          }, 20);
        } else {
          challenge.answer(await drivers.powens.answer(challenge, undefined, powensScenario));
        }
      }
      reject(new Error(`${provider}: the recording authentication ended ${conn.status.status}`));
    })().catch(reject);
  });
  control.recording = false;
  const init = (r) => ({ method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) });
  recorded[provider] = { start: control.recorded.slice(0, start).map((r) => ({ provider, url: r.url, init: init(r) })), poll: { provider, url: control.recorded[start].url, init: init(control.recorded[start]) } };
}

// ---------------------------------------------------------------- the bare loops
const statuses = {};
const count = (request, status) => {
  const key = `${request.init.method} ${new URL(request.url).pathname.replace(/[0-9a-f]{16,}|[0-9a-f-]{36}|\d{3,}/g, '…')} → ${status}`;
  statuses[key] = (statuses[key] ?? 0) + 1;
};
const controllers = [];
const records = [];
let held = 0;
let failed = 0;
let allHeld;
const allHeldPromise = new Promise((resolve) => (allHeld = resolve));

/**
 * Sends one recorded request. `token`: the bearer a previous answer of this loop gave
 * (Powens' auth/init creates a user per authentication; its connection is created with that
 * user's token, as the SDK does — the recorded one already has a pending connection).
 */
const slots = {};
/** At most MAX_IN_FLIGHT requests at once per provider, the others queued in order (as polybank's slots). */
async function slot(provider) {
  const s = (slots[provider] ??= { busy: 0, queue: [] });
  if (s.busy < MAX_IN_FLIGHT) {
    s.busy++;
    return;
  }
  await new Promise((resolve) => s.queue.push(resolve));
}
function release(provider) {
  const s = slots[provider];
  const next = s.queue.shift();
  if (next) next();
  else s.busy--;
}

async function send(request, signal, token) {
  await slot(request.provider);
  try {
    return await sendNow(request, signal, token);
  } finally {
    release(request.provider);
  }
}

async function sendNow(request, signal, token) {
  const headers = token ? request.init.headers.map(([k, v]) => (k === 'authorization' ? [k, `Bearer ${token}`] : [k, v])) : request.init.headers;
  const res = await fetch(request.url, { ...request.init, headers, signal });
  count(request, res.status);
  return JSON.parse(await res.text());
}

/** An authentication's start requests in turn, a token from one answer carried to the next requests. */
async function sendAll(requests, signal) {
  let token;
  for (const request of requests) {
    const body = await send(request, signal, token);
    if (typeof body?.auth_token === 'string') token = body.auth_token;
  }
}

async function bareHold(provider) {
  const record = { provider, heldAt: undefined, polls: [], error: undefined };
  records.push(record);
  const controller = new AbortController();
  controllers.push(controller);
  const { start, poll } = recorded[provider];
  const plan = PLANS[provider];
  try {
    await sendAll(start, controller.signal);
  } catch (error) {
    record.error = String(error?.message ?? error);
    if (++failed + held === TOTAL) allHeld();
    return;
  }
  record.heldAt = performance.now();
  if (++held + failed === TOTAL) allHeld();
  let k = 0;
  const tick = async () => {
    const started = performance.now();
    try {
      await send(poll, controller.signal);
      record.polls.push({ start: started, attempt: 1 });
    } catch (error) {
      if (controller.signal.aborted) return;
      record.error = String(error?.message ?? error);
    }
    setTimeout(tick, delay(plan, k++));
  };
  setTimeout(tick, delay(plan, k++));
}

// Warm the code paths (one of each), so the baseline has every module loaded.
for (const [provider] of MIX) await sendAll(recorded[provider].start);
await send(recorded.fintecture.poll);
gc();
await sleep(500);
gc();
const base = process.memoryUsage();

const rampStart = performance.now();
let index = 0;
for (const [provider, share] of MIX) {
  const n = Math.round(TOTAL * share);
  for (let k = 0; k < n && index < TOTAL; k++, index++) {
    void bareHold(provider);
    if (index % BATCH === BATCH - 1) await sleep(BATCH_GAP_MS);
  }
}
const rampResult = await Promise.race([allHeldPromise.then(() => 'held'), sleep(180_000).then(() => 'timeout')]);
const rampMs = performance.now() - rampStart;

const holdStart = performance.now();
while (performance.now() - holdStart < HOLD_MS) await sleep(1000);
const holdEnd = performance.now();
gc();
await sleep(200);
gc();
const after = process.memoryUsage();

const polls = records.reduce((n, r) => n + r.polls.length, 0);
for (const controller of controllers) controller.abort();
child.send('stop');
emit({
  section: 'concurrency-bare',
  total: TOTAL,
  held,
  failed,
  rampResult,
  rampSeconds: rampMs / 1000,
  holdSeconds: (holdEnd - holdStart) / 1000,
  mix: Object.fromEntries(MIX),
  requests: Object.fromEntries(Object.entries(recorded).map(([p, r]) => [p, { start: r.start.map((s) => `${s.init.method} ${new URL(s.url).pathname}`), poll: `${r.poll.init.method} ${new URL(r.poll.url).pathname}` }])),
  statuses,
  polls,
  rss: { baseMiB: base.rss / MIB, afterMiB: after.rss / MIB, extraMiB: (after.rss - base.rss) / MIB, heapExtraMiB: (after.heapUsed - base.heapUsed) / MIB, heapTotalExtraMiB: (after.heapTotal - base.heapTotal) / MIB },
});
process.exit(0);
