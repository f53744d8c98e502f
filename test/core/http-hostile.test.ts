import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Polybank, isConnectionError, isPolybankError, isProviderResponseError, type PolybankOptions, type RequestEvent } from 'polybank';
import { defineProvider, type ProviderAdapter } from 'polybank/provider';
import { toybank } from '../support/toy-provider.js';
import { hostileServer, json } from '../support/hostile-server.js';

const PASSWORD = 'hunter2-Secret!';
const API_KEY = 'toy-api-key-0123456789';
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof hostileServer>[0]) {
  const s = await hostileServer(handler);
  servers.push(s);
  return s;
}

function bank(baseUrl: string, options: Omit<PolybankOptions<never>, 'providers'> = {}) {
  return new Polybank({ providers: [toybank({ baseUrl, apiKey: API_KEY })], retry: { limit: 2, backoffLimitMs: 10 }, ...options });
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function link(b: ReturnType<typeof bank>): Promise<void> {
  const conn = b.connect('toybank', { username: 'nomfa', password: PASSWORD });
  for await (const c of conn.authenticate()) void c;
}

describe('redirects are never followed on their own', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`a cross-origin ${status} on the credentials POST: typed error, the other host receives nothing`, async () => {
      const other = await server((_req, res) => json(res, 201, { session: 's', next: { type: 'done', connectionId: 'c1' } }));
      const provider = await server((_req, res) => {
        res.writeHead(status, { location: `${other.url}/sessions` });
        res.end();
      });
      const error = await failure(() => link(bank(provider.url)));
      expect(isProviderResponseError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/unexpected redirect .* another origin/);
      expect(provider.received).toHaveLength(1);
      expect(other.received).toHaveLength(0);
      expect(String((error as Error).message)).not.toContain(PASSWORD);
    });
  }

  it('a cross-origin redirect on a data call: the API key and the foreign body never meet', async () => {
    const other = await server((_req, res) => json(res, 200, { accounts: [] }));
    const provider = await server((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    const conn = bank(provider.url).connection('toybank', { connectionId: 'c1' });
    const error = await failure(() => conn.accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(other.received).toHaveLength(0);
    // Not retried either: a redirect is not a transient failure.
    expect(provider.received).toHaveLength(1);
  });

  it('a same-origin 307 after the provider processed an answer: not re-sent (at most once holds)', async () => {
    const provider = await server((req, res) => {
      res.writeHead(307, { location: '/sessions-again' });
      res.end();
    });
    const events: RequestEvent[] = [];
    const b = bank(provider.url);
    b.on('request', (e) => events.push(e));
    const error = await failure(() => link(b));
    expect(isProviderResponseError(error)).toBe(true);
    expect(provider.received.map((r) => r.path)).toEqual(['/sessions']);
    expect(events.map((e) => e.attempt)).toEqual([1]);
  });

  it('a documented redirect is followed on the same origin only, for a request that carries nothing secret', async () => {
    const Ref = z.strictObject({ id: z.string() });
    const redirecting = defineProvider({
      id: 'redirecting',
      options: z.strictObject({ baseUrl: z.string() }),
      create: (o): Omit<ProviderAdapter<'redirecting', { id: string }, { id: string }, null>, 'id' | 'secrets'> => ({
        schemas: { input: Ref, ref: Ref, state: z.null() },
        http: { baseUrl: o.baseUrl, redirects: ['ListAccounts'] },
        start: async (_ctx, input) => ({ kind: 'active', state: null, ref: input }),
        open: async (_ctx, ref) => ({ kind: 'active', state: null, ref }),
        answer: async () => {
          throw new Error('no challenges');
        },
        poll: async () => ({ kind: 'still_pending' }),
        accounts: async (ctx) => {
          const res = await ctx.request({ endpoint: 'ListAccounts', method: 'GET', path: 'accounts' });
          return (res.parse(z.object({ accounts: z.array(z.string()) })).accounts).map((id) => ({
            id,
            provider: 'redirecting',
            connectionId: 'x',
            name: id,
            type: 'checking' as const,
            currency: 'EUR',
            balances: {},
            raw: null,
          }));
        },
      }),
    });
    const other = await server((_req, res) => json(res, 200, { accounts: ['foreign'] }));
    const provider = await server((req, res) => {
      if (req.url === '/accounts') {
        res.writeHead(302, { location: '/v2/accounts' });
        res.end();
      } else if (req.url === '/v2/accounts') {
        json(res, 200, { accounts: ['a1'] });
      }
      else {
        res.writeHead(302, { location: `${other.url}/x` });
        res.end();
      }
    });
    const b = new Polybank({ providers: [redirecting({ baseUrl: provider.url })] });
    const accounts = await b.connection('redirecting', { id: 'x' }).accounts();
    expect(accounts.map((a) => a.id)).toEqual(['a1']);
    expect(provider.received.map((r) => r.path)).toEqual(['/accounts', '/v2/accounts']);
  });
});

describe('response bodies are capped', () => {
  it('a declared content-length beyond the cap is refused before the body is read', async () => {
    const provider = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) });
      res.write('{"accounts":[');
      // Never finishes: the SDK must not wait for 300 MB.
    });
    const conn = bank(provider.url, { maxResponseBytes: 1024 * 1024 }).connection('toybank', { connectionId: 'c1' });
    const error = await failure(() => conn.accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/content-length 314572800\) exceeds the 1048576-byte limit/);
  });

  it('a chunked body that grows beyond the cap is cut off as it arrives', async () => {
    const provider = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const push = (): void => {
        if (res.destroyed || sent > 1000) {
          res.end();
          return;
        }
        sent++;
        res.write(chunk, () => setImmediate(push));
      };
      push();
    });
    const conn = bank(provider.url, { maxResponseBytes: 256 * 1024 }).connection('toybank', { connectionId: 'c1' });
    const error = await failure(() => conn.accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/exceeds the 262144-byte limit/);
  });
});

