import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAbortedError, isInvalidAnswerError, isNetworkError, isProviderResponseError, isValidationError, type Challenge } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, drive, failure, fields, otp, startPowens, type PowensHarness } from './helpers.js';
import { errorText, recordingLogger } from '../../support/leaks.js';

let h: PowensHarness;
beforeAll(async () => {
  h = await startPowens();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

const KEYS = { k1: Buffer.alloc(32, 3).toString('base64') };
const SIGNING = 'a-signing-key-for-powens-checkpoints';

describe('at most once for what carries credentials, answers or triggers SCA', () => {
  it('the create is never retried: 503, reset before, and a response lost after Powens processed it', async () => {
    for (const fault of [
      { kind: 'status', status: 503 },
      { kind: 'reset' },
      { kind: 'reset', when: 'after' },
    ] as const) {
      h.sim.reset();
      h.sim.inject({ endpoint: 'CreateConnection', ...fault });
      const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
      expect([fault.kind, h.sim.count('CreateConnection')]).toEqual([fault.kind, 1]);
      if (fault.kind === 'reset') expect(isNetworkError(error)).toBe(true);
    }
    // The response was lost after the connection was created: deleting the user this flow created removes it too.
    expect(h.sim.count('DeleteUser')).toBe(1);
    expect(h.sim.state.connections.size).toBe(0);
  });

  it('an OTP answer whose response is lost is not re-sent', async () => {
    h.sim.inject({ endpoint: 'UpdateConnection', kind: 'reset', when: 'after' });
    const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') }), otp());
    expect(isNetworkError(error)).toBe(true);
    expect(h.sim.count('UpdateConnection')).toBe(1);
  });

  it('the forced sync (it triggers the SCA) is sent once, even on a 503', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('SCARequiredAndOTP') });
    await drive(conn);
    h.sim.backgroundSync(conn.ref?.connectionId as number);
    h.sim.inject({ endpoint: 'UpdateConnection', kind: 'status', status: 503 });
    const error = await failure(h.bank().connection('powens', conn.ref as { connectionId: number; userId: number }));
    expect(error).toMatchObject({ reason: 'provider_unavailable', status: 503 });
    expect(h.sim.count('UpdateConnection')).toBe(1);
  });

  it('reads are retried: a 503 on the connector and on a poll', async () => {
    h.sim.inject({ endpoint: 'GetConnector', kind: 'status', status: 503 });
    h.sim.inject({ endpoint: 'GetConnection', kind: 'reset' });
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled') });
    await drive(conn);
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('GetConnector')).toBe(2);
    expect(h.sim.count('GetConnection')).toBe(3);
  });
});

