/**
 * Nobody learns which usernames exist (#14 item 1). An unknown user, a blocked user and a
 * real user who types wrong codes (or a wrong password) must be indistinguishable to the
 * app: the same challenges in the same order, the same statuses, the same error (reason,
 * code, message, userMessage, providerCode), the same request endpoints in the same order
 * — compared field by field, ids and clock values aside.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isConnectionError, type Challenge, type PolybankOptions } from '../../../src/index.js';
import type { PowerAuthOptions } from '../../../src/providers/powerauth/index.js';
import type { PowerAuthSimulatorOptions } from '../../../src/testing/powerauth/index.js';
import { PASSWORD, answerRight, requestOf, startPowerAuth, type Harness, type PowerAuthProvider } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.close();
  h = undefined;
});

async function start(sim: PowerAuthSimulatorOptions = {}): Promise<Harness> {
  h = await startPowerAuth(sim);
  return h;
}

interface Seen {
  challenges: unknown[];
  statuses: unknown[];
  error: Record<string, unknown>;
  /** What the app's request events show: endpoint, method, attempt (and the HTTP status when asked). */
  requests: unknown[];
}

type Person = { username: string; password: string; code: 'right' | 'wrong' };

/** What the app can observe of one link, answered as `person` would. */
async function observe(
  harness: Harness,
  operation: string,
  person: Person,
  options: Partial<PolybankOptions<PowerAuthProvider>> & { powerauth?: Partial<PowerAuthOptions> } = {},
  withStatus = false,
): Promise<Seen> {
  const bank = harness.bank(options);
  const seen: Seen = { challenges: [], statuses: [], error: {}, requests: [] };
  bank.on('request', (e) => seen.requests.push(withStatus ? [e.endpoint, e.method, e.attempt, e.status] : [e.endpoint, e.method, e.attempt]));
  const conn = bank.connect('powerauth', { operation: { name: operation } });
  conn.on('status', (s) => seen.statuses.push('challengeId' in s ? { ...s, challengeId: 'x' } : s));
  try {
    for await (const c of conn.authenticate()) {
      const { id: _id, expiresAt, ...visible } = c as Challenge & { expiresAt?: string };
      // The code's deadline is polybank's own clock plus its lifetime: the same for everyone.
      seen.challenges.push({ ...JSON.parse(JSON.stringify(visible)), ...(expiresAt ? { expiresIn: Math.round((Date.parse(expiresAt) - Date.now()) / 10_000) } : {}) });
      if (c.type === 'credentials') answerRight(harness.sim, c, person.username, person.password);
      else if (c.type === 'otp') {
        const code = person.code === 'right' ? (harness.sim.state.lastCode() ?? '12345678') : '00000000';
        c.answer(c.passwordRequired ? { code, password: person.password } : { code });
      } else answerRight(harness.sim, c);
    }
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    // The request id is a fresh random trace id for everyone: present for both, never the same.
    const { stack: _stack, requestId, ...rest } = error.toJSON();
    seen.error = { ...rest, requestId: typeof requestId === 'string' && /^[0-9a-f]{32}$/.test(requestId) ? 'a trace id' : requestId };
  }
  return seen;
}

const WRONG_CODES: Person = { username: 'user1234', password: PASSWORD, code: 'wrong' };
const WRONG_PASSWORD: Person = { username: 'user1234', password: 'not-the-password', code: 'right' };
const UNKNOWN: Person = { username: 'nobody', password: PASSWORD, code: 'right' };
const BLOCKED: Person = { username: 'blocked', password: PASSWORD, code: 'right' };

