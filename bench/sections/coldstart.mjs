/**
 * 4. Cold start to first result (#16): a fresh Node process that imports polybank and one
 * provider, builds the bank and calls `accounts()` on a stored connection
 * (`bank.connection(id, ref)`), against a loopback server; vs the fastest peer,
 * nordigen-node (GoCardless Bank Account Data): `require`, then its first result of a
 * stored link (a token, then the requisition that lists the accounts), against the same
 * server. One fresh process per sample, the candidates shuffled in every round.
 *
 * The loopback server answers the very bytes each provider's simulator answered to that
 * stored-connection `accounts()` (recorded once, here, over a real socket), keyed by method
 * and path, at once: no simulator work in the figure, the same for every candidate.
 *
 * Floors measured in the same rounds: what a dependency costs on its own in a fresh process
 * — zod/mini's import (the package, as a user importing it would load it; polybank carries
 * the parts it uses inlined in dist), ky's import (what polybank no longer loads), and a bare `fetch` + `JSON.parse` of one
 * of those responses (undici is loaded on the first fetch). The import time of the other
 * peers (`require` only) is kept for the #9 rows: polybank's import vs the fastest peer's.
 *
 * Inside each child: the time from just before the first import to just after the result
 * (Node's own boot, the same for all, left out); the whole process's wall time from spawn
 * to exit is the cross-check.
 *
 *   --profile=DIR  after the rounds, runs every candidate once more under `node --cpu-prof`
 *                  into DIR (read them with bench/lib/cpuprofile.mjs)
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Polybank } from 'polybank';
import { PROVIDERS, activeConnection } from '../lib/active.mjs';
import { args, emit, median, quantile, shuffle } from '../lib/stats.mjs';

const opts = args();
const samples = Number(opts.samples ?? (opts.quick ? 8 : 30));
const benchDir = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------- the recorded bytes
/** Each provider's factory options against a base URL (the drivers' own, without polybank/testing in the child). */
const OPTIONS = {
  fintecture: () => ({ appId: 'sim-app-id', appSecret: 'sim-app-secret' }),
  powens: (sim) => ({ ...sim.client, redirectUri: 'https://app.polybank.test/powens/callback' }),
  flinks: () => ({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb' }),
  powerauth: () => ({ organizationId: 'RETAIL' }),
};

/** method + path → the response to answer. */
const routes = new Map();
const stored = {};
for (const id of PROVIDERS) {
  const active = await activeConnection(id);
  const options = OPTIONS[id](active.sim);
  const sent = [];
  const recordingFetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const response = await fetch(request);
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? 'application/json';
    const key = `${request.method} ${new URL(request.url).pathname}`;
    routes.set(key, { status: response.status, contentType, body });
    sent.push(key);
    return new Response(body, { status: response.status, headers: { 'content-type': contentType } });
  };
  const { [id]: make } = await import(`polybank/${id}`);
  const bank = new Polybank({ providers: [make({ ...options, baseUrl: active.sim.baseUrl })], fetch: recordingFetch });
  const accounts = await bank.connection(id, active.conn.ref).accounts();
  stored[id] = { ref: active.conn.ref, options, basePath: new URL(active.sim.baseUrl).pathname.replace(/\/$/, ''), accounts: accounts.length, requests: sent.map((k) => k.replace(/[0-9a-f]{16,}|[0-9a-f-]{36}|\d{3,}/g, '…')) };
  await active.server.close();
}

// GoCardless Bank Account Data, as documented: a token pair, then a linked requisition.
const json = (value) => ({ status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) });
const REQUISITION = '8126e9fb-93c9-4228-937c-68f0383c2df7';
routes.set('POST /api/v2/token/new/', json({ access: `eyJ${'a'.repeat(180)}`, access_expires: 86400, refresh: `eyJ${'r'.repeat(180)}`, refresh_expires: 2592000 }));
routes.set(
  `GET /api/v2/requisitions/${REQUISITION}/`,
  json({
    id: REQUISITION,
    created: '2026-11-20T10:12:03.000Z',
    redirect: 'https://app.example.test/callback',
    status: 'LN',
    institution_id: 'REVOLUT_REVOGB21',
    agreement: '2dea1b84-97b0-4cb4-8805-302c227587c8',
    reference: 'user-42',
    accounts: ['065da497-e6af-4950-88ed-2edbc0577d20', 'bc6d7bbb-a7d8-487e-876e-a887dcfeea3d'],
    user_language: 'EN',
    link: `https://ob.gocardless.com/psd2/start/${REQUISITION}/REVOLUT_REVOGB21`,
    ssn: null,
    account_selection: false,
    redirect_immediate: false,
  }),
);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const route = routes.get(`${req.method} ${new URL(req.url, 'http://x').pathname}`);
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not recorded"}');
      return;
    }
    res.writeHead(route.status, { 'content-type': route.contentType, 'content-length': String(route.body.length) });
    res.end(route.body);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------- the candidates
const esm = (code) => ['--input-type=module', '-e', code];
const cjs = (code) => ['--input-type=commonjs', '-e', code];
/** t0 before the first import; `mark` after the imports; the result's size printed so the parent can check it. */
const probe = (body) => `const t0 = performance.now(); let importMs; const mark = () => (importMs = performance.now() - t0); ${body}; const ms = performance.now() - t0; console.log(JSON.stringify({ ms, importMs: importMs ?? ms, n }));`;