describe('bad input and bad answers: nothing is sent', () => {
  it('a wrong input field is a ValidationError before any request (and a compile error)', () => {
    const bank = h.bank();
    // @ts-expect-error: `password` belongs in `fields`
    expect(() => bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, password: '1234' })).toThrow(/Unrecognized key/);
    expect(() => bank.connect('powens', { connector: 'FAKE_UID' })).toThrow(/connector UUID/);
    expect(() => bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, source: 'Open API' })).toThrow(/source/);
    expect(() => bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, user: { id: -1 } })).toThrow(/user\.id/);
    expect(() => bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, redirectUri: 'https://app.example/cb?x=1' })).toThrow(/redirectUri/);
    // @ts-expect-error: a ref holds numbers
    expect(() => bank.connection('powens', { connectionId: '12', userId: 3 })).toThrow(/connectionId/);
    expect(h.sim.state.received).toEqual([]);
  });

  it('given fields are checked against the connector before any credential is sent', async () => {
    for (const [given, message] of [
      [{ login: 'Identifiant' }, /fields\.password: required/],
      [{ ...fields('par'), pasword: 'typo' }, /fields\.pasword: not a field/],
      // The listed values are advisory, their shape is not: a value no connector code can be is refused.
      [{ ...fields('par'), openapiwebsite: 'par; DROP' }, /fields\.openapiwebsite: does not match the expected format/],
    ] as const) {
      h.sim.reset();
      const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: given }));
      expect(isValidationError(error)).toBe(true);
      expect(String(error.message)).toMatch(message);
      expect(h.sim.state.received.map((r) => r.endpoint)).toEqual(['GetConnector']);
    }
  });

  it('invalid answers to the credentials and OTP challenges are refused at once', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR });
    await drive(conn, (c: Challenge) => {
      if (c.type === 'credentials') {
        for (const bad of [{ login: 'Identifiant' }, { ...fields('par'), openapiwebsite: 'no pe' }, { ...fields('par'), extra: 'x' }] as Array<Record<string, string>>) {
          let error: unknown;
          try {
            c.answer(bad);
          } catch (e) {
            error = e;
          }
          expect(isInvalidAnswerError(error)).toBe(true);
        }
        expect(h.sim.count('AuthInit') + h.sim.count('CreateConnection')).toBe(0);
        c.answer(fields('additionalInformationNeeded'));
      }
      if (c.type === 'otp') {
        expect(() => c.answer({ code: '   ' })).toThrow(/required/);
        expect(h.sim.count('UpdateConnection')).toBe(0);
        c.answer({ code: 'abcd' });
      }
    });
    expect(conn.status.status).toBe('active');
  });
});

describe('checkpoints', () => {
  async function pendingOtp(options: Parameters<PowensHarness['bank']>[0]) {
    const conn = h.bank(options).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    const checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
    await iterator.return(undefined);
    return { checkpoint, challenge, connectionId: (checkpoint.state as { connectionId: number }).connectionId };
  }

  it('resume in a fresh Polybank re-yields the OTP challenge without re-sending anything (token encrypted)', async () => {
    const options = { checkpoints: { signingKey: SIGNING, encryption: { keys: KEYS, currentKeyId: 'k1' } } };
    const { checkpoint, challenge, connectionId } = await pendingOtp(options);
    expect(checkpoint.sealed).toBeDefined();
    for (const token of h.sim.state.tokens.keys()) expect(JSON.stringify(checkpoint)).not.toContain(token);
    expect(JSON.stringify(checkpoint)).not.toContain('1234');
    const before = { ...h.sim.counts };

    const resumed = await h.bank(options).resume(checkpoint);
    expect(resumed.status).toMatchObject({ status: 'challenge', challengeType: 'otp' });
    expect(h.sim.counts).toEqual(before);
    const seen: Challenge[] = [];
    for await (const c of resumed.authenticate()) {
      seen.push(c);
      expect(h.sim.counts).toEqual(before);
      otp()(c);
    }
    expect(seen.map((c) => [c.id, c.type])).toEqual([[challenge.id, 'otp']]);
    expect(resumed.status.status).toBe('active');
    expect(h.sim.connection(connectionId).otpSends).toBe(1);
    expect([h.sim.count('CreateConnection'), h.sim.count('RenewToken')]).toEqual([1, 0]);
  });

  it('without encryption the token is left out; the resumed flow renews one from the user id', async () => {
    const options = { checkpoints: { signingKey: SIGNING } };
    const { checkpoint, connectionId } = await pendingOtp(options);
    expect(checkpoint.dropped).toEqual(['userToken']);
    const resumed = await h.bank(options).resume(checkpoint);
    await drive(resumed, otp());
    expect(resumed.status.status).toBe('active');
    expect(h.sim.count('RenewToken')).toBe(1);
    expect(h.sim.connection(connectionId).otpSends).toBe(1);
  });

  it('a resumed decoupled approval is re-yielded, then resumed and polled: no second push', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled') });
    const iterator = conn.authenticate();
    await iterator.next();
    const checkpoint = await conn.checkpoint();
    await iterator.return(undefined);
    expect(h.sim.count('UpdateConnection')).toBe(0);
    const resumed = await h.bank().resume(checkpoint);
    expect(await drive(resumed)).toEqual(['decoupled']);
    expect(resumed.status.status).toBe('active');
    expect(h.sim.connection((checkpoint.state as { connectionId: number }).connectionId).pushes).toBe(1);
    expect(h.sim.count('CreateConnection')).toBe(1);
  });
});

