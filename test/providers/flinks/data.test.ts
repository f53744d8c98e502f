import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_KEY, bodies, failure, link, startFlinks, type FlinksRig } from './support.js';

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

describe('accounts', () => {
  it('GetAccountsDetail normalized: account types, exact money, holder, numbers; transit and institution kept in raw', async () => {
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts.map(({ raw: _raw, ...a }) => a)).toEqual([
      {
        id: 'ae1dac72-70da-4626-fed8-08d682e1ff4a',
        provider: 'flinks',
        connectionId: GREATDAY,
        name: 'Chequing CAD',
        type: 'checking',
        number: '1111000',
        currency: 'CAD',
        balances: { current: { amount: '49993.96', currency: 'CAD' }, available: { amount: '6.04', currency: 'CAD' }, limit: { amount: '5000.00', currency: 'CAD' } },
        holder: 'John Flinkyfoot',
      },
      {
        id: '3f9c1a52-5b7d-4e08-8c8e-08d682e1ff4b',
        provider: 'flinks',
        connectionId: GREATDAY,
        name: 'High Interest Savings USD',
        type: 'savings',
        number: '1111001',
        currency: 'USD',
        balances: { current: { amount: '158121.10', currency: 'USD' }, available: { amount: '158121.10', currency: 'USD' } },
        holder: 'John Flinkyfoot',
      },
      {
        id: '9d1e7b44-2c3f-4a5b-9e6d-08d682e1ff4c',
        provider: 'flinks',
        connectionId: GREATDAY,
        name: 'Visa Infinite',
        type: 'card',
        number: '****4242',
        currency: 'CAD',
        // Flinks sends the 500.30 owed as a positive Current: from the holder's side it is owed, negative.
        // Available is the credit left to spend, and Limit a limit: both stay positive.
        balances: { current: { amount: '-500.30', currency: 'CAD' }, available: { amount: '4499.70', currency: 'CAD' }, limit: { amount: '5000.00', currency: 'CAD' } },
        holder: 'John Flinkyfoot',
      },
      {
        id: 'c0ffee00-1234-4abc-8def-08d682e1ff4d',
        provider: 'flinks',
        connectionId: GREATDAY,
        name: 'TFSA',
        type: 'investment',
        number: '1111002',
        currency: 'CAD',
        // 0.30000000000000004 on the wire.
        balances: { current: { amount: '0.30', currency: 'CAD' } },
        holder: 'John Flinkyfoot',
      },
      {
        id: '5a1e2b3c-4d5e-4f60-8172-08d682e1ff4e',
        provider: 'flinks',
        connectionId: GREATDAY,
        name: 'Mortgage 5-Year Fixed',
        type: 'loan',
        number: '1111003',
        currency: 'CAD',
        // The outstanding principal, positive at Flinks, is owed: negative.
        balances: { current: { amount: '-245310.55', currency: 'CAD' } },
        holder: 'John Flinkyfoot',
      },
    ]);
    expect(accounts[0]?.raw).toMatchObject({ TransitNumber: '77777', InstitutionNumber: '777', Category: 'Operations', Type: 'Chequing', OverdraftLimit: 0 });
    expect(rig.sim.state.exchanges.find((e) => e.endpoint === 'GetAccountsDetail')?.headers).toEqual({ 'x-api-key': API_KEY });
  });

  it('GetAccountsSummary when configured so', async () => {
    const accounts = await rig.bank({ flinks: { accounts: 'summary' } }).connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts.map((a) => [a.name, a.type, a.balances.current?.amount])).toEqual([
      ['Chequing CAD', 'checking', '49993.96'],
      ['High Interest Savings USD', 'savings', '158121.10'],
      ['Visa Infinite', 'card', '-500.30'],
      ['TFSA', 'investment', '0.30'],
      ['Mortgage 5-Year Fixed', 'loan', '-245310.55'],
    ]);
    const requestId = (rig.sim.state.exchanges[1]?.response as { RequestId: string }).RequestId;
    expect(bodies(rig.sim, 'GetAccountsSummary')).toEqual([{ RequestId: requestId, WithBalance: true, WithAccountIdentity: true }]);
    expect(rig.sim.count('GetAccountsDetail')).toBe(0);
  });

  for (const [username, code] of [
    ['test_pending', 'OPERATION_PENDING'],
    ['test_dispatched', 'OPERATION_DISPATCHED'],
  ] as const) {
    it(`${username}: a 202 ${code} is polled on GET /GetAccountsDetailAsync/{RequestId} at the configured interval`, async () => {
      rig.sim.state.asyncPollsUntilReady = 2;
      const { conn } = await link(rig.bank({ flinks: { asyncPollIntervalMs: 60 } }), 'FlinksCapital', username);
      const started = Date.now();
      const accounts = await conn.accounts();
      expect(accounts).toHaveLength(5);
      const polls = rig.sim.state.exchanges.filter((e) => e.endpoint === 'GetAccountsDetailAsync');
      expect(rig.sim.state.exchanges.find((e) => e.endpoint === 'GetAccountsDetail')).toMatchObject({ status: 202, response: { FlinksCode: code, HttpStatusCode: 202 } });
      expect(polls.map((p) => [p.method, p.status])).toEqual([
        ['GET', 202],
        ['GET', 202],
        ['GET', 200],
      ]);
      const requestId = (bodies(rig.sim, 'GetAccountsDetail')[0] as { RequestId: string }).RequestId;
      expect(polls[0]?.path).toMatch(new RegExp(`/BankingServices/GetAccountsDetailAsync/${requestId}$`));
      expect(polls.every((p) => p.headers['x-api-key'] === API_KEY)).toBe(true);
      // Three waits of at least the interval (jitter only lengthens).
      expect(Date.now() - started).toBeGreaterThanOrEqual(175);
    });
  }

  it('gives up after the configured limit with provider_unavailable', async () => {
    rig.sim.state.asyncPollsUntilReady = 10_000;
    const { conn } = await link(rig.bank({ flinks: { asyncPollIntervalMs: 40, asyncTimeoutMs: 250 } }), 'FlinksCapital', 'test_pending');
    const error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ reason: 'provider_unavailable', providerCode: 'OPERATION_PENDING', endpoint: 'GetAccountsDetailAsync', retryable: true });
    const polls = rig.sim.count('GetAccountsDetailAsync');
    expect(polls).toBeGreaterThanOrEqual(4);
    expect(polls).toBeLessThanOrEqual(7);
  });

  it('a data read is retried on a 5xx (idempotent), never the /Authorize', async () => {
    rig.sim.inject({ endpoint: 'GetAccountsDetail', kind: 'status', status: 503 });
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts).toHaveLength(5);
    expect(rig.sim.count('GetAccountsDetail')).toBe(2);
    expect(rig.sim.count('Authorize')).toBe(1);
  });
});

