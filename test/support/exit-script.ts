/**
 * Runs flows that end every way (active, break mid-poll, abort, deadline, error),
 * then returns without process.exit(): the process must end by itself, which it
 * cannot if polybank left a timer, a listener or a socket behind.
 */
import { startToy } from './toy.js';
import { TOY_PASSWORD } from './toy-simulator.js';

const toy = await startToy();
const bank = toy.bank({ toy: { decoupledWindowMs: 400 } });
toy.sim.state.pollsUntilDecision = 1_000_000;

// Breaks out while the loop is polling (the consumer's for-await is between yields).
const broken = bank.connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
for await (const c of broken.authenticate()) {
  void c;
  break;
}

// Aborts during polling.
const controller = new AbortController();
setTimeout(() => controller.abort(), 120);
try {
  for await (const c of bank.connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD }).authenticate({ signal: controller.signal })) void c;
} catch (error) {
  console.log('aborted:', (error as Error).name);
}

// Runs into the deadline.
try {
  for await (const c of bank.connect('toybank', { username: 'decoupled-expire', password: TOY_PASSWORD }).authenticate()) void c;
} catch (error) {
  console.log('expired:', (error as { reason?: string }).reason);
}

// Completes.
toy.sim.state.pollsUntilDecision = 1;
const ok = bank.connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
for await (const c of ok.authenticate()) void c;
console.log('active:', ok.status.status, (await ok.accounts()).length);

await toy.server.close();
// Let closed handles finish closing before looking.
for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'Immediate');
console.log('resources:', JSON.stringify(left));
console.log('cancels:', toy.sim.count('CancelSession'));
