/**
 * PowerAuth: polybank plays Web Flow in front of a bank's Data Adapter. Offline, against
 * the bundled Data Adapter simulator on a loopback socket:
 *
 *   PATH=node_modules/.bin:$PATH tsx examples/powerauth.ts
 *
 * The user types a username, then the SMS code with the password (SCA login), checks the
 * consent, and the accounts of the decorated form data are listed.
 */
import { Polybank, isConnectionError } from 'polybank';
import { powerauth } from 'polybank/powerauth';
import { POWERAUTH_TEST_PASSWORD, powerauthSimulator, startSimulatorServer } from 'polybank/testing';

// The AES key the bank and polybank share for password encryption (32 random bytes, base64).
const PASSWORD_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

const sim = powerauthSimulator({ passwordEncryptionKey: PASSWORD_KEY });
const server = await startSimulatorServer(sim);
console.log(`PowerAuth Data Adapter simulator at ${sim.baseUrl}`);

// Your bank's Data Adapter root (under which /api/... lives); passwords encrypted for the bank.
const bank = new Polybank({
  providers: [powerauth({ baseUrl: sim.baseUrl, organizationId: 'RETAIL', passwordEncryption: { key: PASSWORD_KEY } })],
});

try {
  // Default operation: an SCA login (`login_sca`, operation data A2).
  const conn = bank.connect('powerauth', { lang: 'en' });
  conn.on('status', (s) => console.log(`  status → ${s.status}`));

  for await (const challenge of conn.authenticate()) {
    switch (challenge.type) {
      case 'credentials':
        console.log(`  credentials: ${challenge.fields.map((f) => f.label).join(', ')}`);
        challenge.answer({ username: 'user1234' });
        break;
      case 'otp': {
        // In real life the user reads it from the SMS; the simulator keeps what it "sent".
        const sms = sim.state.outbox.at(-1);
        console.log(`  otp by ${challenge.channel} (${challenge.length} digits${challenge.passwordRequired ? ', with the password' : ''}): "${sms?.text.replace(/\d{8}/, '••••••••')}"`);
        challenge.answer({ code: sms!.code, password: POWERAUTH_TEST_PASSWORD });
        break;
      }
      case 'consent':
        console.log(`  consent: ${challenge.text}`);
        for (const option of challenge.options) console.log(`    [x] ${option.label}${option.required ? ' (required)' : ''}`);
        challenge.answer({ options: Object.fromEntries(challenge.options.map((o) => [o.id, true])) });
        break;
      default:
        throw new Error(`unexpected challenge ${challenge.type}`);
    }
  }

  console.log(`  linked: ${JSON.stringify(conn.ref)}`);
  for (const account of await conn.accounts()) {
    const balance = account.balances.current;
    console.log(`  ${account.name.padEnd(20)} ${account.iban} ${balance?.amount.padStart(10)} ${balance?.currency}${account.usableForPayment === false ? `  (not for payments${account.unusableForPaymentReason ? `: ${account.unusableForPaymentReason}` : ''})` : ''}`);
  }
  console.log(`  the bank was told: ${sim.state.operationChanges.map((c) => c.change).join(', ')}`);
} catch (error) {
  if (isConnectionError(error)) console.error(`link failed: ${error.reason} (${error.providerCode ?? ''}) ${error.userMessage ?? ''}`);
  throw error;
} finally {
  await server.close();
}
