import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerRight, endpoints, requestOf, seedPaymentOperation, startPowerAuth, type Harness } from './helpers.js';

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

const TRUSTED = { tm_device_tag: 'device-42', tm_session_sid: 'sid-77' };

async function run(input: Parameters<ReturnType<Harness['bank']>['connect']>[1]): Promise<string[]> {
  const conn = h.bank({ powerauth: { afs: true } }).connect('powerauth', input);
  const seen: string[] = [];
  for await (const c of conn.authenticate()) {
    seen.push(c.type === 'otp' ? `otp${c.passwordRequired ? '+password' : ''}` : c.type === 'credentials' ? `credentials(${c.fields.map((f) => f.name).join(',')})` : c.type);
    answerRight(h.sim, c);
  }
  expect(conn.status.status).toBe('active');
  return seen;
}

describe('powerauth: anti-fraud (AFS) step-up and step-down', () => {
  it('a trusted device steps down to the password alone: no SMS is sent', async () => {
    h.sim.state.afs.trustedDevices = ['device-42'];
    const seen = await run({ afs: { clientIpAddress: '203.0.113.7', extras: TRUSTED } });
    expect(seen).toEqual(['credentials(username)', 'credentials(password)', 'consent']);
    expect(h.sim.count('sms/create')).toBe(0);
    expect(endpoints(h.sim)).toContain('user/authenticate');
    expect(h.sim.state.afsActions.map((a) => [a.action, a.stepIndex, a.authStepResult, a.authInstruments])).toEqual([
      ['LOGIN_INIT', 1, null, []],
      ['LOGIN_AUTH', 1, 'CONFIRMED', ['CREDENTIAL']],
      ['LOGOUT', 1, null, []],
    ]);
    expect(requestOf(h.sim, 'afs/action/execute')).toMatchObject({
      userId: '12345678',
      organizationId: 'RETAIL',
      afsRequestParameters: {
        afsType: 'THREAT_MARK',
        afsAction: 'LOGIN_INIT',
        clientIpAddress: '203.0.113.7',
        stepIndex: 1,
        username: 'user1234',
        authInstruments: [],
        authStepResult: null,
        operationTerminationReason: null,
      },
      extras: TRUSTED,
    });
    expect(requestOf(h.sim, 'afs/action/execute', 2)).toMatchObject({ afsRequestParameters: { afsAction: 'LOGOUT', operationTerminationReason: 'DONE' } });
  });

  it('an untrusted device keeps 2FA (SMS code + password); the AFS sees both instruments', async () => {
    const seen = await run({ username: 'user1234', afs: { extras: { tm_device_tag: 'unknown' } } });
    expect(seen).toEqual(['otp+password', 'consent']);
    expect(h.sim.state.afsActions.map((a) => a.action)).toEqual(['LOGIN_INIT', 'LOGIN_AUTH', 'LOGOUT']);
    expect(h.sim.state.afsActions[1]?.authInstruments).toEqual(['CREDENTIAL', 'OTP_KEY']);
  });

  it('step-down to the SMS code alone uses sms/verify (1FA)', async () => {
    h.sim.state.afs.next.push({ afsResponseApplied: true, afsLabel: '1FA', authStepOptions: { smsOtpRequired: true, passwordRequired: false } });
    const seen = await run({ username: 'user1234' });
    expect(seen).toEqual(['otp', 'consent']);
    expect(h.sim.count('sms/verify')).toBe(1);
    expect(h.sim.count('sms/password/verify')).toBe(0);
  });

  it('NO_FA (both options false) goes straight to the consent', async () => {
    h.sim.state.afs.next.push({ afsResponseApplied: true, afsLabel: '0FA', authStepOptions: { smsOtpRequired: false, passwordRequired: false } });
    const seen = await run({ username: 'user1234' });
    expect(seen).toEqual(['consent']);
  });

  it('an answer not applied (afsResponseApplied false) changes nothing', async () => {
    h.sim.state.afs.next.push({ afsResponseApplied: false, afsLabel: '1FA', authStepOptions: { smsOtpRequired: false, passwordRequired: false } });
    const seen = await run({ username: 'user1234' });
    expect(seen).toEqual(['otp+password', 'consent']);
  });

  it('an AFS error is not fatal: Web Flow falls back to 2FA', async () => {
    h.sim.state.afs.trustedDevices = ['device-42'];
    h.sim.state.script.errors.push({ endpoint: 'afs/action/execute', code: 'REMOTE_ERROR', message: 'error.remote' });
    const seen = await run({ username: 'user1234', afs: { extras: TRUSTED } });
    expect(seen).toEqual(['otp+password', 'consent']);
  });

  it('the sample’s rule: a small CZK payment approval needs the SMS code alone (APPROVAL_INIT step-down)', async () => {
    const seen = await run({ operation: { ...seedPaymentOperation(), name: 'authorize_payment_sca' } });
    expect(seen).toEqual(['credentials(username)', 'otp+password', 'otp', 'consent']);
    expect(h.sim.state.afsActions.map((a) => a.action)).toEqual(['LOGIN_INIT', 'LOGIN_AUTH', 'APPROVAL_INIT', 'APPROVAL_AUTH', 'LOGOUT']);
  });

  it('AFS is not called unless enabled', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(h.sim.count('afs/action/execute')).toBe(0);
  });
});
