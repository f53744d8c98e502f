import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAbortedError, isConnectionError } from '../../../src/index.js';
import { answerRight, requestOf, startPowerAuth, type Harness } from './helpers.js';

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

describe('powerauth: leaving the loop tells the bank (operation/change)', () => {
  it('break at the SMS code sends CANCELED for the user’s operation, and nothing else', async () => {
    const conn = h.bank().connect('powerauth', {});
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') break;
      answerRight(h.sim, c);
    }
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    const change = requestOf(h.sim, 'operation/change');
    expect(change).toMatchObject({ userId: '12345678', organizationId: 'RETAIL', operationChange: 'CANCELED', operationContext: { name: 'login_sca' } });
    expect(h.sim.state.operationChanges).toEqual([{ operationId: (change.operationContext as { id: string }).id, userId: '12345678', change: 'CANCELED' }]);
    expect(h.sim.count('sms/password/verify')).toBe(0);
  });

  it('break before anything was sent still cancels the operation (no user yet)', async () => {
    const conn = h.bank().connect('powerauth', {});
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('credentials');
      break;
    }
    expect(h.sim.state.operationChanges).toEqual([{ operationId: expect.any(String), userId: null, change: 'CANCELED' }]);
    expect(h.sim.count('user/lookup')).toBe(0);
  });

  it('aborting the signal while the user looks at the consent sends CANCELED', async () => {
    const controller = new AbortController();
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    let error: unknown;
    try {
      for await (const c of conn.authenticate({ signal: controller.signal })) {
        if (c.type === 'consent') {
          controller.abort();
          continue;
        }
        answerRight(h.sim, c);
      }
    } catch (e) {
      error = e;
    }
    expect(isAbortedError(error)).toBe(true);
    await expect.poll(() => h.sim.state.operationChanges.map((c) => c.change)).toEqual(['CANCELED']);
    expect(h.sim.count('consent/validate')).toBe(0);
  });

  it('conn.cancel() sends CANCELED; with AFS the bank also gets LOGOUT INTERRUPTED after a login', async () => {
    const conn = h.bank({ powerauth: { afs: true } }).connect('powerauth', { username: 'user1234' });
    const iterator = conn.authenticate();
    let next = await iterator.next();
    answerRight(h.sim, next.value!);
    next = await iterator.next();
    expect(next.value?.type).toBe('consent');
    await conn.cancel();
    await iterator.return(undefined);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['CANCELED']);
    expect(h.sim.state.afsActions.map((a) => [a.action, a.operationTerminationReason])).toEqual([
      ['LOGIN_INIT', null],
      ['LOGIN_AUTH', null],
      ['LOGOUT', 'INTERRUPTED'],
    ]);
  });

  it('a terminal failure sends FAILED (cancel cause failed)', async () => {
    // consent/init is a read: the core retries its 500 twice before giving up.
    h.sim.state.script.errors.push({ endpoint: 'consent/init', code: 'ERROR_GENERIC', message: 'Exception occurred at ...', times: 3 });
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    let error: unknown;
    try {
      for await (const c of conn.authenticate()) answerRight(h.sim, c);
    } catch (e) {
      error = e;
    }
    expect(isConnectionError(error) && error.reason).toBe('provider_bug');
    expect(h.sim.count('consent/init')).toBe(3);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['FAILED']);
  });

  it('a failing cancel notification is only logged', async () => {
    h.sim.state.script.errors.push({ endpoint: 'operation/change', code: 'REMOTE_ERROR', message: 'error.remote' });
    const warnings: string[] = [];
    const bank = h.bank({ logger: { warn: (_fields, message) => warnings.push(message) } });
    const conn = bank.connect('powerauth', {});
    for await (const _c of conn.authenticate()) break;
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    expect(warnings).toEqual(['polybank: provider-side cancel failed']);
  });

  it('a failing DONE notification does not undo the link (logged, as Web Flow does)', async () => {
    h.sim.state.script.errors.push({ endpoint: 'operation/change', code: 'REMOTE_ERROR', message: 'error.remote' });
    const warnings: string[] = [];
    const conn = h.bank({ logger: { warn: (_fields, message) => warnings.push(message) } }).connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(conn.status.status).toBe('active');
    expect(warnings).toEqual(['polybank: powerauth notification failed']);
  });
});