describe('transactions and holders', () => {
  it('transactions: signed exact amounts, one account, the history window Flinks offers', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    const list = [];
    for await (const t of conn.transactions('ae1dac72-70da-4626-fed8-08d682e1ff4a')) list.push(t);
    expect(list.map((t) => [t.bookingDate, t.amount.amount, t.description, t.status])).toEqual([
      ['2025-01-31', '1500.25', 'PAYROLL - Stripe Paycheck', 'booked'],
      ['2025-01-30', '-150.10', 'Credit Card Payment', 'booked'],
      // Debit 0.1 and Credit 0.3 on one line: netted exactly.
      ['2024-12-24', '0.20', 'Grocery store', 'booked'],
    ]);
    const requestId = (bodies(rig.sim, 'GetAccountsDetail')[0] as { RequestId: string }).RequestId;
    // One request per RequestId, with everything a session needs (issue #14, item 3).
    expect(bodies(rig.sim, 'GetAccountsDetail')).toEqual([
      { RequestId: requestId, WithAccountIdentity: true, WithKYC: true, WithTransactions: true, WithBalance: true, DaysOfTransactions: 'Days90' },
    ]);

    const old = [];
    for await (const t of rig.bank().connection('flinks', { loginId: GREATDAY }).transactions('ae1dac72-70da-4626-fed8-08d682e1ff4a', { from: '2020-01-01', to: '2025-01-30' })) old.push(t.bookingDate);
    expect(old).toEqual(['2025-01-30', '2024-12-24']);
    expect((bodies(rig.sim, 'GetAccountsDetail')[1] as { DaysOfTransactions: string }).DaysOfTransactions).toBe('Days365');
  });

  it('holders from the KYC data', async () => {
    const holders = await rig.bank().connection('flinks', { loginId: GREATDAY }).holders();
    expect(holders.map(({ raw: _raw, ...h }) => h)).toEqual([
      { name: 'John Flinkyfoot', address: '20 Park Avenue, Toronto, ON, M5J 2V5, CA', email: 'john.flinkyfoot@example.com', phone: '+1 514-555-0134' },
    ]);
  });
});

