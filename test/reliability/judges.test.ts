/**
 * The suite's own checks can fail: a transport that re-sends secret-bearing requests is
 * caught by the at-most-once count, and the leak search finds a canary in every form the
 * SDK redacts (raw, URL-encoded, base64; short ones as whole tokens only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedClock, type FetchLike, type RequestEvent } from '../../src/index.js';
import { drivers, startSimulatorServer, type SimulatorServer } from '../../src/testing/index.js';
import { resent, secretEndpoints } from './support/at-most-once.js';
import { leaked } from './support/canaries.js';
import { BANK, judge } from './support/faults.js';
import { runFlow, type AnySim } from './support/flow.js';

describe('the at-most-once count', () => {
  let sim: AnySim;
  let server: SimulatorServer;
  beforeAll(async () => {
    sim = drivers.flinks.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  it('sees every secret-bearing request a transport sends twice behind the SDK', async () => {
    // What a proxy or an HTTP client retrying on its own would do: the SDK reports one attempt.
    const twice: FetchLike = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (request.method === 'POST' && request.url.endsWith('/Authorize')) await globalThis.fetch(request.clone());
      return globalThis.fetch(request);
    };
    const scenario = drivers.flinks.scenarios.find((s) => s.name === 'greatday_nomfa')!;
    sim.reset();
    const result = await runFlow(drivers.flinks, sim, scenario, { bank: { ...BANK, clock: simulatedClock(), fetch: twice } });
    const counts = resent(sim, result.events, secretEndpoints(drivers.flinks, scenario));
    expect(counts.retried).toBe(0);
    expect(counts.extra).toEqual({ Authorize: 1 });
    const problems = judge(drivers.flinks, sim, { scenario, position: { endpoint: 'Authorize', k: 0, method: 'POST' }, variant: { name: 'none', fault: { kind: 'latency', ms: 0 }, kind: 'benign' } }, result);
    expect(problems.join('\n')).toMatch(/secret-bearing request sent twice/);
  });

  it('and an SDK retry (attempt > 1) on a secret endpoint', () => {
    const events = [1, 2].map((attempt) => ({ endpoint: 'Authorize', attempt }) as RequestEvent);
    const fake = { count: (endpoint: string) => (endpoint === 'Authorize' ? 2 : 0) } as unknown as AnySim;
    expect(resent(fake, events, ['Authorize'])).toMatchObject({ received: 2, sent: 1, retried: 1, duplicates: 2 });
  });
});

describe('the leak search', () => {
  const canary = 'pw-CANARY-x1y2z3';
  it('finds a canary raw, URL-encoded and base64-encoded', () => {
    expect(leaked(`password=${canary}`, [canary])).toEqual([canary]);
    expect(leaked(`q=${encodeURIComponent('a b&' + canary)}`, ['a b&' + canary])).toEqual(['a b&' + canary]);
    expect(leaked(`Basic ${Buffer.from(canary).toString('base64')}`, [canary])).toEqual([canary]);
    expect(leaked('[REDACTED]', [canary])).toEqual([]);
  });

  it('finds short codes as whole tokens only (as the SDK redacts them)', () => {
    expect(leaked('code 739152 sent', ['739152'])).toEqual(['739152']);
    expect(leaked('id 17391520 and x739152y', ['739152'])).toEqual([]);
  });
});
