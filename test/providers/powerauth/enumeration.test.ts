import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionError, type Challenge, type ConnectionStatus } from '../../../src/index.js';
import { PASSWORD, answerRight, startPowerAuth, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startPowerAuth();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

interface Seen {
  challenges: unknown[];
  statuses: ConnectionStatus[];
  error: Record<string, unknown>;
}

/** What the caller can observe: challenges (without ids and clock values), statuses and the final error. */
async function observe(operation: string, username: string, password: string): Promise<Seen> {
  const conn = h.bank().connect('powerauth', { operation: { name: operation } });
  const seen: Seen = { challenges: [], statuses: [], error: {} };
  conn.on('status', (s) => seen.statuses.push('challengeId' in s ? { ...s, challengeId: 'x' } : s));
  try {
    for await (const c of conn.authenticate()) {
      const { id: _id, expiresAt: _expiresAt, ...visible } = c as Challenge & { expiresAt?: string };
      seen.challenges.push(JSON.parse(JSON.stringify(visible)));
      if (c.type === 'credentials') answerRight(h.sim, c, username, password);
      // A real user types the right code; only the password is wrong.
      else if (c.type === 'otp') c.answer({ code: h.sim.state.lastCode() ?? '12345678', password });
      else answerRight(h.sim, c);
    }
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    const { stack: _stack, ...rest } = error.toJSON();
    seen.error = rest;
  }
  return seen;
}

describe('powerauth: nobody learns which usernames exist (Web Flow’s fake SMS path)', () => {
  it('SCA login: an unknown and a blocked user look exactly like a wrong password, and no SMS leaves', async () => {
    const wrongPassword = await observe('login_sca', 'user1234', 'not-the-password');
    const sentToRealUser = h.sim.state.outbox.length;
    h.sim.reset();
    const unknown = await observe('login_sca', 'nobody', PASSWORD);
    expect(h.sim.count('sms/create')).toBe(0);
    expect(h.sim.count('sms/password/verify')).toBe(0);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['FAILED']);
    h.sim.reset();
    const blocked = await observe('login_sca', 'blocked', PASSWORD);
    expect(h.sim.state.outbox).toHaveLength(0);

    expect(sentToRealUser).toBe(1);
    expect(wrongPassword.challenges).toHaveLength(6); // username, then 5 tries of code + password
    expect(wrongPassword.error).toMatchObject({ reason: 'auth_rejected', providerCode: 'SMS_AUTHORIZATION_FAILED', userMessage: 'Authentication failed.' });
    expect(unknown).toEqual(wrongPassword);
    expect(blocked).toEqual(wrongPassword);
  });

  it('non-SCA login: an unknown and a blocked user fail like a wrong password, without any password check', async () => {
    const wrongPassword = await observe('login', 'user1234', 'not-the-password');
    expect(h.sim.count('user/authenticate')).toBe(5);
    h.sim.reset();
    const unknown = await observe('login', 'nobody', PASSWORD);
    expect(h.sim.count('user/authenticate')).toBe(0);
    h.sim.reset();
    const blocked = await observe('login', 'blocked', PASSWORD);
    expect(h.sim.count('user/authenticate')).toBe(0);

    expect(wrongPassword.challenges.map((c) => (c as { message?: string }).message)).toEqual([undefined, ...Array(4).fill('Authentication failed.')]);
    expect(wrongPassword.error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'AUTHENTICATION_FAILED', userAction: 'update_credentials' });
    expect(unknown).toEqual(wrongPassword);
    expect(blocked).toEqual(wrongPassword);
  });

  it('a bank that blocks after wrong passwords ends as account_locked (remainingAttempts 0, NOT_ACTIVE)', async () => {
    const seen = await observe('login', 'lockable', 'nope');
    expect(seen.challenges).toHaveLength(3);
    expect(seen.error).toMatchObject({ reason: 'account_locked', providerCode: 'ATTEMPTS_EXHAUSTED', userAction: 'visit_bank' });
    expect(h.sim.state.user({ username: 'lockable' })?.accountStatus).toBe('NOT_ACTIVE');
  });
});