describe('conn.delete() → DELETE /DeleteCard/{loginId}', () => {
  it('deletes a stored link with the LoginId alone (no /Authorize first); the LoginId is then unknown', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    await conn.delete();
    expect(rig.sim.state.exchanges.map((e) => [e.method, e.endpoint, e.status])).toEqual([['DELETE', 'DeleteCard', 200]]);
    expect(rig.sim.state.exchanges[0]).toMatchObject({
      path: `/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/DeleteCard/${GREATDAY}`,
      headers: { 'x-api-key': API_KEY },
      response: { StatusCode: 200, Message: `All of the information about LoginId ${GREATDAY} has been removed` },
    });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    const error = await failure(() => rig.bank().connection('flinks', { loginId: GREATDAY }).accounts());
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN' });
  });

  it('deletes a link just made; an unknown LoginId is INVALID_LOGIN', async () => {
    const { conn } = await link(rig.bank(), 'TD', 'td_2step');
    await conn.delete();
    expect(rig.sim.state.logins.has(conn.ref?.loginId as string)).toBe(false);
    const error = await failure(() => rig.bank().connection('flinks', { loginId: conn.ref?.loginId as string }).delete());
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', endpoint: 'DeleteCard', status: 401 });
  });

  it('CARD_IN_USE while Flinks still processes the link', async () => {
    rig.sim.state.asyncPollsUntilReady = 10_000;
    const { conn } = await link(rig.bank({ flinks: { asyncPollIntervalMs: 20, asyncTimeoutMs: 60 } }), 'FlinksCapital', 'test_pending');
    await failure(() => conn.accounts());
    const error = await failure(() => rig.bank().connection('flinks', { loginId: conn.ref?.loginId as string }).delete());
    expect(error).toMatchObject({ reason: 'rate_limited', providerCode: 'CARD_IN_USE', status: 400 });
  });

  it('the 2018 plain-text bodies: removed, and "Invalid LoginId"', async () => {
    const legacy = await startFlinks({ legacyDeleteCard: true });
    try {
      await legacy.bank().connection('flinks', { loginId: GREATDAY }).delete();
      expect(legacy.sim.state.exchanges[0]?.response).toBe(`All of the information about LoginId ${GREATDAY} has been removed`);
      const error = await failure(() => legacy.bank().connection('flinks', { loginId: GREATDAY }).delete());
      expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', endpoint: 'DeleteCard' });
      // Also as a 200 with a JSON string, as some versions answered.
      legacy.sim.inject({ endpoint: 'DeleteCard', kind: 'status', status: 200, body: '"Invalid LoginId"' });
      expect(await failure(() => legacy.bank().connection('flinks', { loginId: GREATDAY }).delete())).toMatchObject({ providerCode: 'INVALID_LOGIN' });
    } finally {
      await legacy.server.close();
    }
  });
});
