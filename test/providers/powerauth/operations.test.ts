import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionError, isInvalidAnswerError } from '../../../src/index.js';
import { PASSWORD, answerRight, endpoints, requestOf, seedPaymentOperation, startPowerAuth, type Harness } from './helpers.js';

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

describe('powerauth: operations and their step chains', () => {
  it('login (non-SCA): username + password on one form, user/authenticate, then consent', async () => {
    const conn = h.bank().connect('powerauth', { operation: { name: 'login' } });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'credentials') {
        expect(c.fields.map((f) => [f.name, f.kind, f.secret])).toEqual([
          ['username', 'text', false],
          ['password', 'password', true],
        ]);
      }
      seen.push(c.type);
      answerRight(h.sim, c);
    }
    expect(seen).toEqual(['credentials', 'consent']);
    expect(endpoints(h.sim)).toEqual(['service/status', 'user/lookup', 'user/authenticate', 'consent/init', 'consent/create', 'consent/validate', 'consent/save', 'operation/change']);
    expect(requestOf(h.sim, 'user/authenticate')).toEqual({
      userId: '12345678',
      organizationId: 'RETAIL',
      password: PASSWORD,
      authenticationContext: { passwordProtection: 'NO_PROTECTION', cipherTransformation: '', smsAuthorizationResult: null },
      operationContext: expect.objectContaining({ name: 'login', data: 'A2' }),
    });
    expect(conn.status.status).toBe('active');
  });

  it('a credentials answer missing the password, or with an unknown field, is refused before anything is sent', async () => {
    const conn = h.bank().connect('powerauth', { operation: { name: 'login' } });
    for await (const c of conn.authenticate()) {
      if (c.type === 'credentials') {
        const bads: Array<Record<string, string>> = [{ username: 'user1234' }, { username: 'user1234', password: '' }, { username: 'user1234', password: PASSWORD, otp: '1' }];
        for (const bad of bads) {
          let error: unknown;
          try {
            c.answer(bad);
          } catch (e) {
            error = e;
          }
          expect(isInvalidAnswerError(error), JSON.stringify(bad)).toBe(true);
        }
        expect(h.sim.count('user/lookup') + h.sim.count('user/authenticate')).toBe(0);
      }
      answerRight(h.sim, c);
    }
    expect(h.sim.count('user/authenticate')).toBe(1);
  });

  it('login with the username given: only the password is asked, also after a wrong one', async () => {
    const conn = h.bank().connect('powerauth', { operation: { name: 'login' }, username: 'user1234' });
    let round = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'credentials') {
        expect(c.fields.map((f) => f.name)).toEqual(['password']);
        c.answer({ password: round++ === 0 ? 'wrong' : PASSWORD });
      } else answerRight(h.sim, c);
    }
    expect(round).toBe(2);
    expect(h.sim.count('user/lookup')).toBe(1);
    expect(h.sim.count('user/authenticate')).toBe(2);
  });

  it('a retyped username is looked up again', async () => {
    const conn = h.bank().connect('powerauth', { operation: { name: 'login' } });
    let round = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'credentials') {
        if (round++ === 0) c.answer({ username: 'nobody', password: PASSWORD });
        else {
          expect(c.message).toBe('Authentication failed.');
          c.answer({ username: 'user1234', password: PASSWORD });
        }
      } else answerRight(h.sim, c);
    }
    expect(h.sim.state.bodies('user/lookup').map((b) => (b as { requestObject: { username: string } }).requestObject.username)).toEqual(['nobody', 'user1234']);
    // The unknown username's password check went out too (for nobody: no user id), as a real user's would.
    expect(h.sim.state.bodies('user/authenticate').map((b) => (b as { requestObject: { userId: string | null } }).requestObject.userId)).toEqual([null, '12345678']);
    expect(conn.status.status).toBe('active');
  });

  it('authorize_payment (the seed’s payment): password, then an SMS code bound to the payment, then both consent options', async () => {
    const operation = seedPaymentOperation();
    const conn = h.bank().connect('powerauth', { operation });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'otp') {
        expect(c.passwordRequired).toBe(false);
        // Dynamic linking: the user sees what the code approves.
        expect(c.message).toBe('Hello, please confirm payment 100 CZK to account 238400856/0300.');
        expect(h.sim.state.outbox.at(-1)?.text).toMatch(/^Authorization code for payment of 100 CZK to account 238400856\/0300 is \d{8}\.$/);
      }
      if (c.type === 'consent') {
        expect(c.options.map((o) => [o.id, o.required])).toEqual([
          ['CONSENT_INIT', true],
          ['CONSENT_PAYMENT', true],
        ]);
        expect(c.text).toBe('I consent that I have initiated this payment request and give consent to complete the operation.');
      }
      answerRight(h.sim, c);
    }
    expect(seen).toEqual(['credentials', 'otp', 'consent']);
    expect(endpoints(h.sim)).toContain('sms/verify');
    expect(endpoints(h.sim)).not.toContain('sms/password/verify');
    // The operation context goes out exactly as given: the seed's form data and application context.
    expect(requestOf(h.sim, 'sms/create')).toEqual({
      userId: '12345678',
      organizationId: 'RETAIL',
      accountStatus: 'ACTIVE',
      authMethod: 'SMS_KEY',
      operationContext: operation,
      lang: 'en',
      resend: false,
    });
    expect(conn.ref).toMatchObject({ operationId: operation.id, operationName: 'authorize_payment', operationData: operation.data });
    expect(h.sim.state.operationChanges).toEqual([{ operationId: operation.id, userId: '12345678', change: 'DONE' }]);
  });

  it('authorize_payment_sca: LOGIN_SCA then APPROVAL_SCA, each an SMS code with the password', async () => {
    const conn = h.bank().connect('powerauth', { operation: { ...seedPaymentOperation(), name: 'authorize_payment_sca' } });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type === 'otp' ? `otp${c.passwordRequired ? '+password' : ''}` : c.type);
      answerRight(h.sim, c);
    }
    expect(seen).toEqual(['credentials', 'otp+password', 'otp+password', 'consent']);
    expect(h.sim.state.bodies('sms/create').map((b) => (b as { requestObject: { authMethod: string } }).requestObject.authMethod)).toEqual(['LOGIN_SCA', 'APPROVAL_SCA']);
    expect(h.sim.state.outbox).toHaveLength(2);
    expect(conn.status.status).toBe('active');
  });

  it('a bank without a consent form for the operation (consent/init false) links without the consent step', async () => {
    h.sim.state.script.hideConsentForm = true;
    const conn = h.bank().connect('powerauth', {});
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      answerRight(h.sim, c);
    }
    expect(seen).toEqual(['credentials', 'otp']);
    expect(h.sim.count('consent/create')).toBe(0);
    expect(conn.status.status).toBe('active');
  });

  it('an operation the bank does not know ends with its OPERATION_CONTEXT_INVALID (unknown reason)', async () => {
    const conn = h.bank().connect('powerauth', { operation: { name: 'open_sesame_sca' } });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) answerRight(h.sim, c);
    } catch (e) {
      error = e;
    }
    expect(isConnectionError(error) && error.reason).toBe('unknown');
    expect(error).toMatchObject({ providerCode: 'OPERATION_CONTEXT_INVALID', endpoint: 'consent/create', status: 400 });
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['FAILED']);
  });
});
