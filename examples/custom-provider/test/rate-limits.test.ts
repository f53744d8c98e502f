/**
 * Rate limits: the bank's daily budget per account and scope, GoCardless's own windows, in
 * both header spellings; `rate_limited` with the right `retryAfter`, never a retry that
 * cannot succeed, and the connection left active.
 */
import { isConnectionError, type ConnectionError } from 'polybank';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, link, type Harness } from './support.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function rateLimited(run: () => Promise<unknown>): Promise<ConnectionError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectionError(error) || error.reason !== 'rate_limited') throw new Error(`expected rate_limited, got ${String(error)}`);
  return error;
}

function secondsFromNow(date: Date | undefined): number {
  return Math.round(((date?.getTime() ?? Number.NaN) - Date.now()) / 1000);
}

describe("the bank's daily limit per account", () => {
  it.each(['wire', 'documented'] as const)('spent: rate_limited until the window resets (%s header names), not retried, the connection still active', async (style) => {
    h = await harness({ dailyAccountLimit: 1, rateLimitHeaders: style });
    const { conn } = await link(h);
    expect((await conn.accounts()).length).toBe(2);
    h.sim.resetCounts();
    const error = await rateLimited(() => conn.accounts());
    expect(error.providerCode).toBe('RateLimitError');
    expect(error.message).toContain('Daily request limit set by the Institution has been exceeded.');
    expect(secondsFromNow(error.retryAfter)).toBeGreaterThan(86_000);
    expect(error.retryAfter?.getTime()).toBeLessThanOrEqual(Date.now() + 86_400_000);
    // A day's wait is not waited for, nor retried: one request reached the bank.
    expect(h.sim.count('AccountDetails')).toBe(1);
    expect(conn.status.status).toBe('active');
    // The day passes: the budget is back.
    h.sim.state.advance(86_400_000);
    expect((await conn.accounts()).length).toBe(2);
  });

  it('is per scope: transactions still work when balances are spent', async () => {
    h = await harness({ dailyAccountLimit: 1 });
    const { conn } = await link(h);
    const [account] = await conn.accounts();
    const list = [];
    for await (const t of conn.transactions(account?.id ?? '')) list.push(t);
    expect(list.length).toBeGreaterThan(0);
  });
});

describe("GoCardless's own limits", () => {
  it('a window longer than the retry bound: rate_limited with the window reset, sent once', async () => {
    h = await harness({ limits: { accounts: 2 } });
    const bank = h.newBank({ retry: { maxRetryAfterMs: 1000 } });
    const { conn } = await link(h, 'approve', {}, bank);
    h.sim.resetCounts();
    const error = await rateLimited(() => conn.accounts());
    expect(error.providerCode).toBe('RateLimitExceeded');
    expect(secondsFromNow(error.retryAfter)).toBeGreaterThan(50);
    expect(secondsFromNow(error.retryAfter)).toBeLessThanOrEqual(60);
    // The refused call reached GoCardless once: a minute is not waited for.
    expect(h.sim.counts).toMatchObject({ Account: 1, AccountDetails: 1, AccountBalances: 1 });
  });

  it('a window that resets within the bound: waited for, then the call succeeds', async () => {
    h = await harness({ limits: { accounts: 5 } });
    const { conn } = await link(h);
    h.sim.state.limits.accounts.windowMs = 1000;
    h.sim.resetCounts();
    const started = Date.now();
    // Six account calls, five a second: the sixth is refused once, then waited for and sent again.
    expect((await conn.accounts()).length).toBe(2);
    expect(h.sim.count('AccountBalances')).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('without headers, the wait in the body ("try again in N seconds") is the retryAfter', async () => {
    h = await harness({ rateLimitHeaders: 'none' });
    const bank = h.newBank({ retry: 0 });
    const { conn } = await link(h, 'approve', {}, bank);
    h.sim.inject({ endpoint: 'Account', kind: 'status', status: 429, body: JSON.stringify({ summary: 'Rate limit exceeded', detail: 'The rate limit for this resource is 100/minute. Please try again in 37 seconds', status_code: 429 }) });
    const error = await rateLimited(() => conn.accounts());
    expect(secondsFromNow(error.retryAfter)).toBe(37);
  });

  it('a Retry-After header, if ever sent, wins over the quota headers', async () => {
    h = await harness();
    const bank = h.newBank({ retry: 0 });
    const { conn } = await link(h, 'approve', {}, bank);
    h.sim.inject({ endpoint: 'AccountBalances', kind: 'status', status: 429, retryAfter: 120, headers: { 'X-RateLimit-Reset': '5', 'X-RateLimit-Remaining': '0' }, body: '{"summary":"Rate limit exceeded","detail":"slow down","status_code":429}' });
    const error = await rateLimited(() => conn.accounts());
    expect(secondsFromNow(error.retryAfter)).toBe(120);
  });

  it('a 429 on token/new (100 an hour) is never re-sent: it carries the user secret', async () => {
    h = await harness({ limits: { tokenNew: 0 } });
    const error = await rateLimited(() => link(h as Harness));
    expect(error.endpoint).toBe('TokenNew');
    expect(h.sim.count('TokenNew')).toBe(1);
    expect(secondsFromNow(error.retryAfter)).toBeGreaterThan(3500);
  });
});
