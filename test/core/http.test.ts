import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isNetworkError, isProviderResponseError, isTimeoutError, type RequestEvent } from '../../src/index.js';
import { TOY_PASSWORD } from '../support/toy-simulator.js';
import { startToy } from '../support/toy.js';

let toy: Awaited<ReturnType<typeof startToy>>;
beforeAll(async () => {
  toy = await startToy();
});
afterAll(async () => {
  await toy.server.close();
});
beforeEach(() => {
  toy.sim.reset();
});

async function activeConnection(options: Parameters<typeof toy.bank>[0] = {}) {
  const conn = toy.bank(options).connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
  for await (const c of conn.authenticate()) void c;
  toy.sim.resetCounts();
  return conn;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('retries: idempotent requests only', () => {
  it('retries a GET on 503 up to the limit, then returns the typed provider error', async () => {
    const conn = await activeConnection();
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 503, times: Infinity });
    const error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ reason: 'provider_unavailable', retryable: true, status: 503 });
    expect(toy.sim.count('ListAccounts')).toBe(3);
  });

  it('retries a GET after a connection reset and succeeds', async () => {
    const conn = await activeConnection();
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'reset' });
    expect((await conn.accounts()).length).toBe(3);
    expect(toy.sim.count('ListAccounts')).toBe(2);
  });

  it('never retries a request carrying credentials: 503, reset, timeout', async () => {
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'timeout', ms: 2000 },
    ] as const) {
      toy.sim.reset();
      toy.sim.inject({ endpoint: 'CreateSession', ...fault });
      const conn = toy.bank({ timeout: 300 }).connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
      const error = await failure(async () => {
        for await (const c of conn.authenticate()) void c;
      });
      expect(error).toBeInstanceOf(Error);
      expect(toy.sim.count('CreateSession')).toBe(1);
    }
  });

  it('never retries an answer (OTP) when the response is lost after the provider processed it', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    toy.sim.inject({ endpoint: 'Answer', kind: 'reset', when: 'after' });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) if (c.type === 'otp') c.answer({ code: '123456' });
    });
    expect(isNetworkError(error)).toBe(true);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('honours Retry-After on 429 for idempotent requests', async () => {
    const conn = await activeConnection();
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 429, retryAfter: 1 });
    const started = Date.now();
    expect((await conn.accounts()).length).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(toy.sim.count('ListAccounts')).toBe(2);
  });

  it('does not wait for a Retry-After beyond the bound: typed rate_limited with retryAfter', async () => {
    const conn = await activeConnection({ retry: { maxRetryAfterMs: 500 } });
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 429, retryAfter: 3600 });
    const error = (await failure(() => conn.accounts())) as { reason: string; retryAfter: Date };
    expect(error.reason).toBe('rate_limited');
    expect(error.retryAfter.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(toy.sim.count('ListAccounts')).toBe(1);
    // A transient failure of a data call says nothing about the connection: still active, and the next call works.
    expect(conn.status.status).toBe('active');
    expect(await conn.accounts()).toHaveLength(3);
  });

  it('turns a hanging provider into a TimeoutError', async () => {
    const conn = await activeConnection({ timeout: 200, retry: false });
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'timeout', ms: 2000 });
    const error = await failure(() => conn.accounts());
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'toybank', endpoint: 'ListAccounts', retryable: true });
  });
});

