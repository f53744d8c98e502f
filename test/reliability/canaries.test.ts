/**
 * Secret canaries across every scenario of every provider: app secrets, API keys,
 * client secrets, encryption keys, passwords, OTPs, answers, and every token the
 * simulators issue (Fintecture access/refresh tokens and codes, Powens user tokens,
 * Flinks authorize tokens, PowerAuth SMS codes and AFS cookies). None may appear in a
 * thrown error (message, cause chain, stack, JSON, inspect), an event, a logger call, a
 * checkpoint, or util.inspect of connections and challenges — also when the provider
 * answers an error that quotes them back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedClock, type Connection, type Polybank } from '../../src/index.js';
import type { AnyProvider } from '../../src/core/provider.js';
import { drivers, startSimulatorServer, type DriverScenario, type FaultSpec, type PowensSimState, type SimulatorServer } from '../../src/testing/index.js';
import { canarySetup, echoFaults, leaked, type CanarySetup, type ProviderId } from './support/canaries.js';
import { BANK, positionsOf } from './support/faults.js';
import { runFlow, type AnySim, type FlowResult } from './support/flow.js';
import { Recorder } from './support/recorder.js';

const IDS: ProviderId[] = ['fintecture', 'powens', 'flinks', 'powerauth'];
const SIGNING_KEY = 'a-signing-key-for-canary-checkpoints';

interface Run {
  result: FlowResult;
  recorder: Recorder;
}

/** Strings of `value` (an answer) that are canaries: what the SDK has been told by now. */
function canaryLeaves(value: unknown, canaries: readonly string[], out: Set<string>): void {
  if (typeof value === 'string' && canaries.includes(value)) out.add(value);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) canaryLeaves(item, canaries, out);
}

async function run(setup: CanarySetup, sim: AnySim, scenario: DriverScenario, told: Set<string>, options: { dataCalls: boolean }): Promise<Run> {
  const recorder = new Recorder();
  const provider = setup.provider(sim);
  recorder.push('provider', provider);
  const result = await runFlow(setup.driver, sim, scenario, {
    provider,
    input: setup.input(scenario),
    rewrite: (answer, challenge) => {
      const out = setup.rewrite(answer, challenge);
      canaryLeaves(out, setup.all(sim), told);
      return out;
    },
    bank: { ...BANK, clock: simulatedClock(), logger: recorder.logger, checkpoints: { signingKey: SIGNING_KEY } },
    watch: (connection, bank) => recorder.watch(connection, bank),
    at: async (challenge, index, connection) => {
      recorder.push(`challenge.${index}`, challenge);
      await recorder.snapshot(`at-challenge.${index}`, connection);
      return 'answer' as const;
    },
  });
  const conn = result.connection as Connection | undefined;
  recorder.push('bank', result.bank);
  if (result.error) recorder.error('thrown', result.error);
  if (conn) await recorder.snapshot('end', conn, { checkpoint: result.ending === 'active' });
  if (result.ending === 'active' && options.dataCalls && conn) await dataCalls(setup, sim, result.bank, conn, recorder);
  return { result, recorder };
}

/** Holders, transactions, an expired token refreshed, and the link reopened from its reference. */
async function dataCalls(setup: CanarySetup, sim: AnySim, bank: Polybank<AnyProvider>, conn: Connection, recorder: Recorder): Promise<void> {
  const attempt = async (label: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      recorder.push(label, await call());
    } catch (error) {
      recorder.error(`${label}.error`, error);
    }
  };
  await attempt('holders', () => conn.holders());
  const [account] = await conn.accounts();
  if (account) {
    await attempt('transactions', async () => {
      const list = [];
      for await (const t of conn.transactions(account.id)) list.push(t);
      return list;
    });
  }
  if (setup.driver.id === 'fintecture') {
    (sim.state as { expireAccessTokens(): void }).expireAccessTokens();
    await attempt('accounts-after-expiry', () => conn.accounts());
  }
  const reopened = bank.connection(setup.driver.id, conn.ref as never) as Connection;
  recorder.watch(reopened, bank);
  await attempt('reopened.accounts', () => reopened.accounts());
  await recorder.snapshot('reopened', reopened);
  if (setup.driver.id === 'powens') {
    // A Powens user token the app keeps itself, given in the reference.
    const ref = conn.ref as { userId: number };
    const state = sim.state as PowensSimState;
    const userToken = [...state.tokens].find(([, user]) => user === ref.userId)?.[0];
    expect(userToken).toBeDefined();
    const withToken = bank.connection('powens', { ...ref, userToken } as never) as Connection;
    recorder.watch(withToken, bank);
    await attempt('with-token.accounts', () => withToken.accounts());
    await recorder.snapshot('with-token', withToken);
  }
}