describe('leaving the loop cancels the provider-side session', () => {
  it('break at the OTP: the user created for this link (and its connection) is deleted', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') });
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('otp');
      break;
    }
    expect(h.sim.count('DeleteUser')).toBe(1);
    expect(h.sim.state.connections.size).toBe(0);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });

  it("break with the app's own user: only the pending connection is deleted, never the user", async () => {
    const init = await fetch(`${h.sim.baseUrl}/auth/init`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: h.sim.client.clientId, client_secret: h.sim.client.clientSecret }),
    });
    const { auth_token: token, id_user: id } = (await init.json()) as { auth_token: string; id_user: number };
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded'), user: { id, token } });
    for await (const c of conn.authenticate()) {
      void c;
      break;
    }
    expect([h.sim.count('DeleteConnection'), h.sim.count('DeleteUser')]).toEqual([1, 0]);
    expect(h.sim.state.users.get(id)?.deleted).toBe(false);
  });

  it('abort during the decoupled polling stops polling and deletes what the flow created', async () => {
    const local = await startPowens({ longDecoupledPolls: 10_000 });
    try {
      const controller = new AbortController();
      const conn = local.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('longDecoupled') });
      setTimeout(() => controller.abort(), 150);
      let error: unknown;
      try {
        for await (const c of conn.authenticate({ signal: controller.signal })) void c;
      } catch (e) {
        error = e;
      }
      expect(isAbortedError(error)).toBe(true);
      const polls = local.sim.count('GetConnection');
      expect(local.sim.count('DeleteUser')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(local.sim.count('GetConnection')).toBe(polls);
    } finally {
      await local.server.close();
    }
  });
});

