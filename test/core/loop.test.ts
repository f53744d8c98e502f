import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  isAbortedError,
  isChallengeStateError,
  isConnectionError,
  isInvalidAnswerError,
  isValidationError,
  type Challenge,
  type ConnectionStatus,
} from '../../src/index.js';
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

describe('the challenge loop over a real socket', () => {
  it('links without MFA and lists exact accounts', async () => {
    const conn = toy.bank().connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
    const statuses: ConnectionStatus['status'][] = [];
    conn.on('status', (s) => statuses.push(s.status));
    const seen: Challenge[] = [];
    for await (const c of conn.authenticate()) seen.push(c);
    expect(seen).toEqual([]);
    expect(conn.status.status).toBe('active');
    expect(conn.ref).toEqual({ connectionId: 'conn-s1' });
    expect(statuses).toEqual(['authenticating', 'active']);
    const accounts = await conn.accounts();
    expect(accounts.map((a) => a.balances.current)).toEqual([
      { amount: '158121.10', currency: 'EUR' },
      { amount: '1500', currency: 'JPY' },
      { amount: '0.300', currency: 'BHD' },
    ]);
  });

  it('lets a data call update the session: consent and sync dates, the ref (with a ref event)', async () => {
    const conn = toy.bank().connect('toybank', { username: 'nomfa', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) void c;
    const refs: unknown[] = [];
    conn.on('ref', (ref) => refs.push(ref));
    expect(conn.status).toEqual({ status: 'active' });
    await conn.accounts();
    expect(conn.status).toMatchObject({ status: 'active', lastSyncedAt: expect.stringMatching(/^\d{4}-/) });
    expect(refs).toEqual([{ connectionId: 'conn-s1' }]);
  });

  it('answers grouped prompts together in one request, then an OTP', async () => {
    const conn = toy.bank().connect('toybank', { username: 'questions-otp', password: TOY_PASSWORD });
    const types: string[] = [];
    for await (const c of conn.authenticate()) {
      types.push(c.type);
      if (c.type === 'questions') {
        expect(c.prompts.map((p) => p.id)).toEqual(['q1', 'q2']);
        c.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
      } else if (c.type === 'otp') {
        expect(c).toMatchObject({ channel: 'sms', length: 6, remainingAttempts: 3, canResend: true });
        c.answer({ code: '123456' });
      }
    }
    expect(types).toEqual(['questions', 'otp']);
    expect(toy.sim.count('Answer')).toBe(2);
    expect(conn.status.status).toBe('active');
  });

  it('rejects a partial grouped answer and invalid answers at once, sending nothing', async () => {
    const conn = toy.bank().connect('toybank', { username: 'questions-otp', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'questions') {
        let error: unknown;
        try {
          c.answer({ q1: 'Montreal' });
        } catch (e) {
          error = e;
        }
        expect(isInvalidAnswerError(error)).toBe(true);
        expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain('q2');
        expect(() => c.answer({ q1: 'Montreal', q2: { question: 'Not offered?', answer: 'x' } })).toThrow(/offered questions/);
        expect(() => c.answer({ q1: 'Montreal', q2: 'Blue' })).toThrow(/pick a question/);
        expect(() => c.answer({ q1: '', q2: { question: 'First car?', answer: 'Volvo' }, q3: 'x' })).toThrow(/not a prompt/);
        expect(toy.sim.count('Answer')).toBe(0);
        c.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
      } else if (c.type === 'otp') {
        expect(() => c.answer({ code: '12' })).toThrow(/6 characters/);
        expect(() => c.answer({ code: '' })).toThrow(/required/);
        expect(() => (c.answer as (a: unknown) => void)({ code: '123456', extra: true })).toThrow(/Unrecognized key/);
        expect(toy.sim.count('Answer')).toBe(1);
        c.answer({ code: '123456' });
      }
    }
    expect(toy.sim.count('Answer')).toBe(2);
  });

  it('throws a clear error when the loop moves on without an answer, and cancels the session', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) void c;
    } catch (e) {
      error = e;
    }
    expect(isChallengeStateError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/was not answered: call challenge.answer/);
    expect(toy.sim.count('Answer')).toBe(0);
    expect(toy.sim.count('CancelSession')).toBe(1);
  });

  it('maps a wrong answer to a typed, non-retryable error and never resubmits it', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) if (c.type === 'otp') c.answer({ code: '000000' });
    } catch (e) {
      error = e;
    }
    expect(isConnectionError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'auth_rejected', retryable: false, providerCode: 'wrong_otp', userAction: 'authenticate' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_rejected', providerState: 'wrong_otp' });
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('resends an OTP only when asked, once', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') {
        expect(toy.sim.state.sessions.get('s1')?.otpSends).toBe(1);
        await c.resend?.();
        expect(toy.sim.count('ResendOtp')).toBe(1);
        c.answer({ code: '654321' });
      }
    }
    expect(conn.status.status).toBe('active');
    expect(toy.sim.state.sessions.get('s1')?.otpSends).toBe(2);
  });

  it('fails on wrong credentials with the normalized reason before any challenge', async () => {
    const conn = toy.bank().connect('toybank', { username: 'nomfa', password: 'wrong' });
    await expect(async () => {
      for await (const c of conn.authenticate()) void c;
    }).rejects.toMatchObject({ code: 'invalid_credentials', userAction: 'update_credentials', status: 401, provider: 'toybank' });
    expect(toy.sim.count('CreateSession')).toBe(1);
  });

  it('validates connect input before sending anything', () => {
    const bank = toy.bank();
    let error: unknown;
    try {
      // @ts-expect-error: a wrong field is a compile error too
      bank.connect('toybank', { username: 'x', passwd: 'y' });
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/password/);
    expect(toy.sim.requests.length).toBe(0);
  });
});