function expectNoLeak(setup: CanarySetup, sim: AnySim, recorder: Recorder, what: string): void {
  expect(recorder.outputs.length).toBeGreaterThan(3);
  const canaries = setup.all(sim);
  const found = leaked(recorder.text, canaries);
  const where = found.map((f) => `${f} in: ${recorder.outputs.find((o) => leaked(o, [f]).length > 0)?.slice(0, 400)}`);
  expect(where, what).toEqual([]);
  expect(recorder.problems, what).toEqual([]);
}

describe.each(IDS)('%s: secret canaries never leave the SDK', (id) => {
  let setup: CanarySetup;
  let sim: AnySim;
  let server: SimulatorServer;

  beforeAll(async () => {
    setup = await canarySetup(id);
    sim = setup.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  const scenarios = (): readonly DriverScenario[] => drivers[id].scenarios;

  it.each(scenarios().map((s) => [s.name, s] as const))('%s: the flow, checkpoints at every step, data calls, a refresh and a reopen', async (_name, scenario) => {
    sim.reset();
    setup.prepare(sim);
    const told = new Set<string>();
    const { result, recorder } = await run(setup, sim, scenario, told, { dataCalls: true });
    expect(result.outcome, String((result.error as Error | undefined)?.message)).toBe(scenario.outcome);
    expectNoLeak(setup, sim, recorder, scenario.name);
    if (scenario.outcome === 'active') {
      // Not vacuous: the provider side did receive canaries (credentials, codes, tokens).
      const received = JSON.stringify(sim.requests);
      expect(leaked(received, setup.all(sim)).length + told.size).toBeGreaterThan(0);
    }
  });

  it.each(scenarios().map((s) => [s.name, s] as const))('%s: every request answered by an error quoting the secrets', async (_name, scenario) => {
    sim.reset();
    setup.prepare(sim);
    const told = new Set<string>();
    const clean = await run(setup, sim, scenario, told, { dataCalls: false });
    const positions = positionsOf(clean.result.events);
    expect(positions.length).toBeGreaterThan(0);
    let errors = 0;
    for (const position of positions) {
      for (const echo of echoFaults(id, () => `refused: ${[...setup.echoable, ...told, ...setup.issued(sim)].join(' | ')}`)) {
        sim.reset();
        setup.prepare(sim);
        told.clear();
        // The body is built when the fault fires: it quotes only what the SDK may know by then.
        const spec = { kind: 'status', status: echo.status, endpoint: position.endpoint, after: position.k, times: 3, ...(echo.headers ? { headers: echo.headers } : {}) } as FaultSpec & { body?: string };
        Object.defineProperty(spec, 'body', { get: echo.body, enumerable: true });
        sim.inject(spec);
        const { result, recorder } = await run(setup, sim, scenario, told, { dataCalls: false });
        if (result.ending === 'error') errors++;
        expect(result.typed, `${position.endpoint}#${position.k} ${echo.name}`).toBe(true);
        expectNoLeak(setup, sim, recorder, `${scenario.name} ${position.endpoint}#${position.k} ${echo.name}`);
      }
    }
    expect(errors).toBeGreaterThan(0);
  });
});
