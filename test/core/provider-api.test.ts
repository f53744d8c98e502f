import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Polybank, isConfigurationError, isProviderResponseError } from 'polybank';
import { AbortedError, SingleFlight, TokenCache, defineProvider, parseRetryAfter, type ActionTarget, type AdapterContext, type ProviderAdapter } from 'polybank/provider';
import { validateAnswer } from '../../src/core/answers.js';
import { ChallengeData } from '../../src/core/model/challenge.js';
import { hostileServer, json } from '../support/hostile-server.js';
import { plain } from '../support/plain-provider.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
async function server(handler: Parameters<typeof hostileServer>[0]) {
  const s = await hostileServer(handler);
  closers.push(s.close);
  return s;
}

describe('defineProvider', () => {
  it('parses the options once into a ConfigurationError naming every wrong field', () => {
    let error: unknown;
    try {
      plain({ baseUrl: 42, extra: true } as never);
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/^plain\(\{\.\.\.\}\): baseUrl: .*; .*extra/);
  });

  it('hides the secrets from inspect and JSON, and registers them for redaction', async () => {
    const provider = plain({ baseUrl: 'http://127.0.0.1:9', apiKey: 'plain-api-key-canary' });
    expect(inspect(provider, { showHidden: true, depth: 5 })).not.toContain('plain-api-key-canary');
    expect(JSON.stringify(provider)).not.toContain('plain-api-key-canary');
    expect(provider.secrets).toEqual(['plain-api-key-canary']);
    const s = await server((req, res) => json(res, 400, { code: `bad key ${String(req.headers['x-api-key'])}` }));
    const error = await new Polybank({ providers: [plain({ baseUrl: s.url, apiKey: 'plain-api-key-canary' })] })
      .connection('plain', { id: 'c' })
      .accounts()
      .catch((e: unknown) => e);
    expect(JSON.stringify(error)).not.toContain('plain-api-key-canary');
    expect(String((error as Error).message)).toContain('[REDACTED]');
  });

  it('refuses an id that is not lower case', () => {
    expect(() => defineProvider({ id: 'My Bank', options: z.object({}), create: () => ({}) as never })).toThrow(/lower case/);
  });
});

