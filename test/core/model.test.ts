import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { validateAnswer } from '../../src/core/answers.js';
import { PollSchedule } from '../../src/core/polling.js';
import { Secrets } from '../../src/core/redact.js';
import {
  Account,
  ChallengeData,
  ConnectionError,
  ConnectionStatus,
  InvalidAnswerError,
  Money,
  REASONS,
  ErrorReason,
  isConnectionError,
  isInvalidAnswerError,
  isPolybankError,
  isValidationError,
  addMoney,
} from '../../src/index.js';
import { addDecimals, minorUnits, subtractDecimals, toDecimalString, toMoney } from '../../src/provider.js';

describe('Money', () => {
  it('turns provider floats into canonical strings with the currency minor units', () => {
    expect(toMoney(158121.1, 'EUR')).toEqual({ amount: '158121.10', currency: 'EUR' });
    expect(toMoney(0.1 + 0.2, 'EUR').amount).toBe('0.30');
    expect(toMoney(1500, 'JPY').amount).toBe('1500');
    expect(toMoney(1499.5, 'JPY').amount).toBe('1500');
    expect(toMoney(1.25, 'bhd')).toEqual({ amount: '1.250', currency: 'BHD' });
    expect(toMoney(-7764.38, 'EUR').amount).toBe('-7764.38');
    expect(toMoney(-0.001, 'EUR').amount).toBe('0.00');
    expect(toMoney(1.005, 'EUR').amount).toBe('1.01'); // decimal rounding, not the float artefact 1.00
    expect(toMoney('1e21', 'EUR').amount).toBe('1000000000000000000000.00');
    expect(toMoney(1.5e-7, 'CLF').amount).toBe('0.0000');
    expect(toMoney('1234.455', 'USD').amount).toBe('1234.46');
    expect(toMoney('  -0012.5 ', 'USD').amount).toBe('-12.50');
    expect(toMoney(99.999, 'EUR').amount).toBe('100.00');
    expect(toMoney(12.345, 'KWD', 2).amount).toBe('12.35');
  });

  it('refuses what is not an amount', () => {
    expect(() => toMoney(Number.NaN, 'EUR')).toThrow(/finite/);
    expect(() => toMoney(Number.POSITIVE_INFINITY, 'EUR')).toThrow(/finite/);
    expect(() => toMoney('12,50', 'EUR')).toThrow(/not a decimal/);
    expect(() => toMoney('', 'EUR')).toThrow(/not a decimal/);
    expect(() => toMoney(1, 'euro')).toThrow(/ISO 4217/);
  });

  it('adds and subtracts exactly', () => {
    expect(addDecimals('0.10', '0.20')).toBe('0.30');
    expect(addDecimals('7764.38', '-88.83')).toBe('7675.55');
    expect(addDecimals('1.5', '0.25', '-2')).toBe('-0.25');
    expect(addDecimals('1500')).toBe('1500');
    expect(subtractDecimals('10.00', '10.01')).toBe('-0.01');
    expect(subtractDecimals('0', '-5.5')).toBe('5.5');
    expect(subtractDecimals('3', '0.00')).toBe('3.00');
    expect(addMoney({ amount: '1.10', currency: 'EUR' }, { amount: '2.20', currency: 'EUR' })).toEqual({ amount: '3.30', currency: 'EUR' });
    expect(() => addMoney({ amount: '1', currency: 'EUR' }, { amount: '1', currency: 'USD' })).toThrow(/different currencies/);
  });

  it('knows ISO 4217 minor units', () => {
    expect([minorUnits('JPY'), minorUnits('EUR'), minorUnits('BHD'), minorUnits('CLF'), minorUnits('XYZ')]).toEqual([0, 2, 3, 4, 2]);
  });

  it('validates canonical strings only', () => {
    expect(Money.safeParse({ amount: '10.00', currency: 'EUR' }).success).toBe(true);
    for (const amount of ['1e3', '01.0', '.5', '1.', 'NaN', '10,0', '+1']) {
      expect(Money.safeParse({ amount, currency: 'EUR' }).success, amount).toBe(false);
    }
    expect(Money.safeParse({ amount: 10, currency: 'EUR' }).success).toBe(false);
    expect(toDecimalString(5, 0)).toBe('5');
  });
});