/** The same link for a real user and for the two who are nobody, each on a fresh simulator. */
async function compare(harness: Harness, operation: string, real: Person, options: Parameters<typeof observe>[3] = {}, withStatus = false): Promise<Seen> {
  const reference = await observe(harness, operation, real, options, withStatus);
  expect(harness.sim.state.outbox.length).toBeGreaterThanOrEqual(operation === 'login' ? 0 : 1);
  // Nobody types what the real user typed.
  for (const nobody of [UNKNOWN, BLOCKED].map((n) => ({ ...real, username: n.username }))) {
    harness.sim.reset();
    const seen = await observe(harness, operation, nobody, options, withStatus);
    expect(harness.sim.state.outbox, `${nobody.username}: an SMS reached someone`).toEqual([]);
    expect(seen.challenges, nobody.username).toEqual(reference.challenges);
    expect(seen.statuses, nobody.username).toEqual(reference.statuses);
    expect(seen.error, nobody.username).toEqual(reference.error);
    expect(seen.requests, nobody.username).toEqual(reference.requests);
    harness.sim.reset();
  }
  return reference;
}

describe('powerauth: an unknown or blocked user is indistinguishable from a real one (SCA login)', () => {
  it('wrong codes: same challenges, statuses, error and request endpoints; no SMS reaches anyone', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login_sca', WRONG_CODES);
    expect(seen.challenges).toHaveLength(6); // username, then 5 tries of code + password
    expect(seen.error).toMatchObject({ reason: 'auth_rejected', providerCode: 'SMS_AUTHORIZATION_FAILED', userMessage: 'Authentication failed.' });
    expect(seen.requests.map((r) => (r as string[])[0])).toEqual([
      'service/status',
      'user/lookup',
      'sms/create',
      ...Array(5).fill('sms/password/verify'),
      'operation/change',
    ]);
  });

  it('a wrong password with the right code: the same again', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login_sca', WRONG_PASSWORD);
    expect(seen.error).toMatchObject({ reason: 'auth_rejected', providerCode: 'SMS_AUTHORIZATION_FAILED' });
  });

  it('a password longer than Web Flow’s 128 characters is a failed try, sent for nobody and for no one else', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login_sca', { username: 'user1234', password: 'p'.repeat(129), code: 'right' });
    // A bank refuses it for a real user (INPUT_INVALID) and skips it for nobody: it is never sent.
    expect(seen.requests.map((r) => (r as string[])[0])).not.toContain('sms/password/verify');
    expect(seen.error).toMatchObject({ reason: 'auth_rejected', providerCode: 'SMS_AUTHORIZATION_FAILED' });
  });

  it('against the sample implementation’s answers (generic messages, SKIPPED for nobody) too', async () => {
    const harness = await start({ variant: 'sample' });
    const seen = await compare(harness, 'login_sca', WRONG_CODES);
    expect(seen.error).toMatchObject({ reason: 'auth_rejected', userMessage: 'Authentication failed.' });
  });

  it('the bank’s remaining attempts are never shown; polybank’s own count is, the same for everyone', async () => {
    const harness = await start({ showRemainingAttempts: true });
    const quiet = await compare(harness, 'login_sca', WRONG_CODES);
    expect(quiet.challenges.map((c) => (c as { remainingAttempts?: number }).remainingAttempts)).toEqual(Array(6).fill(undefined));
    const counted = await compare(harness, 'login_sca', WRONG_CODES, { powerauth: { showRemainingAttempts: true } });
    expect(counted.challenges.map((c) => (c as { remainingAttempts?: number }).remainingAttempts)).toEqual([undefined, undefined, 4, 3, 2, 1]);
  });

  it('with the AFS on: the same actions go out for nobody', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login_sca', WRONG_CODES, { powerauth: { afs: true } });
    expect(seen.requests.filter((r) => (r as string[])[0] === 'afs/action/execute')).toHaveLength(7); // LOGIN_INIT, 5 × LOGIN_AUTH, LOGOUT
  });

  it('a 1.0 sample Data Adapter hides the miss and fakes nobody’s SMS and verifications: even the HTTP statuses match', async () => {
    const harness = await start({ version: '1.0', variant: 'sample' });
    const seen = await compare(harness, 'login_sca', WRONG_CODES, {}, true);
    expect(seen.requests).toContainEqual(['sms/create', 'POST', 1, 200]);
  });

  it('with polybank’s own SMS codes (sms/send): the same again', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login_sca', WRONG_CODES, { powerauth: { otpGeneration: 'polybank' } });
    expect(seen.requests.map((r) => (r as string[])[0])).toEqual(['service/status', 'user/lookup', 'sms/send', ...Array(5).fill('user/authenticate'), 'operation/change']);
  });

  it('what goes out for nobody names no user: an SMS cannot reach anyone, nothing is verified', async () => {
    const harness = await start();
    await observe(harness, 'login_sca', BLOCKED);
    for (const endpoint of ['sms/create', 'sms/password/verify', 'operation/change']) {
      expect(requestOf(harness.sim, endpoint), endpoint).toMatchObject({ userId: null });
    }
    expect(requestOf(harness.sim, 'sms/create')).toMatchObject({ accountStatus: 'NOT_ACTIVE' });
    // A 1.10 Data Adapter sends to whichever user id it is given (the sample does): given none, it refused.
    expect(harness.sim.requests.find((r) => r.endpoint === 'sms/create')).toBeDefined();
    expect(harness.sim.state.outbox).toEqual([]);
  });
});

