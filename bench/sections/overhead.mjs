/**
 * 1. Per-call overhead: `conn.accounts()` on an active connection against the provider's
 * real-socket simulator, vs a raw `fetch` + `JSON.parse` of the very same request (URL,
 * method, headers, body, recorded from the SDK) to the same server, interleaved.
 * Also against a static loopback server that answers the same bytes at once: there the
 * simulator's own work is gone and the SDK's cost shows against the floor.
 */
import { createServer } from 'node:http';
import { PROVIDERS, activeConnection, rawCall, recordCall } from '../lib/active.mjs';
import { args, emit, interleaved } from '../lib/stats.mjs';

const opts = args();
const pairs = Number(opts.pairs ?? (opts.quick ? 300 : 2000));
const only = opts.providers ? String(opts.providers).split(',') : PROVIDERS;

/** A loopback server that answers every request with the same bytes (keep-alive, like the simulator's). */
async function staticServer(bytes) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.end(bytes);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

const rows = [];
for (const id of only) {
  const active = await activeConnection(id);
  const { conn, sim } = active;
  // What one accounts() call sends: it must be one request, the one the raw baseline repeats.
  const first = await recordCall(active, () => conn.accounts());
  const second = await recordCall(active, () => conn.accounts());
  if (second.requests.length !== 1) throw new Error(`${id}: accounts() sent ${second.requests.length} requests: ${second.reached.join(', ')}`);
  const recorded = second.requests[0];
  const raw = rawCall(recorded);
  const rawBody = await raw();
  const accounts = second.result.length;

  sim.resetCounts();
  const vsSim = await interleaved(() => conn.accounts(), raw, { pairs });
  const perCall = Object.values(sim.counts).reduce((n, c) => n + c, 0) / ((vsSim.pairs + Math.min(50, pairs)) * 2);

  // The floor: the same bytes from a server that does nothing else.
  const bytes = Buffer.from(JSON.stringify(rawBody));
  const floor = await staticServer(bytes);
  const path = new URL(recorded.url).pathname;
  const floorUrl = `${floor.origin}${path}${new URL(recorded.url).search}`;
  // Both sides go through the same rerouting fetch (one extra Request each): same path, the static origin.
  const origFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    return origFetch(request.url.includes(path) ? new Request(floorUrl, request) : request);
  };
  let vsFloor;
  try {
    vsFloor = await interleaved(() => conn.accounts(), rawCall({ ...recorded, url: floorUrl }), { pairs });
  } finally {
    globalThis.fetch = origFetch;
  }
  await floor.close();

  rows.push({
    provider: id,
    endpoint: first.reached.join(' + '),
    wire: second.reached.join(' + '),
    firstCall: first.reached,
    accounts,
    requestsPerCall: perCall,
    method: recorded.method,
    path,
    vsSim,
    vsFloor,
  });
  await active.server.close();
}

emit({ section: 'overhead', pairs, rows });
