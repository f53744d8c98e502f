import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidationError, type Checkpoint } from '../../../src/index.js';
import type { FintectureRef } from '../../../src/providers/fintecture/index.js';
import { caught, startFintecture, type Harness } from './support.js';

/** Fintecture Connect (GET /ais/v2/connect): the hosted bank selection, as a redirect challenge with its callback. */
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

/** What the PSU's browser does on the Connect page: pick a bank (or refuse), then land on the app's callback. */
async function throughConnect(url: string, extra: Record<string, string> = {}): Promise<string> {
  const target = new URL(url);
  for (const [k, v] of Object.entries(extra)) target.searchParams.set(k, v);
  const res = await fetch(target, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`the Connect page answered ${res.status}`);
  return location;
}

/** Starts a Connect link and stops at its redirect challenge, checkpointed. */
async function startConnect(input: Record<string, unknown>): Promise<{ url: string; state: string; checkpoint: Checkpoint }> {
  const conn = h.bank().connect('fintecture', input as never);
  const iterator = conn.authenticate();
  const { value } = await iterator.next();
  const challenge = value as { type: string; url: string; state: string };
  expect(challenge.type).toBe('redirect');
  const checkpoint = await conn.checkpoint();
  await iterator.return(undefined);
  return { url: challenge.url, state: challenge.state, checkpoint };
}

describe('Fintecture Connect', () => {
  it('redirectUri without a bank opens a Connect session with the page options; the callback activates the link', async () => {
    const conn = h.bank().connect('fintecture', { redirectUri: REDIRECT_URI, country: 'fr', language: 'FR', psuType: 'retail' });
    let url = '';
    for await (const challenge of conn.authenticate()) {
      if (challenge.type !== 'redirect') throw new Error(`unexpected ${challenge.type}`);
      url = challenge.url;
      expect(challenge.state).toMatch(/^[0-9a-f]{32}$/);
      challenge.answer({ callback: await throughConnect(challenge.url) });
    }
    expect(url).toMatch(/\/sim\/connect\/[0-9a-f]+$/);
    const session = [...h.sim.state.sessions.values()].find((s) => s.model === 'connect');
    // x-country / x-language / x-psu-type as the JS SDK sends them; the state is the one polybank made.
    expect(session).toMatchObject({ bank: 'agfbfr', redirectUri: REDIRECT_URI, connect: { country: 'FR', language: 'fr', psuType: 'retail' }, status: 'COMPLETED' });
    expect(conn.status.status).toBe('active');
    const ref = conn.ref as FintectureRef;
    expect(ref.customerId).toBe(session?.customerId);
    // No bank read (the PSU picks it on Fintecture's page): Connect, then the code exchange and the consent probe.
    expect(h.sim.requests.map((r) => r.endpoint).filter((e) => e !== 'ConnectPage')).toEqual(['Connect', 'AccessToken', 'ListAccounts']);
    expect((await conn.accounts()).map((a) => a.type)).toEqual(['checking', 'savings']);
  });

  it('model connect with a bank preselects it (x-provider); the callback names the bank', async () => {
    const { url, checkpoint } = await startConnect({ model: 'connect', provider: 'bnpafrpp', redirectUri: REDIRECT_URI });
    const callback = await throughConnect(url);
    expect(new URL(callback).searchParams.get('provider')).toBe('bnpafrpp');
    const conn = await h.bank().resume(checkpoint, { callback });
    expect(conn.status.status).toBe('active');
    expect((await conn.accounts()).map((a) => a.name)).toEqual(['Compte de chèques', 'Carte Visa Premier', 'Prêt Immobilier']);
  });

  it('the PSU refusing on the Connect page is auth_rejected, and nothing is exchanged', async () => {
    const { url, checkpoint } = await startConnect({ redirectUri: REDIRECT_URI });
    const callback = await throughConnect(url, { decision: 'deny' });
    const error = await caught(() => h.bank().resume(checkpoint, { callback }));
    expect(error).toMatchObject({ kind: 'ConnectionError', reason: 'auth_rejected', providerCode: 'access_denied' });
    expect(h.sim.count('AccessToken')).toBe(0);
  });

  it('a callback from another Connect session (another state) is refused before any exchange', async () => {
    const first = await startConnect({ redirectUri: REDIRECT_URI });
    const second = await startConnect({ redirectUri: REDIRECT_URI });
    const callback = await throughConnect(second.url);
    await expect(h.bank().resume(first.checkpoint, { callback })).rejects.toMatchObject({ kind: 'InvalidAnswerError' });
    expect(h.sim.count('AccessToken')).toBe(0);
  });

  it("reads the catalog's meta.session_id when Fintecture gives no connect_id", async () => {
    h.sim.state.shapes = 'catalog';
    const { checkpoint } = await startConnect({ redirectUri: REDIRECT_URI });
    expect(JSON.stringify(checkpoint)).toContain('"phase":"connect"');
    const session = [...h.sim.state.sessions.values()].find((s) => s.model === 'connect');
    expect(JSON.stringify(checkpoint)).toContain(`"connectId":"${session?.id}"`);
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['connect without redirectUri', { model: 'connect' }, /redirectUri: required for the connect model/],
    ['a country that is not two letters', { redirectUri: REDIRECT_URI, country: 'FRA' }, /country: expected a two-letter country code/],
    ['a Connect-only option with another model', { provider: 'agfbfr', redirectUri: REDIRECT_URI, language: 'fr' }, /language: only used by Fintecture Connect/],
    ['decoupled without a bank', { model: 'decoupled', psuId: 'x', psuIpAddress: '203.0.113.7' }, /provider: required for the decoupled model/],
  ];
  for (const [name, input, message] of invalid) {
    it(`input is checked before anything is sent: ${name}`, () => {
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
});