describe('malformed provider responses become typed errors', () => {
  it('truncated JSON', async () => {
    const conn = await activeConnection({ retry: false });
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'truncate' });
    const error = await failure(() => conn.accounts());
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'toybank', endpoint: 'ListAccounts', field: '' });
    expect(String((error as Error).message)).toMatch(/not JSON/);
  });

  it('a missing field is named', async () => {
    const conn = await activeConnection();
    toy.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { accounts: Array<Record<string, unknown>> };
        delete b.accounts[1]?.balance;
        return b;
      },
    });
    const error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'accounts.1.balance' });
  });

  it('a NaN-like balance or a bad currency never becomes an account', async () => {
    const conn = await activeConnection();
    toy.sim.inject({
      endpoint: 'ListAccounts',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { accounts: Array<Record<string, unknown>> };
        if (b.accounts[0]) b.accounts[0].currency = 'euro';
        return b;
      },
    });
    await expect(conn.accounts()).rejects.toSatisfy((e: unknown) => (e as Error).name !== 'TypeError' && isPolybank(e));
  });

  it('an HTML error page on a non-idempotent call is a typed provider error, not a TypeError', async () => {
    toy.sim.inject({ endpoint: 'CreateSession', kind: 'html', status: 502 });
    const conn = toy.bank().connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ reason: 'provider_unavailable', status: 502 });
  });

  it('garbage with a 200 on a data call', async () => {
    const conn = await activeConnection();
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'garbage' });
    await expect(conn.accounts()).rejects.toSatisfy(isProviderResponseError);
  });
});

describe('request events', () => {
  it('reports each attempt with method, redacted URL, status and time', async () => {
    const bank = toy.bank({ toy: { apiKey: 'key-canary-0001' } });
    const events: RequestEvent[] = [];
    bank.on('request', (e) => events.push(e));
    const conn = bank.connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) void c;
    toy.sim.inject({ endpoint: 'ListAccounts', kind: 'status', status: 500 });
    await conn.accounts();
    expect(events.map((e) => [e.endpoint, e.method, e.status, e.attempt])).toEqual([
      ['CreateSession', 'POST', 201, 1],
      ['ListAccounts', 'GET', 500, 1],
      ['ListAccounts', 'GET', 200, 2],
    ]);
    // OpenTelemetry-ready: a span name, a start, a duration and semantic-convention attributes.
    expect(events[2]).toMatchObject({
      name: 'polybank.toybank.ListAccounts',
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.request.resend_count': 1, 'polybank.provider': 'toybank', 'polybank.endpoint': 'ListAccounts' },
    });
    expect(events[1]?.attributes['error.type']).toBe('500');
    for (const e of events) {
      expect(Math.abs(e.startTime - Date.now())).toBeLessThan(10_000);
      expect(e.url.startsWith(toy.sim.baseUrl)).toBe(true);
      expect(e.ms).toBeGreaterThanOrEqual(0);
      expect(JSON.stringify(e)).not.toContain('key-canary-0001');
    }
  });
});

