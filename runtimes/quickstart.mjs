/**
 * The README quickstart, for every provider, as a user would write it in any runtime:
 * `polybank` and the provider entries only (fetch, WebCrypto, timers), no Node API.
 * Node, Bun and Deno run it through `cli.mjs`; workerd runs it bundled in `worker.mjs`.
 *
 * What the runtime cannot know by itself comes from the runner's loopback "oracle"
 * (served beside the simulators by `run.mjs`):
 *   GET  {oracle}/plan    provider settings (base URLs, client credentials) and the scenarios
 *   POST {oracle}/answer  the simulated person's answer to a challenge (the driver's autopilot,
 *                         which reads simulator state such as the SMS PowerAuth just sent)
 */
import { Polybank, isConnectionError, isPolybankError, simulatedClock } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { powens } from 'polybank/powens';
import { powerauth } from 'polybank/powerauth';

/** Web platform features the SDK or a user's code may reach for, and Node-only ones that must not be needed. */
const PROBES = {
  fetch: () => typeof fetch,
  'crypto.subtle': () => typeof crypto?.subtle?.sign,
  'crypto.getRandomValues': () => typeof crypto?.getRandomValues,
  'crypto.randomUUID': () => typeof crypto?.randomUUID,
  setTimeout: () => typeof setTimeout,
  'performance.now': () => typeof performance?.now,
  TextEncoder: () => typeof TextEncoder,
  structuredClone: () => typeof structuredClone,
  btoa: () => typeof btoa,
  'AbortSignal.timeout': () => typeof AbortSignal?.timeout,
  'AbortSignal.any': () => typeof AbortSignal?.any,
  setImmediate: () => typeof globalThis.setImmediate,
  process: () => typeof globalThis.process,
  Buffer: () => typeof globalThis.Buffer,
};

function probe() {
  const out = {};
  for (const [name, test] of Object.entries(PROBES)) {
    try {
      const type = test();
      out[name] = type === 'function' || type === 'object';
    } catch {
      out[name] = false;
    }
  }
  return out;
}

async function call(fetchImpl, url, body) {
  const response = await fetchImpl(url, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`oracle ${new URL(url).pathname}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** `simulatedClock()` is a public export users run their tests with: it must work here too. */
async function clockCheck() {
  try {
    const clock = simulatedClock(0);
    await clock.sleep(1_000);
    return clock.now() === 1_000 ? 'ok' : `now() is ${clock.now()} after sleeping 1000 ms`;
  } catch (error) {
    return `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
  }
}

/**
 * Secrets never appear when the SDK's objects are logged: JSON.stringify everywhere, and the
 * runtime's own inspect (util.inspect, Bun.inspect, Deno.inspect) where it has one.
 */
function leaks(objects, secrets, inspect) {
  const found = [];
  for (const [name, value] of Object.entries(objects)) {
    const views = [];
    try {
      views.push(['JSON.stringify', JSON.stringify(value) ?? '']);
    } catch {
      // circular (an event emitter): inspect covers it
    }
    if (inspect) views.push(['inspect', inspect(value, { depth: 8 })]);
    for (const [how, text] of views) {
      for (const secret of secrets) if (text.includes(secret)) found.push(`${how}(${name}) shows ${secret.slice(0, 3)}…`);
    }
  }
  return found;
}

/** What the user typed that is secret: secret credential fields, codes, passwords, answers to questions. */
function secretsOf(challenge, answer) {
  if (!answer || typeof answer !== 'object') return [];
  switch (challenge.type) {
    case 'credentials':
      return challenge.fields.filter((f) => f.secret).map((f) => answer[f.name]);
    case 'otp':
      return [answer.code, answer.password];
    case 'questions':
      return Object.values(answer).map((a) => (typeof a === 'object' && a ? a.answer : a));
    default:
      return [];
  }
}

/** Runs one scenario as the README does: connect, answer each challenge, list the accounts. */
async function link(bank, oracle, scenario, fetchImpl, check, secrets) {
  const started = Date.now();
  const conn = bank.connect(scenario.provider, scenario.input);
  const challenges = [];
  try {
    for await (const challenge of conn.authenticate()) {
      challenges.push(challenge.type);
      // The challenge is plain data plus answer()/resend(): JSON carries the data.
      const { answer } = await call(fetchImpl, `${oracle}/answer`, { provider: scenario.provider, scenario: scenario.name, challenge });
      if (answer !== undefined) challenge.answer(answer);
      // Short values ("abcd") could show up inside an id by chance: only check the longer ones.
      for (const value of secretsOf(challenge, answer)) if (typeof value === 'string' && value.length >= 6) secrets.add(value);
    }
    const accounts = await conn.accounts();
    check({ [`${scenario.provider} connection`]: conn });
    return { provider: scenario.provider, scenario: scenario.name, outcome: conn.status.status, challenges, accounts, ms: Date.now() - started };
  } catch (error) {
    if (isConnectionError(error)) {
      check({ [`${scenario.provider} connection`]: conn, [`${scenario.provider} error`]: error });
      return { provider: scenario.provider, scenario: scenario.name, outcome: error.reason, challenges, error: { name: error.name, code: error.code, retryable: error.retryable }, ms: Date.now() - started };
    }
    // Anything else is a failure of the SDK in this runtime: report it whole.
    return {
      provider: scenario.provider,
      scenario: scenario.name,
      outcome: 'crash',
      challenges,
      error: { name: error?.name, message: String(error?.message ?? error), polybank: isPolybankError(error), stack: String(error?.stack ?? '').split('\n').slice(0, 8).join('\n') },
      ms: Date.now() - started,
    };
  }
}

/**
 * The whole quickstart against the oracle at `oracle` (e.g. `http://127.0.0.1:4010/oracle`).
 * `inspect` is the runtime's object formatter, when it has one. Returns JSON: the runtime's
 * user agent, the platform probe, the simulated clock check, secrets seen in logged objects,
 * and one result per scenario.
 */
export async function quickstart(oracle, { fetch: fetchImpl = (input, init) => fetch(input, init), inspect } = {}) {
  const plan = await call(fetchImpl, `${oracle}/plan`);
  const { env } = plan;
  const providers = [fintecture(env.fintecture), powens(env.powens), flinks(env.flinks), powerauth(env.powerauth)];
  const bank = new Polybank({ providers });
  let requests = 0;
  bank.on('request', () => requests++);

  // Configured secrets and passwords in inputs; the answers' secrets join as the user gives them.
  const secrets = new Set([env.fintecture.appSecret, env.powens.clientSecret, ...plan.scenarios.map((s) => s.input.password)].filter((v) => typeof v === 'string' && v.length >= 6));
  const seen = new Set();
  const check = (objects) => leaks(objects, [...secrets], inspect).forEach((leak) => seen.add(leak));
  check(Object.fromEntries(providers.map((p) => [`${p.id} provider`, p])));

  const results = [];
  for (const scenario of plan.scenarios) results.push(await link(bank, oracle, scenario, fetchImpl, check, secrets));
  check({ bank, providers });
  return {
    userAgent: typeof navigator === 'object' && navigator ? navigator.userAgent : 'unknown',
    platform: probe(),
    clock: await clockCheck(),
    inspected: inspect ? 'inspect and JSON.stringify' : 'JSON.stringify',
    secretsChecked: secrets.size,
    leaks: [...seen],
    requests,
    results,
  };
}