describe('secret canaries never leave the SDK', () => {
  const CANARY = { password: 'pw-CANARY-8812', otp: 'otp-CANARY-55', clientSecret: 'cs-CANARY-0931', appToken: 'apptoken-CANARY-7410' };

  async function run(local: PowensHarness, scenario: string, answerCode: string, sink: string[], password = CANARY.password, user?: { id: number; token: string }): Promise<void> {
    const bank = local.bank({ logger: recordingLogger(sink), powens: { clientSecret: CANARY.clientSecret } });
    bank.on('request', (e) => sink.push(JSON.stringify(e), inspect(e)));
    const conn = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario, password), ...(user ? { user } : {}) });
    conn.on('status', (s) => sink.push(JSON.stringify(s)));
    conn.on('challenge', (c) => sink.push(JSON.stringify(c), inspect(c)));
    try {
      for await (const c of conn.authenticate()) {
        if (c.type === 'otp') c.answer({ code: answerCode });
        sink.push(JSON.stringify(await conn.checkpoint()), inspect(conn, { depth: 10, showHidden: true }));
      }
      await conn.accounts();
      sink.push(JSON.stringify(await conn.checkpoint()), JSON.stringify(conn.ref));
    } catch (error) {
      sink.push(errorText(error));
    }
    sink.push(inspect(conn, { depth: 10, showHidden: true }), JSON.stringify(conn), inspect(bank, { depth: 6 }));
  }

  function expectClean(local: PowensHarness, sink: string[], extra: string[] = []): void {
    expect(sink.length).toBeGreaterThan(3);
    const all = sink.join('\n');
    const tokens = local.sim.state.issuedTokens;
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [...Object.values(CANARY), ...tokens, ...extra]) {
      if (all.includes(secret)) throw new Error(`secret leaked: ${sink.find((o) => o.includes(secret))?.slice(0, 300)}`);
    }
  }

  it('through OTP, decoupled and accounts flows, and a checkpoint at each step', async () => {
    const local = await startPowens({ password: CANARY.password, otp: CANARY.otp, otpLabel: 'Enter the code sent by SMS', clientSecret: CANARY.clientSecret });
    try {
      const sink: string[] = [];
      await run(local, 'additionalInformationNeeded', CANARY.otp, sink);
      await run(local, 'shortDecoupled', CANARY.otp, sink);
      expect(sink.some((o) => o.includes('"status":"active"'))).toBe(true);
      expectClean(local, sink);
    } finally {
      await local.server.close();
    }
  });

  it('through a wrong password and a wrong OTP that the provider echoes, and a user token given by the app', async () => {
    const local = await startPowens({ password: CANARY.password, otp: CANARY.otp, clientSecret: CANARY.clientSecret });
    try {
      const init = await fetch(`${local.sim.baseUrl}/auth/init`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: local.sim.client.clientId, client_secret: CANARY.clientSecret }),
      });
      const { auth_token: token, id_user: id } = (await init.json()) as { auth_token: string; id_user: number };
      const sink: string[] = [];
      const wrongPassword = 'pw-WRONG-CANARY-3';
      const wrongCode = 'otp-WRONG-CANARY-4';
      await run(local, 'par', CANARY.otp, sink, wrongPassword, { id, token });
      await run(local, 'additionalInformationNeeded', wrongCode, sink, CANARY.password, { id, token });
      const all = sink.join('\n');
      expect(all).toContain('invalid_credentials');
      expect(all).toContain('auth_rejected');
      // The sim echoes the expected code ("Il fallait dire « … »"): that one the SDK never saw. The typed one never appears.
      expect(all).not.toContain(wrongCode);
      expectClean(local, sink.map((s) => s.replaceAll(CANARY.otp, '<expected code echoed by the provider>')), [wrongPassword, wrongCode]);
    } finally {
      await local.server.close();
    }
  });

  it('through network faults on the secret-bearing requests', async () => {
    const local = await startPowens({ password: CANARY.password, otp: CANARY.otp, otpLabel: 'Enter the code sent by SMS', clientSecret: CANARY.clientSecret });
    try {
      local.sim.inject({ endpoint: 'UpdateConnection', kind: 'reset' });
      local.sim.inject({ endpoint: 'CreateConnection', kind: 'timeout', ms: 50, after: 1 });
      const sink: string[] = [];
      await run(local, 'additionalInformationNeeded', CANARY.otp, sink);
      await run(local, 'par', CANARY.otp, sink);
      expect(sink.join('\n')).toMatch(/NetworkError/);
      expectClean(local, sink);
    } finally {
      await local.server.close();
    }
  });
});

describe('malformed responses are typed errors', () => {
  it('garbage, truncated JSON, a wrong type: ProviderResponseError naming endpoint and field', async () => {
    h.sim.inject({ endpoint: 'CreateConnection', kind: 'truncate' });
    const truncated = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
    expect(isProviderResponseError(truncated)).toBe(true);
    expect(truncated).toMatchObject({ endpoint: 'CreateConnection' });

    h.sim.reset();
    h.sim.inject({ endpoint: 'GetConnection', kind: 'garbage', times: 5 });
    const garbage = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('shortDecoupled') }));
    expect(garbage).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'GetConnection' });

    h.sim.reset();
    h.sim.inject({ endpoint: 'CreateConnection', kind: 'mutate', mutate: (body) => ({ ...(body as object), state: 42 }) });
    const typed = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') }));
    expect(typed).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'CreateConnection', field: 'state' });

    h.sim.reset();
    h.sim.inject({ endpoint: 'AuthInit', kind: 'mutate', mutate: () => ({ type: 'permanent', id_user: 3 }) });
    const token = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
    expect(token).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'AuthInit', field: 'auth_token' });
    expect(h.sim.count('CreateConnection')).toBe(0);
  });
});
