import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
// Subpaths, not 'msw': its root also loads msw's WebSocket API, whose module-level
// BroadcastChannel keeps a Deno process alive forever (Node's is unref'd, Deno's cannot be).
import type { HttpHandler } from 'msw/http';
import { getResponse } from 'msw/utils/get-response';
import { isResetResponse } from './faults.js';
import type { Simulator } from './simulator.js';

/** A running simulator server (`startSimulatorServer`). */
export interface SimulatorServer {
  /** `http://127.0.0.1:<port>`: the origin every simulator on this server answers at. */
  readonly origin: string;
  /** Stops accepting, drops open sockets and resolves when the port is closed. */
  close(): Promise<void>;
}

/** Where `startSimulatorServer` listens. */
export interface StartOptions {
  /** The port; default 0 (any free port, read it from `origin`). */
  port?: number;
  /** The address to bind; default `127.0.0.1`. */
  host?: string;
}

async function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
  }
  const method = req.method ?? 'GET';
  const body = chunks.length && method !== 'GET' && method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? '/', origin), { method, headers, body, signal });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Serves simulators on a real loopback socket, over the same msw handlers tests use
 * in-process: for the demo, the examples and end-to-end tests. Each simulator's
 * `baseUrl` then points at this server.
 */
export async function startSimulatorServer(simulators: Simulator<unknown> | ReadonlyArray<Simulator<unknown>>, options: StartOptions = {}): Promise<SimulatorServer> {
  const list = Array.isArray(simulators) ? simulators : [simulators as Simulator<unknown>];
  const host = options.host ?? '127.0.0.1';
  let handlers: HttpHandler[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    void (async () => {
      try {
        const request = await toRequest(req, origin, controller.signal);
        const response = await getResponse(handlers, request);
        if (controller.signal.aborted) return;
        if (!response) {
          await send(res, Response.json({ error: 'not_found' }, { status: 404 }));
        } else if (isResetResponse(response)) {
          // What a crashed upstream or a dropped TCP connection looks like to the client.
          req.socket.destroy();
        } else {
          await send(res, response);
        }
      } catch (error) {
        if (!res.headersSent && !controller.signal.aborted) {
          await send(res, Response.json({ error: 'simulator_error', message: String((error as Error)?.message ?? error) }, { status: 500 }));
        } else {
          req.socket.destroy();
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${host}:${address.port}`;
  // Routes of every simulator first: one simulator's catch-all must not shadow another's routes.
  handlers = list.flatMap((sim) => sim.handlers(origin, { catchAll: false }));

  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
