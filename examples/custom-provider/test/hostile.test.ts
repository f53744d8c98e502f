/**
 * Malformed and hostile answers: each becomes a typed polybank error naming the endpoint
 * (and the field, where there is one), never a TypeError, a RangeError or partial data.
 */
import { isConnectionError, isPolybankError, isProviderResponseError, type PolybankError } from 'polybank';
import type { FaultSpec } from 'polybank/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { harness, link, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

type Body = Record<string, unknown>;
const mutate = (endpoint: string, change: (body: Body) => unknown): FaultSpec => ({ endpoint, kind: 'mutate', mutate: (body) => change(body as Body) });
const balances = (first: Body): ((body: Body) => unknown) => () => ({ balances: [first] });
const transaction = (item: unknown): ((body: Body) => unknown) => () => ({ transactions: { booked: [item], pending: [] } });

async function caught(run: () => Promise<unknown>): Promise<PolybankError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPolybankError(error)) throw new Error(`expected a PolybankError, got ${String(error)} ${(error as Error)?.stack ?? ''}`);
  return error;
}

async function accountsWith(fault: FaultSpec): Promise<PolybankError> {
  const { conn } = await link(h);
  h.sim.inject(fault);
  return caught(() => conn.accounts());
}

async function transactionsWith(fault: FaultSpec): Promise<PolybankError> {
  const { conn } = await link(h);
  const [account] = await conn.accounts();
  h.sim.inject(fault);
  return caught(async () => {
    for await (const _ of conn.transactions(account?.id ?? '')) void _;
  });
}

describe('malformed answers while linking', () => {
  it.each<[string, FaultSpec, string, string]>([
    ['a token answer without access', mutate('TokenNew', (b) => ({ ...b, access: undefined })), 'TokenNew', 'access'],
    ['a token answer that is not JSON', { endpoint: 'TokenNew', kind: 'garbage' }, 'TokenNew', ''],
    ['a truncated institution', { endpoint: 'Institution', kind: 'truncate' }, 'Institution', ''],
    ['a bank link to javascript:', mutate('CreateRequisition', (b) => ({ ...b, link: 'javascript:alert(document.cookie)' })), 'CreateRequisition', 'link'],
    ['a requisition id that climbs the path', mutate('CreateRequisition', (b) => ({ ...b, id: '../token/new' })), 'CreateRequisition', 'id'],
    ['an agreement id that is a number', mutate('CreateAgreement', (b) => ({ ...b, id: 42 })), 'CreateAgreement', 'id'],
  ])('%s: ProviderResponseError at %s', async (_name, fault, endpoint, field) => {
    h.sim.inject(fault);
    const error = await caught(() => link(h));
    expect(isProviderResponseError(error)).toBe(true);
    expect(error.endpoint).toBe(endpoint);
    if (isProviderResponseError(error)) expect(error.field).toBe(field);
  });

  it.each<[string, (b: Body) => unknown, string]>([
    ['a status that is a number', (b) => ({ ...b, status: 7 }), 'status'],
    ['account ids that climb the path', (b) => ({ ...b, accounts: ['..'] }), 'accounts.0'],
    ['accounts that are not a list', (b) => ({ ...b, accounts: 'all of them' }), 'accounts'],
  ])('%s after the callback: ProviderResponseError at %s', async (_name, change, field) => {
    h.sim.inject(mutate('Requisition', change));
    const error = await caught(() => link(h));
    expect(isProviderResponseError(error) && [error.endpoint, error.field]).toEqual(['Requisition', field]);
  });

  it('a redirect from the API is never followed', async () => {
    h.sim.inject({ endpoint: 'Institution', kind: 'status', status: 302, headers: { location: 'https://evil.example/steal' }, body: '' });
    const error = await caught(() => link(h));
    expect(isProviderResponseError(error) && error.message).toMatch(/unexpected redirect/);
  });
});

