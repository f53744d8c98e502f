import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidationError, type Connection, type Transaction } from '../../../src/index.js';
import type { FintectureProvider, FintectureRef } from '../../../src/providers/fintecture/index.js';
import { PSU_IP, caught, drive, startFintecture, type Harness } from './support.js';

/** The rest of Fintecture's AIS surface: banks, test accounts, one account, transaction filters, the poll's model. */
let h: Harness;
beforeAll(async () => {
  h = await startFintecture({ shapes: 'official' });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function linked(provider = 'agfbfr'): Promise<Connection<FintectureProvider>> {
  const conn = h.bank().connect('fintecture', { provider, psuId: 'approve-1', psuIpAddress: PSU_IP });
  await drive(conn);
  h.sim.resetCounts();
  return conn;
}

async function all(iterable: AsyncIterable<Transaction>): Promise<Transaction[]> {
  const out: Transaction[] = [];
  for await (const t of iterable) out.push(t);
  return out;
}

describe('banks (GET /res/v1/providers)', () => {
  it('lists the banks, filtered on the server, before any link', async () => {
    const conn = h.bank().connect('fintecture', { redirectUri: 'https://app.example.com/cb' });
    const banks = await conn.actions.providers({ country: 'FR', authModel: 'decoupled' });
    expect(banks.map((b) => b.id)).toEqual(['agfbfr', 'bnpafrpp']);
    expect(banks[0]).toMatchObject({ name: 'Crédit Agricole', country: 'FR', authModels: ['redirect', 'decoupled'], ais: ['accounts', 'transactions', 'accountholders'], psuTypes: ['retail', 'corporate'] });
    expect((await conn.actions.providers(undefined)).length).toBe(5);
    expect(h.sim.counts).toEqual({ ListProviders: 2 });
  });

  it('reads one bank; an unknown one is UnsupportedError; bad filters are refused before anything is sent', async () => {
    const conn = h.bank().connect('fintecture', { redirectUri: 'https://app.example.com/cb' });
    expect(await conn.actions.provider({ provider: 'handse' })).toMatchObject({ id: 'handse', name: 'Handelsbanken', authModels: ['decoupled'] });
    await expect(conn.actions.provider({ provider: 'nobank' })).rejects.toMatchObject({ kind: 'UnsupportedError', status: 404, endpoint: 'GetProvider' });
    h.sim.resetCounts();
    const bad = await caught(() => conn.actions.providers({ country: 'France', psuType: 'robot' } as never));
    expect(isValidationError(bad)).toBe(true);
    expect(String((bad as Error).message)).toMatch(/country: expected a two-letter country code.*psuType/);
    await expect(conn.actions.provider({ provider: '../oauth' })).rejects.toMatchObject({ kind: 'ValidationError' });
    expect(h.sim.requests).toHaveLength(0);
  });

  it("lists the sandbox's test accounts, of one bank", async () => {
    const conn = h.bank().connect('fintecture', { redirectUri: 'https://app.example.com/cb' });
    const accounts = await conn.actions.testAccounts({ provider: 'handse' });
    expect(accounts.map((a) => [a.id, a.provider])).toEqual([
      ['handse-approve', 'handse'],
      ['handse-refuse', 'handse'],
      ['handse-pending', 'handse'],
    ]);
    expect(accounts[1]?.raw).toMatchObject({ attributes: { psu_id: 'refuse-1', outcome: 'FAILED' } });
  });
});

describe('one account (GET …/accounts/{account_id})', () => {
  it('with its balance, or without (withBalances=false)', async () => {
    const conn = await linked('bnpafrpp');
    const [, card] = await conn.accounts();
    expect(await conn.actions.account({ accountId: card?.id as string })).toMatchObject({ id: card?.id, type: 'card', balances: { current: { amount: '-487.35' } } });
    expect((await conn.actions.account({ accountId: card?.id as string, withBalances: false })).balances).toEqual({});
    expect(h.sim.counts).toEqual({ ListAccounts: 1, GetAccount: 2 });
  });

  it('works on a stored reference, and an unknown id is a ValidationError', async () => {
    const ref = (await linked()).ref as FintectureRef;
    const [account] = await h.bank().connection('fintecture', ref).accounts();
    h.sim.resetCounts();
    const stored = h.bank().connection('fintecture', ref);
    expect(await stored.actions.account({ accountId: account?.id as string })).toMatchObject({ id: account?.id, iban: 'FR7630006000011234567890189' });
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['RefreshToken', 'GetAccount']);
    const error = await caught(() => stored.actions.account({ accountId: 'not-an-account' }));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'account_unknown', status: 400, endpoint: 'GetAccount' });
    await expect(stored.actions.account({ accountId: '' })).rejects.toMatchObject({ kind: 'ValidationError' });
  });

  it('a connection that is not linked yet has no account to read', async () => {
    const conn = h.bank().connect('fintecture', { redirectUri: 'https://app.example.com/cb' });
    await expect(conn.actions.account({ accountId: 'x' })).rejects.toMatchObject({ kind: 'ChallengeStateError' });
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('transaction filters', () => {
  it('without a start date asks for the whole history (filter[date_from]=max), else sends the dates', async () => {
    const conn = await linked();
    const [account] = await conn.accounts();
    expect(await all(conn.transactions(account?.id as string))).toHaveLength(7);
    expect(h.sim.state.transactionQueries[0]).toMatch(/^\?filter%5Bdate_from%5D=max$/);
    await all(conn.transactions(account?.id as string, { from: '2026-05-10', to: '2026-05-16' }));
    expect(decodeURIComponent(h.sim.state.transactionQueries.at(-1) as string)).toBe('?filter[date_from]=2026-05-10&filter[date_to]=2026-05-16');
  });

  it('refuses dates that are not YYYY-MM-DD days, or a range that ends before it starts, before anything is sent', async () => {
    const conn = await linked();
    const [account] = await conn.accounts();
    h.sim.resetCounts();
    for (const query of [{ from: 'yesterday' }, { to: '2026-02-30' }, { from: '2026-05-16', to: '2026-05-10' }]) {
      const error = await caught(() => all(conn.transactions(account?.id as string, query)));
      expect(isValidationError(error)).toBe(true);
    }
    expect(h.sim.requests).toHaveLength(0);
    expect(conn.status.status).toBe('active');
  });
});

describe('decoupled polls', () => {
  it('carry model=decoupled, as the Ruby SDK sends it', async () => {
    await linked();
    const session = [...h.sim.state.sessions.values()][0];
    expect(session?.polls).toBeGreaterThan(0);
    expect(session?.pollModel).toBe('decoupled');
  });
});
