/**
 * #14 item 12: tests for rules that a mutation once broke unnoticed. Each one fails if the
 * rule is switched off: the checkpoint leak guard, a poller that waits for a still-pending
 * Retry-After, and a request event whose URL is redacted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Polybank, isCheckpointError, simulatedClock, type RequestEvent } from 'polybank';
import { defineProvider, type ProviderAdapter } from 'polybank/provider';
import { hostileServer, json } from '../support/hostile-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const Input = z.strictObject({ username: z.string(), password: z.string() });
const Ref = z.strictObject({ id: z.string() });
const State = z.object({ note: z.string().optional(), polls: z.number().optional() });
type Adapter = ProviderAdapter<'careless', z.infer<typeof Input>, { id: string }, { note?: string; polls?: number }>;

/** A provider that makes the mistakes the core must catch, and polls a server we control. */
const careless = defineProvider({
  id: 'careless',
  options: z.strictObject({ baseUrl: z.string(), leakIntoState: z.boolean().default(false), token: z.string().optional() }),
  secrets: (o) => [o.token],
  create: (o): Omit<Adapter, 'id' | 'secrets'> => ({
    schemas: { input: Input, ref: Ref, state: State },
    http: { baseUrl: o.baseUrl },
    async start(ctx, input) {
      await ctx.request({ endpoint: 'Login', method: 'POST', path: 'login', json: input, sensitive: true, expect: 'any' });
      return {
        kind: 'challenge',
        // The mistake: the password kept in the (checkpointed) state.
        state: o.leakIntoState ? { note: `logged in with ${input.password}` } : { polls: 0 },
        challenge: { type: 'decoupled', channel: 'app', message: 'Approve in your app' },
        poll: { intervalMs: 1_000, factor: 1, deadline: new Date(ctx.now() + 3_600_000).toISOString() },
      };
    },
    open: async (_ctx, ref) => ({ kind: 'active', state: {}, ref }),
    answer: async (ctx) => {
      throw ctx.fail('unknown', 'no answers');
    },
    async poll(ctx) {
      const res = await ctx.request({ endpoint: 'Poll', method: 'GET', path: 'poll', query: o.token ? { access_token: o.token } : {}, expect: 'any' });
      if (res.status === 202) return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
      return { kind: 'active', state: {}, ref: { id: 'c1' } };
    },
    accounts: async () => [],
  }),
});

async function server(handler: Parameters<typeof hostileServer>[0]) {
  const s = await hostileServer(handler);
  closers.push(s.close);
  return s;
}

describe('rules that must stay switched on', () => {
  it('the checkpoint leak guard: an adapter that puts the password into its state gets a CheckpointError, not a checkpoint', async () => {
    const s = await server((_req, res) => json(res, 202, {}));
    const bank = new Polybank({ providers: [careless({ baseUrl: s.url, leakIntoState: true })] });
    const conn = bank.connect('careless', { username: 'u', password: 'hunter2-in-the-state' });
    const it = conn.authenticate();
    await it.next();
    const error = await conn.checkpoint().catch((e: unknown) => e);
    expect(isCheckpointError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/would put a secret into the checkpoint/);
    await it.return(undefined);
  });

  it('a still-pending answer with Retry-After is not polled again sooner', async () => {
    const polls: number[] = [];
    const clock = simulatedClock(Date.parse('2026-12-02T10:00:00Z'));
    const s = await server((req, res) => {
      if (req.url?.startsWith('/poll')) {
        polls.push(clock.now());
        // Still pending, come back in 30 s (far beyond the 1 s interval).
        return polls.length < 3 ? json(res, 202, {}, { 'retry-after': '30' }) : json(res, 200, {});
      }
      return json(res, 200, {});
    });
    const bank = new Polybank({ providers: [careless({ baseUrl: s.url })], clock });
    const conn = bank.connect('careless', { username: 'u', password: 'p-secret-1' });
    for await (const c of conn.authenticate()) void c;
    expect(conn.status.status).toBe('active');
    expect(polls).toHaveLength(3);
    // 30 s asked; the next wait is measured from the answer, so a few real milliseconds may be gone.
    expect((polls[1] as number) - (polls[0] as number)).toBeGreaterThanOrEqual(29_000);
    expect((polls[2] as number) - (polls[1] as number)).toBeGreaterThanOrEqual(29_000);
  });

  it('a request event never shows a token in its URL (query parameter or registered value)', async () => {
    const s = await server((req, res) => (req.url?.startsWith('/poll') ? json(res, 200, {}) : json(res, 200, {})));
    const token = 'tok-in-query-0123456789';
    const bank = new Polybank({ providers: [careless({ baseUrl: s.url, token })] });
    const events: RequestEvent[] = [];
    bank.on('request', (e) => events.push(e));
    const conn = bank.connect('careless', { username: 'u', password: 'p-secret-2' });
    for await (const c of conn.authenticate()) void c;
    const poll = events.find((e) => e.endpoint === 'Poll');
    expect(poll?.url).toContain('access_token=%5BREDACTED%5D');
    expect(JSON.stringify(events)).not.toContain(token);
    expect(s.received.some((r) => r.path.includes(token))).toBe(true);
  });
});
