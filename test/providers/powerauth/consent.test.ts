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

describe('powerauth: consent option ids are the bank’s, looked up as own properties only (#13 item 4)', () => {
  const TRAPS = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf'];

  it('required options named constructor, toString, hasOwnProperty, __proto__ that the user never ticked are never sent CHECKED', async () => {
    h.sim.state.script.consentForm = {
      consentHtml: 'I consent.',
      options: [{ id: 'CONSENT_LOGIN', descriptionHtml: 'Login', required: true }, ...TRAPS.map((id) => ({ id, descriptionHtml: `Option ${id}`, required: true }))],
    };
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    let refused = 0;
    let consents = 0;
    for await (const c of conn.authenticate()) {
      if (c.type !== 'consent') {
        answerRight(h.sim, c);
        continue;
      }
      consents++;
      expect(c.options.map((o) => o.id)).toEqual(['CONSENT_LOGIN', ...TRAPS]);
      if (consents === 1) {
        // Only CONSENT_LOGIN ticked (JSON from a browser: own keys only).
        try {
          c.answer(JSON.parse('{"options":{"CONSENT_LOGIN":true}}') as { options: Record<string, boolean> });
        } catch {
          // The core may refuse it at once (the required options are not ticked): then nothing is sent.
          refused++;
          break;
        }
        continue;
      }
      // The bank refused the consent: its per-option errors came back; stop here.
      expect(c.options.filter((o) => o.error).map((o) => o.id)).toEqual(TRAPS);
      break;
    }
    const sent = h.sim.state.bodies('consent/validate') as Array<{ requestObject: { options: Array<{ id: string; value: string }> } }>;
    expect(refused + sent.length).toBe(1);
    for (const body of sent) {
      const values = Object.fromEntries(body.requestObject.options.map((o) => [o.id, o.value]));
      expect(values).toEqual(Object.fromEntries([['CONSENT_LOGIN', 'CHECKED'], ...TRAPS.map((id) => [id, 'NOT_CHECKED'])]));
    }
    expect(h.sim.state.consents).toEqual([]);
    expect(h.sim.count('consent/save')).toBe(0);
  });

  it('ticked, they are sent CHECKED and the consent is saved', async () => {
    // `__proto__` aside: the core's normalized answer is a plain object, where `options.__proto__ = true` is lost (the lead's part).
    const ids = TRAPS.filter((id) => id !== '__proto__');
    h.sim.state.script.consentForm = { consentHtml: 'I consent.', options: ids.map((id) => ({ id, descriptionHtml: id, required: true })) };
    const conn = h.bank().connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) {
      if (c.type === 'consent') c.answer(JSON.parse(`{"options":{${ids.map((id) => `"${id}":true`).join(',')}}}`) as { options: Record<string, boolean> });
      else answerRight(h.sim, c);
    }
    expect(conn.status.status).toBe('active');
    expect(h.sim.state.consents[0]?.options.map((o) => [o.id, o.value])).toEqual(ids.map((id) => [id, 'CHECKED']));
  });
});
