import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionError, type Challenge, type ConnectionStatus } from '../../../src/index.js';
import { PASSWORD, answerRight, endpoints, requestOf, startPowerAuth, type Harness } from './helpers.js';

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

describe('powerauth: login_sca (the default operation) over a real socket', () => {
  it('links through username, SMS code + password, consent, and lists the exact accounts', async () => {
    const conn = h.bank().connect('powerauth', {});
    const statuses: ConnectionStatus['status'][] = [];
    conn.on('status', (s) => statuses.push(s.status));
    const seen: Challenge[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c);
      answerRight(h.sim, c);
    }
    expect(seen.map((c) => c.type)).toEqual(['credentials', 'otp', 'consent']);
    const [credentials, otp, consent] = seen;
    expect(credentials).toMatchObject({ type: 'credentials', fields: [{ name: 'username', secret: false }] });
    expect(otp).toMatchObject({ type: 'otp', channel: 'sms', length: 8, passwordRequired: true, canResend: true });
    expect(otp?.type === 'otp' && otp.remainingAttempts).toBe(undefined);
    expect(Date.parse(otp!.expiresAt!) - Date.now()).toBeGreaterThan(290_000);
    expect(consent).toMatchObject({
      type: 'consent',
      text: expect.stringContaining('login'),
      options: [{ id: 'CONSENT_LOGIN', required: true, defaultChecked: false }],
    });
    expect(conn.status.status).toBe('active');
    expect(statuses.at(-1)).toBe('active');
    expect(conn.ref).toEqual({
      userId: '12345678',
      organizationId: 'RETAIL',
      operationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      operationName: 'login_sca',
      operationData: 'A2',
    });
    expect(endpoints(h.sim)).toEqual([
      'service/status',
      'user/lookup',
      'sms/create',
      'sms/password/verify',
      'consent/init',
      'consent/create',
      'consent/validate',
      'consent/save',
      'operation/change',
    ]);
    expect(requestOf(h.sim, 'operation/change')).toMatchObject({ userId: '12345678', operationChange: 'DONE' });
    expect(requestOf(h.sim, 'sms/password/verify')).toMatchObject({
      userId: '12345678',
      organizationId: 'RETAIL',
      accountStatus: 'ACTIVE',
      password: PASSWORD,
      authenticationContext: { passwordProtection: 'NO_PROTECTION', cipherTransformation: '', smsAuthorizationResult: null },
      authorizationCode: h.sim.state.lastCode(),
    });
    expect(h.sim.state.consents).toEqual([{ operationId: conn.ref?.operationId, userId: '12345678', options: [{ id: 'CONSENT_LOGIN', value: 'CHECKED' }] }]);

    const accounts = await conn.accounts();
    expect(accounts.map((a) => [a.id, a.iban, a.number, a.name, a.balances.current, a.usableForPayment, a.unusableForPaymentReason])).toEqual([
      ['CZ4012340000000012345678', 'CZ4012340000000012345678', '12345678/1234', 'Běžný účet v CZK', { amount: '24394.52', currency: 'CZK' }, false, undefined],
      ['CZ4043210000000087654321', 'CZ4043210000000087654321', '87654321/4321', 'Spořící účet v CZK', { amount: '158121.10', currency: 'CZK' }, false, undefined],
      ['CZ4011110000000044444444', 'CZ4011110000000044444444', '44444444/1111', 'Spořící účet v EUR', { amount: '1.90', currency: 'EUR' }, false, 'Low account balance'],
    ]);
    expect(accounts.every((a) => a.provider === 'powerauth' && a.connectionId === '12345678')).toBe(true);
    // The Data Adapter sends no account type: the bank's names say it (Běžný účet: current, Spořící účet: savings).
    expect(accounts.map((a) => a.type)).toEqual(['checking', 'savings', 'savings']);
    expect(requestOf(h.sim, 'operation/formdata/decorate')).toMatchObject({ userId: '12345678', organizationId: 'RETAIL', authMethod: 'LOGIN_SCA' });
  });

  it('skips the username step when the input gives it, and reopens a stored link for its accounts and holder', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234', lang: 'cs' });
    const types: string[] = [];
    for await (const c of conn.authenticate()) {
      types.push(c.type);
      answerRight(h.sim, c);
    }
    expect(types).toEqual(['otp', 'consent']);
    expect(requestOf(h.sim, 'sms/create')).toMatchObject({ lang: 'cs', resend: false, authMethod: 'LOGIN_SCA' });
    const ref = conn.ref!;

    h.sim.resetCounts();
    const stored = h.bank().connection('powerauth', ref);
    expect((await stored.accounts()).length).toBe(3);
    expect(await stored.holders()).toEqual([{ name: 'John Doe', raw: expect.objectContaining({ id: '12345678' }) }]);
    expect(h.sim.count('sms/create')).toBe(0);
  });
});

describe('powerauth: wrong answers', () => {
  it('a wrong code is refused until the step’s tries run out: auth_rejected, not a lock while the bank says ACTIVE', async () => {
    h.sim.state.showRemainingAttempts = true;
    const conn = h.bank({ powerauth: { showRemainingAttempts: true } }).connect('powerauth', { username: 'user1234' });
    const remaining: Array<number | undefined> = [];
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) {
        if (c.type !== 'otp') throw new Error(`unexpected ${c.type}`);
        remaining.push(c.remainingAttempts);
        if (remaining.length > 1) expect(c.message).toMatch(/Authentication failed/);
        c.answer({ code: '00000000', password: PASSWORD });
      }
    } catch (e) {
      error = e;
    }
    // polybank's own count of the step's tries (the bank's too here: 5 per message).
    expect(remaining).toEqual([undefined, 4, 3, 2, 1]);
    // The bank's last answer: remainingAttempts 0 on this message, the account ACTIVE: that code is spent, nobody is locked.
    expect(isConnectionError(error) && error.reason).toBe('auth_rejected');
    expect(error).toMatchObject({ providerCode: 'SMS_AUTHORIZATION_FAILED', userMessage: 'Authentication failed.' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_rejected', userAction: 'authenticate' });
    expect(h.sim.count('sms/password/verify')).toBe(5);
    expect(h.sim.count('sms/create')).toBe(1);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['FAILED']);
  });
});
