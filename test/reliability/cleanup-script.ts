/**
 * Break and abort at every step of every scenario of every provider (support/cleanup.ts),
 * then return without process.exit(): the process must end by itself, which it cannot if
 * polybank left a timer, a listener or a socket behind. Prints one JSON line per provider
 * and a summary; cleanup.test.ts runs it in a child process.
 */
import { drivers, startSimulatorServer, type Driver, type SimulatorServer } from '../../src/testing/index.js';
import { cleanupCases, runCleanupCase, type CleanupCase } from './support/cleanup.js';
import type { AnySim } from './support/flow.js';

const POOL = 8;
let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled++;
  process.stderr.write(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}\n`);
});

async function provider(driver: Driver): Promise<{ id: string; cases: number; outcomes: Record<string, number>; problems: string[] }> {
  const sims: AnySim[] = [];
  const servers: SimulatorServer[] = [];
  for (let i = 0; i < POOL; i++) {
    const sim = driver.simulator();
    sims.push(sim);
    servers.push(await startSimulatorServer(sim));
  }
  const cases = await cleanupCases(driver, sims[0] as AnySim);
  const outcomes: Record<string, number> = {};
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    sims.map(async (sim) => {
      while (next < cases.length) {
        const c = cases[next++] as CleanupCase;
        const { result, problems: found } = await runCleanupCase(driver, sim, c);
        const key = `${c.action.kind}:${result.outcome}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        problems.push(...found);
      }
    }),
  );
  await Promise.all(servers.map((s) => s.close()));
  return { id: driver.id, cases: cases.length, outcomes, problems };
}

const reports = await Promise.all((Object.values(drivers) as Driver[]).map((d) => provider(d)));
for (const report of reports) process.stdout.write(`${JSON.stringify(report)}\n`);
// Let closed handles finish closing before looking.
for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'Immediate');
process.stdout.write(`${JSON.stringify({ done: Date.now(), unhandled, resources: left })}\n`);
