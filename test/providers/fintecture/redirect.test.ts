import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidAnswerError, isValidationError, type Checkpoint } from '../../../src/index.js';
import { PSU_IP, caught, drive, followBank, startFintecture, type Harness } from './support.js';

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

const REDIRECT_URI = 'https://app.example.com/fintecture/callback';

/** Starts a redirect link and returns its challenge and checkpoint, as a web app's first request would. */
const SHARED_KEY = 'fintecture-redirect-tests-key!';

async function startRedirect(bankOptions: Parameters<typeof h.bank>[0] = {}, provider = 'cmcifrpp'): Promise<{ url: string; state: string; checkpoint: Checkpoint }> {
  const conn = h.bank(bankOptions).connect('fintecture', { provider, model: 'redirect', redirectUri: REDIRECT_URI });
  const iterator = conn.authenticate();
  const { value } = await iterator.next();
  if (!value || value.type !== 'redirect') throw new Error('expected a redirect challenge');
  const checkpoint = await conn.checkpoint();
  await iterator.return(undefined);
  return { url: value.url, state: value.state as string, checkpoint };
}

describe('redirect authentication', () => {
  it('yields the bank URL with the state it generated; resume with the callback exchanges the code and activates', async () => {
    const { url, state, checkpoint } = await startRedirect();
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(new URL(url).pathname).toMatch(/^\/sim\/bank\//);
    const session = [...h.sim.state.sessions.values()][0];
    expect(session).toMatchObject({ model: 'redirect', redirectUri: REDIRECT_URI, state });
    expect(h.sim.counts).toEqual({ GetProvider: 1, Authorize: 1 });

    const callback = await followBank(url);
    expect(new URL(callback).searchParams.get('state')).toBe(state);
    // Request 2, another process: resume with the callback.
    const conn = await h.bank().resume(JSON.parse(JSON.stringify(checkpoint)), { callback });
    expect(conn.status.status).toBe('active');
    expect(conn.ref).toEqual({ customerId: new URL(callback).searchParams.get('customer_id'), refreshToken: expect.any(String) });
    expect(h.sim.count('AccessToken')).toBe(1);
    expect((await conn.accounts()).map((a) => a.type)).toEqual(['checking', 'savings']);
  });

  it('a forged state is refused before anything is exchanged, and the redirect stays pending', async () => {
    const { url, checkpoint } = await startRedirect();
    const callback = new URL(await followBank(url));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'f'.repeat(32));
    const error = await caught(() => h.bank().resume(checkpoint, { callback: forged.toString() }));
    expect(isInvalidAnswerError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/state does not match/);
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    await expect(h.bank().resume(checkpoint, { callback: missing.toString() })).rejects.toMatchObject({ kind: 'InvalidAnswerError', message: expect.stringMatching(/missing state/) });
    expect(h.sim.count('AccessToken')).toBe(0);
    // The genuine callback still completes it.
    const conn = await h.bank().resume(checkpoint, { callback: callback.toString() });
    expect(conn.status.status).toBe('active');
  });

  it('also completes inside the loop with challenge.answer({ callback }), refusing a callback without the state', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', model: 'redirect', redirectUri: REDIRECT_URI, psuId: 'p', psuIpAddress: PSU_IP });
    for await (const c of conn.authenticate()) {
      if (c.type !== 'redirect') continue;
      const callback = new URL(await followBank(c.url));
      const stateless = new URLSearchParams(callback.searchParams);
      stateless.delete('state');
      expect(() => c.answer({ callback: stateless })).toThrow(/missing state/);
      expect(h.sim.count('AccessToken')).toBe(0);
      c.answer({ callback: callback.searchParams });
    }
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('AccessToken')).toBe(1);
  });

  it('a refusal at the bank (error=provider_error&provider_error=access_denied) is auth_rejected, nothing exchanged', async () => {
    const { url, checkpoint } = await startRedirect();
    const callback = await followBank(url, 'deny');
    expect(callback).toContain('provider_error=access_denied');
    const error = await caught(() => h.bank().resume(checkpoint, { callback }));
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'auth_rejected', providerCode: 'access_denied' });
    expect(h.sim.count('AccessToken')).toBe(0);
  });

  it('a replayed callback is refused before the code goes out again (a checkpoint is used once)', async () => {
    const { url, checkpoint } = await startRedirect();
    const callback = await followBank(url);
    await h.bank().resume(checkpoint, { callback });
    const error = await caught(() => h.bank().resume(checkpoint, { callback }));
    expect(error).toMatchObject({ kind: 'CheckpointError', message: expect.stringMatching(/already used/) });
    expect(h.sim.count('AccessToken')).toBe(1);
  });

  it('a code is single-use at Fintecture too: replayed from another process without a shared store, it is auth_expired (invalid_code)', async () => {
    const { url, checkpoint } = await startRedirect({ checkpoints: { signingKey: SHARED_KEY } });
    const callback = await followBank(url);
    await h.bank({ checkpoints: { signingKey: SHARED_KEY } }).resume(checkpoint, { callback });
    // Another instance with its own store cannot know the checkpoint was used: Fintecture refuses the code.
    const error = await caught(() => h.bank({ checkpoints: { signingKey: SHARED_KEY } }).resume(checkpoint, { callback }));
    expect(error).toMatchObject({ reason: 'auth_expired', providerCode: 'invalid_code', status: 401 });
    expect(h.sim.count('AccessToken')).toBe(2);
  });

  it('refuses the redirect model at a decoupled-only bank', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'handse', redirectUri: REDIRECT_URI });
    await expect(drive(conn)).rejects.toMatchObject({ kind: 'UnsupportedError', message: expect.stringMatching(/redirect authentication model; it supports: decoupled/) });
  });
});

describe('connect input is validated before anything is sent', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no model and nothing to choose one', { provider: 'agfbfr' }, /psuId and psuIpAddress .* or redirectUri/],
    ['decoupled without the IP', { provider: 'agfbfr', model: 'decoupled', psuId: 'x' }, /psuIpAddress: required for the decoupled model/],
    ['decoupled without the PSU id', { provider: 'agfbfr', model: 'decoupled', psuIpAddress: PSU_IP }, /psuId: required/],
    ['redirect without redirectUri', { provider: 'agfbfr', model: 'redirect' }, /redirectUri: required for the redirect model/],
    ['a bad IP', { provider: 'agfbfr', psuId: 'x', psuIpAddress: '999.1.1.1' }, /psuIpAddress/],
    ['an unknown field', { provider: 'agfbfr', psuId: 'x', psuIpAddress: PSU_IP, password: 'nope' }, /Unrecognized key/],
    ['a provider id with a path in it', { provider: '../oauth', psuId: 'x', psuIpAddress: PSU_IP }, /provider/],
    ['a redirect URI that is not http(s)', { provider: 'agfbfr', redirectUri: 'javascript:alert(1)' }, /redirectUri/],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        h.bank().connect('fintecture', input as never);
      } catch (e) {
        error = e;
      }
      expect(isValidationError(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(message);
      expect(h.sim.requests).toHaveLength(0);
    });
  }

  it('a connection reference is strict too', () => {
    expect(() => h.bank().connection('fintecture', { customerId: 'c', token: 'x' } as never)).toThrow(/Unrecognized key/);
  });
});