describe('malformed account data', () => {
  it.each<[string, FaultSpec, string, string]>([
    ['an amount that is not a number', mutate('AccountBalances', balances({ balanceAmount: { amount: '12,34', currency: 'EUR' }, balanceType: 'closingBooked' })), 'AccountBalances', 'balances.0.balanceAmount.amount'],
    ['an amount beyond any exponent', mutate('AccountBalances', balances({ balanceAmount: { amount: '1e999', currency: 'EUR' }, balanceType: 'closingBooked' })), 'AccountBalances', 'balances.0.balanceAmount.amount'],
    ['an amount that is null', mutate('AccountBalances', balances({ balanceAmount: { amount: null, currency: 'EUR' }, balanceType: 'closingBooked' })), 'AccountBalances', 'balances.0.balanceAmount.amount'],
    ['balances that are not a list', mutate('AccountBalances', () => ({ balances: { closingBooked: '1.00' } })), 'AccountBalances', 'balances'],
    ['details without an account', mutate('AccountDetails', () => ({ account: null })), 'AccountDetails', 'account'],
    ['metadata that is a list', mutate('Account', () => [1, 2, 3]), 'Account', ''],
  ])('%s: ProviderResponseError at %s %s', async (_name, fault, endpoint, field) => {
    const error = await accountsWith(fault);
    expect(isProviderResponseError(error) && [error.endpoint, error.field]).toEqual([endpoint, field]);
  });

  it('a currency that is not ISO 4217 is refused, in details or in balances', async () => {
    const inDetails = await accountsWith(mutate('AccountDetails', (b) => ({ account: { ...(b.account as Body), currency: '€' } })));
    expect(isProviderResponseError(inDetails) && inDetails.field).toBe('0.currency');
    // Without the details scope the currency comes from the balances.
    const { conn } = await link(h, 'approve', { accessScope: ['balances'] });
    h.sim.inject(mutate('AccountBalances', balances({ balanceAmount: { amount: '1.00', currency: 'euros' }, balanceType: 'closingBooked' })));
    const inBalances = await caught(() => conn.accounts());
    expect(isProviderResponseError(inBalances) && [inBalances.endpoint, inBalances.field]).toEqual(['AccountBalances', 'balances.0.balanceAmount.amount']);
  });

  it('a balance in another currency than its account is left out (multi-currency accounts), not mixed in', async () => {
    const { conn } = await link(h);
    h.sim.inject({ ...mutate('AccountBalances', balances({ balanceAmount: { amount: '9.99', currency: 'USD' }, balanceType: 'closingBooked' })), times: 2 });
    expect((await conn.accounts()).map((a) => a.balances)).toEqual([{}, {}]);
  });

  it('balances of types nobody uses for current or available leave those out, and nothing else', async () => {
    const { conn } = await link(h);
    h.sim.inject({ ...mutate('AccountBalances', balances({ balanceAmount: { amount: '5.00', currency: 'EUR' }, balanceType: 'somethingNew' })), times: 2 });
    const accounts = await conn.accounts();
    expect(accounts.map((a) => a.balances)).toEqual([{}, {}]);
  });

  it.each<[string, unknown, string]>([
    ['without an amount', { transactionId: 'x', bookingDate: '2024-01-01' }, 'transactions.booked.0.transactionAmount'],
    ['with an amount as an object', { transactionAmount: { amount: { value: 1 }, currency: 'EUR' } }, 'transactions.booked.0.transactionAmount.amount'],
    ['with a NaN amount', { transactionAmount: { amount: 'NaN', currency: 'EUR' } }, 'transactions.booked.0.transactionAmount.amount'],
  ])('a transaction %s: ProviderResponseError at %s', async (_name, item, field) => {
    const error = await transactionsWith(mutate('AccountTransactions', transaction(item)));
    expect(isProviderResponseError(error) && [error.endpoint, error.field]).toEqual(['AccountTransactions', field]);
  });

  it('dates that are not dates are left out; the transaction stays', async () => {
    const { conn } = await link(h);
    const [account] = await conn.accounts();
    h.sim.inject(mutate('AccountTransactions', transaction({ transactionAmount: { amount: '-1.5', currency: 'eur' }, bookingDate: 'date', valueDate: '2024-02-30', valueDateTime: 'yesterday' })));
    const list = [];
    for await (const t of conn.transactions(account?.id ?? '')) list.push(t);
    expect(list).toEqual([expect.objectContaining({ amount: { amount: '-1.50', currency: 'EUR' }, description: '', status: 'booked' })]);
    expect(list[0]).not.toHaveProperty('bookingDate');
    expect(list[0]).not.toHaveProperty('valueDate');
  });
});

