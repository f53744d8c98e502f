import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isInvalidAnswerError, type Challenge } from '../../../src/index.js';
import { answerRight, requestOf, seedPaymentOperation, startPowerAuth, type Harness } from './helpers.js';

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

describe('powerauth: consent', () => {
  it('the bank’s validation errors come back as a new consent challenge; the second answer passes and is saved', async () => {
    h.sim.state.script.consentValidationFailures = 1;
    const conn = h.bank().connect('powerauth', { operation: seedPaymentOperation() });
    const consents: Array<Extract<Challenge, { type: 'consent' }>> = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'consent') {
        consents.push(c);
        if (consents.length === 1) {
          expect(c.error).toBeUndefined();
          expect(c.options.every((o) => o.error === undefined)).toBe(true);
        }
      }
      answerRight(h.sim, c);
    }
    expect(consents).toHaveLength(2);
    const retry = consents[1]!;
    expect(retry.error).toBe('Please fill in the whole consent form.');
    expect(retry.options.map((o) => [o.id, o.error, o.defaultChecked])).toEqual([
      ['CONSENT_INIT', 'Confirm this option to complete the operation.', true],
      ['CONSENT_PAYMENT', 'Confirm this option to complete the operation.', true],
    ]);
    expect(h.sim.count('consent/create')).toBe(1);
    expect(h.sim.count('consent/validate')).toBe(2);
    expect(h.sim.count('consent/save')).toBe(1);
    // The options go back as Web Flow's ConsentOption objects, with the user's value.
    expect(requestOf(h.sim, 'consent/save').options).toEqual([
      { id: 'CONSENT_INIT', descriptionHtml: 'I consent that I have initiated this payment operation.', required: true, defaultValue: 'NOT_CHECKED', value: 'CHECKED' },
      { id: 'CONSENT_PAYMENT', descriptionHtml: 'I give consent to complete this payment operation.', required: true, defaultValue: 'NOT_CHECKED', value: 'CHECKED' },
    ]);
    expect(requestOf(h.sim, 'consent/validate', 1)).toMatchObject({ lang: 'en', userId: '12345678', organizationId: 'RETAIL' });
    expect(conn.status.status).toBe('active');
  });

  it('a consent the bank could not save (saveSucceeded false) is asked again', async () => {
    h.sim.state.script.consentSaveFailures = 1;
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    const errors: Array<string | undefined> = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'consent') errors.push(c.error);
      answerRight(h.sim, c);
    }
    expect(errors).toEqual([undefined, 'The consent could not be saved. Try again.']);
    expect(h.sim.count('consent/save')).toBe(2);
    expect(h.sim.state.consents).toHaveLength(1);
  });

  it('an unchecked required option is refused by the SDK before anything is sent', async () => {
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) {
      if (c.type === 'consent') {
        let error: unknown;
        try {
          c.answer({ options: { CONSENT_LOGIN: false } });
        } catch (e) {
          error = e;
        }
        expect(isInvalidAnswerError(error)).toBe(true);
        expect(() => c.answer({ options: { CONSENT_LOGIN: true, OTHER: true } })).toThrow(/not an option/);
        expect(h.sim.count('consent/validate')).toBe(0);
      }
      answerRight(h.sim, c);
    }
    expect(h.sim.count('consent/validate')).toBe(1);
  });
});
