/**
 * In-process, the way a user's own test suite would use polybank/testing: msw intercepts
 * fetch. Also a "replay" Data Adapter that answers the seed's response bodies verbatim.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Polybank } from '../../../src/index.js';
import { powerauth } from '../../../src/providers/powerauth/index.js';
import { powerauthSimulator } from '../../../src/testing/index.js';
import { PASSWORD, fixture } from './helpers.js';

const sim = powerauthSimulator();
const REPLAY = 'https://replay.bank.test/powerauth-data-adapter';

/** A Data Adapter that answers every call with the documentation's example, verbatim. */
const replay = [
  http.get(`${REPLAY}/api/service/status`, () => HttpResponse.json(fixture('seed/service-status.response'))),
  http.post(`${REPLAY}/api/auth/user/lookup`, () => HttpResponse.json(fixture('seed/user-lookup.response-exists'))),
  http.post(`${REPLAY}/api/auth/sms/create`, () => HttpResponse.json(fixture('seed/sms-create.response-succeeded'))),
  http.post(`${REPLAY}/api/auth/sms/password/verify`, () => HttpResponse.json(fixture('seed/sms-password-verify.response-succeeded'))),
  // The seed's consent/init example is a consent form (a documentation slip): the 1.10 example has the real shape.
  http.post(`${REPLAY}/api/auth/consent/init`, () => HttpResponse.json(fixture('da-1.10__api_auth_consent_init__response-200'))),
  http.post(`${REPLAY}/api/auth/consent/create`, () => HttpResponse.json(fixture('seed/consent-create.response'))),
  http.post(`${REPLAY}/api/auth/consent/validate`, () => HttpResponse.json(fixture('seed/consent-validate.response-passed'))),
  http.post(`${REPLAY}/api/auth/consent/save`, () => HttpResponse.json(fixture('seed/consent-save.response-saved'))),
  http.post(`${REPLAY}/api/operation/change`, () => HttpResponse.json(fixture('seed/operation-change.response'))),
  http.post(`${REPLAY}/api/operation/formdata/decorate`, () => HttpResponse.json(fixture('seed/formdata-decorate.response'))),
  http.post(`${REPLAY}/api/auth/user/info`, () => HttpResponse.json(fixture('seed/user-info.response'))),
];

const server = setupServer(...sim.handlers(), ...replay);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  sim.reset();
  server.resetHandlers();
});
afterAll(() => server.close());

describe('powerauth with msw in-process', () => {
  it('links against the simulator at its default origin', async () => {
    expect(sim.baseUrl).toBe('https://dataadapter.bank.test/powerauth-data-adapter');
    const bank = new Polybank({ providers: [powerauth({ baseUrl: sim.baseUrl })] });
    const conn = bank.connect('powerauth', { username: 'user1234' });
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') c.answer({ code: sim.state.lastCode()!, password: PASSWORD });
      if (c.type === 'consent') c.answer({ options: { CONSENT_LOGIN: true } });
    }
    expect(conn.status.status).toBe('active');
    expect((await conn.accounts()).map((a) => a.balances.current?.amount)).toEqual(['24394.52', '158121.10', '1.90']);
    expect(sim.count('sms/create')).toBe(1);
  });

  it('links against a Data Adapter that answers the seed’s response bodies verbatim', async () => {
    const bank = new Polybank({ providers: [powerauth({ baseUrl: REPLAY })] });
    const conn = bank.connect('powerauth', { username: 'user1234' });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'otp') c.answer({ code: '77038183', password: PASSWORD });
      if (c.type === 'consent') {
        expect(c.options.map((o) => o.id)).toEqual(['CONSENT_INIT', 'CONSENT_PAYMENT']);
        c.answer({ options: { CONSENT_INIT: true, CONSENT_PAYMENT: true } });
      }
    }
    expect(seen).toEqual(['otp', 'consent']);
    expect(conn.ref).toMatchObject({ userId: '12345678', organizationId: 'RETAIL' });
    const accounts = await conn.accounts();
    expect(accounts.map((a) => [a.name, a.balances.current])).toEqual([
      ['Běžný účet v CZK', { amount: '24394.52', currency: 'CZK' }],
      ['Spořící účet v CZK', { amount: '158121.10', currency: 'CZK' }],
      ['Spořící účet v EUR', { amount: '1.90', currency: 'EUR' }],
    ]);
    expect(await conn.holders()).toEqual([{ name: 'John Doe', raw: expect.objectContaining({ organizationId: 'RETAIL' }) }]);
  });

  it('a replayed failure (the seed’s wrong code + password) re-asks with the generic message', async () => {
    let verify = 0;
    server.use(
      http.post(`${REPLAY}/api/auth/sms/password/verify`, () =>
        HttpResponse.json(fixture(verify++ === 0 ? 'seed/sms-password-verify.response-failed' : 'seed/sms-password-verify.response-succeeded')),
      ),
    );
    const bank = new Polybank({ providers: [powerauth({ baseUrl: REPLAY })] });
    const conn = bank.connect('powerauth', { username: 'user1234' });
    const messages: Array<string | undefined> = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') {
        messages.push(c.message);
        c.answer({ code: '77038183', password: PASSWORD });
      }
      if (c.type === 'consent') c.answer({ options: { CONSENT_INIT: true, CONSENT_PAYMENT: true } });
    }
    expect(messages).toEqual([undefined, 'Authentication failed.']);
    expect(conn.status.status).toBe('active');
  });
});
