import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Account, type Connection } from '../../../src/index.js';
import type { FintectureProvider } from '../../../src/providers/fintecture/index.js';
import { toAccount } from '../../../src/providers/fintecture/mapping.js';
import { AccountItem } from '../../../src/providers/fintecture/schemas/wire.js';
import { PSU_IP, drive, startFintecture, type Harness } from './support.js';

/**
 * One sign convention (#14 item 5): balances from the holder's side. A card's spending and
 * a loan's outstanding principal are money the holder owes: negative. Transactions:
 * negative = money out of the account.
 */
let h: Harness;
beforeAll(async () => {
  h = await startFintecture();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function bnp(): Promise<Connection<FintectureProvider>> {
  const conn = h.bank().connect('fintecture', { provider: 'bnpafrpp', psuId: 'approve-1', psuIpAddress: PSU_IP });
  await drive(conn);
  return conn;
}

describe('cards and loans, from the holder’s side', () => {
  it('JSON:API (official): a deferred-debit card and a home loan are owed, negative', async () => {
    h.sim.state.shapes = 'official';
    const accounts = await (await bnp()).accounts();
    expect(accounts.map((a) => [a.name, a.type, a.balances.current?.amount])).toEqual([
      ['Compte de chèques', 'checking', '2318.07'],
      ['Carte Visa Premier', 'card', '-487.35'],
      ['Prêt Immobilier', 'loan', '-152340.18'],
    ]);
    // No IBAN on a card or a loan: their number is the card's masked PAN and the loan's contract.
    expect(accounts[1]).toMatchObject({ number: '4974XXXXXXXX1234' });
    expect(accounts[1]?.iban).toBeUndefined();
    expect(accounts[2]).toMatchObject({ number: '00412345' });
  });

  it("the catalog's flat shape: signed balances, and the ISO 20022 unsigned amount with a DBIT indicator, negated", async () => {
    h.sim.state.shapes = 'catalog';
    const accounts = await (await bnp()).accounts();
    expect(accounts.map((a) => [a.type, a.balances.current?.amount, a.balances.available?.amount])).toEqual([
      ['checking', '2318.07', '2318.07'],
      ['card', '-487.35', '-487.35'],
      ['loan', '-152340.18', '-152340.18'],
    ]);
    expect(accounts[2]?.raw).toMatchObject({ balances: [{ amount: '152340.18', creditDebitIndicator: 'DBIT' }, expect.anything()] });
  });

  it('card spending is money out (negative), its monthly debit and loan repayments money in', async () => {
    h.sim.state.shapes = 'official';
    const conn = await bnp();
    const [, card, loan] = await conn.accounts();
    const amounts = async (id: string) => {
      const out: string[] = [];
      for await (const t of conn.transactions(id)) out.push(t.amount.amount);
      return out;
    };
    expect(await amounts(card?.id as string)).toEqual(['-64.90', '-35.45', '-387.00', '612.48']);
    expect(await amounts(loan?.id as string)).toEqual(['868.22', '871.02']);
  });
});

describe('balance types and account types of the flat shape', () => {
  const flat = (balances: unknown[], type = 'CARD') => AccountItem.parse({ id: 'a1', currency: 'EUR', type, balances });

  it("STET's OTHR (a card's outstanding) is the current balance only when nothing else is", () => {
    expect(toAccount(flat([{ type: 'OTHR', amount: '-12.40' }]), 'c', 0, 'ListAccounts').balances).toEqual({ current: { amount: '-12.40', currency: 'EUR' } });
    expect(
      toAccount(
        flat([
          { type: 'OTHR', amount: '-12.40' },
          { type: 'CLBD', amount: '-10.00' },
          { type: 'XPCD', amount: '-11.00' },
        ]),
        'c',
        0,
        'ListAccounts',
      ).balances,
    ).toEqual({ current: { amount: '-10.00', currency: 'EUR' }, available: { amount: '-11.00', currency: 'EUR' } });
  });

  it('a CRDT indicator or an already signed amount is kept; unknown or inherited balance types are ignored', () => {
    const account = toAccount(
      flat([
        { type: 'closingBooked', amount: '5.00', credit_debit_indicator: 'CRDT' },
        { type: 'available', amount: '-3.00', creditDebitIndicator: 'DBIT' },
        { type: 'constructor', amount: '1' },
        { type: '__proto__', amount: '1' },
        { type: 'VALU', amount: '99' },
      ]),
      'c',
      0,
      'ListAccounts',
    );
    expect(account.balances).toEqual({ current: { amount: '5.00', currency: 'EUR' }, available: { amount: '-3.00', currency: 'EUR' } });
    expect(Account.parse(account).type).toBe('card');
  });

  it('a joint account is checking, as with every provider (the shared account-type table)', () => {
    const joint = AccountItem.parse({ type: 'accounts', id: 'j1', attributes: { currency: 'EUR', account_type: 'Compte Joint', account_name: 'M. et Mme Martin' } });
    expect(toAccount(joint, 'c', 0, 'ListAccounts').type).toBe('checking');
    expect(toAccount(flat([], 'CACC'), 'c', 0, 'ListAccounts').type).toBe('checking');
    expect(toAccount(flat([], 'LOAN'), 'c', 0, 'ListAccounts').type).toBe('loan');
    expect(toAccount(flat([], 'OTHR'), 'c', 0, 'ListAccounts').type).toBe('other');
  });
});
