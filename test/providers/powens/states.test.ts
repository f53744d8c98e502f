import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REASONS, isInvalidAnswerError, type Challenge } from '../../../src/index.js';
import { CONNECTION_STATES, ERROR_CODES } from '../../../src/providers/powens/index.js';
import { parseSqlTime } from '../../../src/testing/powens/state.js';
import { POWENS_TEST_CONNECTOR, drive, failure, fields, otp, startPowens, type PowensHarness } from './helpers.js';

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

async function linked(scenario = 'par'): Promise<{ connectionId: number; userId: number }> {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn, otp());
  if (!conn.ref) throw new Error('not linked');
  return conn.ref;
}

describe('every connection state maps to the normalized status', () => {
  const nextTry = new Date(Date.now() + 3_600_000);
  nextTry.setMilliseconds(0);

  it.each([
    ['actionNeeded', 'action_needed', false],
    ['passwordExpired', 'password_expired', false],
    ['wrongpass', 'invalid_credentials', false],
    ['wrongPass', 'invalid_credentials', false],
    ['rateLimiting', 'rate_limited', true],
    ['websiteUnavailable', 'provider_unavailable', true],
    ['bug', 'provider_bug', true],
    ['notSupported', 'unknown', false],
    ['aStateNobodyHasSeenYet', 'unknown', false],
  ] as const)('%s → %s', async (state, reason, retryAfter) => {
    const ref = await linked();
    h.sim.setConnectionState(ref.connectionId, state, { errorMessage: `message for ${state}`, nextTry });
    const conn = h.bank().connection('powens', ref);
    const error = await conn.accounts().then(
      () => undefined,
      (e: unknown) => e as Record<string, unknown>,
    );
    expect(error).toMatchObject({
      kind: 'ConnectionError',
      reason,
      providerCode: state,
      userMessage: `message for ${state}`,
      retryable: REASONS[reason].retryable,
      userAction: REASONS[reason].userAction,
    });
    expect(conn.status).toMatchObject({ status: 'error', reason, providerState: state, message: `message for ${state}` });
    if (retryAfter) {
      expect((error?.retryAfter as Date).toISOString()).toBe(nextTry.toISOString());
      expect(conn.status).toMatchObject({ retryAfter: nextTry.toISOString() });
    } else {
      expect(error?.retryAfter).toBeUndefined();
    }
    // With the user present (authenticate): the same, except wrongpass with fields (below).
    const interactive = await failure(h.bank().connection('powens', ref));
    expect(interactive).toMatchObject({ reason, providerCode: state });
  });

  it('the table has a row for every state of the seed, plus validating and notSupported', () => {
    const seed = ['SCARequired', 'webauthRequired', 'additionalInformationNeeded', 'decoupled', 'validating', 'actionNeeded', 'passwordExpired', 'wrongpass', 'rateLimiting', 'websiteUnavailable', 'bug', 'notSupported'];
    for (const state of seed) expect(CONNECTION_STATES[state], state).toBeDefined();
  });

  it.each(['SCARequired', 'webauthRequired', 'additionalInformationNeeded', 'decoupled'])('%s without the user → sca_required, nothing triggered', async (state) => {
    const ref = await linked();
    h.sim.setConnectionState(ref.connectionId, state, { fields: [{ name: 'openapisms', label: 'Dites abcd', type: 'text' }] });
    h.sim.resetCounts();
    const conn = h.bank().connection('powens', ref);
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'sca_required', providerCode: state, userAction: 'authenticate' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'sca_required', providerState: state });
    expect(Object.keys(h.sim.counts).sort()).toEqual(['GetConnection', 'RenewToken']);
  });

  it('a synced connection: active with lastSyncedAt and consentExpiresAt from last_update / expire', async () => {
    const ref = await linked();
    h.sim.backgroundSync(ref.connectionId); // last_update is null until the first sync finishes
    const connection = h.sim.connection(ref.connectionId);
    const expire = Date.now() + 90 * 86_400_000;
    // The simulated API writes its times as Powens does: Paris wall-clock, no offset.
    connection.expire = h.sim.sqlTime(expire);
    const conn = h.bank().connection('powens', ref);
    expect(await drive(conn)).toEqual([]);
    expect(conn.status).toEqual({
      status: 'active',
      consentExpiresAt: new Date(Math.floor(expire / 1000) * 1000).toISOString(),
      lastSyncedAt: new Date(parseSqlTime(connection.lastUpdate, 'Europe/Paris') as number).toISOString(),
    });
  });

  it('expire passed on a synced connection → consent_expired', async () => {
    const ref = await linked();
    h.sim.connection(ref.connectionId).expire = h.sim.sqlTime(Date.now() - 60_000);
    await expect(h.bank().connection('powens', ref).accounts()).rejects.toMatchObject({ reason: 'consent_expired', userAction: 'reconsent', providerCode: 'expire' });
  });

  it('a connection deleted at Powens (HTML 404) → consent_expired', async () => {
    const ref = await linked();
    h.sim.state.connections.delete(ref.connectionId);
    await expect(h.bank().connection('powens', ref).accounts()).rejects.toMatchObject({ reason: 'consent_expired', status: 404, providerCode: 'notFound' });
  });

  it('wrongpass with fields and the user present: the credentials are asked again; a wrong one → invalid_credentials', async () => {
    const ref = await linked();
    const credentialFields = [
      { name: 'login', label: 'Identifiant', type: 'text', required: true },
      { name: 'password', label: 'Code (1234)', type: 'password', required: true },
    ];
    h.sim.setConnectionState(ref.connectionId, 'wrongpass', { errorMessage: 'Incorrect password', fields: credentialFields });
    const seen: Challenge[] = [];
    await drive(h.bank().connection('powens', ref), (c) => {
      seen.push(c);
      if (c.type === 'credentials') c.answer({ login: 'Identifiant', password: '1234' });
    });
    expect(seen.map((c) => [c.type, c.message])).toEqual([['credentials', 'Incorrect password']]);
    expect(h.sim.received('UpdateConnection').at(-1)?.body).toEqual({ login: 'Identifiant', password: '1234' });
    expect(h.sim.connection(ref.connectionId).state).toBeNull();

    h.sim.setConnectionState(ref.connectionId, 'wrongpass', { errorMessage: 'Incorrect password', fields: credentialFields });
    const error = await failure(h.bank().connection('powens', ref), (c) => {
      if (c.type === 'credentials') c.answer({ login: 'Identifiant', password: '0000' });
    });
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'wrongpass', userAction: 'update_credentials' });
  });
});

