import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, Logger, Polybank } from '../../../src/index.js';
import type { FintectureProvider } from '../../../src/providers/fintecture/index.js';
import { APP_ID, PSU_IP, followBank, rsaKeyPair, startFintecture, type Harness, type KeyPair } from './support.js';

/**
 * Canaries for every Fintecture secret: the app secret, the private key, and every token
 * and code the simulator issued during the flows. Then every error (message, stack, cause,
 * JSON), event, log line, checkpoint and util.inspect output is searched for them.
 */
const APP_SECRET_CANARY = 'app-secret-CANARY-8d1e4';

let h: Harness;
let keys: KeyPair;
beforeAll(async () => {
  keys = await rsaKeyPair();
  h = await startFintecture({ appSecret: APP_SECRET_CANARY, publicKey: keys.publicPem });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth++) {
    const e = current as Error & { cause?: unknown };
    parts.push(String(e.message), String(e.stack), JSON.stringify(e), inspect(e, { depth: 10, showHidden: true }));
    current = e.cause;
  }
  return parts.join('\n');
}

function recorder(outputs: string[]): { logger: Logger; watch(bank: Polybank<FintectureProvider>, conn: Connection<FintectureProvider>): void } {
  const record = (fields: Record<string, unknown>, message: string): void => {
    outputs.push(`${message} ${inspect(fields, { depth: 10 })}`);
  };
  return {
    logger: { debug: record, info: record, warn: record, error: record },
    watch(bank, conn) {
      bank.on('request', (e) => outputs.push(JSON.stringify(e)));
      conn.on('status', (s) => outputs.push(JSON.stringify(s)));
      conn.on('challenge', (c) => outputs.push(JSON.stringify(c), inspect(c)));
    },
  };
}

/** Every secret the simulator handed out, plus the app's own. */
function secrets(): string[] {
  const issued = [...h.sim.state.tokens.keys(), ...h.sim.state.refreshTokens.keys(), ...h.sim.state.codes.keys()];
  const keyLines = keys.privatePem.split('\n').filter((l) => l.length > 40);
  return [APP_SECRET_CANARY, Buffer.from(`${APP_ID}:${APP_SECRET_CANARY}`).toString('base64'), ...keyLines, ...issued];
}

function expectNoSecret(outputs: string[]): void {
  expect(outputs.length).toBeGreaterThan(5);
  const all = outputs.join('\n');
  const found = secrets().filter((s) => all.includes(s));
  if (found.length) throw new Error(`leaked: ${found[0]?.slice(0, 12)}… in ${outputs.find((o) => o.includes(found[0] as string))?.slice(0, 300)}`);
  expect(secrets().length).toBeGreaterThan(5);
}

describe('no Fintecture secret leaves the SDK', () => {
  it('through a decoupled link, token expiry, a refresh, data calls, checkpoints and inspect', async () => {
    const outputs: string[] = [];
    const rec = recorder(outputs);
    // Distributed checkpoints (a configured signing key) without encryption keys: secrets are left out.
    const bank = h.bank({ logger: rec.logger, checkpoints: { signingKey: 'fintecture-secrets-signing-key!' }, fintecture: { privateKey: keys.privatePem, appSecret: APP_SECRET_CANARY } });
    const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    rec.watch(bank, conn);
    for await (const c of conn.authenticate()) outputs.push(JSON.stringify(await conn.checkpoint()), inspect(conn, { depth: 10, showHidden: true }), inspect(c));
    h.sim.state.expireAccessTokens();
    await conn.accounts();
    await conn.holders();
    const checkpoint = JSON.stringify(await conn.checkpoint());
    expect(JSON.parse(checkpoint).dropped).toEqual(['accessToken', 'ref.refreshToken', 'refreshToken']);
    outputs.push(checkpoint, inspect(conn, { depth: 10, showHidden: true }), JSON.stringify(conn), inspect(bank, { depth: 6 }));
    // The refresh token is handed to the app on purpose (conn.ref), and only there.
    expect(conn.ref?.refreshToken).toMatch(/^sim-rt-/);
    expectNoSecret(outputs);
  });

  it('through a replayed code the provider echoes back in its error', async () => {
    const outputs: string[] = [];
    // Instances with their own stores: the second one cannot know the checkpoint was used, so the code reaches Fintecture again.
    const checkpoints = { signingKey: 'fintecture-secrets-signing-key!' };
    const conn = h.bank({ checkpoints, fintecture: { privateKey: keys.privatePem, appSecret: APP_SECRET_CANARY } }).connect('fintecture', {
      provider: 'cmcifrpp',
      redirectUri: 'https://app.example.com/cb',
    });
    const iterator = conn.authenticate();
    const { value } = await iterator.next();
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    const callback = await followBank((value as { url: string }).url);
    const code = new URL(callback).searchParams.get('code') as string;
    await h.bank({ checkpoints, fintecture: { privateKey: keys.privatePem, appSecret: APP_SECRET_CANARY } }).resume(checkpoint, { callback });

    const rec = recorder(outputs);
    const bank = h.bank({ logger: rec.logger, checkpoints, fintecture: { privateKey: keys.privatePem, appSecret: APP_SECRET_CANARY } });
    bank.on('request', (e) => outputs.push(JSON.stringify(e)));
    try {
      await bank.resume(checkpoint, { callback });
      throw new Error('expected invalid_code');
    } catch (error) {
      outputs.push(errorText(error));
      expect((error as Error).message).toContain('The authorization code [REDACTED] is either wrong or expired');
    }
    outputs.push(JSON.stringify(checkpoint), inspect(bank, { depth: 6 }), inspect(checkpoint, { depth: 10 }));
    expect(outputs.join('\n')).not.toContain(code);
    expectNoSecret(outputs);
  });

  it('through a lost token answer and a dead refresh token', async () => {
    const outputs: string[] = [];
    const bank = h.bank({ logger: recorder(outputs).logger, fintecture: { privateKey: keys.privatePem, appSecret: APP_SECRET_CANARY } });
    bank.on('request', (e) => outputs.push(JSON.stringify(e)));
    const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    for await (const c of conn.authenticate()) void c;
    const ref = conn.ref as { customerId: string; refreshToken: string };
    for (const t of h.sim.state.refreshTokens.values()) t.revoked = true;
    h.sim.state.expireAccessTokens();
    const reopened = bank.connection('fintecture', ref);
    await reopened.accounts().catch((e: unknown) => outputs.push(errorText(e)));
    h.sim.inject({ endpoint: 'AccessToken', kind: 'reset', when: 'after' });
    const again = bank.connect('fintecture', { provider: 'agfbfr', psuId: 'approve-2', psuIpAddress: PSU_IP });
    await (async () => {
      for await (const c of again.authenticate()) void c;
    })().catch((e: unknown) => outputs.push(errorText(e)));
    expect(outputs.join('\n')).toMatch(/consent_expired[\s\S]*NetworkError|NetworkError[\s\S]*consent_expired/);
    outputs.push(inspect(reopened, { depth: 10 }), inspect(again, { depth: 10 }));
    expectNoSecret(outputs);
  });
});
