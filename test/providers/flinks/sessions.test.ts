/**
 * Data on one session (issue #14, item 3). Flinks keys a 202's result by RequestId alone:
 * the simulator plays it (a later request on that RequestId gets the first one's result),
 * so an adapter that asks one RequestId twice with other flags gets wrong data back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderResponseError } from '../../../src/index.js';
import { bodies, failure, link, startFlinks, type FlinksRig } from './support.js';

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

const CHEQUING = 'ae1dac72-70da-4626-fed8-08d682e1ff4a';
const GREATDAY = '5e115eac-1209-4f19-641c-08d6d484e2fe';

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('one RequestId serves one data request', () => {
  it('the simulator plays Flinks: after a 202, a request with other flags on that RequestId gets the first result', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    const requestId = (rig.sim.state.exchanges.find((e) => e.endpoint === 'Authorize' && e.status === 200)?.response as { RequestId: string }).RequestId;
    const post = (body: unknown) =>
      fetch(`${rig.sim.baseUrl}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/GetAccountsDetail`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'apikey-CANARY-9a8b7c' },
        body: JSON.stringify(body),
      });
    expect((await post({ RequestId: requestId, WithBalance: false, WithTransactions: false })).status).toBe(202);
    await fetch(`${rig.sim.baseUrl}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/GetAccountsDetailAsync/${requestId}`, { headers: { 'x-api-key': 'apikey-CANARY-9a8b7c' } });
    const second = await post({ RequestId: requestId, WithBalance: true, WithTransactions: true });
    const body = (await second.json()) as { Accounts: Array<{ Balance: { Current: unknown }; Transactions: unknown[] }> };
    expect(second.status).toBe(200);
    expect(body.Accounts[0]).toMatchObject({ Balance: { Current: null }, Transactions: [] });
    void conn;
  });

  it('accounts() then transactions() then holders() after a 202: everything there, from one GetAccountsDetail', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    const accounts = await conn.accounts();
    expect(accounts.find((a) => a.id === CHEQUING)?.balances.current).toEqual({ amount: '49993.96', currency: 'CAD' });
    const transactions = await all(conn.transactions(CHEQUING));
    expect(transactions.map((t) => t.amount.amount)).toEqual(['1500.25', '-150.10', '0.20']);
    expect((await conn.holders()).map((h) => h.name)).toEqual(['John Flinkyfoot']);
    // One session, one request: no second flag set ever reached this RequestId.
    expect(rig.sim.count('GetAccountsDetail')).toBe(1);
    expect(rig.sim.count('Authorize')).toBe(2);
  });

  it('transactions() first, then accounts(): the accounts keep their balances', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    expect(await all(conn.transactions(CHEQUING))).toHaveLength(3);
    const accounts = await conn.accounts();
    expect(accounts.map((a) => a.balances.current?.amount)).toEqual(['49993.96', '158121.10', '-500.30', '0.30', '-245310.55']);
    const asked = bodies(rig.sim, 'GetAccountsDetail') as Array<Record<string, unknown>>;
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ WithBalance: true, WithTransactions: true, WithKYC: true, WithAccountIdentity: true });
  });

  it('a longer history than the session asked for opens a new session, never re-asks the old RequestId', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    await conn.accounts();
    const old = await all(conn.transactions(CHEQUING, { from: '2020-01-01' }));
    expect(old).toHaveLength(3);
    const asked = bodies(rig.sim, 'GetAccountsDetail') as Array<{ RequestId: string; DaysOfTransactions: string }>;
    expect(asked.map((b) => b.DaysOfTransactions)).toEqual(['Days90', 'Days365']);
    expect(new Set(asked.map((b) => b.RequestId)).size).toBe(2);
    // The new session is a cached-mode /Authorize on the LoginId: no user, no MFA.
    expect(bodies(rig.sim).at(-1)).toEqual({ LoginId: conn.ref?.loginId, MostRecentCached: true });
    // A year of history also answers the last 90 days: no third request.
    expect(await all(conn.transactions(CHEQUING))).toHaveLength(3);
    expect(rig.sim.count('GetAccountsDetail')).toBe(2);
  });

  it('the summary and the detail never share a RequestId', async () => {
    const conn = rig.bank({ flinks: { accounts: 'summary' } }).connection('flinks', { loginId: GREATDAY });
    expect(await conn.accounts()).toHaveLength(5);
    expect(await all(conn.transactions(CHEQUING))).toHaveLength(3);
    const summary = bodies(rig.sim, 'GetAccountsSummary') as Array<{ RequestId: string }>;
    const detail = bodies(rig.sim, 'GetAccountsDetail') as Array<{ RequestId: string }>;
    expect(summary[0]?.RequestId).not.toBe(detail[0]?.RequestId);
  });

  it('a stored session is reused while it lives: accounts() twice is one session and one request', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    await conn.accounts();
    await conn.accounts();
    expect(rig.sim.count('Authorize')).toBe(1);
    expect(rig.sim.count('GetAccountsDetail')).toBe(1);
  });

  it('a session older than 8 minutes (by our clock) is renewed in cached mode, never reported expired', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset, sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
    const { conn } = await link(rig.bank({ clock }), 'FlinksCapital', 'Greatday');
    await conn.accounts();
    offset += 9 * 60_000;
    rig.sim.state.clockOffsetMs += 9 * 60_000;
    expect(await conn.accounts()).toHaveLength(5);
    expect(conn.status.status).toBe('active');
    expect(bodies(rig.sim).at(-1)).toEqual({ LoginId: conn.ref?.loginId, MostRecentCached: true });
    const asked = bodies(rig.sim, 'GetAccountsDetail') as Array<{ RequestId: string }>;
    expect(new Set(asked.map((b) => b.RequestId)).size).toBe(2);
  });

  it('a result that lacks what was asked is asked again on a new session, then refused with a typed error', async () => {
    const noBalances = (b: unknown) => {
      const body = b as { Accounts: Array<{ Balance: Record<string, null> }> };
      for (const account of body.Accounts) account.Balance = { Available: null, Current: null, Limit: null };
      return body;
    };
    rig.sim.inject({ endpoint: 'GetAccountsDetail', kind: 'mutate', mutate: noBalances });
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    const accounts = await conn.accounts();
    expect(accounts[0]?.balances.current?.amount).toBe('49993.96');
    expect(rig.sim.count('Authorize')).toBe(2);
    const asked = bodies(rig.sim, 'GetAccountsDetail') as Array<{ RequestId: string }>;
    expect(asked[0]?.RequestId).not.toBe(asked[1]?.RequestId);

    rig.sim.reset();
    rig.sim.inject({ endpoint: 'GetAccountsDetail', kind: 'mutate', mutate: noBalances, times: 2 });
    const error = await failure(() => rig.bank().connection('flinks', { loginId: GREATDAY }).accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ endpoint: 'GetAccountsDetail', field: 'Accounts.Balance' });
    expect(String(error.message)).toMatch(/without the balances that were asked/);
  });
});
