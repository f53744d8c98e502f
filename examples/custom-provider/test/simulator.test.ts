/**
 * The simulator on a real socket, spoken to with plain fetch: it must play GoCardless as
 * RESEARCH.md documents it, or the adapter's tests prove nothing.
 */
import { startSimulatorServer, type SimulatorServer } from 'polybank/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeAtBank, gocardlessSimulator } from '../src/simulator/index.js';

const sim = gocardlessSimulator();
let server: SimulatorServer;
let access = '';

async function call(method: string, path: string, body?: unknown, token: string | null = access): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${sim.apiUrl}${path}`, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

async function linked(institution = 'SANDBOXFINANCE_SFIN0000', scope?: string[]): Promise<{ id: string; accounts: string[]; reference: string }> {
  const agreement = await call('POST', '/agreements/enduser/', { institution_id: institution, ...(scope ? { access_scope: scope } : {}) });
  const requisition = await call('POST', '/requisitions/', { redirect: 'https://app.example/cb', institution_id: institution, agreement: agreement.body.id, reference: crypto.randomUUID() });
  await completeAtBank(String(requisition.body.link));
  const read = await call('GET', `/requisitions/${String(requisition.body.id)}/`);
  return { id: String(read.body.id), accounts: read.body.accounts as string[], reference: String(read.body.reference) };
}

beforeAll(async () => {
  server = await startSimulatorServer(sim);
});
afterAll(() => server.close());
beforeEach(async () => {
  sim.reset();
  const token = await call('POST', '/token/new/', { secret_id: sim.state.secretId, secret_key: sim.state.secretKey }, null);
  access = String(token.body.access);
});

describe('the GoCardless simulator', () => {
  it('issues tokens for the user secret only, refreshes them, and refuses a missing or expired one', async () => {
    const wrong = await call('POST', '/token/new/', { secret_id: sim.state.secretId, secret_key: 'nope' }, null);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ summary: 'Authentication failed', detail: 'No active account found with the given credentials', status_code: 401 });
    const pair = await call('POST', '/token/new/', { secret_id: sim.state.secretId, secret_key: sim.state.secretKey }, null);
    expect(pair.body).toMatchObject({ access_expires: 86400, refresh_expires: 2592000 });
    const refreshed = await call('POST', '/token/refresh/', { refresh: pair.body.refresh }, null);
    expect(Object.keys(refreshed.body).sort()).toEqual(['access', 'access_expires']);
    expect((await call('GET', '/institutions/?country=LV', undefined, null)).status).toBe(401);
    sim.state.advance(86_401_000);
    const expired = await call('GET', '/institutions/SANDBOXFINANCE_SFIN0000/', undefined, String(refreshed.body.access));
    expect(expired.body).toEqual({ summary: 'Invalid token', detail: 'Token is invalid or expired', status_code: 401 });
  });

  it('lists institutions with days as strings, refuses a bad country, 404s an unknown one', async () => {
    const list = await call('GET', '/institutions/?country=LT');
    expect(list.body).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'REVOLUT_REVOLT21' })]));
    expect((await call('GET', '/institutions/SANDBOXFINANCE_SFIN0000/')).body).toMatchObject({ transaction_total_days: '90', max_access_valid_for_days: '90' });
    expect((await call('GET', '/institutions/?country=USA')).body).toMatchObject({ country: { summary: 'Invalid country choice.' }, status_code: 400 });
    expect((await call('GET', '/institutions/NOPE/')).status).toBe(404);
  });

  it('checks agreements against the institution, as documented field errors', async () => {
    const bad = await call('POST', '/agreements/enduser/', { institution_id: 'SANDBOXFINANCE_SFIN0000', max_historical_days: 91, access_valid_for_days: 0, access_scope: ['everything'] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body).sort()).toEqual(['access_scope', 'access_valid_for_days', 'max_historical_days', 'status_code']);
    const ok = await call('POST', '/agreements/enduser/', { institution_id: 'REVOLUT_REVOLT21', max_historical_days: 730, access_valid_for_days: 180 });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ accepted: null, access_scope: ['balances', 'details', 'transactions'] });
  });

  it('walks a requisition from CR to LN through the bank page and sends the user back with ?ref=', async () => {
    const created = await call('POST', '/requisitions/', { redirect: 'https://app.example/cb?tenant=7', institution_id: 'SANDBOXFINANCE_SFIN0000', reference: 'ref-123' });
    expect(created.body).toMatchObject({ status: 'CR', accounts: [], reference: 'ref-123' });
    const page = await fetch(String(created.body.link));
    expect(page.headers.get('content-type')).toContain('text/html');
    await page.text();
    expect(sim.state.latestRequisition?.status).toBe('GC');
    const callback = new URL(await completeAtBank(String(created.body.link)));
    expect(`${callback.origin}${callback.pathname}`).toBe('https://app.example/cb');
    expect(Object.fromEntries(callback.searchParams)).toEqual({ tenant: '7', ref: 'ref-123' });
    const read = await call('GET', `/requisitions/${String(created.body.id)}/`);
    expect(read.body.status).toBe('LN');
    expect(read.body.accounts).toHaveLength(2);
    const reused = new URL(await completeAtBank(String(created.body.link)));
    expect(reused.searchParams.get('error')).toBe('RequisitionLinkReused');
    const duplicate = await call('POST', '/requisitions/', { redirect: 'https://app.example/cb', institution_id: 'SANDBOXFINANCE_SFIN0000', reference: 'ref-123' });
    expect(duplicate.body).toMatchObject({ reference: { summary: 'Client Reference must be unique' } });
  });

  it('appends the authentication error to the callback, and answers statuses in the long form when asked', async () => {
    const created = await call('POST', '/requisitions/', { redirect: 'https://app.example/cb', institution_id: 'SANDBOXFINANCE_SFIN0000' });
    const callback = new URL(await completeAtBank(String(created.body.link), 'cancel'));
    expect(callback.searchParams.get('error')).toBe('UserCancelledSession');
    expect(callback.searchParams.get('details')).toBe('User cancelled the session.');
    sim.state.statusForm = 'long';
    expect((await call('GET', `/requisitions/${String(created.body.id)}/`)).body.status).toBe('UNDERGOING_AUTHENTICATION');
  });

  it('serves account data within the daily budget per scope, with both kinds of rate-limit headers', async () => {
    const { accounts } = await linked();
    const id = accounts[0] as string;
    const first = await call('GET', `/accounts/${id}/balances/`);
    expect(first.headers.get('x-ratelimit-account-success-limit')).toBe('4');
    expect(first.headers.get('x-ratelimit-account-success-remaining')).toBe('3');
    expect(Number(first.headers.get('x-ratelimit-account-success-reset'))).toBeGreaterThan(86_000);
    expect(first.headers.get('x-ratelimit-limit')).toBe('100');
    for (let i = 0; i < 3; i++) expect((await call('GET', `/accounts/${id}/balances/`)).status).toBe(200);
    const over = await call('GET', `/accounts/${id}/balances/`);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ type: 'RateLimitError', detail: 'Daily request limit set by the Institution has been exceeded.' });
    expect(over.headers.get('x-ratelimit-account-success-remaining')).toBe('0');
    // Another scope has its own budget; metadata is not the bank's to limit.
    expect((await call('GET', `/accounts/${id}/details/`)).status).toBe(200);
    expect((await call('GET', `/accounts/${id}/`)).body).toMatchObject({ status: 'READY' });
    sim.state.rateLimitHeaders = 'documented';
    const documented = await call('GET', `/accounts/${id}/details/`);
    expect(documented.headers.get('http_x_ratelimit_account_success_remaining')).toBe('2');
  });

  it('applies GoCardless limits per window with the documented 429 body', async () => {
    sim.state.limits.institutions.limit = 1;
    expect((await call('GET', '/institutions/SANDBOXFINANCE_SFIN0000/')).status).toBe(200);
    const over = await call('GET', '/institutions/SANDBOXFINANCE_SFIN0000/');
    expect(over.status).toBe(429);
    expect(String(over.body.detail)).toMatch(/^The rate limit for this resource is 1\/minute\. Please try again in \d+ seconds$/);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('filters transactions by date and refuses bad ranges as documented', async () => {
    const { accounts } = await linked();
    const id = accounts[0] as string;
    const today = sim.state.iso().slice(0, 10);
    const all = await call('GET', `/accounts/${id}/transactions/`);
    const booked = (all.body.transactions as { booked: unknown[]; pending: unknown[] }).booked;
    expect(booked).toHaveLength(2); // the one 108 days ago is beyond the 90 days of history
    const recent = await call('GET', `/accounts/${id}/transactions/?date_from=${today}`);
    expect((recent.body.transactions as { booked: unknown[] }).booked).toHaveLength(1);
    const reversed = await call('GET', `/accounts/${id}/transactions/?date_from=${today}&date_to=2020-01-01`);
    expect(reversed.body).toMatchObject({ summary: 'Incorrect date range', status_code: 400 });
    const future = await call('GET', `/accounts/${id}/transactions/?date_to=2999-01-01`);
    expect(future.body).toMatchObject({ date_to: { summary: "Date can't be in future" } });
  });

  it('expires access after access_valid_for_days, and refuses data outside the scope or after deletion', async () => {
    const scoped = await linked('SANDBOXFINANCE_SFIN0000', ['balances']);
    const details = await call('GET', `/accounts/${scoped.accounts[0] as string}/details/`);
    expect(details.body).toMatchObject({ summary: 'End User Agreement (EUA) access scope error', status_code: 403 });
    const { id, accounts } = await linked();
    sim.state.advance(90 * 86_400_000);
    const token = await call('POST', '/token/new/', { secret_id: sim.state.secretId, secret_key: sim.state.secretKey }, null);
    access = String(token.body.access);
    expect((await call('GET', `/requisitions/${id}/`)).body.status).toBe('EX');
    expect((await call('GET', `/accounts/${accounts[0] as string}/`)).body.status).toBe('EXPIRED');
    expect((await call('GET', `/accounts/${accounts[0] as string}/balances/`)).body).toMatchObject({ type: 'AccessExpiredError', status_code: 401 });
    const deleted = await call('DELETE', `/requisitions/${id}/`);
    expect(deleted.body).toEqual({ summary: 'Requisition deleted', detail: `Requisition '${id}' deleted with all its End User Agreements` });
    expect((await call('GET', `/requisitions/${id}/`)).status).toBe(404);
    expect((await call('GET', `/accounts/${accounts[0] as string}/balances/`)).body).toMatchObject({ summary: 'No valid End User Agreement', error: expect.any(String) });
    expect((await call('GET', '/requisitions/not-a-uuid/')).body).toMatchObject({ summary: 'Invalid ID', status_code: 400 });
  });
});