describe('error answers', () => {
  it.each<[string, FaultSpec, string]>([
    ['an HTML 502 from a load balancer', { endpoint: 'AccountDetails', kind: 'html', status: 502, times: Infinity }, 'provider_unavailable'],
    ['UnknownRequestError (500)', { endpoint: 'AccountDetails', kind: 'status', status: 500, times: Infinity, body: JSON.stringify({ summary: "Couldn't update account details", detail: 'Request to Institution returned an error', type: 'UnknownRequestError', status_code: 500 }) }, 'provider_unavailable'],
    ['ConnectionError (503)', { endpoint: 'AccountDetails', kind: 'status', status: 503, times: Infinity, body: JSON.stringify({ summary: "Couldn't update account details", detail: "Couldn't connect to Institution", type: 'ConnectionError', status_code: 503 }) }, 'provider_unavailable'],
    ['AccountStateError: the account itself as the body (409)', { endpoint: 'AccountDetails', kind: 'status', status: 409, body: JSON.stringify({ id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', status: 'ERROR' }) }, 'provider_unavailable'],
    ['AccountInactiveError (401)', { endpoint: 'AccountDetails', kind: 'status', status: 401, body: JSON.stringify({ summary: "Couldn't update account details", detail: 'Account has been deactivated or it no longer exists.', type: 'AccountInactiveError', status_code: 401 }) }, 'action_needed'],
    ['FailedAuthentication (401)', { endpoint: 'AccountDetails', kind: 'status', status: 401, body: JSON.stringify({ summary: "Couldn't update account details", detail: 'SSN Verification has failed', type: 'FailedAuthentication', status_code: 401 }) }, 'auth_rejected'],
    ['a summary and detail as lists', { endpoint: 'AccountDetails', kind: 'status', status: 409, body: JSON.stringify({ summary: ['Account suspended'], detail: ['suspended', 'for good'], status_code: 409 }) }, 'consent_expired'],
    ['an envelope of the wrong types', { endpoint: 'AccountDetails', kind: 'status', status: 503, times: Infinity, body: JSON.stringify({ summary: { a: 1 }, detail: 12, type: 'not a code!', status_code: '503' }) }, 'provider_unavailable'],
  ])('%s: %s', async (_name, fault, reason) => {
    const bank = h.newBank({ retry: 0 });
    const { conn } = await link(h, 'approve', {}, bank);
    h.sim.inject(fault);
    const error = await caught(() => conn.accounts());
    expect(isConnectionError(error) && error.reason).toBe(reason);
    expect(error.endpoint).toBe('AccountDetails');
  });

  it('a 400 whose fields are of no known shape is a ProviderResponseError naming the status', async () => {
    h.sim.inject({ endpoint: 'CreateAgreement', kind: 'status', status: 400, body: JSON.stringify({ max_historical_days: 5, status_code: 400 }) });
    const error = await caught(() => link(h));
    expect(isProviderResponseError(error) && error.message).toContain('unexpected HTTP 400');
  });

  it('a wrong user secret is a ConfigurationError, an IP not allowed too', async () => {
    const wrong = h.newBank({}, { secretKey: 'not-the-key-at-all' });
    expect((await caught(() => link(h, 'approve', {}, wrong))).kind).toBe('ConfigurationError');
    h.sim.inject({ endpoint: 'Institution', kind: 'status', status: 403, body: JSON.stringify({ summary: 'IP address access denied', detail: "Your IP 10.0.0.1 isn't whitelisted to perform this action", status_code: 403 }) });
    const ip = await caught(() => link(h));
    expect([ip.kind, ip.message]).toEqual(['ConfigurationError', expect.stringContaining('10.0.0.1')]);
  });

  it('quota headers of absurd values: a bounded retryAfter or none, never an Invalid Date', async () => {
    for (const [headers, bounded] of [
      [{ 'X-RateLimit-Account-Success-Remaining': '0', 'X-RateLimit-Account-Success-Reset': '99999999999999999999' }, true],
      [{ 'X-RateLimit-Account-Success-Remaining': '0', 'X-RateLimit-Account-Success-Reset': 'soon' }, false],
      [{ 'X-RateLimit-Remaining': '-1', 'X-RateLimit-Reset': '-50' }, false],
    ] as const) {
      const bank = h.newBank({ retry: 0 });
      const { conn } = await link(h, 'approve', {}, bank);
      h.sim.inject({ endpoint: 'AccountBalances', kind: 'status', status: 429, headers, body: JSON.stringify({ summary: "Couldn't update account balances", detail: 'Daily request limit set by the Institution has been exceeded.', type: 'RateLimitError', status_code: 429 }) });
      const error = await caught(() => conn.accounts());
      expect(isConnectionError(error) && error.reason).toBe('rate_limited');
      if (bounded) expect(error.retryAfter?.getTime()).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
      else expect(error.retryAfter).toBeUndefined();
      expect(() => JSON.stringify(error)).not.toThrow();
    }
  });
});