describe('the reason table', () => {
  it('has one row per reason and builds errors from it', () => {
    for (const reason of ErrorReason.options) {
      const error = new ConnectionError(reason, 'x');
      expect(error.retryable).toBe(REASONS[reason].retryable);
      expect(error.userAction).toBe(REASONS[reason].userAction);
      expect(error.code).toBe(reason);
    }
    expect(REASONS.rate_limited.retryable).toBe(true);
    expect(REASONS.invalid_credentials.userAction).toBe('update_credentials');
    expect(REASONS.consent_expired.userAction).toBe('reconsent');
  });

  it('ConnectionStatus is a discriminated union', () => {
    expect(ConnectionStatus.parse({ status: 'active', consentExpiresAt: '2026-12-01T00:00:00Z' }).status).toBe('active');
    expect(ConnectionStatus.safeParse({ status: 'error', reason: 'nope', retryable: false, userAction: 'none' }).success).toBe(false);
    expect(ConnectionStatus.safeParse({ status: 'sleeping' }).success).toBe(false);
  });
});

describe('answers are validated against their challenge', () => {
  const base = { id: 'c1', provider: 'p' };
  it('credentials: required, list values, patterns, unknown fields', () => {
    const ch = ChallengeData.parse({
      ...base,
      type: 'credentials',
      fields: [
        { name: 'login', label: 'Login' },
        { name: 'password', label: 'Code', kind: 'password', secret: true, pattern: '\\d{4}' },
        { name: 'site', label: 'Site', kind: 'list', required: false, choices: [{ value: 'par', label: 'Particuliers' }] },
      ],
    });
    expect(validateAnswer(ch, { login: 'me', password: '1234' })).toEqual({ type: 'credentials', values: { login: 'me', password: '1234' } });
    const bad = (() => {
      try {
        validateAnswer(ch, { password: '12a4', site: 'pro', extra: 'x' });
      } catch (e) {
        return e as InvalidAnswerError;
      }
      return undefined;
    })();
    expect(bad?.issues.map((i) => i.path).sort()).toEqual(['extra', 'login', 'password', 'site']);
  });

  it('choice: single, multiple, text or call', () => {
    const single = ChallengeData.parse({ ...base, type: 'choice', prompt: 'Pick', kind: 'single', multiple: false, options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] });
    expect(validateAnswer(single, { selected: 'a' })).toEqual({ type: 'choice', selected: ['a'] });
    expect(() => validateAnswer(single, { selected: ['a', 'b'] })).toThrow(/exactly one/);
    expect(() => validateAnswer(single, { selected: 'z' })).toThrow(/not one of the offered/);
    expect(() => validateAnswer(single, { selected: [] })).toThrow(/at least one/);
    const multi = ChallengeData.parse({ ...single, kind: 'multiple', multiple: true });
    expect(validateAnswer(multi, { selected: ['a', 'b'] })).toEqual({ type: 'choice', selected: ['a', 'b'] });
    expect(() => validateAnswer(multi, { selected: ['a', 'a'] })).toThrow(/twice/);
    const toc = ChallengeData.parse({ ...single, kind: 'text_or_call', methods: ['Text', 'Call'] });
    expect(validateAnswer(toc, { selected: 'b', method: 'Call' })).toEqual({ type: 'choice', selected: ['b'], method: 'Call' });
    expect(() => validateAnswer(toc, { selected: 'b' })).toThrow(/choose a method/);
    expect(() => validateAnswer(toc, { selected: 'b', method: 'Fax' })).toThrow(/must be one of/);
  });

  it('otp with password, redirect callbacks, decoupled', () => {
    const otp = ChallengeData.parse({ ...base, type: 'otp', channel: 'sms', passwordRequired: true, pattern: '\\d+' });
    expect(() => validateAnswer(otp, { code: '1234' })).toThrow(/password/);
    expect(() => validateAnswer(otp, { code: 'abcd', password: 'x' })).toThrow(/format/);
    expect(validateAnswer(otp, { code: ' 1234 ', password: 'pw' })).toEqual({ type: 'otp', code: '1234', password: 'pw' });
    const redirect = ChallengeData.parse({ ...base, type: 'redirect', url: 'https://bank.example/auth', state: 's1' });
    expect(validateAnswer(redirect, { callback: 'https://app/cb?code=abc&state=s1' })).toEqual({ type: 'redirect', params: { code: 'abc', state: 's1' } });
    expect(validateAnswer(redirect, { callback: '?code=abc&state=s1' })).toEqual({ type: 'redirect', params: { code: 'abc', state: 's1' } });
    expect(validateAnswer(redirect, { callback: new URL('https://app/cb#code=abc&state=s1') })).toEqual({ type: 'redirect', params: { code: 'abc', state: 's1' } });
    expect(() => validateAnswer(redirect, { callback: 'https://app/cb?code=abc' })).toThrow(/missing state/);
    expect(() => validateAnswer(redirect, { callback: '' })).toThrow(/not a callback/);
    const decoupled = ChallengeData.parse({ ...base, type: 'decoupled' });
    expect(() => validateAnswer(decoupled, {})).toThrow(/needs no answer/);
  });

  it('never echoes the answer value in the error', () => {
    const otp = ChallengeData.parse({ ...base, type: 'otp', channel: 'sms', length: 6 });
    try {
      validateAnswer(otp, { code: 'SECRET' });
    } catch (e) {
      expect(isInvalidAnswerError(e)).toBe(true);
      expect(JSON.stringify(e) + String((e as Error).message)).not.toContain('SECRET');
    }
  });
});

