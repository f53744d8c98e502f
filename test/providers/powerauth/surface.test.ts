/**
 * The rest of the Data Adapter's surface a user of this provider calls: certificate login
 * (`auth/method/init`, `user/lookup` by certificate, `auth/certificate/verify`), the
 * bank's implicit login operation (`operation/create`), and the bank account chosen for a
 * payment (`operation/formdata/decorate` mid-flow, `operation/formdata/change`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isChallengeStateError, isConnectionError, isUnsupportedError, isValidationError } from '../../../src/index.js';
import { POWERAUTH_TEST_CERTIFICATE, type PowerAuthSimulatorOptions } from '../../../src/testing/powerauth/index.js';
import { answerRight, endpoints, requestOf, seedPaymentOperation, startPowerAuth, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.close();
  h = undefined;
});

async function start(options: PowerAuthSimulatorOptions = {}): Promise<Harness> {
  h = await startPowerAuth(options);
  return h;
}

async function link(harness: Harness, input: Record<string, unknown>, options: Parameters<Harness['bank']>[0] = {}): Promise<{ types: string[]; conn: ReturnType<ReturnType<Harness['bank']>['connect']> }> {
  const conn = harness.bank(options).connect('powerauth', input);
  const types: string[] = [];
  for await (const c of conn.authenticate()) {
    types.push(c.type === 'credentials' ? `credentials(${c.fields.map((f) => f.name).join(',')})${c.message ? `: ${c.message}` : ''}` : c.type);
    answerRight(harness.sim, c);
  }
  return { types, conn };
}

describe('powerauth: certificate login (auth/method/init, auth/certificate/verify)', () => {
  it('the bank enables it: the certificate replaces the username, password and SMS code', async () => {
    const harness = await start({ certificateLogin: 'ENABLED' });
    const { types, conn } = await link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE });
    expect(types).toEqual(['consent']);
    expect(conn.ref).toMatchObject({ userId: '12345678' });
    expect(endpoints(harness.sim)).toEqual([
      'service/status',
      'method/init',
      'user/lookup',
      'certificate/verify',
      'consent/init',
      'consent/create',
      'consent/validate',
      'consent/save',
      'operation/change',
    ]);
    expect(requestOf(harness.sim, 'method/init')).toMatchObject({ userId: null, organizationId: 'RETAIL', authMethod: 'LOGIN_SCA' });
    expect(requestOf(harness.sim, 'user/lookup')).toMatchObject({ username: null, clientCertificate: POWERAUTH_TEST_CERTIFICATE });
    expect(requestOf(harness.sim, 'certificate/verify')).toEqual({
      certificate: POWERAUTH_TEST_CERTIFICATE,
      signedMessage: null,
      authInstrument: 'CLIENT_CERTIFICATE',
      authMethod: 'LOGIN_SCA',
      userId: '12345678',
      organizationId: 'RETAIL',
      accountStatus: 'ACTIVE',
      operationContext: expect.objectContaining({ name: 'login_sca' }),
    });
    expect(harness.sim.state.outbox).toEqual([]);
    expect((await conn.accounts()).length).toBe(3);
  });

  it('1.2 (before 1.4) sends the certificate as clientCertificate; the AFS sees CLIENT_CERTIFICATE', async () => {
    const harness = await start({ version: '1.2', certificateLogin: 'ENABLED' });
    const { types } = await link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE }, { powerauth: { version: '1.2', afs: true } });
    expect(types).toEqual(['consent']);
    expect(Object.keys(requestOf(harness.sim, 'certificate/verify')).sort()).toEqual(['accountStatus', 'authMethod', 'clientCertificate', 'operationContext', 'organizationId', 'userId']);
    expect(harness.sim.state.afsActions.find((a) => a.action === 'LOGIN_AUTH')).toMatchObject({ authStepResult: 'CONFIRMED', authInstruments: ['CLIENT_CERTIFICATE'] });
  });

  it('not offered by the bank (the sample’s NOT_AVAILABLE, or DISABLED): the usual SCA login', async () => {
    for (const mode of ['NOT_AVAILABLE', 'DISABLED'] as const) {
      const harness = await start({ certificateLogin: mode });
      const { types } = await link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE });
      expect(types).toEqual(['credentials(username)', 'otp', 'consent']);
      expect(harness.sim.count('method/init')).toBe(1);
      expect(harness.sim.count('certificate/verify')).toBe(0);
      await harness.server.close();
      h = undefined;
    }
  });

  it('a certificate nobody has, or one the bank refuses, counts as a failed try, then the username login goes on', async () => {
    const harness = await start({ certificateLogin: 'ENABLED' });
    const unknown = await link(harness, { clientCertificate: 'A-PEM-NOBODY-HAS' });
    expect(unknown.types).toEqual(['credentials(username): Authentication failed.', 'otp', 'consent']);
    expect(harness.sim.count('certificate/verify')).toBe(0);

    harness.sim.reset();
    harness.sim.state.certificateLogin = 'ENABLED';
    const refuse = (extra: object) => (body: unknown) => ({ status: 'OK', responseObject: { ...(body as { responseObject: object }).responseObject, certificateVerificationResult: 'FAILED', ...extra } });
    harness.sim.inject({ endpoint: 'certificate/verify', kind: 'mutate', mutate: refuse({ errorMessage: 'login.authenticationFailed' }) });
    const refused = await link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE });
    expect(refused.types).toEqual(['credentials(username): Authentication failed.', 'otp', 'consent']);
    expect(refused.conn.status.status).toBe('active');

    harness.sim.reset();
    harness.sim.state.certificateLogin = 'ENABLED';
    harness.sim.inject({ endpoint: 'certificate/verify', kind: 'mutate', mutate: refuse({ accountStatus: 'NOT_ACTIVE' }) });
    await expect(link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE })).rejects.toMatchObject({ code: 'account_locked', providerCode: 'NOT_ACTIVE' });
  });

  it('a Data Adapter before 0.24 has no certificate login: nothing is asked about it', async () => {
    const harness = await start({ version: '0.23' });
    const { types } = await link(harness, { clientCertificate: POWERAUTH_TEST_CERTIFICATE });
    expect(types).toEqual(['credentials(username)', 'otp', 'consent']);
    expect(harness.sim.count('method/init')).toBe(0);
  });
});

describe('powerauth: the bank’s implicit login operation (operation/create)', () => {
  it('the bank names the operation and its application context for the OAuth client', async () => {
    const harness = await start();
    const { types, conn } = await link(harness, { implicitLogin: { clientId: 'democlient' } });
    expect(types).toEqual(['credentials(username)', 'otp', 'consent']);
    expect(requestOf(harness.sim, 'operation/create')).toEqual({ clientId: 'democlient', scopes: ['aisp'] });
    expect(requestOf(harness.sim, 'user/lookup').operationContext).toMatchObject({
      name: 'login_sca',
      data: 'A2',
      formData: { title: { id: 'login.title' } },
      applicationContext: { id: 'democlient', description: 'App with client ID: democlient', originalScopes: ['aisp'] },
    });
    expect(conn.ref).toMatchObject({ operationName: 'login_sca', operationData: 'A2' });
  });

  it('scopes the bank makes no operation for: a typed error; before 0.24 unsupported; with an operation too: invalid input', async () => {
    const harness = await start();
    const conn = harness.bank().connect('powerauth', { implicitLogin: { clientId: 'democlient', scopes: ['aisp', 'pisp'] } });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) answerRight(harness.sim, c);
    } catch (e) {
      error = e;
    }
    expect(isConnectionError(error) && error.reason).toBe('unknown');
    expect(error).toMatchObject({ endpoint: 'operation/create' });
    expect(harness.sim.count('user/lookup')).toBe(0);

    const legacy = harness.bank({ powerauth: { version: '0.23' } }).connect('powerauth', { implicitLogin: { clientId: 'democlient' } });
    await expect(legacy.authenticate().next()).rejects.toSatisfy(isUnsupportedError);
    expect(() => harness.bank().connect('powerauth', { implicitLogin: { clientId: 'democlient' }, operation: { name: 'login' } })).toThrow(/either operation or implicitLogin/);
  });
});

describe('powerauth: the bank account chosen for a payment (operation/formdata/change)', () => {
  it('offered once the user has logged in, chosen before the operation completes, carried by every later call', async () => {
    const harness = await start();
    const operation = seedPaymentOperation();
    const conn = harness.bank().connect('powerauth', { operation });
    let chosen = false;
    for await (const c of conn.authenticate()) {
      if (c.type === 'credentials') {
        await expect(conn.actions.bankAccounts()).rejects.toSatisfy(isChallengeStateError);
        await expect(conn.actions.chooseBankAccount({ accountId: 'CZ4043210000000087654321' })).rejects.toSatisfy(isChallengeStateError);
      }
      if (c.type === 'otp' && !chosen) {
        chosen = true;
        const offered = await conn.actions.bankAccounts();
        expect(offered.map((a) => a.id)).toEqual(['CZ4012340000000012345678', 'CZ4043210000000087654321', 'CZ4011110000000044444444']);
        expect(requestOf(harness.sim, 'operation/formdata/decorate')).toMatchObject({ userId: '12345678', authMethod: 'SMS_KEY' });
        await expect(conn.actions.chooseBankAccount({ accountId: '' })).rejects.toSatisfy(isValidationError);
        await conn.actions.chooseBankAccount({ accountId: 'CZ4043210000000087654321' });
      }
      answerRight(harness.sim, c);
    }
    expect(conn.status.status).toBe('active');
    expect(harness.sim.state.formDataChanges).toEqual([
      { operationId: operation.id, userId: '12345678', change: { type: 'BANK_ACCOUNT_CHOICE', bankAccountId: 'CZ4043210000000087654321' } },
    ]);
    const userInput = (body: Record<string, unknown>) => (body.operationContext as { formData: { userInput: Record<string, string> } }).formData.userInput;
    expect(userInput(requestOf(harness.sim, 'sms/verify'))).toMatchObject({ 'operation.bankAccountChoice': 'CZ4043210000000087654321' });
    expect(userInput(requestOf(harness.sim, 'operation/change'))).toMatchObject({ 'operation.bankAccountChoice': 'CZ4043210000000087654321' });
    await expect(conn.actions.chooseBankAccount({ accountId: 'CZ4012340000000012345678' })).rejects.toSatisfy(isChallengeStateError);
    expect((await conn.actions.bankAccounts()).length).toBe(3);
  });
});