describe('additionalInformationNeeded fields become the right challenge', () => {
  it('several text/list fields → one questions challenge, answered together under the field names', async () => {
    const ref = await linked();
    h.sim.setConnectionState(ref.connectionId, 'additionalInformationNeeded', {
      errorMessage: 'Answer the security questions',
      fields: [
        { name: 'birthcity', label: 'City of birth', type: 'text' },
        { name: 'delivery', label: 'Where to send the code', type: 'list', values: [{ label: 'SMS', value: 'sms' }, { label: 'E-mail', value: 'email' }] },
      ],
      expectedAnswer: { birthcity: 'Paris', delivery: 'sms' },
    });
    const seen = await drive(h.bank().connection('powens', ref), (c) => {
      if (c.type !== 'questions') return;
      expect(c.prompts).toEqual([
        { id: 'birthcity', text: 'City of birth' },
        { id: 'delivery', text: 'Where to send the code', choices: [{ id: 'sms', label: 'SMS' }, { id: 'email', label: 'E-mail' }] },
      ]);
      expect(() => c.answer({ birthcity: 'Paris' })).toThrow(/every prompt must be answered/);
      expect(() => c.answer({ birthcity: 'Paris', delivery: 'pigeon' })).toThrow(/not one of the offered options/);
      expect(h.sim.count('UpdateConnection')).toBe(0);
      c.answer({ birthcity: 'Paris', delivery: 'sms' });
    });
    expect(seen).toEqual(['questions']);
    expect(h.sim.received('UpdateConnection')[0]?.body).toEqual({ birthcity: 'Paris', delivery: 'sms' });
  });

  it('a password, a date or a pattern → a credentials challenge; a value off the pattern is refused before sending', async () => {
    const ref = await linked();
    h.sim.setConnectionState(ref.connectionId, 'additionalInformationNeeded', {
      fields: [
        { name: 'pin', label: 'Card PIN', type: 'password', regex: '\\d{4}' },
        { name: 'birthdate', label: 'Birth date', type: 'date', required: false },
      ],
      expectedAnswer: { pin: '4321', birthdate: '1990-01-31' },
    });
    const seen = await drive(h.bank().connection('powens', ref), (c) => {
      if (c.type !== 'credentials') return;
      expect(c.fields.map((f) => [f.name, f.kind, f.secret, f.required, f.pattern])).toEqual([
        ['pin', 'password', true, true, '\\d{4}'],
        ['birthdate', 'date', false, false, undefined],
      ]);
      let error: unknown;
      try {
        c.answer({ pin: '12a4', birthdate: '1990-01-31' });
      } catch (e) {
        error = e;
      }
      expect(isInvalidAnswerError(error)).toBe(true);
      expect(h.sim.count('UpdateConnection')).toBe(0);
      c.answer({ pin: '4321', birthdate: '1990-01-31' });
    });
    expect(seen).toEqual(['credentials']);
    expect(h.sim.received('UpdateConnection')[0]?.body).toEqual({ pin: '4321', birthdate: '1990-01-31' });

    // A wrong value there is a failed SCA (auth_rejected), not obsolete credentials.
    h.sim.setConnectionState(ref.connectionId, 'additionalInformationNeeded', {
      fields: [
        { name: 'pin', label: 'Card PIN', type: 'password', regex: '\\d{4}' },
        { name: 'birthdate', label: 'Birth date', type: 'date', required: false },
      ],
      expectedAnswer: { pin: '4321', birthdate: '1990-01-31' },
    });
    const error = await failure(h.bank().connection('powens', ref), (c) => {
      if (c.type === 'credentials') c.answer({ pin: '0000', birthdate: '1990-01-31' });
    });
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'wrongpass' });
  });

  it('one field with a regex → otp with that pattern; a code off the pattern is refused before sending', async () => {
    const ref = await linked();
    h.sim.setConnectionState(ref.connectionId, 'additionalInformationNeeded', {
      errorMessage: 'Code sent by e-mail',
      fields: [{ name: 'emailcode', label: 'Code received by e-mail', type: 'text', regex: '[0-9]{6}' }],
      expectedAnswer: { emailcode: '246810' },
    });
    await drive(h.bank().connection('powens', ref), (c) => {
      if (c.type !== 'otp') return;
      expect(c).toMatchObject({ channel: 'email', pattern: '[0-9]{6}', label: 'Code received by e-mail', message: 'Code sent by e-mail' });
      expect(() => c.answer({ code: 'abcdef' })).toThrow(/expected format/);
      expect(h.sim.count('UpdateConnection')).toBe(0);
      c.answer({ code: '246810' });
    });
    expect(h.sim.received('UpdateConnection')[0]?.body).toEqual({ emailcode: '246810' });
  });
});

