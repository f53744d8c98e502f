import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isCheckpointError, isInvalidAnswerError, type Checkpoint } from '../../src/index.js';
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

const KEY = 'a-checkpoint-signing-key-of-32-bytes!';


async function firstCheckpoint(username: string, options: Parameters<typeof toy.bank>[0] = {}): Promise<Checkpoint> {
  const conn = toy.bank(options).connect('toybank', { username, password: TOY_PASSWORD });
  const iterator = conn.authenticate();
  await iterator.next();
  const cp = await conn.checkpoint();
  await iterator.return(undefined);
  return cp;
}

describe('checkpoints', () => {
  it('resume in a fresh bank re-yields the pending challenge without re-sending anything', async () => {
    const cp = JSON.parse(JSON.stringify(await firstCheckpoint('questions-otp', { checkpoints: { signingKey: KEY } })));
    expect(cp.v).toBe(2);
    expect(JSON.stringify(cp).length).toBeLessThan(2000);
    const sentBefore = { ...toy.sim.counts };

    // Another process: a brand new Polybank with the same configuration.
    const conn = await toy.bank({ checkpoints: { signingKey: KEY } }).resume(cp);
    expect(conn.status).toMatchObject({ status: 'challenge', challengeType: 'questions' });
    expect(toy.sim.counts).toEqual(sentBefore);
    const types: string[] = [];
    for await (const c of conn.authenticate()) {
      types.push(c.type);
      if (c.type === 'questions') {
        expect(c.id).toBe(cp.pending.challenge.id);
        expect(toy.sim.counts).toEqual(sentBefore);
        c.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
      }
      if (c.type === 'otp') c.answer({ code: '123456' });
    }
    expect(types).toEqual(['questions', 'otp']);
    expect(conn.status.status).toBe('active');
    expect(toy.sim.count('CreateSession')).toBe(1);
    expect((await conn.accounts()).length).toBe(3);
  });

  it('a resumed OTP challenge does not trigger a second SMS', async () => {
    const cp = await firstCheckpoint('otp');
    const conn = await toy.bank().resume(cp);
    for await (const c of conn.authenticate()) if (c.type === 'otp') c.answer({ code: '123456' });
    expect(toy.sim.state.sessions.get('s1')?.otpSends).toBe(1);
    expect(conn.status.status).toBe('active');
  });

  it('a resumed decoupled challenge re-yields, then polls (no second push)', async () => {
    const cp = await firstCheckpoint('decoupled-approve');
    expect(toy.sim.count('PollSession')).toBe(0);
    const conn = await toy.bank().resume(cp);
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type);
    expect(seen).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
    expect(toy.sim.count('CreateSession')).toBe(1);
  });

  it('never holds the password, answers or OTP', async () => {
    const conn = toy.bank().connect('toybank', { username: 'questions-otp', password: TOY_PASSWORD });
    const checkpoints: string[] = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'questions') c.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
      if (c.type === 'otp') c.answer({ code: '123456' });
      checkpoints.push(JSON.stringify(await conn.checkpoint()));
    }
    checkpoints.push(JSON.stringify(await conn.checkpoint()));
    for (const text of checkpoints) {
      for (const secret of [TOY_PASSWORD, 'Montreal', 'Blue', '123456']) expect(text).not.toContain(secret);
    }
  });

  it('rejects an unknown version, a tampered body and a key mismatch with CheckpointError', async () => {
    const cp = await firstCheckpoint('otp', { checkpoints: { signingKey: KEY } });
    const bank = toy.bank({ checkpoints: { signingKey: KEY } });
    await expect(bank.resume({ ...cp, v: 3 } as unknown as Checkpoint)).rejects.toThrow(/unsupported checkpoint version 3/);
    await expect(bank.resume({ ...cp, v: 1 } as unknown as Checkpoint)).rejects.toThrow(/version 1 .* no longer accepted/);
    const tampered = JSON.parse(JSON.stringify(cp));
    tampered.state.session = 's999';
    await expect(bank.resume(tampered)).rejects.toThrow(/integrity check failed/);
    const added = { ...JSON.parse(JSON.stringify(cp)), extra: 1 };
    await expect(bank.resume(added)).rejects.toSatisfy(isCheckpointError);
    await expect(toy.bank().resume(cp)).rejects.toThrow(/signed by another process: configure checkpoints.signingKey/);
    await expect(toy.bank({ checkpoints: { signingKey: 'another-signing-key-of-enough-length!!' } }).resume(cp)).rejects.toThrow(/signed with a key this bank does not have/);
    await expect(toy.bank({ checkpoints: { signingKey: 'another-signing-key-of-enough-length!!', previousSigningKeys: [KEY] } }).resume(cp)).resolves.toBeDefined();
    expect(() => toy.bank({ checkpoints: { signingKey: 'too-short-key' } })).toThrow(/at least 16 bytes/);
    await expect(bank.resume('{not json')).rejects.toThrow(/not valid JSON/);
    await expect(bank.resume({ v: 2 } as unknown as Checkpoint)).rejects.toThrow(/not signed/);
    const { mac: _mac, ...unsigned } = JSON.parse(JSON.stringify(cp));
    await expect(bank.resume(unsigned)).rejects.toThrow(/not signed/);
    expect(toy.sim.count('Answer')).toBe(0);
  });

  it('without a configured key, a key made for this process signs: a modified checkpoint is refused', async () => {
    const cp = await firstCheckpoint('otp');
    expect(cp.mac.alg).toBe('HS256');
    const tampered = { ...cp, seq: cp.seq + 5 };
    await expect(toy.bank().resume(tampered)).rejects.toThrow(/integrity/);
  });

  it('refuses a checkpoint while a step is in flight or before the loop started', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    await expect(conn.checkpoint()).rejects.toThrow(/nothing to checkpoint yet/);
  });

});