describe('absurd headers', () => {
  for (const value of ['99999999999999999999', '1e400', 'NaN', '-5', 'Tue, 99 Foo 9999 99:99:99 GMT', '9'.repeat(500)]) {
    it(`Retry-After: ${value.slice(0, 24)} ends as a typed, serializable error`, async () => {
      const provider = await server((_req, res) => json(res, 429, { code: 'slow_down' }, { 'retry-after': value }));
      const conn = bank(provider.url, { retry: { limit: 1, maxRetryAfterMs: 50, backoffLimitMs: 10 } }).connection('toybank', { connectionId: 'c1' });
      const started = Date.now();
      const error = await failure(() => conn.accounts());
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(isConnectionError(error)).toBe(true);
      expect(() => JSON.stringify(error)).not.toThrow();
      expect(() => inspect(error)).not.toThrow();
      const after = (error as { retryAfter?: Date }).retryAfter;
      if (after) {
        expect(Number.isNaN(after.getTime())).toBe(false);
        expect(after.getTime()).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 1000);
      }
    });
  }

  it('authenticate() under an absurd Retry-After throws a typed error, never a RangeError', async () => {
    const provider = await server((_req, res) => json(res, 429, { code: 'slow_down' }, { 'retry-after': '99999999999999999999' }));
    const error = await failure(() => link(bank(provider.url)));
    expect(isPolybankError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(RangeError);
  });

  it("the provider's request id reaches the error and the request event", async () => {
    const provider = await server((_req, res) => json(res, 503, { code: 'down' }, { 'x-request-id': 'req-42-abc' }));
    const b = bank(provider.url, { retry: false });
    const events: RequestEvent[] = [];
    b.on('request', (e) => events.push(e));
    const error = await failure(() => b.connection('toybank', { connectionId: 'c1' }).accounts());
    expect(error).toMatchObject({ reason: 'provider_unavailable', requestId: 'req-42-abc' });
    expect(events[0]).toMatchObject({ requestId: 'req-42-abc' });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ requestId: 'req-42-abc' });
  });

  it('a request id that is not a short printable token is not shown', async () => {
    const provider = await server((_req, res) => json(res, 503, { code: 'down' }, { 'x-request-id': 'x'.repeat(500) }));
    const error = await failure(() => bank(provider.url, { retry: false }).connection('toybank', { connectionId: 'c1' }).accounts());
    expect((error as { requestId?: string }).requestId).toBeUndefined();
  });
});

describe('provider codes are looked up as own properties only', () => {
  for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    it(`an error code ${code} is an unknown code, not a table row`, async () => {
      const provider = await server((_req, res) => json(res, 400, { code, message: 'm' }));
      const error = await failure(() => bank(provider.url).connection('toybank', { connectionId: 'c1' }).accounts());
      expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: code });
    });
  }
});
