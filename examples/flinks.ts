/**
 * Flinks, offline: the bundled Flinks simulator on a loopback socket, a TD link through
 * its 2-step verification (choose a phone number and Text, then the code), the
 * normalized accounts, then the stored LoginId read again in the background and deleted.
 *
 *   PATH=node_modules/.bin:$PATH tsx examples/flinks.ts
 */
import { Polybank, type Challenge } from 'polybank';
import { flinks } from 'polybank/flinks';
import { flinksSimulator, startSimulatorServer } from 'polybank/testing';

// The simulator checks the auth key (single-use authorize tokens) and the x-api-key like a real instance.
const sim = flinksSimulator({ authKey: 'demo-secret-key', apiKey: 'demo-api-key' });
const server = await startSimulatorServer(sim);

const bank = new Polybank({
  providers: [
    flinks({
      customerId: '43387ca6-0391-4c82-857d-70d95f087ecb',
      baseUrl: sim.baseUrl, // the instance origin; the SDK appends /v3/{customerId}/BankingServices
      authKey: 'demo-secret-key',
      apiKey: 'demo-api-key',
    }),
  ],
});

function ask(challenge: Challenge): void {
  switch (challenge.type) {
    case 'choice':
      if (challenge.kind === 'text_or_call') {
        console.log(`  ${challenge.prompt}: ${challenge.options.map((o) => o.label).join(', ')} — by ${challenge.methods?.join(' or ')}`);
        challenge.answer({ selected: challenge.options[1]?.id ?? '', method: 'Text' });
      }
      break;
    case 'otp':
      console.log(`  ${challenge.label} (sent by ${challenge.channel})`);
      challenge.answer({ code: '123456' }); // what the simulator texted
      break;
    case 'questions':
      console.log(`  ${challenge.prompts.map((p) => p.text).join(' | ')}`);
      challenge.answer({ q1: 'Triangle' });
      break;
    case 'decoupled':
      console.log(`  ${challenge.message} (the loop waits for the approval)`);
      break;
    default:
      throw new Error(`unexpected challenge ${challenge.type}`);
  }
}

console.log(`Flinks simulator at ${sim.baseUrl}`);
const conn = bank.connect('flinks', { institution: 'TD', username: 'td_2step', password: 'Everyday' });
conn.on('status', (s) => console.log(`  status → ${s.status}`));
for await (const challenge of conn.authenticate()) ask(challenge);

const loginId = conn.ref?.loginId;
console.log(`Linked: LoginId ${loginId}`);
for (const account of await conn.accounts()) {
  const { current, available } = account.balances;
  console.log(`  ${account.name.padEnd(26)} ${account.type.padEnd(10)} ${current?.amount ?? '-'} ${account.currency} (available ${available?.amount ?? '-'})`);
}

// Later, without the user: cached mode, no MFA.
const stored = bank.connection('flinks', { loginId: loginId ?? '' });
console.log(`Stored link read again: ${(await stored.accounts()).length} accounts`);
await stored.delete();
console.log(`Deleted at Flinks (DeleteCard): ${sim.count('DeleteCard')} call`);

await server.close();
