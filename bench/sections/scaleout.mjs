/**
 * 6. Scale-out with BullMQ (polybank/bullmq), against the four simulators (in a child process)
 * and a private redis-server:
 * - refreshes per second of one worker (one refreshWorker, the four provider queues) over the
 *   same worker's `bank.refreshAll` at the same concurrency: what the queue costs a worker;
 * - Redis commands per job, counted with MONITOR, for scheduled jobs (job schedulers) and
 *   on-demand ones, against `refreshAll` sharing its limits through `redisRateLimiters`;
 * - the rate limit across three workers under a bursty demand: polybank's sliding window vs
 *   BullMQ's own limiter, as the most starts seen in any window / the limit.
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Polybank } from 'polybank';
import { refreshQueue, refreshWorker } from 'polybank/bullmq';
import { redisRateLimiters } from 'polybank/redis';
import { drivers } from 'polybank/testing';
import { args, emit, median } from '../lib/stats.mjs';

const opts = args();
const JOBS = Number(opts.jobs ?? (opts.quick ? 400 : 2000));
const ROUNDS = Number(opts.rounds ?? (opts.quick ? 1 : 3));
const CONCURRENCY = Number(opts.concurrency ?? 8);
const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'];

// ---------------------------------------------------------------- Redis and the simulators
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
const port = await freePort();
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const redisUrl = `redis://127.0.0.1:${port}`;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => (n > 50 ? null : 100) });
// Until redis-server listens, connecting fails: the ping loop below waits for it.
redis.on('error', () => undefined);
for (let i = 0; i < 100; i++) {
  try {
    await redis.ping();
    break;
  } catch {
    await sleep(50);
  }
}

const child = fork(fileURLToPath(new URL('./scaleout-sim.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const waiters = [];
child.on('message', (message) => {
  const i = waiters.findIndex((w) => w.type === message.type);
  if (i >= 0) waiters.splice(i, 1)[0].resolve(message);
});
const ask = (type, body) =>
  new Promise((resolve) => {
    waiters.push({ type, resolve });
    if (body !== undefined) child.send({ type, ...body });
  });
const ready = await ask('ready');
const bank = () =>
  new Polybank({
    providers: PROVIDERS.map((id) => drivers[id].provider(ready.sims[id])),
    // The queue retries; in-request retries would only blur the counts.
    retry: 0,
  });
const stored = async (count, providers = PROVIDERS) => (await ask('store', { count, providers })).refs;

/** polybank's own scripts touch its `:limits:{provider}` keys (acquire: lease, rate window, …; a late release: the last-run hash, leases); the rest are BullMQ's. */
function labelOf(argv) {
  const firstKey = String(argv[3] ?? '');
  if (firstKey.includes(':limits:{')) return String(argv[4] ?? '').endsWith(':rate') ? 'polybank acquire (lease, rate slot, ending earlier leases)' : 'polybank late release (idle worker)';
  // BullMQ's scripts, told apart by their key count and first key (src/commands/<name>-<keys>.lua).
  const known = { '14 wait': 'moveToFinished (and fetch the next job)', '11 wait': 'moveToActive', '12 repeat': 'updateJobScheduler (the next iteration)', '9 stalled': 'moveStalledJobsToWait' };
  const shape = `${argv[2]} ${firstKey.split(':').pop()}`;
  return `bullmq ${known[shape] ?? `script with ${argv[2]} keys`}`;
}

// ---------------------------------------------------------------- per-worker throughput
let prefixes = 0;
/** One refreshWorker working off `refs` as on-demand (or scheduled) jobs; returns the jobs per second and the Redis commands it sent. */
async function viaQueue(refs, { scheduled = false, monitor = false } = {}) {
  const prefix = `bench${++prefixes}`;
  const db = new Map(refs.map((r, i) => [`c${i}`, r]));
  const queue = refreshQueue(redis, { providers: PROVIDERS, prefix, attempts: 3, backoffMs: 100 });
  for (const [key, { provider }] of db) {
    if (scheduled) await queue.schedule(provider, key, { every: 3_600_000 });
    else await queue.refreshNow(provider, key);
  }
  let done = 0;
  let failed = 0;
  const commands = new Map();
  let monitorClient;
  if (monitor) {
    monitorClient = await redis.monitor();
    monitorClient.on('monitor', (_time, argv, source) => {
      // MONITOR also lists what scripts run inside Redis: only what clients sent is a round trip.
      if (source === 'lua') return;
      const name = String(argv[0]).toLowerCase();
      const label = name === 'evalsha' ? labelOf(argv) : name;
      commands.set(label, (commands.get(label) ?? 0) + 1);
    });
    await sleep(100);
  }
  const started = performance.now();
  const worker = refreshWorker(bank(), redis, {
    prefix,
    concurrency: CONCURRENCY,
    loadRef: (_p, key) => db.get(key)?.ref,
    onResult: (r) => {
      done++;
      if (!r.ok) failed++;
    },
  });
  while (done < refs.length) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  monitorClient?.disconnect();
  await worker.close();
  await queue.close();
  return { perSecond: refs.length / seconds, failed, commands: Object.fromEntries(commands) };
}