describe('error codes', () => {
  it.each([
    ['wrongpass', 'invalid_credentials', 'Incorrect password'],
    ['passwordExpired', 'password_expired', 'The password has expired'],
    ['actionNeeded', 'action_needed', 'Please confirm the new terms and conditions'],
    ['bug', 'provider_bug', undefined],
    ['websiteUnavailable', 'provider_unavailable', undefined],
    ['notSupported', 'unknown', undefined],
  ] as const)('scenario %s on create → %s', async (scenario, reason, message) => {
    const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) }));
    expect(error).toMatchObject({ reason, providerCode: scenario, status: 400, endpoint: 'CreateConnection' });
    expect(error.userMessage).toBe(message);
    expect(h.sim.count('CreateConnection')).toBe(1);
  });

  it('the documented `wrongPass` spelling and a wrong password → invalid_credentials', async () => {
    h.sim.state.options.wrongpassCode = 'wrongPass';
    const spelled = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('wrongpass') }));
    expect(spelled).toMatchObject({ reason: 'invalid_credentials', providerCode: 'wrongPass' });
    h.sim.state.options.wrongpassCode = 'wrongpass';
    const wrong = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par', '9999') }));
    expect(wrong).toMatchObject({ reason: 'invalid_credentials', providerCode: 'wrongpass', userMessage: 'Incorrect password' });
  });

  it('a wrong OTP → auth_rejected; the expected code the provider echoes is shown as its message', async () => {
    const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') }), otp('zzzz'));
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'wrongpass', userMessage: 'Il fallait dire « abcd »' });
  });

  it('every row of the error-code table, as a 400 on create', async () => {
    for (const [code, reason] of Object.entries(ERROR_CODES)) {
      h.sim.reset();
      h.sim.inject({ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code, description: `about ${code}` }) });
      const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
      expect([code, error.reason, error.providerCode, error.status]).toEqual([code, reason, code, 400]);
    }
  });

  it('SCARequired with an app-validation description → auth_rejected / auth_expired', async () => {
    for (const [description, reason] of [
      ['App validation has been cancelled', 'auth_rejected'],
      ['App validation has expired', 'auth_expired'],
      ['Strong authentication needed', 'sca_required'],
    ]) {
      h.sim.reset();
      h.sim.inject({ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code: 'SCARequired', description }) });
      const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
      expect([description, error.reason]).toEqual([description, reason]);
    }
  });

  it('codes nobody has seen map by HTTP class; 429 carries Retry-After; HTML error pages are typed', async () => {
    const cases: Array<[Parameters<typeof h.sim.inject>[0], string]> = [
      [{ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code: 'somethingNew' }) }, 'unknown'],
      [{ endpoint: 'CreateConnection', kind: 'status', status: 429, retryAfter: 120, body: JSON.stringify({ code: 'slowDown' }) }, 'rate_limited'],
      [{ endpoint: 'CreateConnection', kind: 'status', status: 503, body: JSON.stringify({ code: 'maintenance' }) }, 'provider_unavailable'],
      [{ endpoint: 'CreateConnection', kind: 'html', status: 502 }, 'provider_unavailable'],
    ];
    for (const [fault, reason] of cases) {
      h.sim.reset();
      h.sim.inject(fault);
      const started = Date.now();
      const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }));
      expect([fault.kind, error.reason]).toEqual([fault.kind, reason]);
      // Credentials are sent at most once: never retried, whatever the status.
      expect(h.sim.count('CreateConnection')).toBe(1);
      if ('retryAfter' in fault) {
        expect((error.retryAfter as Date).getTime()).toBeGreaterThan(started + 100_000);
      }
    }
  });
});
