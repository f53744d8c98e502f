/**
 * The README's quickstart, runnable offline: a Flinks link through a security question,
 * against the bundled Flinks simulator on a loopback socket.
 *
 *   npx tsx examples/quickstart.ts
 */
import { Polybank } from 'polybank';
import { flinks } from 'polybank/flinks';
import { flinksSimulator, startSimulatorServer } from 'polybank/testing';

const sim = flinksSimulator();
const server = await startSimulatorServer(sim); // in production: flinks({ customerId, instance: 'production', … })

const bank = new Polybank({ providers: [flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: sim.baseUrl })] });

const conn = bank.connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: 'Everyday' });
for await (const challenge of conn.authenticate()) {
  switch (challenge.type) {
    case 'questions':
      console.log(`Q: ${challenge.prompts[0]?.text}`);
      challenge.answer({ [challenge.prompts[0]?.id ?? '']: 'Triangle' }); // the sandbox's answer
      break;
    default:
      throw new Error(`this quickstart handles questions only, got ${challenge.type}`);
  }
}

console.log(conn.status); // { status: 'active', lastSyncedAt: … }
console.log(`store this to reopen the link later: ${JSON.stringify(conn.ref)}`);
for (const account of await conn.accounts()) {
  console.log(`${account.name}: ${account.balances.current?.amount} ${account.currency}`);
}
await server.close();
