/**
 * The simulator in-process, the way a user's own test suite would use it: msw
 * intercepts fetch at Flinks' default toolbox origin; the provider needs no baseUrl.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Polybank } from '../../../src/index.js';
import { flinks } from '../../../src/providers/flinks/index.js';
import { flinksSimulator } from '../../../src/testing/index.js';
import { answerRightly, CUSTOMER_ID } from './support.js';

const sim = flinksSimulator({ authKey: 'my-secret-key', apiKey: 'my-api-key' });
const server = setupServer(...sim.handlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

describe('flinks simulator under msw', () => {
  it('links through TD 2-step verification and lists accounts, at the default instance URL', async () => {
    expect(sim.baseUrl).toBe('https://toolbox-api.private.fin.ag');
    const bank = new Polybank({ providers: [flinks({ customerId: CUSTOMER_ID, authKey: 'my-secret-key', apiKey: 'my-api-key' })] });
    const conn = bank.connect('flinks', { institution: 'TD', username: 'td_2step', password: 'Everyday' });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      answerRightly(c);
    }
    expect(seen).toEqual(['choice', 'otp']);
    const accounts = await conn.accounts();
    expect(accounts.map((a) => a.balances.current?.amount)).toEqual(['49993.96', '158121.10', '-500.30', '0.30', '-245310.55']);
    expect(sim.counts).toEqual({ GenerateAuthorizeToken: 3, Authorize: 3, GetAccountsDetail: 1 });
    expect(sim.state.exchanges[1]?.path).toBe(`/v3/${CUSTOMER_ID}/BankingServices/Authorize`);
  });
});
