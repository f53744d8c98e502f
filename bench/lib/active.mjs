/**
 * Gets a provider to an active connection against its real-socket simulator with the
 * drivers of polybank/testing (the same autopilot the end-to-end tests use), through a
 * fetch that can record the requests the SDK sends and replay a stored body instead of
 * going to the network.
 */
import { Polybank } from 'polybank';
import { drivers, startSimulatorServer } from 'polybank/testing';

/** The scenario each benchmark uses per provider: the plainest one that ends active. */
export const SCENARIOS = {
  fintecture: 'agfbfr-decoupled',
  powens: 'par',
  flinks: 'Greatday',
  powerauth: 'login',
};

export const PROVIDERS = Object.keys(SCENARIOS);

/**
 * A fetch for `new Polybank({ fetch })`. Off, it only forwards to globalThis.fetch (the
 * SDK's own default is the same one-line wrapper). `record` keeps a copy of each request;
 * `replay` maps a URL path to bytes answered from memory (no socket).
 */
export function benchFetch() {
  const control = { recording: false, recorded: [], replay: new Map() };
  const fetchImpl = async (input, init) => {
    if (control.recording) {
      const request = input instanceof Request ? input : new Request(input, init);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().text();
      control.recorded.push({ url: request.url, method: request.method, headers: [...request.headers], body });
      input = request;
      init = undefined;
    }
    if (control.replay.size > 0) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const bytes = control.replay.get(url.pathname);
      if (bytes) return new Response(bytes, { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return globalThis.fetch(input, init);
  };
  return { fetch: fetchImpl, control };
}

/** Runs the provider's bench scenario to an active connection; returns everything a benchmark needs. `options.bankOptions` go to `new Polybank`. */
export async function activeConnection(id, options = {}) {
  const driver = drivers[id];
  const scenario = driver.scenarios.find((s) => s.name === (options.scenario ?? SCENARIOS[id]));
  if (!scenario) throw new Error(`no scenario ${SCENARIOS[id]} for ${id}`);
  const sim = driver.simulator();
  const server = await startSimulatorServer(sim);
  const { fetch, control } = benchFetch();
  const bank = new Polybank({ providers: [driver.provider(sim)], fetch, ...options.bankOptions });
  const conn = bank.connect(id, scenario.input);
  for await (const challenge of conn.authenticate()) {
    const answer = await driver.answer(challenge, sim, scenario);
    if (answer !== undefined) challenge.answer(answer);
  }
  if (conn.status.status !== 'active') throw new Error(`${id}: ${scenario.name} ended ${conn.status.status}`);
  return { id, driver, scenario, sim, server, bank, conn, control };
}

/**
 * Records what one call sends: the requests (to replay them raw) and how many reached the
 * simulator (to prove a call is one request on the wire).
 */
export async function recordCall(active, call) {
  const { control, sim } = active;
  control.recorded = [];
  control.recording = true;
  const before = { ...sim.counts };
  let result;
  try {
    result = await call();
  } finally {
    control.recording = false;
  }
  const reached = Object.entries(sim.counts).flatMap(([endpoint, n]) => Array(n - (before[endpoint] ?? 0)).fill(endpoint));
  return { result, requests: control.recorded, reached };
}

/** A plain `fetch` of a recorded request: the raw baseline sends the very same bytes. */
export function rawCall(recorded) {
  const init = { method: recorded.method, headers: recorded.headers, ...(recorded.body !== undefined ? { body: recorded.body } : {}) };
  return async () => {
    const res = await fetch(recorded.url, init);
    return JSON.parse(await res.text());
  };
}
