import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionError } from '../../../src/index.js';
import { PASSWORD, answerRight, endpoints, requestOf, startPowerAuth, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.close();
  h = undefined;
});

describe('powerauth: ≤0.21 Data Adapters (401 failures, no lookup, no consent)', () => {
  it('links through the legacy authenticate ({username, type: BASIC} → {userId}) and SMS (success is responseObject null)', async () => {
    h = await startPowerAuth({ version: '0.21' });
    const conn = h.bank().connect('powerauth', {});
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type === 'credentials' ? `credentials(${c.fields.map((f) => f.name).join(',')})` : `${c.type}${c.type === 'otp' && c.passwordRequired ? '+password' : ''}`);
      answerRight(h.sim, c);
    }
    // login_sca before 0.22: password, then the SMS code; there is no consent step.
    expect(seen).toEqual(['credentials(username,password)', 'otp']);
    expect(endpoints(h.sim)).toEqual(['service/status', 'user/authenticate', 'sms/create', 'sms/verify', 'operation/change']);
    expect(requestOf(h.sim, 'user/authenticate')).toEqual({
      username: 'user1234',
      password: PASSWORD,
      type: 'BASIC',
      operationContext: { id: expect.any(String), name: 'login_sca', data: 'A2', formData: expect.any(Object) },
    });
    expect(Object.keys(requestOf(h.sim, 'sms/create')).sort()).toEqual(['lang', 'operationContext', 'userId']);
    expect(Object.keys(requestOf(h.sim, 'sms/verify')).sort()).toEqual(['authorizationCode', 'messageId', 'operationContext']);
    expect(requestOf(h.sim, 'operation/change')).toEqual({ userId: '12345678', operationContext: expect.any(Object), operationChange: 'DONE' });
    expect(conn.ref?.userId).toBe('12345678');
    expect((await conn.accounts()).length).toBe(3);
    expect(Object.keys(requestOf(h.sim, 'operation/formdata/decorate')).sort()).toEqual(['operationContext', 'userId']);
  });

  it('401 AUTHENTICATION_FAILED re-asks; 401 SMS_AUTHORIZATION_FAILED re-asks until the step’s tries run out', async () => {
    h = await startPowerAuth({ version: '0.21', showRemainingAttempts: true });
    const conn = h.bank().connect('powerauth', { operation: { name: 'login' } });
    const remaining: Array<number | undefined> = [];
    let passwords = 0;
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) {
        if (c.type === 'credentials') answerRight(h.sim, c, 'user1234', passwords++ === 0 ? 'wrong' : PASSWORD);
        else if (c.type === 'otp') {
          remaining.push(c.remainingAttempts);
          c.answer({ code: '00000000' });
        }
      }
    } catch (e) {
      error = e;
    }
    expect(passwords).toBe(2);
    // login before 0.22 has no SMS step: the payment does. Here the operation is `login`: active after the password.
    expect(remaining).toEqual([]);
    expect(error).toBeUndefined();
    expect(conn.status.status).toBe('active');

    h.sim.reset();
    const payment = h.bank({ powerauth: { showRemainingAttempts: true } }).connect('powerauth', { operation: { name: 'authorize_payment', data: 'A1*A100CZK*Q238400856/0300', formData: { parameters: [{ type: 'AMOUNT', id: 'operation.amount', amount: 100, currency: 'CZK' }, { type: 'KEY_VALUE', id: 'operation.account', value: '238400856/0300' }] } } });
    try {
      for await (const c of payment.authenticate()) {
        if (c.type === 'otp') {
          remaining.push(c.remainingAttempts);
          c.answer({ code: '00000000' });
        } else answerRight(h.sim, c);
      }
    } catch (e) {
      error = e;
    }
    // polybank's own count (the legacy 401 bodies' remainingAttempts are not shown: nobody's would have none).
    expect(remaining).toEqual([undefined, 4, 3, 2, 1]);
    // remainingAttempts 0 on the message is no lock: the step's tries ran out.
    expect(isConnectionError(error) && error.reason).toBe('auth_rejected');
    expect(error).toMatchObject({ providerCode: 'SMS_AUTHORIZATION_FAILED' });
  });
});

describe('powerauth: 0.22 Data Adapters (VERIFIED_* results, no AFS)', () => {
  it('reads VERIFIED_SUCCEEDED / VERIFIED_FAILED and sends no accountStatus or authMethod', async () => {
    h = await startPowerAuth({ version: '0.22' });
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    let tries = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && tries++ === 0) {
        c.answer({ code: h.sim.state.lastCode()!, password: 'wrong' });
        continue;
      }
      if (c.type === 'otp') expect(c.message).toBe('Authentication failed.');
      answerRight(h.sim, c);
    }
    expect(tries).toBe(2);
    expect(conn.status.status).toBe('active');
    expect(requestOf(h.sim, 'sms/create')).toEqual({ userId: '12345678', organizationId: 'RETAIL', operationContext: expect.any(Object), lang: 'en', resend: false });
    expect(requestOf(h.sim, 'sms/password/verify')).not.toHaveProperty('accountStatus');
    expect(requestOf(h.sim, 'user/lookup')).not.toHaveProperty('clientCertificate');
    // 0.22 had no originalScopes in the application context.
    expect((requestOf(h.sim, 'user/lookup').operationContext as { applicationContext: object }).applicationContext).not.toHaveProperty('originalScopes');
  });
});

describe('powerauth: 0.23–1.0 Data Adapters', () => {
  it('1.0 answers userDetail in user/authenticate; the AFS names instruments PASSWORD/SMS_KEY before 1.1', async () => {
    h = await startPowerAuth({ version: '1.0' });
    const conn = h.bank({ powerauth: { afs: true } }).connect('powerauth', { operation: { name: 'authorize_payment', data: 'A1*A1000EUR*ICZ4012340000000012345678', formData: { summary: { id: 'operation.summary', message: 'Pay 1000 EUR' }, parameters: [{ type: 'AMOUNT', id: 'operation.amount', amount: 1000, currency: 'EUR' }, { type: 'KEY_VALUE', id: 'operation.account', value: 'CZ4012340000000012345678' }] } } });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(conn.status.status).toBe('active');
    expect(h.sim.state.afsActions.map((a) => [a.action, a.authInstruments])).toEqual([
      ['LOGIN_INIT', []],
      ['LOGIN_AUTH', ['PASSWORD']],
      ['APPROVAL_INIT', []],
      ['APPROVAL_AUTH', ['SMS_KEY']],
      ['LOGOUT', []],
    ]);
    expect(requestOf(h.sim, 'user/lookup')).toHaveProperty('clientCertificate', null);
  });
});
