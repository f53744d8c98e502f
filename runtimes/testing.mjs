/**
 * `polybank/testing` in a runtime, as a user's own test suite there would use it: the four
 * simulators on a loopback socket served from inside the runtime, one scenario per provider
 * linked through each driver's autopilot, then everything closed. Prints one line,
 * `POLYBANK_TESTING <json>`, and must then exit by itself: the runner kills it and fails the
 * runtime when it does not (msw's root entry once kept Deno alive forever this way).
 *
 * Node, Bun and Deno only: the loopback server is node:http (workerd has none).
 */
/* eslint-disable no-console -- the result goes to stdout for the runner */
import { Polybank } from 'polybank';
import * as testing from 'polybank/testing';

const SCENARIOS = { fintecture: 'agfbfr-decoupled', powens: 'additionalInformationNeeded', flinks: 'Greatday', powerauth: 'login_sca' };

async function link(driver, sim) {
  const scenario = driver.scenarios.find((s) => s.name === SCENARIOS[driver.id]);
  const bank = new Polybank({ providers: [driver.provider(sim)] });
  const conn = bank.connect(driver.id, scenario.input);
  const challenges = [];
  try {
    for await (const challenge of conn.authenticate()) {
      challenges.push(challenge.type);
      const answer = await driver.answer(challenge, sim, scenario);
      if (answer !== undefined) challenge.answer(answer);
    }
    return { provider: driver.id, scenario: scenario.name, outcome: conn.status.status, challenges, accounts: (await conn.accounts()).length };
  } catch (error) {
    return { provider: driver.id, scenario: scenario.name, outcome: error?.reason ?? 'crash', challenges, error: `${error?.name}: ${error?.message}` };
  }
}

const started = Date.now();
const drivers = Object.values(testing.drivers);
const sims = drivers.map((driver) => driver.simulator());
const server = await testing.startSimulatorServer(sims);
const results = [];
try {
  for (const [i, driver] of drivers.entries()) results.push(await link(driver, sims[i]));
} finally {
  await server.close();
}
console.log(`POLYBANK_TESTING ${JSON.stringify({ exports: Object.keys(testing).length, results, ms: Date.now() - started })}`);
// No process.exit / Deno.exit here on purpose: the process must end on its own.