describe('logger', () => {
  it('takes pino- and console-style loggers: (fields, message), redacted fields only', async () => {
    const calls: Array<[string, Record<string, unknown>, string]> = [];
    // pino's and console's methods both accept (object, message).
    const logger = {
      debug: (fields: Record<string, unknown>, message: string) => calls.push(['debug', fields, message]),
      warn: (fields: Record<string, unknown>, message: string) => calls.push(['warn', fields, message]),
    };
    const conn = toy.bank({ logger, logLevel: 'debug', toy: { apiKey: 'key-canary-logger' } }).connect('toybank', { username: 'nomfa', password: 'wrong-password-canary' });
    await expect(async () => {
      for await (const c of conn.authenticate()) void c;
    }).rejects.toMatchObject({ reason: 'invalid_credentials' });
    expect(calls.map(([level, , message]) => `${level} ${message}`)).toEqual(['debug polybank: status', 'debug polybank: request', 'debug polybank: status']);
    expect(calls[2]?.[1]).toMatchObject({ provider: 'toybank', status: 'error', reason: 'invalid_credentials' });
    expect(calls[1]?.[1]).toMatchObject({ name: 'polybank.toybank.CreateSession', status: 401 });
    expect(JSON.stringify(calls)).not.toMatch(/canary/);
    // console works as is (it accepts the same arguments).
    expect(() => toy.bank({ logger: console }).connect('toybank', { username: 'nomfa', password: 'x1x' })).not.toThrow();
  });

  for (const [level, expected] of [
    ['off', []],
    ['error', []],
    ['warn', []],
    ['info', []],
    ['debug', ['debug polybank: status', 'debug polybank: request', 'debug polybank: status']],
    ['bogus', []],
  ] as const) {
    it(`logLevel ${level} (and POLYBANK_LOG=${level}) sends only what is at or above it`, async () => {
      for (const via of ['option', 'env'] as const) {
        const calls: string[] = [];
        const logger = {
          debug: (_f: Record<string, unknown>, m: string) => calls.push(`debug ${m}`),
          info: (_f: Record<string, unknown>, m: string) => calls.push(`info ${m}`),
          warn: (_f: Record<string, unknown>, m: string) => calls.push(`warn ${m}`),
          error: (_f: Record<string, unknown>, m: string) => calls.push(`error ${m}`),
        };
        const previous = process.env.POLYBANK_LOG;
        if (via === 'env') process.env.POLYBANK_LOG = level;
        try {
          const bank = via === 'option' ? toy.bank({ logger, logLevel: level as 'debug' }) : toy.bank({ logger });
          const conn = bank.connect('toybank', { username: 'nomfa', password: 'wrong-password-canary' });
          await expect(async () => {
            for await (const c of conn.authenticate()) void c;
          }).rejects.toMatchObject({ reason: 'invalid_credentials' });
        } finally {
          if (previous === undefined) delete process.env.POLYBANK_LOG;
          else process.env.POLYBANK_LOG = previous;
        }
        expect(calls, via).toEqual(expected);
      }
    });
  }

  it('an explicit logLevel wins over POLYBANK_LOG', async () => {
    const calls: string[] = [];
    process.env.POLYBANK_LOG = 'off';
    try {
      const conn = toy.bank({ logger: { debug: (_f: Record<string, unknown>, m: string) => calls.push(m) }, logLevel: 'debug' }).connect('toybank', { username: 'nomfa', password: 'x-wrong-1' });
      await expect(async () => {
        for await (const c of conn.authenticate()) void c;
      }).rejects.toBeDefined();
    } finally {
      delete process.env.POLYBANK_LOG;
    }
    expect(calls.length).toBeGreaterThan(0);
  });
});

function isPolybank(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[Symbol.for('polybank.error')] === true;
}

describe('requests in flight', () => {
  it('never exceeds maxConcurrentRequests per provider; the others wait their turn', async () => {
    const timed = async (limit: number): Promise<number> => {
      const bank = toy.bank({ maxConcurrentRequests: limit });
      const conns = Array.from({ length: 6 }, (_, i) => bank.connection('toybank', { connectionId: `c${i}` }));
      const started = Date.now();
      const results = await Promise.all(conns.map((c) => c.accounts()));
      expect(results.every((r) => r.length === 3)).toBe(true);
      return Date.now() - started;
    };
    toy.sim.latency = 80;
    const capped = await timed(2);
    const free = await timed(64);
    toy.sim.latency = 0;
    // Six 80 ms calls two at a time take three rounds; unlimited, about one.
    expect(capped).toBeGreaterThanOrEqual(230);
    expect(free).toBeLessThan(capped - 80);
    expect(toy.sim.count('ListAccounts')).toBe(12);
  });

  it('a request waiting for a slot gives up when its signal aborts, and is never sent', async () => {
    const bank = toy.bank({ maxConcurrentRequests: 1 });
    toy.sim.latency = 200;
    const first = bank.connection('toybank', { connectionId: 'a' }).accounts();
    const controller = new AbortController();
    const second = bank.connection('toybank', { connectionId: 'b' }).accounts({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(second).rejects.toMatchObject({ kind: 'AbortedError' });
    expect((await first).length).toBe(3);
    toy.sim.latency = 0;
    expect(toy.sim.count('ListAccounts')).toBe(1);
  });

  it('rejects a non-positive limit at construction', () => {
    expect(() => toy.bank({ maxConcurrentRequests: 0 })).toThrow(/maxConcurrentRequests must be a positive/);
  });
});
