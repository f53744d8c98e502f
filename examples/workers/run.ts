/**
 * `npm run example:workers`: the whole scale-out on one machine. Starts Redis (or uses
 * REDIS_URL), the four bundled simulators, stores CONNECTIONS linked connections in "your
 * database" (SQLite), then a scheduler process and WORKERS worker processes; waits until every
 * connection was refreshed or reported, posts a Powens webhook, prints what happened, and
 * stops everything with SIGTERM (the graceful path).
 *
 *   CONNECTIONS=2000 WORKERS=3 npm run example:workers
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drivers, startSimulatorServer, type PowensSimulator, type Simulator } from 'polybank/testing';
import { PROVIDERS } from './bank.js';
import { AppDb, type StoredConnection } from './db.js';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', '..', 'node_modules', '.bin', 'tsx');
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 2000);
const WORKERS = Number(process.env.WORKERS ?? 3);
// One connection in 20 of each provider is refused without the user (to show the "notify" path).
const refused = (i: number): boolean => Math.floor(i / PROVIDERS.length) % 20 === 19;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop(): void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => undefined };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  child.once('error', () => console.error('redis-server is not installed: apt-get install redis-server, or set REDIS_URL'));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1');
      socket.once('listening', () => socket.close(() => resolve(false)));
      socket.once('error', () => resolve(true));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** Starts a process of this example and resolves once it printed `match`. */
function start(script: string, env: Record<string, string>, match: RegExp): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(tsx, [join(here, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const line = out.split('\n').find((l) => match.test(l));
      if (line) resolve({ child, line });
      if (process.env.VERBOSE) process.stdout.write(String(chunk));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before "${match.source}"`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

const redis = await startRedis();
const sims = Object.fromEntries(PROVIDERS.map((id) => [id, drivers[id].simulator()])) as Record<(typeof PROVIDERS)[number], Simulator<unknown>>;
const server = await startSimulatorServer(Object.values(sims));
const work = mkdtempSync(join(tmpdir(), 'polybank-workers-'));
const db = new AppDb(join(work, 'app.db'));

// Connections your users linked earlier: made straight in the simulators' state.
const rows: StoredConnection[] = [];
for (let i = 0; i < CONNECTIONS; i++) {
  const provider = PROVIDERS[i % PROVIDERS.length] as (typeof PROVIDERS)[number];
  const ref = drivers[provider].stored(sims[provider] as never, { refused: refused(i) });
  const providerId = provider === 'powens' ? String((ref as { connectionId: number }).connectionId) : undefined;
  rows.push({ key: `user-${i}`, provider, ref, ...(providerId ? { providerId } : {}) });
}
db.insertConnections(rows);

const env = {
  REDIS_URL: redis.url,
  REDIS_PREFIX: `example-${process.pid}`,
  DB_PATH: join(work, 'app.db'),
  FINTECTURE_URL: sims.fintecture.baseUrl,
  POWENS_URL: sims.powens.baseUrl,
  FLINKS_URL: sims.flinks.baseUrl,
  POWERAUTH_URL: sims.powerauth.baseUrl,
  RATES: process.env.RATES ?? JSON.stringify({ fintecture: 100, powens: 100, flinks: 100, powerauth: 100 }),
};
const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => start('worker.ts', { ...env, WORKER_NAME: `worker-${i + 1}` }, /^ready /)));
const started = Date.now();
const scheduler = await start('scheduler.ts', env, /^webhooks on /);
const webhookUrl = `${/(http:\/\/[\d.:]+)/.exec(scheduler.line)?.[1]}/webhooks/powens/connection-synced`;
console.log(`${WORKERS} workers and a scheduler on ${redis.url}; ${CONNECTIONS} stored connections`);

let failed = false;
const deadline = Date.now() + Number(process.env.TIMEOUT_MS ?? 300_000);
while (db.resultCount() < CONNECTIONS) {
  if (Date.now() > deadline) {
    console.error(`timed out: ${db.resultCount()} of ${CONNECTIONS} connections reported`);
    failed = true;
    break;
  }
  await new Promise((r) => setTimeout(r, 200));
}
const cycleMs = Date.now() - started;

// Powens tells us a connection synced: its webhook becomes a job that reads the new data.
const powensRow = rows.find((r) => r.provider === 'powens' && db.results().some((x) => x.key === r.key && x.ok)) as StoredConnection;
const powens = sims.powens as unknown as PowensSimulator;
const request = await powens.webhook(webhookUrl, powens.connectionSyncedBody(Number(powensRow.providerId)));
const answered = await fetch(request.url, { method: 'POST', headers: request.headers, body: await request.text() });
console.log(`webhook → ${answered.status} ${await answered.text()}`);
while (!db.results().some((r) => r.key === powensRow.key && r.kind === 'fetch')) {
  if (Date.now() > deadline) {
    failed = true;
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}

const results = db.results();
console.log(`\none cycle: ${CONNECTIONS} connections in ${(cycleMs / 1000).toFixed(1)} s (${((CONNECTIONS / cycleMs) * 1000).toFixed(0)} per second, ${WORKERS} workers)`);
for (const provider of PROVIDERS) {
  const mine = results.filter((r) => r.provider === provider && r.kind === 'refresh');
  const reasons = new Map<string, number>();
  for (const r of mine.filter((x) => !x.ok)) reasons.set(`${r.reason} → ${r.userAction}`, (reasons.get(`${r.reason} → ${r.userAction}`) ?? 0) + 1);
  console.log(`  ${provider.padEnd(11)} ${String(mine.filter((r) => r.ok).length).padStart(5)} refreshed  ${[...reasons].map(([k, n]) => `${n} to notify (${k})`).join(', ')}`);
}
const byWorker = new Map<string, number>();
for (const r of results) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + 1);
console.log(`  by worker: ${[...byWorker].map(([w, n]) => `${w} ${n}`).join(', ')}`);
console.log(`  webhook job: ${results.filter((r) => r.kind === 'fetch').map((r) => `${r.key} ${r.ok ? 'read' : r.reason}`).join(', ')}`);

// A deploy: SIGTERM everyone; in-flight jobs finish first.
for (const { child } of [...workers, scheduler]) child.kill('SIGTERM');
const codes = await Promise.all([...workers, scheduler].map(({ child }) => exited(child)));
console.log(`stopped (exit codes ${codes.join(', ')})`);
db.close();
await server.close();
redis.stop();
rmSync(work, { recursive: true, force: true });
if (failed || codes.some((c) => c !== 0)) process.exitCode = 1;
