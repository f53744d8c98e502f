/**
 * `npm run demo`: a bank link driven through the challenge loop, offline, against
 * the bundled simulators on a real loopback socket. No provider has landed yet, so
 * this runs the loop against the test-only Toybank provider (test/support).
 */
import { Polybank } from 'polybank';
import { startSimulatorServer } from 'polybank/testing';
import { toybank } from '../test/support/toy-provider.js';
import { TOY_PASSWORD, toySimulator } from '../test/support/toy-simulator.js';

const sim = toySimulator();
const server = await startSimulatorServer(sim);
console.log(`Toybank simulator listening at ${sim.baseUrl} (no real provider has landed yet)`);

const bank = new Polybank({ providers: [toybank({ baseUrl: sim.baseUrl })] });
const conn = bank.connect('toybank', { username: 'full', password: TOY_PASSWORD });
conn.on('status', (s) => console.log(`  status → ${s.status}`));

for await (const challenge of conn.authenticate()) {
  switch (challenge.type) {
    case 'questions':
      console.log(`  questions: ${challenge.prompts.map((p) => p.text).join(' | ')}`);
      challenge.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
      break;
    case 'otp':
      console.log(`  otp by ${challenge.channel}, ${challenge.length} digits`);
      challenge.answer({ code: '123456' });
      break;
    case 'decoupled':
      console.log(`  decoupled: ${challenge.message} (the loop polls until approved)`);
      break;
    case 'consent':
      console.log(`  consent: ${challenge.options.map((o) => o.label).join(', ')}`);
      challenge.answer({ options: { accounts: true } });
      break;
    default:
      throw new Error(`unexpected challenge ${challenge.type}`);
  }
}

for (const account of await conn.accounts()) {
  console.log(`  ${account.name.padEnd(12)} ${account.balances.current?.amount} ${account.currency}`);
}
await server.close();
