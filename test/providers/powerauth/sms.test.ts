import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionError, isInvalidAnswerError } from '../../../src/index.js';
import { PASSWORD, answerRight, requestOf, sharedClock, startPowerAuth, type Harness } from './helpers.js';

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

describe('powerauth: SMS codes', () => {
  it('an expired code is said so; the user asks for a new one (resend: true, new message id) and it passes', async () => {
    const conn = h.bank({ clock: sharedClock(h.sim) }).connect('powerauth', { username: 'user1234' });
    let round = 0;
    for await (const c of conn.authenticate()) {
      if (c.type !== 'otp') {
        answerRight(h.sim, c);
        continue;
      }
      round++;
      if (round === 1) {
        const first = h.sim.state.lastCode()!;
        h.sim.state.clockOffsetMs = 301_000; // the sample's 300 s have passed, for the bank and for polybank
        c.answer({ code: first, password: PASSWORD });
      } else {
        expect(c.message).toBe('The code has expired. Ask for a new one.');
        expect(c.canResend).toBe(true);
        const before = c.expiresAt;
        await c.resend!();
        const renewed = conn.pendingChallenge;
        expect(renewed?.id).toBe(c.id);
        expect(renewed?.type === 'otp' && renewed.expiresAt! >= before!).toBe(true);
        h.sim.state.clockOffsetMs = 0;
        answerRight(h.sim, renewed!);
      }
    }
    expect(round).toBe(2);
    expect(h.sim.count('sms/create')).toBe(2);
    expect(requestOf(h.sim, 'sms/create', 1)).toMatchObject({ resend: true });
    const [first, second] = [...h.sim.state.sms.values()];
    expect(requestOf(h.sim, 'sms/password/verify', 0).messageId).toBe(first?.messageId);
    expect(requestOf(h.sim, 'sms/password/verify', 1).messageId).toBe(second?.messageId);
    expect(conn.status.status).toBe('active');
  });

  it('an undelivered SMS (smsDeliveryResult FAILED) shows the failure and lets the user ask for a new code', async () => {
    h.sim.state.script.smsDeliveryFailures = 1;
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    let sawFailure = false;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && !sawFailure) {
        sawFailure = true;
        expect(c.message).toBe('The SMS could not be delivered. Ask for a new code.');
        expect(h.sim.state.outbox).toHaveLength(0);
        await c.resend!();
        expect(h.sim.state.outbox).toHaveLength(1);
        answerRight(h.sim, conn.pendingChallenge!);
        continue;
      }
      answerRight(h.sim, c);
    }
    expect(sawFailure).toBe(true);
    expect(conn.status.status).toBe('active');
  });

  it('a malformed code is refused at once: nothing is sent', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') {
        for (const bad of [{ code: '1234', password: PASSWORD }, { code: '1234567a', password: PASSWORD }, { code: h.sim.state.lastCode()! }, { code: '12345678', password: PASSWORD, extra: 1 }]) {
          let error: unknown;
          try {
            c.answer(bad as { code: string });
          } catch (e) {
            error = e;
          }
          expect(isInvalidAnswerError(error)).toBe(true);
        }
        expect(h.sim.count('sms/password/verify')).toBe(0);
      }
      answerRight(h.sim, c);
    }
    expect(h.sim.count('sms/password/verify')).toBe(1);
  });

  it('a wrong SMS-only code (payment SMS_KEY) ends as auth_rejected when the step’s tries run out', async () => {
    const conn = h.bank({ powerauth: { maxAttempts: 2 } }).connect('powerauth', { operation: { name: 'authorize_payment', data: 'A1*A100CZK*Q238400856/0300', formData: paymentForm() } });
    let error: unknown;
    let tries = 0;
    try {
      for await (const c of conn.authenticate()) {
        if (c.type === 'otp') {
          tries++;
          c.answer({ code: '99999999' });
        } else answerRight(h.sim, c);
      }
    } catch (e) {
      error = e;
    }
    expect(tries).toBe(2);
    expect(isConnectionError(error) && error.reason).toBe('auth_rejected');
    expect(error).toMatchObject({ providerCode: 'SMS_AUTHORIZATION_FAILED', userMessage: 'Authentication failed.' });
    expect(h.sim.count('sms/verify')).toBe(2);
  });

  it('shows polybank’s own count of the step’s tries when asked (showRemainingAttempts), never the bank’s', async () => {
    h.sim.state.showRemainingAttempts = true;
    const seen: Record<string, Array<number | undefined>> = {};
    for (const show of [false, true]) {
      h.sim.reset();
      h.sim.state.showRemainingAttempts = true;
      const conn = h.bank({ powerauth: { maxAttempts: 3, showRemainingAttempts: show } }).connect('powerauth', { username: 'user1234' });
      const remaining: Array<number | undefined> = [];
      try {
        for await (const c of conn.authenticate()) {
          if (c.type === 'otp') {
            remaining.push(c.remainingAttempts);
            c.answer({ code: '99999999', password: PASSWORD });
          }
        }
      } catch {
        // the third try ends it
      }
      seen[String(show)] = remaining;
    }
    // The bank says 4, 3 left and to show them; polybank: 2, 1 left, shown only when configured.
    expect(seen).toEqual({ false: [undefined, undefined, undefined], true: [undefined, 2, 1] });
  });
});

function paymentForm(): Record<string, unknown> {
  return {
    title: { id: 'operation.title', message: 'Confirm Payment' },
    greeting: { id: 'operation.greeting', message: null },
    summary: { id: 'operation.summary', message: 'Pay 100 CZK' },
    config: [],
    banners: [],
    parameters: [
      { type: 'AMOUNT', id: 'operation.amount', label: 'Amount', valueFormatType: 'AMOUNT', formattedValues: {}, amount: 100, currency: 'CZK', currencyId: 'operation.currency' },
      { type: 'KEY_VALUE', id: 'operation.account', label: 'To Account', valueFormatType: 'ACCOUNT', formattedValues: {}, value: '238400856/0300' },
    ],
    userInput: {},
  };
}
