import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderResponseError, isValidationError, type Connection, type Transaction } from '../../../src/index.js';
import type { FintectureProvider } from '../../../src/providers/fintecture/index.js';
import { PSU_IP, caught, drive, startFintecture, type Harness } from './support.js';

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

describe('accounts', () => {
  it('normalizes JSON:API accounts with balances (withBalances=true), exact and typed', async () => {
    const conn = await linked('handse');
    const [account] = await conn.accounts();
    expect(account).toMatchObject({
      provider: 'fintecture',
      name: 'Privatkonto',
      type: 'checking',
      iban: 'SE4550000000058398257466',
      currency: 'SEK',
      balances: { current: { amount: '25310.75', currency: 'SEK' } },
      raw: { type: 'accounts', attributes: { bic_swift: 'HANDSESS' } },
    });
    expect(account?.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the link-time read asks without balances; remaining_days 0 is consent_expired', async () => {
    h.sim.state.remainingDays = 0;
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    await expect(drive(conn)).rejects.toMatchObject({ reason: 'consent_expired', userAction: 'reconsent', providerCode: 'remaining_days_0' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'consent_expired' });
  });

  it('a consent that lapses later makes accounts() consent_expired', async () => {
    const conn = await linked();
    for (const customer of h.sim.state.customers.values()) customer.remainingDays = 0;
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'consent_expired' });
  });

  it('a malformed account is a ProviderResponseError naming the field', async () => {
    const conn = await linked();
    h.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        (body as { data: Array<{ attributes: Record<string, unknown> }> }).data[1]!.attributes.currency = 12;
        return body;
      },
    });
    const error = await caught(() => conn.accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ field: 'data.1.attributes.currency', endpoint: 'ListAccounts' });
  });

  it('a bad balance is named too, and garbage or HTML bodies are typed errors', async () => {
    const conn = await linked();
    h.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        (body as { data: Array<{ attributes: Record<string, unknown> }> }).data[0]!.attributes.balance = '12,5';
        return body;
      },
    });
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ProviderResponseError', field: 'data.0.attributes.balance' });
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'garbage' });
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ProviderResponseError', endpoint: 'ListAccounts' });
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'truncate' });
    await expect(conn.accounts()).rejects.toMatchObject({ kind: 'ProviderResponseError' });
    // An HTML 502 from a load balancer, after the retries: provider_unavailable.
    h.sim.inject({ endpoint: 'ListAccounts', kind: 'html', status: 502, times: 3 });
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'provider_unavailable', status: 502 });
    expect(h.sim.count('ListAccounts')).toBe(6);
  });
});

describe('transactions', () => {
  it('pages over absolute links.next, sending the date filters, with exact signed amounts', async () => {
    const conn = await linked();
    const [account] = await conn.accounts();
    h.sim.resetCounts();
    const rows = await all(conn.transactions(account?.id as string, { from: '2026-05-01', to: '2026-05-31' }));
    expect(h.sim.count('ListTransactions')).toBe(3);
    expect(rows.map((t) => t.amount.amount)).toEqual(['-42.10', '-19.99', '2450.00', '-850.00', '-0.30', '120.55', '-64.20']);
    expect(rows[0]).toMatchObject({ status: 'pending', bookingDate: '2026-05-20', valueDate: '2026-05-20', description: 'CB CARREFOUR 18/05', accountId: account?.id });
    expect(rows[1]?.status).toBe('booked');
  });

  it('filters by date on the server (filter[date_from] / filter[date_to])', async () => {
    const conn = await linked();
    const [account] = await conn.accounts();
    const rows = await all(conn.transactions(account?.id as string, { from: '2026-05-10', to: '2026-05-16' }));
    expect(rows.map((t) => t.bookingDate)).toEqual(['2026-05-16', '2026-05-14', '2026-05-11']);
  });

  it('follows relative next links too; a link to another origin is refused, never rewritten onto ours', async () => {
    h.sim.state.relativeNextLinks = true;
    const conn = await linked();
    const [account] = await conn.accounts();
    expect(await all(conn.transactions(account?.id as string))).toHaveLength(7);

    // A link to another host: the core's one rule for every provider: refused (the bearer token never follows it).
    h.sim.inject({
      endpoint: 'ListTransactions',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { links: { next?: string } };
        if (b.links.next) b.links.next = `https://evil.example${b.links.next}`;
        return b;
      },
    });
    h.sim.resetCounts();
    const error = await caught(() => all(conn.transactions(account?.id as string)));
    expect(error).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'ListTransactions', field: 'next', message: expect.stringContaining('another origin (https://evil.example)') });
    expect(h.sim.count('ListTransactions')).toBe(1);
    expect(conn.status.status).toBe('active');
  });

  it('a next link pointing back to a page already read is a ProviderResponseError, not a loop', async () => {
    const conn = await linked();
    const [account] = await conn.accounts();
    h.sim.inject({
      endpoint: 'ListTransactions',
      kind: 'mutate',
      times: Infinity,
      mutate: (body) => {
        const b = body as { links: { self: string; next?: string } };
        return { ...b, links: { next: `${h.sim.baseUrl}${b.links.self.split('?')[0]}?page=2` } };
      },
    });
    const error = await caught(() => all(conn.transactions(account?.id as string)));
    // The core's cycle guard names the link it refused.
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'next', message: expect.stringContaining('pagination cycle') });
  });

  it('an unknown account id is a ValidationError; the connection stays usable', async () => {
    const conn = await linked();
    const error = await caught(() => all(conn.transactions('not-an-account')));
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ providerCode: 'account_unknown', status: 400 });
    expect(conn.status.status).toBe('active');
    expect((await conn.accounts()).length).toBe(2);
  });
});

describe('holders and delete', () => {
  it('lists the account holders of the connection', async () => {
    const conn = await linked();
    expect(await conn.holders()).toEqual([{ name: 'Jeanne Martin', raw: expect.objectContaining({ type: 'accountholders' }) }]);
  });

  it('a bank without holders is UnsupportedError', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'cmcifrpp', model: 'redirect', redirectUri: 'https://app.example.com/cb' });
    for await (const c of conn.authenticate()) {
      if (c.type === 'redirect') {
        const res = await fetch(c.url, { redirect: 'manual' });
        c.answer({ callback: res.headers.get('location') as string });
      }
    }
    await expect(conn.holders()).rejects.toMatchObject({ kind: 'UnsupportedError', status: 501 });
  });

  it('delete removes the customer (200 customer_deleted) and ends the connection', async () => {
    const conn = await linked();
    const customerId = conn.ref?.customerId as string;
    await conn.delete();
    expect(h.sim.state.customers.get(customerId)?.deleted).toBe(true);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'cancelled' });
    // Its tokens are gone at the provider too.
    expect([...h.sim.state.tokens.values()].filter((t) => t.customerId === customerId).every((t) => t.revoked)).toBe(true);
  });

  it('a lost answer to DELETE is retried and the second answer (customer_unknown) counts as done', async () => {
    const conn = await linked();
    h.sim.inject({ endpoint: 'DeleteCustomer', kind: 'reset', when: 'after' });
    await conn.delete();
    expect(h.sim.count('DeleteCustomer')).toBe(2);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });
});
