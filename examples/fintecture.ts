/**
 * Fintecture, offline: a decoupled link (approve in the bank app), its accounts and
 * transactions, then a redirect link resumed from a checkpoint with the bank's callback.
 * Runs against the bundled simulator on a loopback socket, with HTTP signatures verified.
 *
 *   PATH=node_modules/.bin:$PATH tsx examples/fintecture.ts
 */
import { Polybank } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { fintectureSimulator, startSimulatorServer } from 'polybank/testing';

// In production the key pair comes from the Fintecture Console (PKCS#8 PEM); here WebCrypto makes one.
const pair = await crypto.subtle.generateKey(
  { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  true,
  ['sign', 'verify'],
);
const privateKey = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;

// The simulator verifies every API call against the public key, as Fintecture production does.
const sim = fintectureSimulator({ appId: 'demo-app', appSecret: 'demo-secret', publicKey: pair.publicKey });
const server = await startSimulatorServer(sim);
console.log(`Fintecture simulator at ${sim.baseUrl} (signatures required)`);

const provider = fintecture({ appId: 'demo-app', appSecret: 'demo-secret', privateKey, baseUrl: sim.baseUrl, pollIntervalMs: 200 });
await provider.ready(); // optional: the key is imported into WebCrypto; a bad key fails here
const bank = new Polybank({ providers: [provider] });

try {
  // 1. Decoupled: the PSU approves in their bank app; the loop polls until approved.
  const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-demo', psuIpAddress: '203.0.113.7' });
  conn.on('status', (s) => console.log(`  status → ${s.status}`));
  for await (const challenge of conn.authenticate()) {
    if (challenge.type === 'decoupled') console.log(`  decoupled: ${challenge.message} (the loop polls every 200 ms)`);
  }
  const status = conn.status;
  if (status.status === 'active') console.log(`  linked customer ${conn.ref?.customerId}, consent until ${status.consentExpiresAt}`);

  const accounts = await conn.accounts();
  for (const account of accounts) {
    console.log(`  ${account.name.padEnd(16)} ${account.type.padEnd(9)} ${account.iban} ${account.balances.current?.amount} ${account.currency}`);
  }
  let shown = 0;
  for await (const tx of conn.transactions(accounts[0]?.id as string, { from: '2026-05-01' })) {
    if (shown++ < 4) console.log(`    ${tx.bookingDate} ${tx.amount.amount.padStart(9)} ${tx.status.padEnd(7)} ${tx.description}`);
  }
  console.log(`    … ${shown} transactions (over ${sim.count('ListTransactions')} pages)`);
  console.log(`  holders: ${(await conn.holders()).map((h) => h.name).join(', ')}`);

  // 2. Redirect: send the user to the bank, keep a checkpoint, resume with the callback later.
  const pending = bank.connect('fintecture', { provider: 'cmcifrpp', redirectUri: 'https://app.example.com/fintecture/callback' });
  const iterator = pending.authenticate();
  const { value: redirect } = await iterator.next();
  if (redirect?.type !== 'redirect') throw new Error('expected a redirect challenge');
  const checkpoint = await pending.checkpoint();
  await iterator.return(undefined);
  console.log(`  redirect the user to ${redirect.url}`);
  // …the user approves at the bank, which redirects to the app's callback:
  const bankPage = await fetch(redirect.url, { redirect: 'manual' });
  const callback = bankPage.headers.get('location') as string;
  const resumed = await bank.resume(checkpoint, { callback });
  console.log(`  redirect link ${resumed.status.status}: ${(await resumed.accounts()).length} accounts`);

  await conn.delete();
  const after = conn.status;
  console.log(`  deleted the first link at Fintecture (${after.status === 'error' ? after.reason : after.status})`);
  console.log(`  signatures verified by the simulator: ${sim.state.signatures.verified}, rejected: ${sim.state.signatures.rejected}`);
} finally {
  await server.close();
}