describe('redirect', () => {
  it('keeps the redirect pending when the loop is left, then resume(checkpoint, { callback }) completes it', async () => {
    const conn = toy.bank().connect('toybank', { username: 'redirect', password: TOY_PASSWORD });
    let url = '';
    let state = '';
    for await (const c of conn.authenticate()) {
      if (c.type === 'redirect') {
        url = c.url;
        state = c.state ?? '';
        break; // the user leaves for the bank
      }
    }
    expect(url).toContain('/bank/authorize');
    expect(toy.sim.count('CancelSession')).toBe(0);
    const cp = await conn.checkpoint();

    const bank = toy.bank();
    // A forged callback: state mismatch, nothing exchanged.
    await expect(bank.resume(cp, { callback: `https://app.example/cb?code=code-s1&state=forged` })).rejects.toSatisfy(isInvalidAnswerError);
    expect(toy.sim.count('Answer')).toBe(0);

    const resumed = await bank.resume(cp, { callback: `https://app.example/cb?code=code-s1&state=${state}` });
    expect(resumed.status.status).toBe('active');
    expect(toy.sim.count('Answer')).toBe(1);
    expect((await resumed.accounts()).length).toBe(3);
  });

  it('can also be answered in-process with the callback', async () => {
    const conn = toy.bank().connect('toybank', { username: 'redirect', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'redirect') c.answer({ callback: { code: 'code-s1', state: c.state ?? '' } });
    }
    expect(conn.status.status).toBe('active');
  });
});

describe('consent', () => {
  it('requires the required options locally and sends the choices', async () => {
    const conn = toy.bank().connect('toybank', { username: 'consent', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'consent') {
        expect(() => c.answer({ options: { marketing: true } })).toThrow(/required to give consent/);
        expect(() => c.answer({ options: { accounts: true, unknown: true } })).toThrow(/not an option/);
        c.answer({ options: { accounts: true } });
      }
    }
    expect(conn.status.status).toBe('active');
    expect(toy.sim.count('Answer')).toBe(1);
  });
});
