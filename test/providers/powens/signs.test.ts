import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Transaction } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, drive, fields, startPowens, type PowensHarness } from './helpers.js';

/**
 * One sign convention: balances from the holder's side (what is owed is negative),
 * transactions negative when money leaves the account. Powens already speaks it; the
 * simulator's deferred debit card and mortgage carry realistic data to show it.
 */
let h: PowensHarness;
beforeAll(async () => {
  h = await startPowens({ newAccountsDisabled: false });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function linked() {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') });
  await drive(conn);
  return conn;
}

async function all(iterable: AsyncIterable<Transaction>): Promise<Transaction[]> {
  const out: Transaction[] = [];
  for await (const tx of iterable) out.push(tx);
  return out;
}

describe('signs of cards and loans', () => {
  it('a deferred debit card: nothing booked yet, its pending spending negative; its purchases negative and pending', async () => {
    const conn = await linked();
    const card = (await conn.accounts()).find((a) => a.type === 'card');
    expect(card?.balances).toEqual({ current: { amount: '0.00', currency: 'EUR' }, available: { amount: '-88.83', currency: 'EUR' } });
    const purchases = await all(conn.transactions(card?.id as string));
    expect(purchases.map((t) => [t.amount.amount, t.status])).toEqual([
      ['-42.10', 'pending'],
      ['-31.40', 'pending'],
      ['-15.33', 'pending'],
    ]);
    // The card's pending spending is exactly its purchases.
    expect(purchases.reduce((sum, t) => sum + Math.round(Number(t.amount.amount) * 100), 0)).toBe(-8883);
    expect(purchases[1]?.counterparty).toBe('FNAC');
  });

  it('a mortgage: its outstanding principal is owed, negative', async () => {
    const conn = await linked();
    const loan = (await conn.accounts()).find((a) => a.type === 'loan');
    expect(loan).toMatchObject({ name: 'Crédit Immobilier', balances: { current: { amount: '-4395.78', currency: 'EUR' } } });
    expect((loan?.raw as { loan: { type: string; next_payment_amount: number } }).loan).toMatchObject({ type: 'mortgage', next_payment_amount: 439.58 });
  });

  it('a connector that reports the loan as a positive debt is read the same way: owed, negative', async () => {
    const conn = await linked();
    h.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { accounts: Array<Record<string, unknown>> };
        for (const account of b.accounts) if (account.type === 'loan') Object.assign(account, { balance: 4395.78, coming_balance: 4395.78 });
        return b;
      },
    });
    const loan = (await conn.accounts()).find((a) => a.type === 'loan');
    expect(loan?.balances).toEqual({ current: { amount: '-4395.78', currency: 'EUR' }, available: { amount: '-4395.78', currency: 'EUR' } });
  });

  it('a checking account: debits negative, the salary positive, the monthly card debit negative', async () => {
    const conn = await linked();
    const checking = (await conn.accounts()).find((a) => a.name === 'Compte chèque');
    expect(checking?.balances.current).toEqual({ amount: '7764.38', currency: 'EUR' });
    const txs = await all(conn.transactions(checking?.id as string));
    const by = (type: string) => txs.filter((t) => (t.raw as { type: string }).type === type).map((t) => t.amount.amount);
    expect(by('summary_card')).toEqual(['-664.38', '-711.61']);
    expect(by('check').every((a) => a.startsWith('-'))).toBe(true);
    expect(txs.find((t) => t.description === 'SALAIRE')?.amount.amount).toBe('740.59');
  });
});
