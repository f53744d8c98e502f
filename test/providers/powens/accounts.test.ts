import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProviderResponseError, isValidationError, type Logger, type Transaction } from '../../../src/index.js';
import { sqlTime } from '../../../src/testing/powens/state.js';
import { TEST_TRANSACTIONS } from '../../../src/testing/powens/fixtures.js';
import { POWENS_TEST_CONNECTOR, drive, fields, startPowens, type PowensHarness } from './helpers.js';

const harnesses: PowensHarness[] = [];
async function harness(options: Parameters<typeof startPowens>[0] = {}): Promise<PowensHarness> {
  const h = await startPowens(options);
  harnesses.push(h);
  return h;
}
afterEach(() => {
  for (const h of harnesses) h.sim.reset();
});
afterAll(async () => {
  for (const h of harnesses) await h.server.close();
});

let main: PowensHarness;
beforeAll(async () => {
  main = await harness();
});

async function linked(h: PowensHarness, scenario = 'par', options: Parameters<PowensHarness['bank']>[0] = {}) {
  const conn = h.bank(options).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn);
  return conn;
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Transactions of the recorded page with any amount (7 of the recorded ones have none). */
const WITH_AMOUNT = TEST_TRANSACTIONS.filter((t) => t.value !== null || t.original_value !== null);

describe('accounts', () => {
  it('lists every account with ?all (new ones are disabled), normalized with exact money', async () => {
    const conn = await linked(main);
    const accounts = await conn.accounts();
    expect(main.sim.received('ListAccounts')[0]?.query).toEqual({ all: '' });
    expect(accounts.map((a) => [a.name, a.type, a.currency, a.balances.current?.amount, a.balances.available?.amount])).toEqual([
      ['Compte chèque', 'checking', 'EUR', '7764.38', '7675.55'],
      ['Compte chèque USD', 'checking', 'USD', '8293.52', '8188.70'],
      ['Compte carte débit différé', 'card', 'EUR', '0.00', '-88.83'],
      ['Livret A', 'savings', 'EUR', '10822.20', '10733.37'],
      ['Assurance Vie', 'investment', 'EUR', '139013.25', '139013.25'],
      ['Comptes titres', 'investment', 'EUR', '270614.83', '270614.83'],
      ["Plan d'épargne entreprise", 'investment', 'EUR', '53082.90', '53082.90'],
      ['Crédit Immobilier', 'loan', 'EUR', '-4395.78', '-4395.78'],
      ['Compte PERCO', 'investment', 'EUR', '312291.45', '312291.45'],
    ]);
    const [checking] = accounts;
    expect(checking).toMatchObject({ provider: 'powens', connectionId: String(conn.ref?.connectionId), iban: 'EX6713335395899300290000026', number: '3002900000' });
    // Disabled accounts are listed; their state is in the provider's object.
    expect((checking?.raw as { disabled: string | null }).disabled).toMatch(/^\d{4}-\d{2}-\d{2} /);
    expect(checking?.status).toBe('disabled');
  });

  it("uses the currency's own precision; coming without coming_balance is added exactly; deleted accounts are left out", async () => {
    const conn = await linked(main);
    const [first, second, third] = [...main.sim.state.accounts.values()];
    Object.assign(first as object, { currency: { id: 'BHD', symbol: 'BD', precision: 3, name: 'Dinar' }, balance: 0.1 + 0.2, coming: null, coming_balance: null });
    Object.assign(second as object, { currency: { id: 'EUR', precision: 2 }, balance: 100.1, coming: -0.2, coming_balance: undefined });
    Object.assign(third as object, { deleted: sqlTime(Date.now()) });
    const accounts = await conn.accounts();
    expect(accounts).toHaveLength(8);
    expect(accounts[0]?.balances).toEqual({ current: { amount: '0.300', currency: 'BHD' } });
    expect(accounts[1]?.balances).toEqual({ current: { amount: '100.10', currency: 'EUR' }, available: { amount: '99.90', currency: 'EUR' } });
  });

  it('an account without a currency is left out with a warning; a malformed balance is a ProviderResponseError naming it', async () => {
    const warnings: string[] = [];
    const logger: Logger = { warn: (fields, message) => warnings.push(`${message} ${JSON.stringify(fields)}`) };
    const conn = await linked(main, 'par', { logger });
    const [first] = [...main.sim.state.accounts.values()];
    Object.assign(first as object, { currency: null });
    expect(await conn.accounts()).toHaveLength(8);
    expect(warnings.join('\n')).toMatch(/account without a currency left out/);

    main.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { accounts: Array<Record<string, unknown>> };
        (b.accounts[1] as Record<string, unknown>).balance = 'lots';
        return b;
      },
    });
    const error = await conn.accounts().catch((e: unknown) => e);
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ endpoint: 'ListAccounts', field: 'accounts.1.balance' });
  });

  it('noAccount (400) is an empty list, not an error', async () => {
    const conn = await linked(main);
    main.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 400, body: JSON.stringify({ code: 'noAccount', description: 'No account' }) });
    expect(await conn.accounts()).toEqual([]);
  });
});

