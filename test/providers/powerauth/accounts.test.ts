/**
 * Accounts from the holder's side (#14 item 5): the Data Adapter's BankAccount has no
 * type, so the bank's account name says it; what the holder owes on a card or a loan is
 * negative, whichever sign the bank sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toAccount } from '../../../src/providers/powerauth/mapping.js';
import { answerRight, startPowerAuth, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startPowerAuth();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

describe('powerauth: cards and loans from the holder’s side', () => {
  it('a borrower’s current account, credit card and loan: types from the names, owed amounts negative', async () => {
    const conn = h.bank().connect('powerauth', { username: 'borrower' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c, 'borrower');
    const accounts = await conn.accounts();
    expect(accounts.map((a) => [a.name, a.type, a.balances.current, a.usableForPayment])).toEqual([
      ['Běžný účet v CZK', 'checking', { amount: '8120.45', currency: 'CZK' }, true],
      ['Kreditní karta Visa Classic', 'card', { amount: '-500.30', currency: 'CZK' }, true],
      ['Spotřebitelský úvěr', 'loan', { amount: '-148250.00', currency: 'CZK' }, false],
    ]);
    // The bank sent the debts as positive amounts.
    expect(accounts.map((a) => (a.raw as { balance: number }).balance)).toEqual([8120.45, 500.3, 148250]);
    expect(accounts[2]).toMatchObject({ unusableForPaymentReason: 'Loan accounts cannot be used for payments', iban: 'CZ1220100000009000123456' });
  });

  it('a debt the bank already sends negative stays negative; a paid-off card is zero; an asset keeps its sign', () => {
    const at = { endpoint: 'operation/formdata/decorate', at: 'bankAccounts.0' };
    const account = (name: string, balance: number | string) => toAccount({ accountId: 'X1', name, balance, currency: 'czk' }, 'u', at).balances.current;
    expect(account('Kreditní karta', -500.3)).toEqual({ amount: '-500.30', currency: 'CZK' });
    expect(account('Credit card', '0.00')).toEqual({ amount: '0.00', currency: 'CZK' });
    expect(account('Hypotéka', '2500000')).toEqual({ amount: '-2500000.00', currency: 'CZK' });
    expect(account('Mortgage loan', 12)).toEqual({ amount: '-12.00', currency: 'CZK' });
    expect(account('Běžný účet', -35.5)).toEqual({ amount: '-35.50', currency: 'CZK' }); // an overdrawn current account
    expect(account('Spořicí účet', 10)).toEqual({ amount: '10.00', currency: 'CZK' });
  });

  it('types from Czech and English names; an unknown name is other', () => {
    const type = (name: string) => toAccount({ accountId: 'X1', name, balance: 1, currency: 'CZK' }, 'u', { endpoint: 'e', at: 'a' }).type;
    expect(['Běžný účet v CZK', 'Osobní účet', 'Current account'].map(type)).toEqual(['checking', 'checking', 'checking']);
    expect(['Spořící účet v EUR', 'Termínovaný vklad', 'Savings'].map(type)).toEqual(['savings', 'savings', 'savings']);
    expect(['Kreditní karta Visa', 'Credit card'].map(type)).toEqual(['card', 'card']);
    expect(['Spotřebitelský úvěr', 'Hypotéka', 'Půjčka', 'Car loan'].map(type)).toEqual(['loan', 'loan', 'loan', 'loan']);
    expect(type('Účet 42')).toBe('other');
  });
});
