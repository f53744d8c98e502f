/** The main flow through the public Polybank API, against the simulator on a real socket. */
import { isConnectionError, isValidationError, type Transaction } from 'polybank';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeAtBank } from '../src/simulator/index.js';
import { REDIRECT, firstChallenge, harness, input, link, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

async function all(iterable: AsyncIterable<Transaction>): Promise<Transaction[]> {
  const out: Transaction[] = [];
  for await (const t of iterable) out.push(t);
  return out;
}

describe('linking a bank through GoCardless', () => {
  it('creates the agreement and the requisition, redirects to the link, and is active once the callback comes back', async () => {
    const { conn, challenge, callback } = await link(h);
    const requisition = h.sim.state.latestRequisition;
    expect(requisition?.status).toBe('LN');
    expect(challenge.url).toBe(`${h.sim.origin}/psd2/start/${requisition?.id}/SANDBOXFINANCE_SFIN0000`);
    expect(new URL(callback).searchParams.get('ref')).toBe(requisition?.reference);
    expect(conn.ref).toEqual({ requisitionId: requisition?.id });
    const agreement = h.sim.state.agreements.get(requisition?.agreement ?? '');
    expect(agreement).toMatchObject({ max_historical_days: 90, access_valid_for_days: 90, access_scope: ['balances', 'details', 'transactions'] });
    // Access lasts access_valid_for_days from the user's acceptance.
    expect(conn.status).toEqual({ status: 'active', consentExpiresAt: new Date(Date.parse(agreement?.accepted ?? '') + 90 * 86_400_000).toISOString() });
    const sent = h.sim.requests.find((r) => r.endpoint === 'CreateRequisition');
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ redirect: REDIRECT, institution_id: 'SANDBOXFINANCE_SFIN0000', agreement: agreement?.id });
    // One token for the whole run: fetched once, reused.
    expect(h.sim.count('TokenNew')).toBe(1);
  });

  it('lists the accounts with exact balances, IBANs, types and holders', async () => {
    const { conn } = await link(h);
    const accounts = await conn.accounts();
    expect(accounts.map((a) => ({ name: a.name, type: a.type, iban: a.iban, currency: a.currency, balances: a.balances, holder: a.holder, status: a.status }))).toEqual([
      { name: 'Main Account', type: 'checking', iban: 'GL2010440000010445', currency: 'EUR', balances: { current: { amount: '1913.12', currency: 'EUR' }, available: { amount: '1880.00', currency: 'EUR' } }, holder: 'John Doe', status: 'active' },
      { name: 'Savings', type: 'savings', iban: 'GL5604449876543210', currency: 'EUR', balances: { current: { amount: '10000.50', currency: 'EUR' } }, holder: 'John Doe', status: 'active' },
    ]);
    expect(accounts[0]?.connectionId).toBe(conn.ref?.requisitionId);
    expect(accounts.map((a) => a.id)).toEqual(h.sim.state.latestRequisition?.accounts);
    expect(await conn.holders()).toEqual([{ name: 'John Doe', address: 'Example Street 1, 1000 Example City', raw: expect.anything() }]);
  });

  it('lists booked then pending transactions, signed, with the date filter sent as date_from/date_to', async () => {
    const { conn } = await link(h);
    const [account] = await conn.accounts();
    const today = new Date(h.sim.state.now()).toISOString().slice(0, 10);
    const list = await all(conn.transactions(account?.id ?? '', { from: today }));
    expect(list.map((t) => [t.status, t.amount.amount, t.description, t.counterparty ?? null])).toEqual([
      ['booked', '-45.00', 'For the support of Restoration of the Republic foundation', 'MON MOTHMA'],
      ['pending', '-33.13', 'Card payment COFFEE BAR', null],
    ]);
    expect(list[0]).toMatchObject({ id: '2024042001', bookingDate: today, valueDate: today, accountId: account?.id });
    // A pending transaction without any id gets a stable one.
    const again = await all(conn.transactions(account?.id ?? '', { from: today }));
    expect(again[1]?.id).toBe(list[1]?.id);
    expect(list[1]?.id).toMatch(/^pending-[0-9a-f]{16}$/);
    const sent = h.sim.requests.filter((r) => r.endpoint === 'AccountTransactions').at(-1);
    expect(sent?.path).toBe(`/api/v2/accounts/${account?.id}/transactions/`);
    await expect(all(conn.transactions('someone-elses-account'))).rejects.toSatisfy(isValidationError);
  });

  it('reopens a stored link without the user, and deleting it deletes the requisition at GoCardless', async () => {
    const { conn } = await link(h);
    const ref = conn.ref;
    const stored = h.bank.connection('gocardless', ref ?? { requisitionId: 'x' });
    expect((await stored.accounts()).length).toBe(2);
    await stored.delete();
    expect(h.sim.state.requisitions.get(ref?.requisitionId ?? '')?.deleted).toBe(true);
    expect(h.sim.state.agreements.get(h.sim.state.latestRequisition?.agreement ?? '')?.deleted).toBe(true);
    const gone = h.bank.connection('gocardless', ref ?? { requisitionId: 'x' });
    const error = await gone.accounts().catch((e: unknown) => e);
    expect(isConnectionError(error) && error.reason).toBe('consent_expired');
  });

  it('resumes from a checkpoint in another Polybank with the callback, exchanging nothing twice', async () => {
    const signingKey = 'a-signing-key-of-32-bytes-length!';
    const first = h.newBank({ checkpoints: { signingKey } });
    const { conn, challenge, iterator } = await firstChallenge(h, {}, first);
    expect(challenge.type).toBe('redirect');
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    const callback = await completeAtBank((challenge as { url: string }).url);
    const second = h.newBank({ checkpoints: { signingKey } });
    const resumed = await second.resume(checkpoint, { callback });
    expect(resumed.status.status).toBe('active');
    expect((await resumed.accounts()).length).toBe(2);
    expect(h.sim.count('CreateRequisition')).toBe(1);
    expect(h.sim.count('CreateAgreement')).toBe(1);
  });

  it('checks the input against the institution before creating anything', async () => {
    const tooLong = await h.bank.connect('gocardless', input({ maxHistoricalDays: 91 })).authenticate().next().catch((e: unknown) => e);
    expect(isValidationError(tooLong) && tooLong.issues).toEqual([{ path: 'maxHistoricalDays', message: 'SANDBOXFINANCE_SFIN0000 gives at most 90 days of history' }]);
    const selection = await h.bank.connect('gocardless', input({ institutionId: 'AMERICAN_EXPRESS_AESUDEF1', accountSelection: true })).authenticate().next().catch((e: unknown) => e);
    expect(isValidationError(selection) && selection.issues[0]?.path).toBe('accountSelection');
    const unknown = await h.bank.connect('gocardless', input({ institutionId: 'NO_SUCH_BANK' })).authenticate().next().catch((e: unknown) => e);
    expect(isValidationError(unknown) && unknown.issues[0]?.path).toBe('institutionId');
    // Typed before anything is sent at all.
    expect(() => h.bank.connect('gocardless', { ...input(), redirectUri: 'javascript:alert(1)' })).toThrow(/redirectUri/);
    expect(h.sim.count('CreateAgreement')).toBe(0);
  });

  it('asks for the longest history and access a bank allows when told to, and names the scope it got', async () => {
    const { conn } = await link(h, 'approve', { institutionId: 'REVOLUT_REVOLT21', maxHistoricalDays: 730, accessValidForDays: 180, accessScope: ['balances', 'transactions'] });
    const agreement = h.sim.state.agreements.get(h.sim.state.latestRequisition?.agreement ?? '');
    expect(agreement).toMatchObject({ max_historical_days: 730, access_valid_for_days: 180, access_scope: ['balances', 'transactions'] });
    // Without details, the account's currency and name come from the balances and the IBAN.
    const [account] = await conn.accounts();
    expect(account).toMatchObject({ currency: 'EUR', iban: 'LT121000011101001000', name: 'Account 1000', balances: { current: { amount: '-12.40' }, available: { amount: '87.60' } } });
    expect(h.sim.count('AccountDetails')).toBe(0);
    await expect(conn.holders()).rejects.toThrow(/details/);
  });

  it('shares one token request between concurrent links; a caller that gives up does not fail the others', async () => {
    const bank = h.newBank();
    await Promise.all([link(h, 'approve', {}, bank), link(h, 'approve', {}, bank), link(h, 'approve', {}, bank)]);
    expect(h.sim.count('TokenNew')).toBe(1);

    const other = h.newBank();
    h.sim.inject({ endpoint: 'TokenNew', kind: 'latency', ms: 300 });
    const quitter = new AbortController();
    const first = other.connect('gocardless', input()).authenticate({ signal: quitter.signal }).next();
    const second = link(h, 'approve', {}, other);
    setTimeout(() => quitter.abort(), 50);
    await expect(first).rejects.toThrow(/abort/i);
    expect((await second).conn.status.status).toBe('active');
    expect(h.sim.count('TokenNew')).toBe(3);
  });

  it('creates no agreement that outlives a failed requisition', async () => {
    h.sim.inject({ endpoint: 'CreateRequisition', kind: 'status', status: 400, body: JSON.stringify({ redirect: [{ summary: 'Invalid redirect URI', detail: 'Redirect URI must have a valid URI structure' }], status_code: 400 }) });
    const error = await h.bank.connect('gocardless', input()).authenticate().next().catch((e: unknown) => e);
    expect(isValidationError(error) && error.issues).toEqual([{ path: 'redirectUri', message: 'Invalid redirect URI: Redirect URI must have a valid URI structure' }]);
    expect([...h.sim.state.agreements.values()].map((a) => a.deleted)).toEqual([true]);
  });
});
