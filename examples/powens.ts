/**
 * Powens (Budget Insight), offline: the bundled simulator of a Powens domain with the
 * official test connector, on a loopback socket. Links one connection through an OTP
 * and another through a decoupled (app) approval, then reopens the first from its
 * stored reference and prints its accounts and the first page of transactions.
 *
 *   PATH=node_modules/.bin:$PATH tsx examples/powens.ts
 */
import { Polybank, isConnectionError, type Challenge } from 'polybank';
import { POWENS_TEST_CONNECTOR, powens } from 'polybank/powens';
import { powensSimulator, startSimulatorServer } from 'polybank/testing';

// A domain whose new accounts are enabled (the sandbox default disables them: no transactions then).
const sim = powensSimulator({ newAccountsDisabled: false });
const server = await startSimulatorServer(sim);
console.log(`Powens simulator at ${sim.baseUrl}`);

const bank = new Polybank({
  // In production: powens({ domain: 'acme-sandbox', clientId, clientSecret }).
  providers: [powens({ baseUrl: sim.baseUrl, ...sim.client, polling: { intervalMs: 200 } })],
});

/** What your UI would do with each challenge; here the test connector's answers. */
function handle(challenge: Challenge, scenario: string): void {
  switch (challenge.type) {
    case 'credentials':
      console.log(`  credentials: ${challenge.fields.map((f) => `${f.name}${f.secret ? ' (secret)' : ''}`).join(', ')}`);
      challenge.answer({ login: 'Identifiant', password: '1234', openapiwebsite: scenario });
      break;
    case 'otp':
      console.log(`  otp by ${challenge.channel}: "${challenge.label}"`);
      challenge.answer({ code: 'abcd' });
      break;
    case 'decoupled':
      console.log(`  decoupled: ${challenge.message} (the loop polls until approved)`);
      break;
    default:
      throw new Error(`unexpected challenge ${challenge.type}`);
  }
}

try {
  console.log('1. A new connection through an OTP');
  const first = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR });
  first.on('status', (s) => console.log(`  status → ${s.status}`));
  for await (const challenge of first.authenticate()) handle(challenge, 'additionalInformationNeeded');
  const ref = first.ref;
  if (!ref) throw new Error('not linked');
  console.log(`  linked: store ${JSON.stringify(ref)} (no secret in it)`);

  console.log('2. A second connection of the same Powens user, approved in the bank app');
  const second = bank.connect('powens', {
    connector: POWENS_TEST_CONNECTOR,
    fields: { login: 'second-login', password: '1234', openapiwebsite: 'shortDecoupled' },
    user: { id: ref.userId },
  });
  for await (const challenge of second.authenticate()) handle(challenge, 'shortDecoupled');
  console.log(`  linked: ${JSON.stringify(second.ref)}`);

  console.log('3. Later, in the background: accounts and the first page of transactions');
  const stored = bank.connection('powens', ref);
  const accounts = await stored.accounts();
  for (const account of accounts) {
    console.log(`  ${account.name.padEnd(28)} ${account.type.padEnd(10)} ${account.balances.current?.amount.padStart(10)} ${account.currency}`);
  }
  const checking = accounts.find((a) => a.type === 'checking');
  let shown = 0;
  for await (const tx of stored.transactions(checking?.id ?? '')) {
    console.log(`  ${tx.bookingDate}  ${tx.amount.amount.padStart(9)} ${tx.amount.currency}  ${tx.description}`);
    if (++shown === 8) break;
  }

  console.log('4. A connection that needs the user again (SCARequired after a background sync)');
  const sca = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { login: 'third', password: '1234', openapiwebsite: 'SCARequiredAndOTP' }, user: { id: ref.userId } });
  for await (const challenge of sca.authenticate()) handle(challenge, 'SCARequiredAndOTP');
  sim.backgroundSync(sca.ref?.connectionId ?? 0);
  try {
    await bank.connection('powens', sca.ref ?? ref).accounts();
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    console.log(`  accounts() without the user: ${error.reason} (${error.providerCode}) → run authenticate() with the user`);
  }
  for await (const challenge of bank.connection('powens', sca.ref ?? ref).authenticate()) handle(challenge, 'SCARequiredAndOTP');
  console.log('  reconnected');
} finally {
  await server.close();
}
