/**
 * One sign convention (issue #14, item 5): balances from the holder's side (owed is
 * negative), transactions negative for money out. Flinks sends what is owed on a credit
 * account as a positive Current; the simulator's card and mortgage carry realistic data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks();
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

const GREATDAY = '5e115eac-1209-4f19-641c-08d6d484e2fe';
const CARD = '9d1e7b44-2c3f-4a5b-9e6d-08d682e1ff4c';
const MORTGAGE = '5a1e2b3c-4d5e-4f60-8172-08d682e1ff4e';

async function amounts(accountId: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const t of rig.bank().connection('flinks', { loginId: GREATDAY }).transactions(accountId)) out.push([t.description, t.amount.amount]);
  return out;
}

describe('signs', () => {
  it('a card: the 500.30 owed is -500.30; the credit left and the limit stay positive', async () => {
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    const card = accounts.find((a) => a.id === CARD);
    expect(card?.type).toBe('card');
    expect(card?.raw).toMatchObject({ Balance: { Current: 500.3, Available: 4499.7, Limit: 5000 } });
    expect(card?.balances).toEqual({ current: { amount: '-500.30', currency: 'CAD' }, available: { amount: '4499.70', currency: 'CAD' }, limit: { amount: '5000.00', currency: 'CAD' } });
  });

  it('a mortgage: the outstanding principal is negative', async () => {
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    const loan = accounts.find((a) => a.id === MORTGAGE);
    expect(loan?.type).toBe('loan');
    expect(loan?.balances.current).toEqual({ amount: '-245310.55', currency: 'CAD' });
  });

  it('deposit accounts keep their sign, an overdrawn one goes negative, a card in credit positive', async () => {
    const [chequing, , card] = rig.sim.state.accounts;
    if (!chequing || !card) throw new Error('the default accounts changed');
    chequing.Balance.Current = -42.5;
    card.Balance.Current = -20;
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts.find((a) => a.id === chequing.Id)?.balances.current?.amount).toBe('-42.50');
    expect(accounts.find((a) => a.id === CARD)?.balances.current?.amount).toBe('20.00');
  });

  it('a line of credit and an account in the Credits category of an unknown type are credit accounts too', async () => {
    rig.sim.state.accounts.push(
      { ...structuredClone(rig.sim.state.accounts[0]!), Id: 'loc-1', Title: 'Personal line of credit', Type: 'LineOfCredit', Category: 'Credits', Balance: { Available: 7550, Current: 2450, Limit: 10000 } },
      { ...structuredClone(rig.sim.state.accounts[0]!), Id: 'odd-1', Title: 'Student loan', Type: 'LoanStudent', Category: 'Credits', Balance: { Available: null, Current: 18000, Limit: null } },
    );
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts.find((a) => a.id === 'loc-1')).toMatchObject({ type: 'loan', balances: { current: { amount: '-2450.00' }, available: { amount: '7550.00' }, limit: { amount: '10000.00' } } });
    expect(accounts.find((a) => a.id === 'odd-1')).toMatchObject({ type: 'loan', balances: { current: { amount: '-18000.00' } } });
  });

  it('card transactions: a purchase (Debit) is money out, a payment (Credit) money in', async () => {
    expect(await amounts(CARD)).toEqual([
      ['PAYMENT - THANK YOU', '150.10'],
      ['Coffee shop', '-4.35'],
      ['GROCERY STORE #221', '-146.05'],
    ]);
  });

  it('mortgage transactions: the payment (Credit) is positive, the interest (Debit) negative', async () => {
    expect(await amounts(MORTGAGE)).toEqual([
      ['MORTGAGE PAYMENT', '1450.00'],
      ['INTEREST', '-612.40'],
    ]);
  });
});