describe('transactions', () => {
  it('pages through _links.next (opaque cursor) with exact signed amounts', async () => {
    const h = await harness({ newAccountsDisabled: false, maxPageSize: 10 });
    const conn = await linked(h);
    const [checking] = await conn.accounts();
    const txs: Transaction[] = await all(conn.transactions(checking?.id as string));
    const requests = h.sim.received('ListTransactions');
    expect(requests).toHaveLength(3);
    expect(requests[0]?.query).toEqual({ limit: '1000' });
    expect(requests[1]?.query.cursor).toBeDefined();
    expect(txs).toHaveLength(WITH_AMOUNT.length);
    expect(txs[0]).toMatchObject({ provider: 'powens', accountId: checking?.id, amount: { amount: '-196.38', currency: 'EUR' }, status: 'booked', bookingDate: '2021-04-14', description: 'CHEQUE N°0908447' });
    expect(txs.find((t) => t.description === 'VIREMENT SALAIRE' || t.description === 'SALAIRE')?.amount).toEqual({ amount: '740.59', currency: 'EUR' });
    // value null: the original amount in its own currency.
    expect(txs.filter((t) => t.amount.currency === 'USD').map((t) => t.amount.amount)).toEqual(['-12.12']);
  });

  it('from/to become min_date/max_date', async () => {
    const h = await harness({ newAccountsDisabled: false });
    const conn = await linked(h);
    const [checking] = await conn.accounts();
    const txs = await all(conn.transactions(checking?.id as string, { from: '2021-03-01', to: '2021-03-31' }));
    expect(h.sim.received('ListTransactions')[0]?.query).toEqual({ limit: '1000', min_date: '2021-03-01', max_date: '2021-03-31' });
    expect(txs.length).toBeGreaterThan(0);
    for (const tx of txs) expect((tx.raw as { application_date: string }).application_date.startsWith('2021-03')).toBe(true);
  });

  it('the 2021 answer (no _links, a total) is paged by offset', async () => {
    const h = await harness({ newAccountsDisabled: false, legacyTransactions: true, maxPageSize: 10 });
    const conn = await linked(h);
    const [checking] = await conn.accounts();
    const txs = await all(conn.transactions(checking?.id as string));
    expect(h.sim.received('ListTransactions').map((r) => r.query.offset)).toEqual([undefined, '10', '20']);
    expect(txs).toHaveLength(WITH_AMOUNT.length);
  });

  it('a disabled account has no transactions (Powens does not sync it)', async () => {
    const conn = await linked(main);
    const [checking] = await conn.accounts();
    expect(await all(conn.transactions(checking?.id as string))).toEqual([]);
    main.sim.setAccountsDisabled(conn.ref?.connectionId as number, false);
    expect((await all(conn.transactions(checking?.id as string))).length).toBe(WITH_AMOUNT.length);
  });

  it("another connection's account or an unknown one → ValidationError", async () => {
    const conn = await linked(main);
    const ref = conn.ref as { connectionId: number; userId: number };
    // A second connection of the same Powens user.
    const other = main.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...fields('pro'), login: 'second' }, user: { id: ref.userId } });
    await drive(other);
    const [foreign] = await other.accounts();
    const error = await all(conn.transactions(foreign?.id as string)).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/does not belong to connection/);
    const unknown = await all(conn.transactions('999999')).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ kind: 'ValidationError', status: 404 });
    await expect(all(conn.transactions('not-an-id'))).rejects.toThrow(/accountId/);
  });

  it('a next link to another origin is refused: the user token never leaves the API', async () => {
    const h = await harness({ newAccountsDisabled: false, maxPageSize: 5 });
    const conn = await linked(h);
    const [checking] = await conn.accounts();
    h.sim.inject({
      endpoint: 'ListTransactions',
      kind: 'mutate',
      mutate: (body) => ({ ...(body as object), _links: { next: { href: 'https://attacker.example/2.0/users/me/transactions?cursor=x' } } }),
    });
    const error = await all(conn.transactions(checking?.id as string)).catch((e: unknown) => e);
    // The core's one pagination rule (never followed, never rewritten): the field is the page's `next`.
    expect(error).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'ListTransactions', field: 'next' });
    expect(String((error as Error).message)).toMatch(/another origin \(https:\/\/attacker\.example\)/);
    expect(h.sim.count('ListTransactions')).toBe(1);
  });
});

describe('remove and refresh', () => {
  it.each([200, 204] as const)('remove → DELETE /users/me/connections/{id} (answered %i)', async (status) => {
    main.sim.state.options.deleteStatus = status;
    const conn = await linked(main);
    const id = conn.ref?.connectionId as number;
    await conn.delete();
    expect(main.sim.received('DeleteConnection')[0]?.path).toBe(`/2.0/users/me/connections/${id}`);
    expect(main.sim.state.connections.has(id)).toBe(false);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });

  it('remove of a stored connection already gone is not an error', async () => {
    const conn = await linked(main);
    const ref = conn.ref as { connectionId: number; userId: number };
    const stored = main.bank().connection('powens', ref);
    await stored.accounts();
    main.sim.state.connections.delete(ref.connectionId);
    await expect(stored.delete()).resolves.toBeUndefined();
  });

  it('refresh → PUT ?psu_requested=false; an SCA it finds is sca_required, and never forced', async () => {
    const conn = await linked(main);
    await conn.refresh();
    expect(main.sim.received('SyncConnection')[0]?.query).toEqual({ psu_requested: 'false' });

    const sca = await linked(main, 'SCARequiredAndOTP');
    await expect(sca.refresh()).rejects.toMatchObject({ reason: 'sca_required', providerCode: 'SCARequired' });
    const connection = main.sim.connection(sca.ref?.connectionId as number);
    expect([connection.state, connection.forcedSyncs, connection.otpSends]).toEqual(['SCARequired', 0, 0]);
  });
});