describe('decoupled approval', () => {
  it('yields once and polls until approved, never faster than the interval', async () => {
    const conn = toy.bank().connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
    toy.sim.state.pollsUntilDecision = 3;
    const started = Date.now();
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type === 'decoupled' ? `decoupled:${c.message}` : c.type);
    expect(seen).toEqual(['decoupled:Approve in your Toybank app']);
    expect(conn.status.status).toBe('active');
    expect(toy.sim.count('PollSession')).toBe(3);
    // Three polls at a 50 ms interval (jitter only lengthens): at least 150 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('ends with auth_rejected when the user refuses', async () => {
    const conn = toy.bank().connect('toybank', { username: 'decoupled-refuse', password: TOY_PASSWORD });
    await expect(async () => {
      for await (const c of conn.authenticate()) void c;
    }).rejects.toMatchObject({ reason: 'auth_rejected' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_rejected' });
  });

  it('ends with auth_expired at the deadline and cancels the provider session', async () => {
    const conn = toy.bank({ toy: { decoupledWindowMs: 300 } }).connect('toybank', { username: 'decoupled-expire', password: TOY_PASSWORD });
    await expect(async () => {
      for await (const c of conn.authenticate()) void c;
    }).rejects.toMatchObject({ reason: 'auth_expired', userAction: 'authenticate' });
    const polls = toy.sim.count('PollSession');
    // 300 ms at 50 ms plus up to 20% jitter: between 4 and 7 polls, never a busy loop.
    expect(polls).toBeGreaterThanOrEqual(4);
    expect(polls).toBeLessThanOrEqual(7);
    expect(toy.sim.count('CancelSession')).toBe(1);
  });

  it('honours Retry-After on a poll', async () => {
    toy.sim.inject({ endpoint: 'PollSession', kind: 'status', status: 503, retryAfter: 0 });
    const conn = toy.bank().connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) void c;
    expect(conn.status.status).toBe('active');
    // The 503 was retried by the HTTP layer (GET is idempotent): one extra poll request.
    expect(toy.sim.count('PollSession')).toBe(3);
  });
});

describe('leaving the loop', () => {
  it('break cancels the provider session', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('otp');
      break;
    }
    expect(toy.sim.count('CancelSession')).toBe(1);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });

  it('abort while waiting for the user cancels at once, and the loop ends with AbortedError', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    const controller = new AbortController();
    const iterator = conn.authenticate({ signal: controller.signal });
    const first = await iterator.next();
    expect(first.done).toBe(false);
    controller.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(toy.sim.count('CancelSession')).toBe(1);
    const next = iterator.next();
    await expect(next).rejects.toSatisfy(isAbortedError);
    expect(toy.sim.count('CancelSession')).toBe(1);
  });

  it('abort during decoupled polling stops polling and cancels', async () => {
    toy.sim.state.pollsUntilDecision = 1000;
    const conn = toy.bank().connect('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 180);
    await expect(async () => {
      for await (const c of conn.authenticate({ signal: controller.signal })) void c;
    }).rejects.toSatisfy(isAbortedError);
    const polls = toy.sim.count('PollSession');
    await new Promise((r) => setTimeout(r, 200));
    expect(toy.sim.count('PollSession')).toBe(polls);
    expect(toy.sim.count('CancelSession')).toBe(1);
  });

  it('break after a checkpoint suspends instead of cancelling', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    for await (const c of conn.authenticate()) {
      void c;
      await conn.checkpoint();
      break;
    }
    expect(toy.sim.count('CancelSession')).toBe(0);
    expect(conn.status).toMatchObject({ status: 'challenge', challengeType: 'otp' });
  });

  it('abort after a checkpoint still cancels: an abort means stop, whatever was saved', async () => {
    const conn = toy.bank().connect('toybank', { username: 'otp', password: TOY_PASSWORD });
    const controller = new AbortController();
    const iterator = conn.authenticate({ signal: controller.signal });
    expect((await iterator.next()).done).toBe(false);
    await conn.checkpoint();
    controller.abort();
    await expect(iterator.next()).rejects.toSatisfy(isAbortedError);
    expect(toy.sim.count('CancelSession')).toBe(1);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });
});