describe('pagination is the core’s: one rule for every provider', () => {
  it('follows same-origin links, relative or absolute', async () => {
    const s = await server((req, res) => {
      if (req.url === '/accounts') json(res, 200, { accounts: [{ id: 'a1', balance: '1', currency: 'EUR' }], next: '/accounts?page=2' });
      else json(res, 200, { accounts: [{ id: 'a2', balance: '2', currency: 'EUR' }] });
    });
    const accounts = await new Polybank({ providers: [plain({ baseUrl: s.url })] }).connection('plain', { id: 'c' }).accounts();
    expect(accounts.map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('refuses a link to another origin (never rewritten onto ours, never followed)', async () => {
    const other = await server((_req, res) => json(res, 200, { accounts: [] }));
    const s = await server((_req, res) => json(res, 200, { accounts: [{ id: 'a1', balance: '1', currency: 'EUR' }], next: `${other.url}/accounts?page=2` }));
    const error = await new Polybank({ providers: [plain({ baseUrl: s.url, apiKey: 'k-canary-xyz' })] }).connection('plain', { id: 'c' }).accounts().catch((e: unknown) => e);
    expect(isProviderResponseError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/another origin/);
    expect(other.received).toHaveLength(0);
  });

  it('stops a cycle', async () => {
    const s = await server((req, res) => json(res, 200, { accounts: [{ id: String(req.url), balance: '1', currency: 'EUR' }], next: req.url === '/accounts' ? '/accounts?p=2' : '/accounts' }));
    const error = await new Polybank({ providers: [plain({ baseUrl: s.url })] }).connection('plain', { id: 'c' }).accounts().catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/pagination cycle/);
    expect(s.received).toHaveLength(2);
  });
});

describe('the afterResponse hook', () => {
  it('may send a refresh through the core and ask for the request once more (never twice)', async () => {
    let token = 'old';
    const s = await server((req, res) => {
      if (req.url === '/token') {
        token = 'new';
        return json(res, 200, { token });
      }
      if (req.headers.authorization === 'Bearer new' && req.url === '/accounts') return json(res, 200, { accounts: [{ id: 'a', balance: '1', currency: 'EUR' }] });
      return json(res, 401, { code: 'expired' });
    });
    const provider = plain({
      baseUrl: s.url,
      http: {
        headers: { authorization: 'Bearer old' },
        afterResponse: async (res, req, hook) => {
          if (res.status !== 401) return;
          const fresh = await hook.request({ endpoint: 'Token', method: 'POST', path: 'token', expect: [200] });
          const body = fresh.body as { token: string };
          return { ...req, headers: { ...req.headers, authorization: `Bearer ${body.token}` } };
        },
      },
    });
    const accounts = await new Polybank({ providers: [provider] }).connection('plain', { id: 'c' }).accounts();
    expect(accounts).toHaveLength(1);
    expect(s.received.map((r) => r.path)).toEqual(['/accounts', '/token', '/accounts']);
  });
});

describe('SingleFlight and TokenCache', () => {
  it('share one flight; a caller that aborts stops waiting, the others still get the value', async () => {
    const flight = new SingleFlight<string, number>();
    let runs = 0;
    let release: (v: number) => void = () => undefined;
    const task = (): Promise<number> => {
      runs++;
      return new Promise((resolve) => (release = resolve));
    };
    const leaving = new AbortController();
    const a = flight.run('k', leaving.signal, task);
    const b = flight.run('k', undefined, task);
    leaving.abort();
    await expect(a).rejects.toBeInstanceOf(AbortedError);
    release(7);
    await expect(b).resolves.toBe(7);
    expect(runs).toBe(1);
  });

  it('aborts the shared work only when every waiter has left', async () => {
    const flight = new SingleFlight<string, number>();
    let aborted = false;
    const task = (signal: AbortSignal): Promise<number> =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      );
    const one = new AbortController();
    const two = new AbortController();
    const a = flight.run('k', one.signal, task);
    const b = flight.run('k', two.signal, task);
    one.abort();
    expect(aborted).toBe(false);
    two.abort();
    expect(aborted).toBe(true);
    await expect(Promise.allSettled([a, b])).resolves.toHaveLength(2);
    expect(flight.has('k')).toBe(false);
  });

  it('never hands out a value the provider just refused, and reuses a renewal another caller made', async () => {
    let n = 0;
    const cache = new TokenCache<string, string>({ fetch: async () => ({ value: `t${++n}`, expiresAt: Date.now() + 3_600_000 }) });
    expect(await cache.get('u')).toBe('t1');
    expect(await cache.get('u')).toBe('t1');
    expect(await cache.get('u', undefined, 't1')).toBe('t2');
    // t1 was refused by two callers at once: one renewal, both get t2 or later, never t1.
    const [x, y] = await Promise.all([cache.get('u', undefined, 't2'), cache.get('u', undefined, 't2')]);
    expect(x).toBe('t3');
    expect(y).toBe('t3');
  });
});

describe('headers and redirects', () => {
  it('a bare negative Retry-After is no date', () => {
    expect(parseRetryAfter('-50')).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2099 07:28:00 GMT')?.getTime()).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 1);
  });

  it('a redirect challenge may name the callback parameter that carries its state (GoCardless: ref)', () => {
    const challenge = ChallengeData.parse({ id: 'r-1', provider: 'p', type: 'redirect', url: 'https://bank.example/go', state: 'abc123', stateParam: 'ref' });
    expect(validateAnswer(challenge, { callback: 'https://app.example/cb?ref=abc123' })).toEqual({ type: 'redirect', params: expect.objectContaining({ ref: 'abc123' }) });
    expect(() => validateAnswer(challenge, { callback: 'https://app.example/cb?ref=forged' })).toThrow(/ref does not match/);
    expect(() => validateAnswer(challenge, { callback: 'https://app.example/cb?state=abc123' })).toThrow(/missing ref/);
  });
});

describe('provider actions', () => {
  it('are typed per provider and run on the connection', async () => {
    const Ref = z.strictObject({ id: z.string() });
    const acting = defineProvider({
      id: 'acting',
      options: z.object({}),
      create: (): Omit<ProviderAdapter<'acting', { id: string }, { id: string }, null, { id: string }, { id: string }, { echo: (ctx: AdapterContext, target: ActionTarget<{ id: string }, null>, args: { word: string }) => Promise<string> }>, 'id' | 'secrets'> => ({
        schemas: { input: Ref, ref: Ref, state: z.null() },
        http: { baseUrl: 'http://127.0.0.1:9' },
        actions: { echo: async (_ctx, target, args) => `${target.ref?.id}:${args.word}` },
        start: async (_c, input) => ({ kind: 'active', state: null, ref: input }),
        open: async (_c, ref) => ({ kind: 'active', state: null, ref }),
        answer: async () => ({ kind: 'active', state: null, ref: { id: 'x' } }),
        poll: async () => ({ kind: 'still_pending' }),
        accounts: async () => [],
      }),
    });
    const conn = new Polybank({ providers: [acting({})] }).connection('acting', { id: 'c7' });
    await expect(conn.actions.echo({ word: 'hi' })).resolves.toBe('c7:hi');
    expect(Object.keys(conn.actions)).toEqual(['echo']);
  });
});

describe('callbacks as a server receives them', () => {
  it('a path with its query (req.url on node:http and Express) reads like a full URL', async () => {
    const { callbackParams } = await import('../../src/core/answers.js');
    expect(callbackParams('/cb?code=c1&state=s1')).toEqual(expect.objectContaining({ code: 'c1', state: 's1' }));
    expect(callbackParams('https://app.example/cb?code=c1&state=s1')).toEqual(expect.objectContaining({ code: 'c1', state: 's1' }));
    expect(callbackParams('?code=c1&state=s1')).toEqual(expect.objectContaining({ code: 'c1', state: 's1' }));
  });
});
