/**
 * The web example's server: node:http, a page and a small JSON API over polybank's
 * request/response API, in front of the bundled simulators (sandbox.ts).
 *
 *   GET    /                  the page (public/: plain HTML and JS, no build step)
 *   GET    /api/providers     providers, their simulated cases and start fields
 *   GET    /api/link          where this browser's link stands
 *   POST   /api/link          { provider, case, fields? }  start a link
 *   POST   /api/link/answer   { answer }                   answer the challenge
 *   POST   /api/link/poll                                  wait a little for a decoupled approval
 *   POST   /api/link/resend                                a new code
 *   DELETE /api/link                                       cancel
 *   GET    /callback?…        where the bank sends the browser back (redirect challenges)
 *
 * A browser is known by an HttpOnly session cookie; the polybank authentication id, the
 * connection reference and every provider credential stay on this server (view.ts decides,
 * field by field, what the page sees).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStore, Polybank, type CheckpointStore } from 'polybank';
import { Links, type LinkSession, type Reply } from './links.js';
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';

export interface WebExampleOptions {
  /** Default 0: any free port. */
  port?: number;
  host?: string;
  sandbox?: SandboxOptions;
  /** Where authentications live between requests (a RedisStore when several instances serve the page). */
  store?: CheckpointStore;
  /** Shared by every instance in production; random per process by default. */
  checkpoints?: { signingKey: string; encryptionKey: string };
}

export interface WebExample {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly sandbox: Sandbox;
  readonly bank: Polybank;
  close(): Promise<void>;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/render.js': { file: 'render.js', type: 'text/javascript; charset=utf-8' },
  '/sanitize.js': { file: 'sanitize.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

// No inline script or style, images only from this page or data: URLs (the image challenges).
const CSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const MAX_BODY = 64 * 1024;
/** A browser session unused this long is forgotten (its link has expired at the provider by then). */
const SESSION_IDLE_MS = 30 * 60_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'expected application/json');
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new HttpError(413, 'body too large');
  }
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'invalid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(payload));
}

function clientIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

export async function startWebExample(options: WebExampleOptions = {}): Promise<WebExample> {
  const sessions = new Map<string, { link: LinkSession; seenAt: number }>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const url = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const callbackUrl = `${url}/callback`;

  const sandbox = await startSandbox(options.sandbox ?? {}, callbackUrl);
  const keys = options.checkpoints ?? { signingKey: randomBytes(32).toString('base64'), encryptionKey: randomBytes(32).toString('base64') };
  const bank = new Polybank({
    providers: sandbox.providers,
    store: options.store ?? new MemoryStore(),
    // Sealed values (the Fintecture refresh token) travel encrypted in the stored checkpoint.
    checkpoints: { signingKey: keys.signingKey, encryption: { keys: { k1: keys.encryptionKey }, currentKeyId: 'k1' } },
  });
  const links = new Links(bank, sandbox);
  const publicDir = new URL('./public/', import.meta.url);

  function session(req: IncomingMessage, res: ServerResponse): LinkSession {
    const now = Date.now();
    const sid = /(?:^|;\s*)sid=([0-9a-f]{32})(?:;|$)/.exec(req.headers.cookie ?? '')?.[1];
    const found = sid ? sessions.get(sid) : undefined;
    if (found && now - found.seenAt < SESSION_IDLE_MS) {
      found.seenAt = now;
      return found.link;
    }
    // In memory, for one instance: a real app keeps sessions where its other instances see them too.
    for (const [key, s] of sessions) if (now - s.seenAt >= SESSION_IDLE_MS) sessions.delete(key);
    const fresh = randomBytes(16).toString('hex');
    // Lax: the cookie comes back on the bank's top-level redirect to /callback.
    res.setHeader('set-cookie', `sid=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
    const created: LinkSession = { view: { state: 'idle' } };
    sessions.set(fresh, { link: created, seenAt: now });
    return created;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', url).pathname;
    const method = req.method ?? 'GET';
    // A cross-site page cannot drive a link: state-changing requests must come from this origin.
    if (method !== 'GET' && req.headers.origin !== undefined && req.headers.origin !== url) throw new HttpError(403, 'cross-origin request');

    const asset = method === 'GET' ? STATIC[path] : undefined;
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' });
      res.end(await readFile(new URL(asset.file, publicDir)));
      return;
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (method === 'GET' && path === '/api/providers') return sendJson(res, 200, sandbox.choices());
    if (method === 'GET' && path === '/callback') {
      await links.callback(session(req, res), new URL(req.url ?? '/', url).toString());
      // Back to the page, which shows where the link now stands.
      res.writeHead(303, { location: '/', 'cache-control': 'no-store' });
      res.end();
      return;
    }

    const current = session(req, res);
    let reply: Reply | undefined;
    if (path === '/api/link' && method === 'GET') reply = { status: 200, view: current.view };
    else if (path === '/api/link' && method === 'POST') reply = await links.start(current, await jsonBody(req), { clientIp: clientIp(req), callbackUrl });
    else if (path === '/api/link' && method === 'DELETE') reply = await links.cancel(current);
    else if (path === '/api/link/answer' && method === 'POST') reply = await links.answer(current, (await jsonBody(req)).answer);
    else if (path === '/api/link/poll' && method === 'POST') reply = await links.poll(current);
    else if (path === '/api/link/resend' && method === 'POST') reply = await links.resend(current);
    if (!reply) throw new HttpError(404, 'not found');
    sendJson(res, reply.status, reply.view);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) console.error(error);
      const status = error instanceof HttpError ? error.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: error instanceof HttpError ? error.message : 'internal error' });
      else res.end();
    });
  });

  return {
    url,
    sandbox,
    bank,
    async close() {
      for (const s of sessions.values()) s.link.polling?.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox.close();
    },
  };
}
