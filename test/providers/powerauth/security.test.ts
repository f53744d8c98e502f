import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAbortedError, isCheckpointError, isNetworkError, isValidationError, type Challenge } from '../../../src/index.js';
import { PASSWORD, answerRight, startPowerAuth, type Harness } from './helpers.js';
import { errorText, recordingLogger } from '../../support/leaks.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const SIGNING = 'a-checkpoint-signing-key-of-32-bytes!';

let h: Harness;
beforeAll(async () => {
  h = await startPowerAuth({ passwordEncryptionKey: KEY });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

describe('powerauth: secret-bearing requests are sent at most once', () => {
  const sensitive: Array<{ endpoint: string; input: Record<string, unknown> }> = [
    { endpoint: 'user/authenticate', input: { operation: { name: 'login' } } },
    { endpoint: 'sms/create', input: { username: 'user1234' } },
    { endpoint: 'sms/password/verify', input: { username: 'user1234' } },
    { endpoint: 'consent/validate', input: { username: 'user1234' } },
    { endpoint: 'consent/save', input: { username: 'user1234' } },
  ];
  for (const { endpoint, input } of sensitive) {
    it(`${endpoint}: a response lost after the bank processed it is not retried`, async () => {
      h.sim.inject({ endpoint, kind: 'reset', when: 'after', times: 5 });
      const conn = h.bank().connect('powerauth', input);
      let error: unknown;
      try {
        for await (const c of conn.authenticate()) answerRight(h.sim, c);
      } catch (e) {
        error = e;
      }
      expect(isNetworkError(error)).toBe(true);
      expect(h.sim.count(endpoint)).toBe(1);
      if (endpoint === 'sms/create') expect(h.sim.state.outbox).toHaveLength(1);
    });
  }

  it('a 503 on sms/password/verify is not retried either; lookups and decorate (reads) are', async () => {
    h.sim.inject({ endpoint: 'user/lookup', kind: 'status', status: 503 });
    h.sim.inject({ endpoint: 'sms/password/verify', kind: 'status', status: 503 });
    const conn = h.bank().connect('powerauth', {});
    await expect(
      (async () => {
        for await (const c of conn.authenticate()) answerRight(h.sim, c);
      })(),
    ).rejects.toMatchObject({ code: 'provider_unavailable', endpoint: 'sms/password/verify' });
    expect(h.sim.count('user/lookup')).toBe(2);
    expect(h.sim.count('sms/password/verify')).toBe(1);
  });

  it('the service status is checked once per adapter instance, shared by concurrent links', async () => {
    const bank = h.bank();
    const links = [bank.connect('powerauth', {}), bank.connect('powerauth', {})];
    await Promise.all(links.map((l) => l.authenticate().next()));
    expect(h.sim.count('service/status')).toBe(1);
    await Promise.all(links.map((l) => l.cancel()));
  });

  it('a link that aborts while the shared status probe is at the bank does not fail the others: they probe again', async () => {
    h.sim.inject({ endpoint: 'service/status', kind: 'latency', ms: 400 });
    const bank = h.bank();
    const controller = new AbortController();
    const first = bank.connect('powerauth', {}).authenticate({ signal: controller.signal }).next();
    const second = bank.connect('powerauth', {}).authenticate().next();
    setTimeout(() => controller.abort(), 100);
    await expect(first).rejects.toSatisfy(isAbortedError);
    expect((await second).value?.type).toBe('credentials');
    // The aborted probe rode on the first link's request; the second link made its own.
    expect(h.sim.count('service/status')).toBe(2);
    await bank.connect('powerauth', {}).authenticate().next();
    expect(h.sim.count('service/status')).toBe(2);
  });

  it('an unavailable service status fails the link and is checked again next time; an absent one (404) is fine', async () => {
    h.sim.state.script.errors.push({ endpoint: 'service/status', code: 'REMOTE_ERROR', message: 'error.remote', times: 3 });
    const bank = h.bank();
    await expect(bank.connect('powerauth', {}).authenticate().next()).rejects.toMatchObject({ code: 'provider_unavailable', endpoint: 'service/status' });
    expect(h.sim.count('service/status')).toBe(3);
    const next = await bank.connect('powerauth', {}).authenticate().next();
    expect(next.value?.type).toBe('credentials');
    expect(h.sim.count('service/status')).toBe(4);

    h.sim.reset();
    h.sim.inject({ endpoint: 'service/status', kind: 'status', status: 404, body: '{"status":404,"error":"Not Found"}' });
    const absent = await h.bank().connect('powerauth', {}).authenticate().next();
    expect(absent.value?.type).toBe('credentials');
  });
});

describe('powerauth: checkpoints', () => {
  it('a checkpoint at the SMS code resumes in a fresh Polybank without a second SMS, and links', async () => {
    const conn = h.bank({ checkpoints: { signingKey: SIGNING } }).connect('powerauth', {});
    const iterator = conn.authenticate();
    const first = await iterator.next();
    answerRight(h.sim, first.value!);
    const otp = await iterator.next();
    expect(otp.value?.type).toBe('otp');
    const checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
    await iterator.return(undefined);
    expect(h.sim.state.operationChanges).toEqual([]); // kept for later, not cancelled
    const text = JSON.stringify(checkpoint);
    expect(text).not.toContain(h.sim.state.lastCode()!);
    expect(text).not.toContain(PASSWORD);
    expect(text.length).toBeLessThan(3000);
    const before = { ...h.sim.counts };

    const resumed = await h.bank({ checkpoints: { signingKey: SIGNING } }).resume(checkpoint);
    const types: string[] = [];
    for await (const c of resumed.authenticate()) {
      types.push(c.type);
      if (c.type === 'otp') {
        expect(c.id).toBe(otp.value?.id);
        expect(h.sim.counts).toEqual(before);
      }
      answerRight(h.sim, c);
    }
    expect(types).toEqual(['otp', 'consent']);
    expect(h.sim.count('sms/create')).toBe(1);
    expect(h.sim.count('user/lookup')).toBe(1);
    expect(resumed.status.status).toBe('active');
    expect((await resumed.accounts()).length).toBe(3);
  });

  it('a checkpoint at the consent re-yields the same form; AFS cookies travel only encrypted', async () => {
    const encryption = { keys: { k1: Buffer.alloc(32, 3).toString('base64') } };
    const cookie = 'tm-sid-CANARY-4411';
    const conn = h.bank({ powerauth: { afs: true }, checkpoints: { encryption } }).connect('powerauth', { username: 'user1234', afs: { extras: { tm_session_sid: cookie } } });
    const iterator = conn.authenticate();
    answerRight(h.sim, (await iterator.next()).value!);
    const consent = (await iterator.next()).value;
    expect(consent?.type).toBe('consent');
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    expect(JSON.stringify(checkpoint)).not.toContain(cookie);

    const resumed = await h.bank({ powerauth: { afs: true }, checkpoints: { encryption } }).resume(checkpoint);
    for await (const c of resumed.authenticate()) {
      expect(c).toMatchObject({ type: 'consent', options: [{ id: 'CONSENT_LOGIN' }] });
      answerRight(h.sim, c);
    }
    expect(resumed.status.status).toBe('active');
    const logout = h.sim.state.bodies('afs/action/execute').at(-1) as { requestObject: { extras: Record<string, string> } };
    expect(logout.requestObject.extras).toEqual({ tm_session_sid: cookie });

    // With a signing key (checkpoints for other processes) but no encryption keys, the cookie is dropped, not written in clear.
    const plain = h.bank({ powerauth: { afs: true }, checkpoints: { signingKey: 'powerauth-tests-signing-key!!' } }).connect('powerauth', { username: 'user1234', afs: { extras: { tm_session_sid: cookie } } });
    const it2 = plain.authenticate();
    await it2.next();
    const cp = await plain.checkpoint();
    await it2.return(undefined);
    expect(JSON.stringify(cp)).not.toContain(cookie);
    expect(cp).toMatchObject({ dropped: ['afs.extras'] });
  });

  it('a tampered checkpoint is refused', async () => {
    const conn = h.bank({ checkpoints: { signingKey: SIGNING } }).connect('powerauth', {});
    const iterator = conn.authenticate();
    await iterator.next();
    const checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
    await iterator.return(undefined);
    checkpoint.state.steps = [];
    await expect(h.bank({ checkpoints: { signingKey: SIGNING } }).resume(checkpoint)).rejects.toSatisfy(isCheckpointError);
  });
});

describe('powerauth: password encryption (PASSWORD_ENCRYPTION_AES)', () => {
  it('sends base64(iv):base64(ciphertext) with a fresh IV per password, which the bank decrypts', async () => {
    const conn = h.bank({ powerauth: { passwordEncryption: { key: KEY } } }).connect('powerauth', { operation: { name: 'login' } });
    let round = 0;
    for await (const c of conn.authenticate()) answerRight(h.sim, c, 'user1234', c.type === 'credentials' && round++ === 0 ? 'wrong-password' : PASSWORD);
    expect(conn.status.status).toBe('active');
    const bodies = h.sim.state.bodies('user/authenticate').map((b) => (b as { requestObject: { password: string; authenticationContext: unknown } }).requestObject);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body.password).toMatch(/^[A-Za-z0-9+/]{22}==:[A-Za-z0-9+/]+=*$/);
      expect(body.authenticationContext).toEqual({ passwordProtection: 'PASSWORD_ENCRYPTION_AES', cipherTransformation: 'AES/CBC/PKCS7Padding', smsAuthorizationResult: null });
    }
    expect(bodies[0]!.password.split(':')[0]).not.toBe(bodies[1]!.password.split(':')[0]);
    // Decrypt like the documentation's Java sample does.
    const [iv, data] = bodies[1]!.password.split(':').map((p) => Buffer.from(p, 'base64'));
    const key = await crypto.subtle.importKey('raw', Buffer.from(KEY, 'base64'), 'AES-CBC', false, ['decrypt']);
    expect(new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: iv! }, key, data!))).toBe(PASSWORD);
  });

  it('encrypts the password sent with the SMS code too', async () => {
    const conn = h.bank({ powerauth: { passwordEncryption: { key: KEY, transformation: 'AES/CBC/PKCS5Padding' } } }).connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(conn.status.status).toBe('active');
    const body = (h.sim.state.bodies('sms/password/verify')[0] as { requestObject: { password: string; authenticationContext: { cipherTransformation: string } } }).requestObject;
    expect(body.password).not.toBe(PASSWORD);
    expect(body.authenticationContext.cipherTransformation).toBe('AES/CBC/PKCS5Padding');
  });
});

