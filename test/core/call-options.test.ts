/**
 * #18 items 2 and 3: per-call options (`timeout`, `retry`, `signal`) on every data call and
 * on `authenticate()`, checked before anything is sent; and connection types that narrow on
 * `provider`.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { Polybank, isTimeoutError, isValidationError, type Connection } from 'polybank';
import { flinks, type FlinksRef } from 'polybank/flinks';
import { powens } from 'polybank/powens';
import { hostileServer, json } from '../support/hostile-server.js';
import { plain } from '../support/plain-provider.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('per-call options', () => {
  it('retry per call: 0 sends once where the bank retries twice', async () => {
    const s = await hostileServer((_req, res) => json(res, 503, { code: 'down' }));
    closers.push(s.close);
    const conn = new Polybank({ providers: [plain({ baseUrl: s.url })], retry: { limit: 2, backoffLimitMs: 5 } }).connection('plain', { id: 'c' });
    await expect(conn.accounts({ retry: 0 })).rejects.toMatchObject({ reason: 'provider_unavailable' });
    expect(s.received).toHaveLength(1);
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'provider_unavailable' });
    expect(s.received).toHaveLength(4);
  });

  it('timeout per call: a slow answer ends as a TimeoutError at the call’s bound, not the bank’s', async () => {
    const s = await hostileServer((_req, res) => setTimeout(() => json(res, 200, { accounts: [] }), 2_000));
    closers.push(s.close);
    const conn = new Polybank({ providers: [plain({ baseUrl: s.url })], timeout: 30_000, retry: false }).connection('plain', { id: 'c' });
    const started = Date.now();
    const error = await conn.accounts({ timeout: 150 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a signal per call aborts it', async () => {
    const s = await hostileServer((_req, res) => setTimeout(() => json(res, 200, { accounts: [] }), 2_000));
    closers.push(s.close);
    const conn = new Polybank({ providers: [plain({ baseUrl: s.url })] }).connection('plain', { id: 'c' });
    const error = await conn.accounts({ signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'AbortedError' });
  });

  it('wrong options are a ValidationError before anything is sent', async () => {
    const s = await hostileServer((_req, res) => json(res, 200, { accounts: [] }));
    closers.push(s.close);
    const conn = new Polybank({ providers: [plain({ baseUrl: s.url })] }).connection('plain', { id: 'c' });
    for (const options of [{ timeout: -1 }, { timeout: Number.NaN }, { retry: 1.5 }, { retry: 99 }, { signal: 'no' as never }]) {
      const error = await conn.accounts(options).catch((e: unknown) => e);
      expect(isValidationError(error), JSON.stringify(options)).toBe(true);
    }
    const it = conn.authenticate({ timeout: 0 });
    await expect(it.next()).rejects.toSatisfy(isValidationError);
    expect(s.received).toHaveLength(0);
  });
});

describe('types that narrow', () => {
  it('a resumed connection narrows on provider: ref and actions are the provider’s', () => {
    const bank = new Polybank({
      providers: [flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb' }), powens({ baseUrl: 'https://demo.biapi.pro/2.0', clientId: '1', clientSecret: 's' })],
    });
    const check = async (checkpoint: string): Promise<void> => {
      const conn = await bank.resume(checkpoint);
      if (conn.provider === 'flinks') {
        expectTypeOf(conn.ref).toEqualTypeOf<FlinksRef | undefined>();
        expectTypeOf(conn.actions).toHaveProperty('statements');
      } else {
        expectTypeOf(conn.provider).toEqualTypeOf<'powens'>();
        expectTypeOf(conn.actions).toHaveProperty('reconnectUrl');
      }
      expectTypeOf(conn).toMatchTypeOf<Connection>();
    };
    expect(typeof check).toBe('function');
  });
});
