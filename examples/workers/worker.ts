/**
 * A worker process: takes refresh jobs from every provider queue, loads each ref from your
 * database, refreshes through polybank and writes what it found back. Start as many as you
 * like; kill one and its jobs are taken over once their lock expires; SIGTERM finishes (or
 * hands back) what is in flight, then exits.
 *
 *   REDIS_URL, REDIS_PREFIX, DB_PATH, <PROVIDER>_URL, CONCURRENCY (per provider, default 8),
 *   RATES (JSON: connections per second per provider, shared by all workers), LOCK_MS,
 *   STALLED_MS, WORKER_NAME, SDK_RETRIES, LOG_RETRIES (print each retry), LOG_STARTS (print each start)
 */
import { Redis } from 'ioredis';
import type { Rate } from 'polybank';
import { refreshWorker } from 'polybank/bullmq';
import { createBank, env } from './bank.js';
import { AppDb } from './db.js';

const name = env('WORKER_NAME', `worker-${process.pid}`);
const db = new AppDb(env('DB_PATH'));
const redis = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379'));
const worker = refreshWorker(createBank(), redis, {
  prefix: env('REDIS_PREFIX', 'polybank'),
  name,
  concurrency: Number(env('CONCURRENCY', '8')),
  // Connections per second (or { requests, perSeconds }) per provider, shared by every worker.
  perProviderRate: JSON.parse(env('RATES', '{"fintecture":20,"powens":10,"flinks":20,"powerauth":20}')) as Record<string, Rate>,
  lockDuration: Number(env('LOCK_MS', '30000')),
  stalledInterval: Number(env('STALLED_MS', '30000')),
  loadRef: (_provider, key) => db.refOf(key) as never,
  saveRef: (_provider, key, ref) => db.saveRef(key, ref),
  onResult: (result) => {
    db.recordResult(result, name);
    // "notify the user": a connection that needs them (re-consent, new credentials, SCA).
    if (!result.ok && 'userAction' in result.error && result.error.userAction !== 'none') {
      if (process.env.VERBOSE) console.log(`notify ${result.key}: ${String(result.error.userAction)} (${result.error.code})`);
    }
  },
});
worker.on('error', (error) => console.error(`${name}: ${error.message}`));
if (process.env.LOG_RETRIES) worker.on('retry', (e) => console.log(`retry ${e.key} ${e.attempt} ${e.error.code} ${e.delayMs}`));
if (process.env.LOG_STARTS) worker.on('started', (e) => console.log(`start ${e.provider} ${e.key} ${e.slotAt} ${e.at}`));
// SIGTERM (a deploy, a scale-down): stop taking jobs, let in-flight ones finish (or hand them
// back after CLOSE_TIMEOUT_MS), then let the process end.
worker.closeOnSignals(['SIGTERM', 'SIGINT'], { timeoutMs: Number(env('CLOSE_TIMEOUT_MS', '20000')) });
worker.on('closed', () => {
  redis.disconnect();
  db.close();
  console.log(`closed ${name}`);
});

await worker.waitUntilReady();
console.log(`ready ${name}`);
