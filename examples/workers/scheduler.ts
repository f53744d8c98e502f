/**
 * The scheduler process: puts every stored connection of your database on a schedule (one
 * BullMQ job scheduler per connection, kept in Redis: scheduling again changes nothing), then
 * serves the Powens webhook endpoint, which turns each verified webhook into a job. It needs
 * no provider credentials and never sees a ref.
 *
 *   POST /webhooks/powens/connection-synced   (registered for CONNECTION_SYNCED in the Powens console)
 *
 *   REDIS_URL, REDIS_PREFIX, DB_PATH, EVERY_MS (default 24 h), PORT, POWENS_WEBHOOK_SECRET,
 *   ATTEMPTS (per job, default 5), BACKOFF_MS (first retry delay, default 5 s)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { isPolybankError } from 'polybank';
import { refreshQueue } from 'polybank/bullmq';
import { verifyWebhook } from 'polybank/powens';
import { PROVIDERS, env } from './bank.js';
import { AppDb } from './db.js';

const db = new AppDb(env('DB_PATH'));
const redis = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379'));
const queue = refreshQueue(redis, {
  providers: PROVIDERS,
  prefix: env('REDIS_PREFIX', 'polybank'),
  attempts: Number(env('ATTEMPTS', '5')),
  backoffMs: Number(env('BACKOFF_MS', '5000')),
  keep: { completed: 100_000, failed: 100_000 },
});
const every = Number(env('EVERY_MS', String(24 * 60 * 60_000)));

const started = Date.now();
const connections = db.connections();
// A few hundred in flight at a time: each is one round trip; ioredis pipelines them.
for (let i = 0; i < connections.length; i += 500) {
  await Promise.all(connections.slice(i, i + 500).map((c) => queue.schedule(c.provider as (typeof PROVIDERS)[number], c.key, { every })));
}
console.log(`scheduled ${connections.length} connections every ${every} ms in ${Date.now() - started} ms`);

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Verify, find the connection in your database, queue: answer 2xx fast (Powens redelivers otherwise). */
async function powensWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const webhook = await verifyWebhook(
    { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: new Uint8Array(await rawBody(req)) },
    { secret: env('POWENS_WEBHOOK_SECRET', 'sim-webhook-secret'), event: 'CONNECTION_SYNCED' },
  );
  const connectionId = String((webhook.payload as { connection: { id: number } }).connection.id);
  const key = db.keyOf('powens', connectionId);
  // Not one of ours (deleted since): acknowledge, or Powens retries for nothing.
  if (!key) return send(res, 202, { action: 'ignored' });
  send(res, 202, await queue.powensWebhook(webhook, key));
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/powens/connection-synced') return send(res, 404, { error: 'not found' });
  powensWebhook(req, res).catch((error: unknown) => {
    // A bad signature or body is a ValidationError: 401, never queued.
    if (isPolybankError(error) && error.kind === 'ValidationError') send(res, 401, { error: error.message });
    else send(res, 500, { error: 'internal error' });
  });
});
server.listen(Number(env('PORT', '0')), '127.0.0.1', () => {
  console.log(`webhooks on http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

process.once('SIGTERM', () => {
  server.close();
  void queue.close().then(() => {
    redis.disconnect();
    db.close();
  });
});
