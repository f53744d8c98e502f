import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, isCheckpointError, type Checkpoint } from '../../src/index.js';
import { canonicalJson, toBase64Url } from '../../src/core/checkpoint.js';
import { Sealer } from '../../src/core/sealer.js';
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

const KEY = 'checkpoint-security-signing-key!!';

async function otpCheckpoint(options: Parameters<typeof toy.bank>[0] = {}): Promise<Checkpoint> {
  const conn = toy.bank(options).connect('toybank', { username: 'otp', password: TOY_PASSWORD });
  const iterator = conn.authenticate();
  await iterator.next();
  const cp = await conn.checkpoint();
  await iterator.return(undefined);
  return cp;
}

async function answerOtp(resumed: Awaited<ReturnType<ReturnType<typeof toy.bank>['resume']>>): Promise<unknown> {
  try {
    for await (const c of resumed.authenticate()) if (c.type === 'otp') c.answer({ code: '123456' });
    return 'active';
  } catch (error) {
    return error;
  }
}

describe('checkpoints are authentic by default (#13 item 3)', () => {
  it('without any configured key, a forged checkpoint (a digest, or a guessed key) is refused before anything is sent', async () => {
    const cp = JSON.parse(JSON.stringify(await otpCheckpoint()));
    // What the old format accepted: a plain SHA-256 of the body anyone can compute.
    const { mac: _mac, ...body } = cp;
    const forged = { ...body, state: { session: 's999' } };
    const digest = toBase64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(forged))));
    await expect(toy.bank().resume({ ...forged, mac: { alg: 'SHA-256', value: digest } })).rejects.toThrow(/not signed/);
    const guessed = await crypto.subtle.importKey('raw', new TextEncoder().encode('guessed-signing-key-000'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = toBase64Url(await crypto.subtle.sign('HMAC', guessed, new TextEncoder().encode(canonicalJson(forged))));
    await expect(toy.bank().resume({ ...forged, mac: { alg: 'HS256', kid: cp.mac.kid, value: sig } })).rejects.toThrow(/integrity check failed/);
    expect(toy.sim.count('Answer') + toy.sim.count('CancelSession')).toBe(0);
  });

  it('an expired checkpoint is refused', async () => {
    const cp = await otpCheckpoint({ checkpoints: { maxAgeMs: 50 } });
    await new Promise((r) => setTimeout(r, 80));
    await expect(toy.bank().resume(cp)).rejects.toThrow(/checkpoint expired at/);
  });

  it('expires no later than the pending challenge (plus a minute of grace)', async () => {
    const cp = await otpCheckpoint();
    const challengeExpiry = cp.pending?.challenge?.expiresAt;
    if (challengeExpiry) expect(Date.parse(cp.expiresAt)).toBeLessThanOrEqual(Date.parse(challengeExpiry) + 60_000);
    expect(Date.parse(cp.expiresAt)).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it('sealed values are bound to their checkpoint: moved into another one, they do not decrypt', async () => {
    const sealer = new Sealer({ keys: { k1: new Uint8Array(32).fill(7) } });
    const blob = await sealer.seal({ userToken: 'secret-token-value' }, 'powens checkpoint-one-id');
    await expect(sealer.unseal(blob, 'powens checkpoint-one-id')).resolves.toEqual({ userToken: 'secret-token-value' });
    await expect(sealer.unseal(blob, 'powens checkpoint-two-id')).rejects.toThrow(/moved from another checkpoint/);
  });
});

describe('a checkpoint is used once (#13 item 10)', () => {
  it('resumed twice in one process: the answer is sent once, the second use is a CheckpointError', async () => {
    const cp = await otpCheckpoint();
    const first = await answerOtp(await toy.bank().resume(cp));
    const second = await answerOtp(await toy.bank().resume(cp));
    expect(first).toBe('active');
    expect(isCheckpointError(second)).toBe(true);
    expect(String((second as Error).message)).toMatch(/already used/);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('resumed on two instances sharing a store: the second use is refused too', async () => {
    const store = new MemoryStore();
    const options = { store, checkpoints: { signingKey: KEY } };
    const cp = await otpCheckpoint(options);
    expect(await answerOtp(await toy.bank(options).resume(cp))).toBe('active');
    expect(isCheckpointError(await answerOtp(await toy.bank(options).resume(cp)))).toBe(true);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('re-showing a resumed challenge sends nothing and uses nothing: the checkpoint stays good until an answer goes out', async () => {
    const cp = await otpCheckpoint();
    const peek = await toy.bank().resume(cp);
    const it = peek.authenticate();
    expect((await it.next()).value).toMatchObject({ type: 'otp' });
    await it.return(undefined);
    expect(await answerOtp(await toy.bank().resume(cp))).toBe('active');
  });
});
