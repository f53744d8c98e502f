/**
 * A request/response backend on polybank: start a link, return the challenge as JSON,
 * take the answer in a later request (on any instance), return the accounts. Several
 * instances share one Redis; none keeps anything in memory between requests.
 *
 *   POST   /links              { provider, input }  → 201 { id, status, challenge? }
 *   POST   /links/:id/answer   { answer }           → 200 { id, status, challenge? }
 *   POST   /links/:id/poll                          → 200 (waits a little for a decoupled approval)
 *   GET    /links/:id/accounts                      → 200 { accounts } (from the stored reference)
 *   DELETE /links/:id                               → 204 (cancels at the provider)
 *
 * What goes to the client is only `AuthProgress` (safe for a browser). Once a link is
 * active, the connection reference (which may hold a refresh token) is stored server-side
 * (here in Redis, standing for your database) and never sent out.
 *
 * Configuration by environment: PORT, REDIS_URL, CHECKPOINT_SIGNING_KEY,
 * CHECKPOINT_ENCRYPTION_KEY (base64, 32 bytes), and each provider's base URL
 * (FINTECTURE_URL, POWENS_URL, FLINKS_URL, POWERAUTH_URL) — the simulators' in the test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { Polybank, isPolybankError, type AuthProgress } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { powens } from 'polybank/powens';
import { powerauth } from 'polybank/powerauth';
import { RedisStore } from 'polybank/redis';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const redis = new Redis(env('REDIS_URL', 'redis://127.0.0.1:6379'));
const bank = new Polybank({
  providers: [
    fintecture({ appId: env('FINTECTURE_APP_ID', 'sim-app-id'), appSecret: env('FINTECTURE_APP_SECRET', 'sim-app-secret'), baseUrl: env('FINTECTURE_URL'), pollIntervalMs: 200 }),
    powens({ baseUrl: env('POWENS_URL'), clientId: env('POWENS_CLIENT_ID', '98765432'), clientSecret: env('POWENS_CLIENT_SECRET', 'sim-client-secret'), redirectUri: env('POWENS_REDIRECT_URI', 'https://app.polybank.test/powens/callback'), polling: { intervalMs: 200 } }),
    flinks({ customerId: env('FLINKS_CUSTOMER_ID', '43387ca6-0391-4c82-857d-70d95f087ecb'), baseUrl: env('FLINKS_URL'), decoupledPollIntervalMs: 200, asyncPollIntervalMs: 200 }),
    powerauth({ baseUrl: env('POWERAUTH_URL'), organizationId: 'RETAIL' }),
  ],
  store: new RedisStore(redis, { prefix: env('REDIS_PREFIX', 'backend:') }),
  checkpoints: {
    // Every instance must share these: a checkpoint signed on A is verified on B.
    signingKey: env('CHECKPOINT_SIGNING_KEY'),
    encryption: { keys: { k1: env('CHECKPOINT_ENCRYPTION_KEY') } },
  },
});

/** Typed polybank errors → HTTP statuses a client can act on. */
function statusFor(error: { kind: string; code: string }): number {
  switch (error.kind) {
    case 'ValidationError':
    case 'InvalidAnswerError':
      return 422;
    case 'ChallengeStateError':
    case 'ConflictError':
      return 409;
    case 'ConnectionError':
      return error.code === 'auth_expired' ? 410 : 400;
    default:
      return 502;
  }
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, payload?: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(payload === undefined ? undefined : JSON.stringify(payload));
}

/** Your database: where a linked connection's reference lives, server-side only. */
async function saveLink(progress: AuthProgress): Promise<AuthProgress> {
  if (progress.status.status === 'active') {
    const conn = await bank.load(progress.id);
    await redis.set(`links:${progress.id}`, JSON.stringify({ provider: conn.provider, ref: conn.ref }));
  }
  return progress;
}

async function linked(id: string) {
  const stored = await redis.get(`links:${id}`);
  if (!stored) return undefined;
  const { provider, ref } = JSON.parse(stored) as { provider: 'flinks'; ref: { loginId: string } };
  return bank.connection(provider, ref);
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://backend');
  const [, links, id, action] = url.pathname.split('/');
  if (links !== 'links') return send(res, 404, { error: 'not found' });
  if (req.method === 'POST' && !id) {
    const { provider, input } = await body(req);
    return send(res, 201, await saveLink(await bank.begin(provider as never, input as never)));
  }
  if (!id) return send(res, 404, { error: 'not found' });
  if (req.method === 'POST' && action === 'answer') return send(res, 200, await saveLink(await bank.continue(id, (await body(req)).answer)));
  if (req.method === 'POST' && action === 'poll') return send(res, 200, await saveLink(await bank.continue(id, undefined, { pollBudgetMs: 5_000 })));
  if (req.method === 'GET' && action === 'accounts') {
    const conn = await linked(id);
    return conn ? send(res, 200, { accounts: await conn.accounts() }) : send(res, 404, { error: 'not linked' });
  }
  if (req.method === 'DELETE' && !action) return send(res, (await bank.abandon(id)) ? 204 : 404);
  return send(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  route(req, res).catch((error: unknown) => {
    // polybank errors carry no secret and say what to do; anything else stays internal.
    if (isPolybankError(error)) send(res, statusFor(error), { error: error.toJSON() });
    else send(res, 500, { error: { message: 'internal error' } });
  });
});

server.listen(Number(env('PORT', '8080')), '127.0.0.1', () => {
  console.log(`backend listening on http://127.0.0.1:${(server.address() as { port: number }).port}`);
});

const stop = (): void => {
  server.close();
  redis.disconnect();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
