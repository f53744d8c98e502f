/**
 * 1. Per-call overhead: `conn.accounts()` on an active connection against the provider's
 * real-socket simulator, vs a raw `fetch` + `JSON.parse` of the very same request (URL,
 * method, headers, body, recorded from the SDK) to the same server, interleaved.
 * Also against a static loopback server that answers the same bytes at once: there the
 * simulator's own work is gone and the SDK's cost shows against the floor.
 *
 * Why ky was replaced (#16): ky alone — one instance created once and called per request with
 * the options polybank's HTTP layer passed it (timeout, the retry policy, manual redirects,
 * statuses handed back), then the body read and `JSON.parse` — vs the same raw `fetch` +
 * `JSON.parse`, on both servers. It is above the 1.10× target by itself, so the core now has
 * its own fetch loop (src/core/transport.ts); ky 2.1.0 comes from bench/package.json.
 */
import { createServer } from 'node:http';
import ky from 'ky';
import { PROVIDERS, activeConnection, recordCall } from '../lib/active.mjs';
import { args, emit, interleaved } from '../lib/stats.mjs';

const opts = args();
const pairs = Number(opts.pairs ?? (opts.quick ? 300 : 2000));
const only = opts.providers ? String(opts.providers).split(',') : PROVIDERS;

const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
const api = ky.create({ throwHttpErrors: false, redirect: 'manual', retry: 0 });
/** ky as src/core/http.ts called it (its per-request options; a GET, so retryable), without polybank around it. */
function kyCall(recorded) {
  const repeatable = recorded.method !== 'POST';
  const options = {
    method: recorded.method,
    headers: Object.fromEntries(recorded.headers),
    ...(recorded.body !== undefined ? { body: recorded.body } : {}),
    timeout: 30_000,
    throwHttpErrors: (status) => repeatable && RETRY_STATUSES.includes(status),
    retry: { limit: repeatable ? 2 : 0, methods: repeatable ? [recorded.method.toLowerCase()] : [], statusCodes: RETRY_STATUSES, afterStatusCodes: [413, 429, 503], maxRetryAfter: 60_000, backoffLimit: 10_000, jitter: true, retryOnTimeout: true, shouldRetry: async () => undefined },
  };
  return async () => JSON.parse(await (await api(recorded.url, options)).text());
}

/** A loopback server that answers each path with its bytes (keep-alive, like the simulator's). */
async function staticServer(bytesByPath) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const bytes = bytesByPath.get(new URL(req.url, 'http://x').pathname) ?? Buffer.from('{}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.end(bytes);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

/**
 * The raw baseline of a call that sent several requests (a stored Flinks connection:
 * Authorize, then GetAccountsDetail): each one fetched and parsed in turn. A data request
 * names the RequestId its Authorize answered: the replay carries the fresh one forward, as
 * any client would (found once here, so the timed loop only replaces a string).
 */
function rawSequence(requests, { origin, capture } = {}) {
  const steps = requests.map((r) => {
    const url = origin ? `${origin}${new URL(r.url).pathname}${new URL(r.url).search}` : r.url;
    let named;
    try {
      named = r.body === undefined ? undefined : JSON.parse(r.body).RequestId;
    } catch {
      named = undefined;
    }
    return { url, method: r.method, headers: r.headers, body: r.body, named: typeof named === 'string' ? named : undefined };
  });
  return async () => {
    let last;
    for (const step of steps) {
      const body = step.named && typeof last?.RequestId === 'string' ? step.body.replace(step.named, last.RequestId) : step.body;
      const res = await fetch(step.url, { method: step.method, headers: step.headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      capture?.set(new URL(step.url).pathname, Buffer.from(text));
      last = JSON.parse(text);
    }
    return last;
  };
}

const rows = [];
for (const id of only) {
  const active = await activeConnection(id);
  const { conn, sim, bank } = active;
  // What one accounts() call sends: the very requests the raw baseline repeats. A warm accounts()
  // on the active connection is one request; where the provider serves a repeat from memory
  // (Flinks keeps a session's answer for its idle minutes), each call reads a stored connection
  // instead — `bank.connection(id, ref).accounts()`, what a stateless backend does per request.
  const first = await recordCall(active, () => conn.accounts());
  let mode = 'active connection';
  let call = () => conn.accounts();
  let second = await recordCall(active, call);
  if (second.requests.length === 0) {
    mode = 'stored connection (an active one answers a repeat from memory)';
    call = () => bank.connection(id, conn.ref).accounts();
    second = await recordCall(active, call);
  }
  if (second.requests.length === 0) throw new Error(`${id}: accounts() sent no request`);
  const requests = second.requests;
  const recorded = requests[requests.length - 1];
  const captured = new Map();
  const raw = rawSequence(requests);
  const rawBody = await rawSequence(requests, { capture: captured })();
  const accounts = second.result.length;
  // The raw replay must read the same data the SDK read (a stale RequestId would read an error instead).
  const wireItems = JSON.stringify(rawBody).match(/"(?:Id|id|accountId)":/g)?.length ?? 0;
  if (wireItems < accounts) throw new Error(`${id}: the raw replay read ${wireItems} ids for ${accounts} accounts: ${JSON.stringify(rawBody).slice(0, 300)}`);
  const kyBody = requests.length === 1 ? await kyCall(recorded)() : undefined;
  if (requests.length === 1 && JSON.stringify(kyBody) !== JSON.stringify(rawBody)) throw new Error(`${id}: ky and fetch read different bodies`);

  sim.resetCounts();
  const vsSim = await interleaved(call, raw, { pairs });
  const perCall = Object.values(sim.counts).reduce((n, c) => n + c, 0) / ((vsSim.pairs + Math.min(50, pairs)) * 2);
  // ky alone on the simulator where the call is one request (a stored Flinks read needs a fresh RequestId: the static server's row stands for it).
  const kyVsSim = requests.length === 1 ? await interleaved(kyCall(recorded), raw, { pairs }) : undefined;

  // The floor: the same bytes from a server that does nothing else.
  const floor = await staticServer(captured);
  const paths = requests.map((r) => new URL(r.url).pathname);
  // Both sides go through the same rerouting fetch (one extra Request each): same path, the static origin.
  const origFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    return origFetch(paths.includes(url.pathname) ? new Request(`${floor.origin}${url.pathname}${url.search}`, request) : request);
  };
  let vsFloor;
  try {
    vsFloor = await interleaved(call, raw, { pairs });
  } finally {
    globalThis.fetch = origFetch;
  }
  // ky and raw fetch both straight to the static server (no re-routing: neither needs it).
  const floorUrl = `${floor.origin}${new URL(recorded.url).pathname}${new URL(recorded.url).search}`;
  const kyVsFloor = await interleaved(kyCall({ ...recorded, url: floorUrl }), rawSequence([recorded], { origin: floor.origin }), { pairs });
  await floor.close();

  rows.push({
    provider: id,
    mode,
    endpoint: first.reached.join(' + '),
    wire: second.reached.join(' + '),
    firstCall: first.reached,
    accounts,
    requests: requests.length,
    requestsPerCall: perCall,
    method: recorded.method,
    path: new URL(recorded.url).pathname,
    vsSim,
    vsFloor,
    kyVsSim,
    kyVsFloor,
  });
  await active.server.close();
}

// Built-in providers skip the model's second validation pass in production; only tests turn it on for everyone.
const validateModel = Reflect.get(globalThis, Symbol.for('polybank.validateModel')) === true;
if (validateModel) throw new Error('the test-only switch polybank.validateModel is on: the figures would not be production');

emit({ section: 'overhead', pairs, validateModel, rows });