describe('powerauth: no secret leaves the SDK', () => {
  const CANARY = { password: 'pw-CANARY-81f2', otp: '73920184', key: KEY };

  async function run(outputs: string[], answer: (c: Challenge) => void, input: Record<string, unknown> = { operation: { name: 'authorize_payment', data: 'A1*A100CZK*Q238400856/0300', formData: { parameters: [{ type: 'AMOUNT', id: 'operation.amount', amount: 100, currency: 'CZK' }, { type: 'KEY_VALUE', id: 'operation.account', value: '238400856/0300' }] } } }): Promise<void> {
    const bank = h.bank({ logger: recordingLogger(outputs), powerauth: { passwordEncryption: { key: CANARY.key } } });
    bank.on('request', (e) => outputs.push(JSON.stringify(e), inspect(e)));
    const conn = bank.connect('powerauth', input);
    conn.on('status', (s) => outputs.push(JSON.stringify(s)));
    conn.on('challenge', (c) => outputs.push(JSON.stringify(c), inspect(c)));
    try {
      for await (const c of conn.authenticate()) {
        answer(c);
        outputs.push(JSON.stringify(await conn.checkpoint()), inspect(conn, { depth: 10, showHidden: true }), inspect(c, { showHidden: true }));
      }
      await conn.accounts();
    } catch (error) {
      outputs.push(errorText(error));
    }
    outputs.push(inspect(conn, { depth: 10, showHidden: true }), JSON.stringify(conn), inspect(bank, { depth: 4 }));
  }

  function expectNoCanary(outputs: string[], extra: string[] = []): void {
    expect(outputs.length).toBeGreaterThan(5);
    const all = outputs.join('\n');
    for (const value of [...Object.values(CANARY), ...extra]) {
      const where = outputs.find((o) => o.includes(value));
      expect(where, `leaked ${value}`).toBeUndefined();
    }
    expect(all).not.toContain('pw-CANARY');
  }

  beforeEach(() => {
    h.sim.state.users[0]!.password = CANARY.password;
    h.sim.state.script.nextCodes.push(CANARY.otp, CANARY.otp);
  });

  it('through a successful payment flow (encrypted password, SMS code, consent, accounts)', async () => {
    const outputs: string[] = [];
    await run(outputs, (c) => answerRight(h.sim, c, 'user1234', CANARY.password));
    expect(outputs.some((o) => o.includes('"status":"active"'))).toBe(true);
    expectNoCanary(outputs);
  });

  it('through a bank that echoes the password and the code in its errors', async () => {
    const outputs: string[] = [];
    const wrongCode = '11223344';
    h.sim.inject({
      endpoint: 'sms/verify',
      kind: 'mutate',
      mutate: () => ({ status: 'ERROR', responseObject: { code: 'ERROR_GENERIC', message: `bad code ${wrongCode} for password ${CANARY.password}` } }),
    });
    await run(outputs, (c) => (c.type === 'otp' ? c.answer({ code: wrongCode }) : answerRight(h.sim, c, 'user1234', CANARY.password)));
    const all = outputs.join('\n');
    expect(all).toContain('provider_bug');
    expect(all).toContain('bad code [REDACTED]');
    expectNoCanary(outputs, [wrongCode]);
  });

  it('through network faults on the secret-bearing requests', async () => {
    const outputs: string[] = [];
    h.sim.inject({ endpoint: 'user/authenticate', kind: 'reset', when: 'after' });
    await run(outputs, (c) => answerRight(h.sim, c, 'user1234', CANARY.password));
    expect(outputs.join('\n')).toMatch(/NetworkError/);
    expectNoCanary(outputs);
  });
});

describe('powerauth: input and configuration are checked before anything is sent', () => {
  it('a wrong connect input is a ValidationError and sends nothing', () => {
    const bank = h.bank();
    for (const input of [{ user: 'x' }, { lang: 'english' }, { operation: { name: 'x'.repeat(33) } }, { operation: { id: 'a', extra: 1 } }, { afs: { extras: { a: 1 } } }]) {
      let error: unknown;
      try {
        bank.connect('powerauth', input as never);
      } catch (e) {
        error = e;
      }
      expect(isValidationError(error), JSON.stringify(input)).toBe(true);
    }
    expect(h.sim.state.requests).toEqual([]);
  });

  it('a wrong stored reference is a ValidationError', () => {
    expect(() => h.bank().connection('powerauth', { userId: '1' } as never)).toThrow(/connection reference/);
  });
});