describe('powerauth: non-SCA login', () => {
  it('an unknown and a blocked user fail like a wrong password, with the same password checks', async () => {
    const harness = await start();
    const seen = await compare(harness, 'login', WRONG_PASSWORD);
    expect(seen.challenges.map((c) => (c as { message?: string }).message)).toEqual([undefined, ...Array(4).fill('Authentication failed.')]);
    expect(seen.error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'AUTHENTICATION_FAILED', userAction: 'update_credentials' });
    expect(seen.requests.filter((r) => (r as string[])[0] === 'user/authenticate')).toHaveLength(5);
  });
});

describe('powerauth: a block is only what the bank states', () => {
  it('remainingAttempts 0 on one SMS message while the account is ACTIVE is no lock: a new code still links', async () => {
    const harness = await start({ showRemainingAttempts: true });
    const conn = harness.bank({ powerauth: { maxAttempts: 8 } }).connect('powerauth', { username: 'user1234' });
    let tries = 0;
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp' && tries < 5) {
        tries++;
        c.answer({ code: '00000000', password: PASSWORD });
        continue;
      }
      if (c.type === 'otp' && tries === 5) {
        tries++;
        // The bank said the message is spent (remainingAttempts 0), but the account is ACTIVE.
        const last = harness.sim.state.bodies('sms/password/verify').length;
        expect(last).toBe(5);
        await c.resend!();
        answerRight(harness.sim, conn.pendingChallenge!);
        continue;
      }
      answerRight(harness.sim, c);
    }
    expect(conn.status.status).toBe('active');
    expect(harness.sim.count('sms/create')).toBe(2);
  });

  it('the bank’s NOT_ACTIVE after failed passwords ends as account_locked', async () => {
    const harness = await start();
    const seen = await observe(harness, 'login', { username: 'lockable', password: 'nope', code: 'right' });
    expect(seen.challenges).toHaveLength(3);
    expect(seen.error).toMatchObject({ reason: 'account_locked', providerCode: 'NOT_ACTIVE', userAction: 'visit_bank' });
    expect(harness.sim.state.user({ username: 'lockable' })?.accountStatus).toBe('NOT_ACTIVE');
  });

  it('login.authenticationBlocked in a failed verification ends as account_locked', async () => {
    const harness = await start();
    harness.sim.inject({
      endpoint: 'sms/password/verify',
      kind: 'mutate',
      mutate: (body) => ({ ...(body as object), responseObject: { ...(body as { responseObject: object }).responseObject, errorMessage: 'login.authenticationBlocked', accountStatus: 'ACTIVE' } }),
    });
    const seen = await observe(harness, 'login_sca', WRONG_CODES);
    expect(seen.error).toMatchObject({ reason: 'account_locked', providerCode: 'AUTHENTICATION_BLOCKED', userMessage: expect.stringMatching(/blocked/) });
  });
});
