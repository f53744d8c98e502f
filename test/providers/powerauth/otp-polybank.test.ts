/**
 * `otpGeneration: 'polybank'` (Next Step's role, Data Adapter ≥1.1): polybank makes the
 * SMS code, the bank only delivers it (`sms/send`), polybank checks it; an SCA step's
 * password goes to the bank with the code's result (`user/authenticate` with
 * `authenticationContext.smsAuthorizationResult`), as Next Step's combined check does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConfigurationError } from '../../../src/index.js';
import { powerauth } from '../../../src/providers/powerauth/index.js';
import { PASSWORD, answerRight, endpoints, requestOf, seedPaymentOperation, sharedClock, startPowerAuth, type Harness } from './helpers.js';

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

const POLYBANK = { powerauth: { otpGeneration: 'polybank' as const } };
const SIGNING = 'a-checkpoint-signing-key-of-32-bytes!';

describe('powerauth: SMS codes made by polybank, delivered by the bank (sms/send)', () => {
  it('an SCA login: sms/send with polybank’s code, then the password with the code’s result', async () => {
    const conn = h.bank(POLYBANK).connect('powerauth', {});
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(conn.status.status).toBe('active');
    expect(endpoints(h.sim)).toEqual(['service/status', 'user/lookup', 'sms/send', 'user/authenticate', 'consent/init', 'consent/create', 'consent/validate', 'consent/save', 'operation/change']);
    const sent = requestOf(h.sim, 'sms/send');
    expect(sent).toEqual({
      userId: '12345678',
      organizationId: 'RETAIL',
      accountStatus: 'ACTIVE',
      authMethod: 'LOGIN_SCA',
      operationContext: expect.objectContaining({ name: 'login_sca' }),
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      authorizationCode: h.sim.state.outbox[0]?.code,
      lang: 'en',
      resend: false,
    });
    expect(sent.authorizationCode).toMatch(/^\d{8}$/);
    expect(requestOf(h.sim, 'user/authenticate')).toMatchObject({ userId: '12345678', password: PASSWORD, authenticationContext: { smsAuthorizationResult: 'SUCCEEDED' } });
  });

  it('a wrong code: the password still goes to the bank, with FAILED; the right code then passes', async () => {
    const conn = h.bank(POLYBANK).connect('powerauth', { username: 'user1234' });
    let tries = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && tries++ === 0) {
        c.answer({ code: '00000000', password: PASSWORD });
        continue;
      }
      if (c.type === 'otp') expect(c.message).toBe('Authentication failed.');
      answerRight(h.sim, c);
    }
    expect(conn.status.status).toBe('active');
    expect(h.sim.state.bodies('user/authenticate').map((b) => (b as { requestObject: { authenticationContext: { smsAuthorizationResult: string } } }).requestObject.authenticationContext.smsAuthorizationResult)).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('the SMS code alone (a payment’s SMS_KEY): polybank checks it, the bank is not asked', async () => {
    const conn = h.bank(POLYBANK).connect('powerauth', { operation: seedPaymentOperation() });
    let tries = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && tries++ === 0) {
        c.answer({ code: '11111111' });
        continue;
      }
      answerRight(h.sim, c);
    }
    expect(conn.status.status).toBe('active');
    expect(tries).toBe(2);
    expect(h.sim.count('sms/verify') + h.sim.count('sms/create')).toBe(0);
    expect(h.sim.state.outbox.at(-1)?.text).toMatch(/^Authorization code for payment of 100 CZK to account 238400856\/0300 is \d{8}\.$/);
  });

  it('an expired code is said so; a resent one (resend: true, a new code) passes', async () => {
    const conn = h.bank({ ...POLYBANK, clock: sharedClock(h.sim) }).connect('powerauth', { username: 'user1234' });
    let round = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && round++ === 0) {
        const code = h.sim.state.lastCode()!;
        h.sim.state.clockOffsetMs = 301_000;
        c.answer({ code, password: PASSWORD });
        continue;
      }
      if (c.type === 'otp') {
        expect(c.message).toBe('The code has expired. Ask for a new one.');
        await c.resend!();
        answerRight(h.sim, conn.pendingChallenge!);
        continue;
      }
      answerRight(h.sim, c);
    }
    expect(conn.status.status).toBe('active');
    const sends = h.sim.state.bodies('sms/send').map((b) => (b as { requestObject: { resend: boolean; messageId: string; authorizationCode: string } }).requestObject);
    expect(sends.map((s) => s.resend)).toEqual([false, true]);
    expect(sends[0]?.messageId).not.toBe(sends[1]?.messageId);
    expect(sends[0]?.authorizationCode).not.toBe(sends[1]?.authorizationCode);
  });

  it('the code is sealed: encrypted in a checkpoint (which resumes), dropped without keys (the user asks for a new one)', async () => {
    const encryption = { keys: { k1: Buffer.alloc(32, 5).toString('base64') } };
    const conn = h.bank({ ...POLYBANK, checkpoints: { signingKey: SIGNING, encryption } }).connect('powerauth', { username: 'user1234' });
    const iterator = conn.authenticate();
    const otp = (await iterator.next()).value!;
    expect(otp.type).toBe('otp');
    const code = h.sim.state.lastCode()!;
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    expect(JSON.stringify(checkpoint)).not.toContain(code);
    const resumed = await h.bank({ ...POLYBANK, checkpoints: { signingKey: SIGNING, encryption } }).resume(checkpoint);
    for await (const c of resumed.authenticate()) answerRight(h.sim, c);
    expect(resumed.status.status).toBe('active');

    h.sim.reset();
    const plain = h.bank({ ...POLYBANK, checkpoints: { signingKey: SIGNING } }).connect('powerauth', { username: 'user1234' });
    const it2 = plain.authenticate();
    await it2.next();
    const dropped = await plain.checkpoint();
    await it2.return(undefined);
    expect(dropped).toMatchObject({ dropped: ['otp.code'] });
    expect(JSON.stringify(dropped)).not.toContain(h.sim.state.lastCode()!);
    const again = await h.bank({ ...POLYBANK, checkpoints: { signingKey: SIGNING } }).resume(dropped);
    const messages: Array<string | undefined> = [];
    for await (const c of again.authenticate()) {
      if (c.type === 'otp' && messages.length === 0) {
        messages.push(c.message);
        c.answer({ code: h.sim.state.lastCode()!, password: PASSWORD });
        continue;
      }
      if (c.type === 'otp' && messages.length === 1) {
        messages.push(c.message);
        await c.resend!();
        answerRight(h.sim, again.pendingChallenge!);
        continue;
      }
      answerRight(h.sim, c);
    }
    expect(messages).toEqual([undefined, 'Authentication failed.']);
    expect(again.status.status).toBe('active');
  });

  it('needs a Data Adapter of 1.1 or later (sms/send)', () => {
    let error: unknown;
    try {
      powerauth({ baseUrl: h.sim.baseUrl, version: '1.0', otpGeneration: 'polybank' });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/1\.1/);
  });
});
