/**
 * #14 item 9: checkpoints stay small. Every scenario of every provider is driven by its
 * autopilot with a checkpoint taken at every challenge; the largest must stay under 64 KB
 * (images included once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Polybank, type Challenge, type Connection } from '../../src/index.js';
import { drivers, startSimulatorServer, type Simulator, type SimulatorServer } from '../../src/testing/index.js';

const BUDGET = 64 * 1024;
const largest: Array<[string, number]> = [];

describe.each(Object.values(drivers))('$id: the largest checkpoint of every scenario', (driver) => {
  let sim: Simulator<unknown>;
  let server: SimulatorServer;
  beforeAll(async () => {
    sim = driver.simulator();
    server = await startSimulatorServer(sim);
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(driver.scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const bank = new Polybank({ providers: [driver.provider(sim)] });
    const conn = bank.connect(driver.id as never, scenario.input as never) as Connection;
    let max = 0;
    let taken = 0;
    try {
      for await (const challenge of conn.authenticate()) {
        const size = JSON.stringify(await conn.checkpoint()).length;
        max = Math.max(max, size);
        taken++;
        const answer = await driver.answer(challenge as Challenge, sim, scenario);
        if (answer !== undefined) (challenge as { answer(a: unknown): void }).answer(answer);
      }
    } catch {
      // A scenario that ends in an error still had its checkpoints measured.
    }
    if (conn.status.status === 'active') max = Math.max(max, JSON.stringify(await conn.checkpoint()).length);
    largest.push([`${driver.id} ${scenario.name}`, max]);
    expect(max, `${taken} checkpoints`).toBeLessThan(BUDGET);
  });
});

describe('checkpoint sizes were measured', () => {
  it('most scenarios yielded checkpoints (those that end before any challenge have none)', () => {
    const measured = largest.filter(([, size]) => size > 0);
    expect(measured.length).toBeGreaterThan(20);
    const [where, size] = measured.sort((a, b) => b[1] - a[1])[0] as [string, number];
    console.warn(`largest checkpoint: ${where}, ${size} bytes (budget ${BUDGET})`);
    expect(size).toBeLessThan(BUDGET);
  });
});
