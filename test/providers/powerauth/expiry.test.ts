/**
 * An expired SMS code is said so (#14 item 2) whatever the Data Adapter answers: the
 * documentation's `smsAuthorization.expired`, or the sample implementation's generic
 * `login.authenticationFailed` for a failed SMS + password check. polybank knows the
 * code's own deadline (the challenge's `expiresAt`): the message comes from it, for a
 * real user and for nobody alike.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, answerRight, sharedClock, startPowerAuth, type Harness } from './helpers.js';

const EXPIRED = 'The code has expired. Ask for a new one.';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.close();
  h = undefined;
});

function payment(): Record<string, unknown> {
  return {
    name: 'authorize_payment',
    data: 'A1*A100CZK*Q238400856/0300',
    formData: {
      summary: { id: 'operation.summary', message: 'Pay 100 CZK' },
      parameters: [
        { type: 'AMOUNT', id: 'operation.amount', amount: 100, currency: 'CZK' },
        { type: 'KEY_VALUE', id: 'operation.account', value: '238400856/0300' },
      ],
    },
  };
}

/** Lets the code expire (the bank's clock and polybank's move together), answers it, and returns what the next page says. */
async function expiredAnswer(harness: Harness, input: Record<string, unknown>, username = 'user1234'): Promise<{ message?: string; verified: unknown }> {
  const conn = harness.bank({ clock: sharedClock(harness.sim) }).connect('powerauth', input);
  const iterator = conn.authenticate();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const c = next.value;
    if (c.type === 'otp') {
      if (harness.sim.state.clockOffsetMs > 0) {
        await iterator.return(undefined);
        const verify = harness.sim.state.requests.filter((r) => r.endpoint === 'sms/password/verify' || r.endpoint === 'sms/verify').at(-1);
        return { ...(c.message !== undefined ? { message: c.message } : {}), verified: verify?.endpoint };
      }
      const code = harness.sim.state.lastCode() ?? '12345678';
      harness.sim.state.clockOffsetMs = 301_000;
      c.answer(c.passwordRequired ? { code, password: PASSWORD } : { code });
      continue;
    }
    answerRight(harness.sim, c, username);
  }
  throw new Error('the flow ended before the second code page');
}

describe('powerauth: an expired code is said so, whatever the Data Adapter answers', () => {
  for (const variant of ['reference', 'sample'] as const) {
    it(`${variant}: SMS + password (sms/password/verify)`, async () => {
      h = await startPowerAuth({ variant });
      const seen = await expiredAnswer(h, { username: 'user1234' });
      expect(seen).toEqual({ message: EXPIRED, verified: 'sms/password/verify' });
      // What the bank said: its own key (reference), or the generic failure (sample).
      const answer = h.sim.state.requests.filter((r) => r.endpoint === 'sms/password/verify');
      expect(answer).toHaveLength(1);
    });

    it(`${variant}: the SMS code alone (sms/verify, a payment's SMS_KEY)`, async () => {
      h = await startPowerAuth({ variant });
      const seen = await expiredAnswer(h, { operation: payment() });
      expect(seen).toEqual({ message: EXPIRED, verified: 'sms/verify' });
    });

    it(`${variant}: an unknown user gets the same expiry message`, async () => {
      h = await startPowerAuth({ variant });
      const seen = await expiredAnswer(h, {}, 'nobody');
      expect(seen).toEqual({ message: EXPIRED, verified: 'sms/password/verify' });
    });
  }

  it('the sample really answers the generic failure for an expired combined check (the simulator behaves like it)', async () => {
    h = await startPowerAuth({ variant: 'sample' });
    const bank = h.bank({ clock: sharedClock(h.sim) });
    const conn = bank.connect('powerauth', { username: 'user1234' });
    const answers: unknown[] = [];
    h.sim.inject({ endpoint: 'sms/password/verify', kind: 'mutate', mutate: (body) => (answers.push(body), body) });
    const iterator = conn.authenticate();
    const otp = (await iterator.next()).value!;
    h.sim.state.clockOffsetMs = 301_000;
    if (otp.type === 'otp') otp.answer({ code: h.sim.state.lastCode()!, password: PASSWORD });
    await iterator.next();
    await iterator.return(undefined);
    expect(answers).toEqual([{ status: 'OK', responseObject: expect.objectContaining({ smsAuthorizationResult: 'FAILED', errorMessage: 'login.authenticationFailed' }) }]);
  });

  it('a code answered in time but wrong says failed, not expired', async () => {
    h = await startPowerAuth({ variant: 'sample' });
    const conn = h.bank({ clock: sharedClock(h.sim) }).connect('powerauth', { username: 'user1234' });
    const messages: Array<string | undefined> = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && messages.length === 0) {
        messages.push(c.message);
        c.answer({ code: '00000000', password: PASSWORD });
        continue;
      }
      if (c.type === 'otp') messages.push(c.message);
      answerRight(h.sim, c);
    }
    expect(messages).toEqual([undefined, 'Authentication failed.']);
  });
});
