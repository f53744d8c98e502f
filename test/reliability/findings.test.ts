/**
 * What the reliability suite found, one focused test each (the broad suites find them
 * too): they fail until the patches in RELIABILITY.md ("Found and fixed") are applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderResponseError, simulatedClock } from '../../src/index.js';
import { drivers, startSimulatorServer, type PowensSimState, type SimulatorServer } from '../../src/testing/index.js';
import { canarySetup, echoFaults, leaked } from './support/canaries.js';
import { runCleanupCase } from './support/cleanup.js';
import { BANK } from './support/faults.js';
import { runFlow, type AnySim } from './support/flow.js';
import { Recorder } from './support/recorder.js';

describe('powens: an abort while the connection is being created', () => {
  let sim: AnySim;
  let server: SimulatorServer;
  beforeAll(async () => {
    sim = drivers.powens.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  // The create (or the webauth URL read right after it) is in flight when the app aborts:
  // Powens creates the connection anyway; the clean-up bound to the aborted signal never
  // went out, and the core's cancel did not know what had been created.
  for (const [scenario, endpoint] of [
    ['par', 'CreateConnection'],
    ['webauthRequired', 'GetWebauthUrl'],
  ] as const) {
    it(`${scenario}: aborted during ${endpoint}, the user and connection the flow created are deleted`, async () => {
      const c = { scenario: drivers.powens.scenarios.find((s) => s.name === scenario)!, action: { kind: 'abort-in-flight' as const, position: { endpoint, k: 0, method: 'POST' }, last: false } };
      const { result, problems } = await runCleanupCase(drivers.powens, sim, c);
      expect(result.outcome).toBe('AbortedError');
      expect(sim.count('CreateConnection')).toBe(1);
      expect(problems).toEqual([]);
      expect((sim.state as PowensSimState).connections.size).toBe(0);
      expect(sim.count('DeleteUser')).toBe(1);
    });
  }
});

describe('powerauth: AFS cookies are secrets from the first request on', () => {
  it('a Data Adapter error quoting the ThreatMark session cookie does not leak it', async () => {
    const setup = await canarySetup('powerauth');
    const sim = setup.simulator();
    const server = await startSimulatorServer(sim);
    try {
      const scenario = drivers.powerauth.scenarios[0]!;
      for (const endpoint of ['service/status', 'user/lookup', 'consent/validate']) {
        sim.reset();
        const [echo] = echoFaults('powerauth', () => `refused: ${setup.echoable.join(' | ')}`);
        sim.inject({ kind: 'status', status: echo!.status, body: echo!.body(), endpoint, times: 3 });
        const recorder = new Recorder();
        const result = await runFlow(setup.driver, sim, scenario, {
          provider: setup.provider(sim),
          input: setup.input(scenario),
          rewrite: setup.rewrite,
          bank: { ...BANK, clock: simulatedClock(), logger: recorder.logger },
          watch: (connection, bank) => recorder.watch(connection, bank),
        });
        expect(result.outcome, endpoint).toBe('provider_bug');
        recorder.error('thrown', result.error);
        expect(leaked(recorder.text, setup.all(sim)), endpoint).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});

describe('fintecture: absurd token lifetimes and consent days', () => {
  let sim: AnySim;
  let server: SimulatorServer;
  beforeAll(async () => {
    sim = drivers.fintecture.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  // Found by the fuzzer: the expiry dates computed from them are invalid (RangeError: Invalid time value).
  it('remaining_days 2^53 is a ProviderResponseError naming the field', async () => {
    sim.reset();
    // The first ListAccounts is the probe the adapter reads the consent's remaining days from.
    sim.inject({ endpoint: 'ListAccounts', kind: 'mutate', mutate: (body) => ({ ...(body as object), meta: { ...(body as { meta?: object }).meta, remaining_days: 2 ** 53 } }) });
    const result = await runFlow(drivers.fintecture, sim, drivers.fintecture.scenarios[0]!, { bank: { ...BANK, clock: simulatedClock() } });
    expect(isProviderResponseError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ endpoint: 'ListAccounts', field: 'meta.remaining_days' });
  });

  for (const expires of [1e308, '99999999999999999999999']) {
    it(`expires_in ${expires} is a ProviderResponseError naming the field, not a RangeError behind the safety net`, async () => {
      sim.reset();
      sim.inject({ endpoint: 'AccessToken', kind: 'mutate', mutate: (body) => ({ ...(body as object), expires_in: expires }) });
      const result = await runFlow(drivers.fintecture, sim, drivers.fintecture.scenarios[0]!, { bank: { ...BANK, clock: simulatedClock() } });
      expect(isProviderResponseError(result.error)).toBe(true);
      expect(result.error).toMatchObject({ endpoint: 'AccessToken', field: 'expires_in' });
    });
  }
});
