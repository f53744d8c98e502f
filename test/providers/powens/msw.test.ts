/**
 * The simulator in-process, the way a user's own test suite would use it: msw
 * intercepts fetch at the simulated domain's default origin; the provider is
 * configured with its domain as in production.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Polybank } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, powens } from '../../../src/providers/powens/index.js';
import { powensSimulator } from '../../../src/testing/index.js';

const sim = powensSimulator({ newAccountsDisabled: false });
const server = setupServer(...sim.handlers());
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

describe('powens simulator under msw', () => {
  it('links through an OTP at the default domain, then lists accounts and transactions', async () => {
    expect(sim.baseUrl).toBe('https://polybank-sandbox.biapi.pro/2.0');
    const bank = new Polybank({ providers: [powens({ domain: 'polybank-sandbox', ...sim.client, polling: { intervalMs: 10 } })] });
    const conn = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { login: 'Identifiant', password: '1234', openapiwebsite: 'additionalInformationNeeded' } });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'otp') c.answer({ code: 'abcd' });
    }
    expect(seen).toEqual(['otp']);
    const accounts = await conn.accounts();
    expect(accounts).toHaveLength(9);
    expect(accounts[0]?.balances.current).toEqual({ amount: '7764.38', currency: 'EUR' });
    let count = 0;
    for await (const tx of conn.transactions(accounts[0]?.id as string)) {
      expect(tx.amount.amount).toMatch(/^-?\d+\.\d{2}$/);
      count++;
    }
    expect(count).toBeGreaterThan(20);
    expect(sim.counts).toEqual({ GetConnector: 1, AuthInit: 1, CreateConnection: 1, UpdateConnection: 1, ListAccounts: 1, GetAccount: 1, ListTransactions: 1 });
  });

  it('a decoupled approval in-process', async () => {
    sim.reset();
    const bank = new Polybank({ providers: [powens({ domain: 'polybank-sandbox', ...sim.client, polling: { intervalMs: 10 } })] });
    const conn = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { login: 'Identifiant', password: '1234', openapiwebsite: 'shortDecoupled' } });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type);
    expect(seen).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
  });
});

describe('powens({ domain }): the reconnect webview is the current webview.powens.com', () => {
  it('reconnectUrl builds https://webview.powens.com/{lang}/reconnect?domain=… with a fresh code', async () => {
    sim.reset();
    const bank = new Polybank({ providers: [powens({ domain: 'polybank-sandbox', ...sim.client, polling: { intervalMs: 10 } })] });
    const conn = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { login: 'Identifiant', password: '1234', openapiwebsite: 'SCARequired' } });
    for await (const c of conn.authenticate()) void c;
    const ref = conn.ref as { connectionId: number; userId: number };
    const link = await bank.connection('powens', ref).actions.reconnectUrl({ redirectUri: 'https://app.example/back', lang: 'de', resetCredentials: true });
    const url = new URL(link.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://webview.powens.com/de/reconnect');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      domain: 'polybank-sandbox.biapi.pro',
      client_id: sim.client.clientId,
      connection_id: String(ref.connectionId),
      redirect_uri: 'https://app.example/back',
      state: link.state,
      reset_credentials: 'true',
    });
    const code = url.searchParams.get('code') as string;
    expect(sim.state.codes.get(code)).toMatchObject({ userId: ref.userId, single: true, used: false });
  });
});