describe('errors', () => {
  it('type guards work across realms and on look-alikes', () => {
    const foreign = runInNewContext(`
      const e = new Error('x');
      e[Symbol.for('polybank.error')] = true;
      e.kind = 'ConnectionError';
      e;
    `) as unknown;
    expect(isPolybankError(foreign)).toBe(true);
    expect(isConnectionError(foreign)).toBe(true);
    expect(isPolybankError(new Error('plain'))).toBe(false);
    expect(isValidationError(new InvalidAnswerError('c', []))).toBe(true);
    expect(isPolybankError(null)).toBe(false);
  });
});

describe('Account schema', () => {
  it('rejects NaN-like data and bad IBANs', () => {
    const good = { id: 'a', provider: 'p', connectionId: 'c', name: 'n', type: 'checking', currency: 'EUR', balances: { current: { amount: '1.00', currency: 'EUR' } }, raw: {} };
    expect(Account.safeParse(good).success).toBe(true);
    expect(Account.safeParse({ ...good, balances: { current: { amount: 'NaN', currency: 'EUR' } } }).success).toBe(false);
    expect(Account.safeParse({ ...good, iban: 'FR76 3000' }).success).toBe(false);
    expect(Account.safeParse({ ...good, type: 'chequing' }).success).toBe(false);
  });
});

describe('redaction', () => {
  it('redacts registered values, encoded forms and secret keys', () => {
    const secrets = new Secrets();
    secrets.add('p@ss word!', 'ok', undefined);
    expect(secrets.redactString('x p@ss word! y')).toBe('x [REDACTED] y');
    expect(secrets.redactString('q=p%40ss%20word!')).toBe('q=[REDACTED]');
    expect(secrets.redactString(btoa('p@ss word!'))).toBe('[REDACTED]');
    expect(secrets.redactString('ok')).toBe('ok'); // too short to redact by value
    expect(secrets.redactUrl('https://u:pw@h/p?token=abc&x=1')).toBe('https://h/p?token=%5BREDACTED%5D&x=1');
    expect(secrets.redact({ password: 'short', nested: { Authorization: 'Bearer x', keep: 'p@ss word!' } })).toEqual({
      password: '[REDACTED]',
      nested: { Authorization: '[REDACTED]', keep: '[REDACTED]' },
    });
    const child = secrets.child();
    child.add('child-secret');
    expect(child.redactString('p@ss word! child-secret')).toBe('[REDACTED] [REDACTED]');
    expect(secrets.redactString('child-secret')).toBe('child-secret');
    secrets.add('late-parent-secret');
    expect(child.redactString('late-parent-secret')).toBe('[REDACTED]');
    // A short secret (a PIN) is redacted as a token, not inside ids that contain its digits.
    const pins = new Secrets();
    pins.add('1234');
    expect(pins.redactString('PIN 1234, code=1234; conn 12345, id x1234, "1234"')).toBe('PIN [REDACTED], code=[REDACTED]; conn 12345, id x1234, "[REDACTED]"');
    expect(pins.leaks('{"connectionId":12345}')).toBe(false);
    expect(pins.leaks('{"pin":"1234"}')).toBe(true);
  });
});

describe('poll schedule', () => {
  it('starts at the interval, backs off to the cap, jitter only lengthens, Retry-After wins', () => {
    const schedule = new PollSchedule({ intervalMs: 1000, factor: 2, maxIntervalMs: 3000 }, () => 1);
    expect([schedule.nextDelay(), schedule.nextDelay(), schedule.nextDelay()]).toEqual([1200, 2400, 3600]);
    const low = new PollSchedule({ intervalMs: 1000, factor: 1 }, () => 0);
    expect(low.nextDelay()).toBe(1000);
    expect(low.nextDelay(new Date(10_000), 0)).toBe(10_000);
  });
});
