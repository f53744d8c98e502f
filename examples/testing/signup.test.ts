/**
 * Using polybank/testing in your own vitest suite: msw intercepts fetch, the provider
 * simulator answers as the real provider would, and your code under test never knows.
 * Run alone with `npx vitest run examples/testing`.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Polybank, isConnectionError } from 'polybank';
import { powerauth } from 'polybank/powerauth';
import { POWERAUTH_TEST_PASSWORD, powerauthSimulator } from 'polybank/testing';

type Bank = Polybank<ReturnType<typeof powerauth>>;

// Your application code: links a user's bank and returns the account names.
async function linkAndList(bank: Bank, readSms: () => string): Promise<string[]> {
  const conn = bank.connect('powerauth', { username: 'user1234' });
  for await (const challenge of conn.authenticate()) {
    if (challenge.type === 'otp') challenge.answer({ code: readSms(), password: POWERAUTH_TEST_PASSWORD });
    else if (challenge.type === 'consent') challenge.answer({ options: Object.fromEntries(challenge.options.map((o) => [o.id, true])) });
    else throw new Error(`unexpected ${challenge.type}`);
  }
  return (await conn.accounts()).map((a) => a.name);
}

const sim = powerauthSimulator();
const server = setupServer(...sim.handlers()); // the simulator's default origin: powerauth() needs no real URL
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => sim.reset());
afterAll(() => server.close());

const bank: Bank = new Polybank({ providers: [powerauth({ baseUrl: sim.baseUrl })] });

describe('my signup flow', () => {
  it('links the bank and lists the accounts', async () => {
    const names = await linkAndList(bank, () => sim.state.lastCode() ?? '');
    expect(names).toEqual(['Běžný účet v CZK', 'Spořící účet v CZK', 'Spořící účet v EUR']);
  });

  it('shows the right error when the bank is down (fault injection)', async () => {
    sim.inject({ endpoint: 'user/lookup', times: Infinity, kind: 'status', status: 500, body: JSON.stringify({ status: 'ERROR', responseObject: { code: 'REMOTE_ERROR', message: 'error.remote' } }) });
    const error = await linkAndList(bank, () => '').catch((e: unknown) => e);
    expect(isConnectionError(error) && error.reason).toBe('provider_unavailable');
  });
});
