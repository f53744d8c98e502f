import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { Polybank } from '../../../src/index.js';
import { fintecture } from '../../../src/providers/fintecture/index.js';
import { fintectureSimulator } from '../../../src/testing/index.js';
import { APP_ID, APP_SECRET, PSU_IP, drive, rsaKeyPair, type KeyPair } from './support.js';

/**
 * The way a user's own test suite would use the simulator: msw intercepts fetch at
 * Fintecture's real sandbox origin; the provider is configured exactly as in production
 * code (environment 'sandbox', no baseUrl), signing with its key, verified by the simulator.
 */
let keys: KeyPair;
const sim = fintectureSimulator();
const server = setupServer(...sim.handlers());

beforeAll(async () => {
  keys = await rsaKeyPair();
  server.listen({ onUnhandledFrame: 'error' });
});
afterAll(() => {
  server.close();
});
beforeEach(() => {
  sim.reset();
});

it('links a decoupled connection at api-sandbox.fintecture.com in-process and reads it', async () => {
  expect(sim.baseUrl).toBe('https://api-sandbox.fintecture.com');
  const bank = new Polybank({ providers: [fintecture({ appId: APP_ID, appSecret: APP_SECRET, environment: 'sandbox', pollIntervalMs: 10 })] });
  const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
  const seen = await drive(conn);
  expect(seen.map((c) => c.type)).toEqual(['decoupled']);
  const accounts = await conn.accounts();
  expect(accounts.map((a) => a.balances.current?.amount)).toEqual(['1284.32', '15000.50']);
  expect(sim.requests.every((r) => r.endpoint !== '(unknown)')).toBe(true);
});

it('verifies signatures in-process as well', async () => {
  const strict = fintectureSimulator({ publicKey: keys.publicKey });
  server.use(...strict.handlers());
  const bank = new Polybank({ providers: [fintecture({ appId: APP_ID, appSecret: APP_SECRET, privateKey: keys.privatePem, pollIntervalMs: 10 })] });
  const conn = bank.connect('fintecture', { provider: 'handse', psuId: 'approve-2', psuIpAddress: PSU_IP });
  await drive(conn);
  await conn.accounts();
  expect(strict.state.signatures).toMatchObject({ rejected: 0, unsigned: 0 });
  expect(strict.state.signatures.verified).toBe(strict.requests.filter((r) => r.endpoint !== 'AccessToken').length);
  server.resetHandlers();
});