/** The same connections through `bank.refreshAll` in this process (the single-process path). */
async function viaRefreshAll(refs, { limiters = false, monitor = false } = {}) {
  const commands = new Map();
  let monitorClient;
  if (monitor) {
    monitorClient = await redis.monitor();
    monitorClient.on('monitor', (_time, argv, source) => {
      if (source === 'lua') return;
      const name = String(argv[0]).toLowerCase();
      commands.set(name, (commands.get(name) ?? 0) + 1);
    });
    await sleep(100);
  }
  const rates = Object.fromEntries(PROVIDERS.map((p) => [p, 100_000]));
  const started = performance.now();
  const results = await bank().refreshAll(refs, { concurrency: CONCURRENCY * PROVIDERS.length, ...(limiters ? { perProviderRate: rates, limiters: redisRateLimiters(redis, { prefix: `ra${++prefixes}:` }) } : {}) });
  const seconds = (performance.now() - started) / 1000;
  monitorClient?.disconnect();
  return { perSecond: refs.length / seconds, failed: results.filter((r) => !r.ok).length, commands: Object.fromEntries(commands) };
}

// Warm up both paths (JIT, connection pools, scripts loaded in Redis).
await viaRefreshAll(await stored(200));
await viaQueue(await stored(200));

const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  // Fresh connections each time (none is refreshed twice), the two orders alternated.
  const [a, b] = [await stored(JOBS), await stored(JOBS)];
  if (round % 2 === 0) rounds.push({ queue: await viaQueue(a), refreshAll: await viaRefreshAll(b) });
  else rounds.push({ refreshAll: await viaRefreshAll(b), queue: await viaQueue(a) });
}
const queueRates = rounds.map((r) => r.queue.perSecond);
const baseRates = rounds.map((r) => r.refreshAll.perSecond);

// ---------------------------------------------------------------- Redis commands per job
const perJob = (commands, jobs) => Object.values(commands).reduce((n, c) => n + c, 0) / jobs;
const MONITORED = Math.min(JOBS, 1000);
const onDemand = await viaQueue(await stored(MONITORED), { monitor: true });
const scheduled = await viaQueue(await stored(MONITORED), { scheduled: true, monitor: true });
const sharedLimits = await viaRefreshAll(await stored(MONITORED), { limiters: true, monitor: true });

// ---------------------------------------------------------------- the rate across workers
/**
 * 1 start, then 19 more 350 ms later, on three workers, at 10 per 500 ms: the most starts the
 * provider saw in any 450 ms (the window, less a request's travel) over the limit.
 */
async function burst(kind) {
  const refs = await stored(20, ['powerauth']);
  const ids = refs.map((r) => r.ref.operationId);
  const prefix = `burst${++prefixes}`;
  const db = new Map(refs.map((r, i) => [`b${i}`, r]));
  const closers = [];
  if (kind === 'polybank') {
    for (let w = 0; w < 3; w++) {
      const worker = refreshWorker(bank(), redis, { prefix, providers: ['powerauth'], concurrency: 6, perProviderRate: { powerauth: { requests: 10, perSeconds: 0.5 } }, loadRef: (_p, key) => db.get(key)?.ref });
      await worker.waitUntilReady();
      closers.push(() => worker.close());
    }
  } else {
    const b = bank();
    for (let w = 0; w < 3; w++) {
      const connection = redis.duplicate();
      const worker = new Worker('refresh-powerauth', async (job) => b.connection('powerauth', db.get(job.data.key).ref).accounts(), {
        connection,
        prefix,
        concurrency: 6,
        limiter: { max: 10, duration: 500 },
      });
      await worker.waitUntilReady();
      closers.push(async () => {
        await worker.close();
        connection.disconnect();
      });
    }
  }
  const queue = refreshQueue(redis, { providers: ['powerauth'], prefix });
  const keys = [...db.keys()];
  await queue.refreshNow('powerauth', keys[0]);
  await sleep(350);
  await Promise.all(keys.slice(1).map((k) => queue.refreshNow('powerauth', k)));
  let at = [];
  for (let i = 0; i < 400 && at.length < 20; i++) {
    await sleep(50);
    at = (await ask('arrivals', { provider: 'powerauth', endpoint: 'operation/formdata/decorate', ids })).at;
  }
  for (const close of closers) await close();
  await queue.close();
  const sorted = [...at].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j] < sorted[i] - 450 + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return { most, limit: 10, starts: sorted.length, spanMs: sorted.at(-1) - sorted[0] };
}
const bursts = { polybank: [], bullmq: [] };
for (let i = 0; i < ROUNDS; i++) {
  bursts.polybank.push(await burst('polybank'));
  bursts.bullmq.push(await burst('bullmq'));
}

child.send({ type: 'stop' });
await redis.quit();
redisServer.kill('SIGTERM');

emit({
  jobs: JOBS,
  rounds: ROUNDS,
  concurrency: CONCURRENCY,
  throughput: { queuePerSecond: median(queueRates), refreshAllPerSecond: median(baseRates), ratios: rounds.map((r) => r.queue.perSecond / r.refreshAll.perSecond), failed: rounds.map((r) => r.queue.failed + r.refreshAll.failed) },
  commands: {
    jobs: MONITORED,
    onDemand: { perJob: perJob(onDemand.commands, MONITORED), byCommand: onDemand.commands },
    scheduled: { perJob: perJob(scheduled.commands, MONITORED), byCommand: scheduled.commands },
    refreshAllShared: { perJob: perJob(sharedLimits.commands, MONITORED), byCommand: sharedLimits.commands },
  },
  bursts,
});