function polybankFirstResult(id, loader) {
  const { ref, options, basePath } = stored[id];
  const config = JSON.stringify({ ...options, baseUrl: `${origin}${basePath}` });
  const load = loader === 'esm'
    ? `const { Polybank } = await import('polybank'); const { ${id}: make } = await import('polybank/${id}');`
    : `const { Polybank } = require('polybank'); const { ${id}: make } = require('polybank/${id}');`;
  const call = `const bank = new Polybank({ providers: [make(${config})] }); const n = (await bank.connection('${id}', ${JSON.stringify(ref)}).accounts()).length;`;
  return loader === 'esm' ? esm(probe(`${load} mark(); ${call}`)) : cjs(`(async () => { ${probe(`${load} mark(); ${call}`)} })()`);
}

const nordigen = cjs(
  `(async () => { ${probe(`const NordigenClient = require('nordigen-node'); mark(); const client = new NordigenClient({ secretId: 'id', secretKey: 'key', baseUrl: '${origin}/api/v2' }); await client.generateToken(); const n = (await client.requisition.getRequisitionById('${REQUISITION}')).accounts.length;`)} })()`,
);
const firstAccountsPath = [...routes.keys()].find((k) => k.startsWith('GET /ais/'))?.slice(4);

export const CANDIDATES = {
  ...Object.fromEntries(PROVIDERS.map((id) => [`polybank + ${id} (ESM)`, { args: polybankFirstResult(id, 'esm'), kind: 'polybank', expect: stored[id].accounts }])),
  'polybank + fintecture (CJS)': { args: polybankFirstResult('fintecture', 'cjs'), kind: 'polybank', expect: stored.fintecture.accounts },
  'nordigen-node (require + token + requisition)': { args: nordigen, kind: 'peer', expect: 2 },
  'fintecture-client (require only)': { args: cjs(probe("require('fintecture-client'); const n = 0")), kind: 'peer-import', expect: 0 },
  'plaid (require only)': { args: cjs(probe("require('plaid'); const n = 0")), kind: 'peer-import', expect: 0 },
  'floor: zod/mini import': { args: esm(probe("await import('zod/mini'); const n = 0")), kind: 'floor', expect: 0 },
  'floor: ky import': { args: esm(probe("await import('ky'); const n = 0")), kind: 'floor', expect: 0 },
  'floor: bare fetch + JSON.parse': { args: esm(probe(`const n = Object.keys(JSON.parse(await (await fetch('${origin}${firstAccountsPath}')).text())).length > 0 ? 1 : 0`)), kind: 'floor', expect: 1 },
};
const PEER = 'nordigen-node (require + token + requisition)';

function run(args, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: benchDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`exit ${code}: ${err.slice(0, 800)}`));
      resolve({ ...JSON.parse(out.trim().split('\n').pop()), wall });
    });
  });
}

const times = Object.fromEntries(Object.keys(CANDIDATES).map((k) => [k, { inner: [], imports: [], wall: [] }]));
for (let round = 0; round < samples + 1; round++) {
  for (const name of shuffle(Object.keys(CANDIDATES))) {
    const result = await run(CANDIDATES[name].args).catch((error) => {
      throw new Error(`${name}: ${error.message}`);
    });
    if (result.n !== CANDIDATES[name].expect) throw new Error(`${name}: got ${result.n} results, expected ${CANDIDATES[name].expect}`);
    // Round 0 warms the file system cache for everyone and is not counted.
    if (round === 0) continue;
    times[name].inner.push(result.ms);
    times[name].imports.push(result.importMs);
    times[name].wall.push(result.wall);
  }
}
if (opts.profile) {
  for (const [name, candidate] of Object.entries(CANDIDATES)) {
    const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    await run(candidate.args, ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`, `--cpu-prof-name=${slug}.cpuprofile`, '--cpu-prof-interval=100']);
  }
}
server.close();

const peer = median(times[PEER].inner);
const peerWall = median(times[PEER].wall);
// The #9 figure: import time alone, against the fastest peer's import.
const peerImports = Object.entries(CANDIDATES).filter(([, c]) => c.kind.startsWith('peer')).map(([name]) => [name, median(times[name].imports)]).sort((a, b) => a[1] - b[1]);
const [fastestImportPeer, fastestImport] = peerImports[0];
const rows = Object.entries(times).map(([name, t]) => ({
  name,
  kind: CANDIDATES[name].kind,
  /** First result (or the floor's own work) relative to nordigen-node's first result (medians). */
  ratio: median(t.inner) / peer,
  p25: quantile(t.inner, 0.25) / peer,
  p75: quantile(t.inner, 0.75) / peer,
  /** Whole-process wall time relative to the peer's. */
  wallRatio: median(t.wall) / peerWall,
  /** The share of the first result spent importing. */
  importShare: median(t.imports) / median(t.inner),
  /** Import alone relative to the fastest peer's import (#9). */
  importRatio: median(t.imports) / fastestImport,
  importP25: quantile(t.imports, 0.25) / fastestImport,
  importP75: quantile(t.imports, 0.75) / fastestImport,
}));

emit({ section: 'coldstart', samples, peer: PEER, fastestImportPeer, requests: Object.fromEntries(PROVIDERS.map((id) => [id, stored[id]])), routes: routes.size, rows });
