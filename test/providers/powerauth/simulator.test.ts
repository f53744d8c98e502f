/**
 * The simulator's routes for every endpoint of the Data Adapter API, over its socket:
 * those the adapter does not call too (`operation/mapping`), so that a user's own tests
 * can drive them; each behaves as the sample implementation of its version does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatorServer } from '../../../src/testing/index.js';
import { powerauthSimulator } from '../../../src/testing/powerauth/index.js';
import { fixture } from './helpers.js';

const sim = powerauthSimulator();
const legacy = powerauthSimulator({ version: '1.0' });
let close: Array<() => Promise<void>> = [];
beforeAll(async () => {
  close = [await startSimulatorServer(sim), await startSimulatorServer(legacy)].map((s) => () => s.close());
});
afterAll(async () => {
  await Promise.all(close.map((c) => c()));
});
beforeEach(() => {
  sim.reset();
  legacy.reset();
});

async function call(base: string, path: string, requestObject: unknown): Promise<{ status: number; body: { status: string; responseObject: Record<string, unknown> | null }; trace: string | null }> {
  const res = await fetch(`${base}/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestObject }) });
  return { status: res.status, body: (await res.json()) as { status: string; responseObject: Record<string, unknown> | null }, trace: res.headers.get('traceparent') };
}

const context = (name: string, extra: Record<string, unknown> = {}) => ({ id: 'op-1', name, data: 'A2', formData: { userInput: { 'smsFallback.enabled': 'true' } }, ...extra });

describe('powerauth simulator: the endpoints of the Data Adapter API', () => {
  it('operation/mapping (1.1+): the SCA login step of a compound operation maps onto the login template', async () => {
    const login = await call(sim.baseUrl, 'operation/mapping', { userId: '12345678', organizationId: 'RETAIL', authMethod: 'LOGIN_SCA', operationContext: context('authorize_payment_sca') });
    expect(login.body.responseObject).toMatchObject({ templateName: 'login', operationName: 'login', operationData: 'A2', formData: { title: { id: 'login.title' }, userInput: { 'smsFallback.enabled': 'true' } } });
    const approval = await call(sim.baseUrl, 'operation/mapping', { userId: '12345678', organizationId: 'RETAIL', authMethod: 'APPROVAL_SCA', operationContext: context('authorize_payment_sca', { data: 'A1*A100CZK' }) });
    expect(approval.body.responseObject).toMatchObject({ templateName: 'authorize_payment_sca', operationName: 'authorize_payment_sca', operationData: 'A1*A100CZK' });
    expect((await call(legacy.baseUrl, 'operation/mapping', { authMethod: 'LOGIN_SCA', operationContext: context('login_sca') })).status).toBe(404);
    // The documentation's example parses as the route answers it.
    expect(Object.keys(fixture<{ responseObject: object }>('da-1.10__api_operation_mapping__response-200').responseObject).sort()).toEqual(Object.keys(login.body.responseObject!).sort());
  });

  it('operation/create (0.24+): exactly one scope, aisp or pisp; otherwise null', async () => {
    expect((await call(sim.baseUrl, 'operation/create', { clientId: 'c1', scopes: ['PISP'] })).body.responseObject).toMatchObject({ name: 'login_sca', applicationContext: { id: 'c1', originalScopes: ['pisp'] } });
    expect((await call(sim.baseUrl, 'operation/create', { clientId: 'c1', scopes: ['aisp', 'pisp'] })).body).toEqual({ status: 'OK', responseObject: null });
    expect((await call(sim.baseUrl, 'operation/create', { clientId: 'c1', scopes: ['openid'] })).body.responseObject).toBeNull();
  });

  it('operation/formdata/change: the @JsonTypeInfo type is required', async () => {
    const bad = await call(sim.baseUrl, 'operation/formdata/change', { userId: '12345678', organizationId: 'RETAIL', operationContext: context('login'), formDataChange: { bankAccountId: 'X' } });
    expect(bad).toMatchObject({ status: 400, body: { responseObject: { code: 'INPUT_INVALID' } } });
    const method = await call(sim.baseUrl, 'operation/formdata/change', { userId: '12345678', organizationId: 'RETAIL', operationContext: context('login'), formDataChange: { type: 'AUTH_METHOD_CHOICE', chosenAuthMethod: 'SMS_KEY' } });
    expect(method.body).toEqual({ status: 'OK' });
    expect(sim.state.formDataChanges).toEqual([{ operationId: 'op-1', userId: '12345678', change: { type: 'AUTH_METHOD_CHOICE', chosenAuthMethod: 'SMS_KEY' } }]);
  });

  it('sms/send (1.1+) delivers the code it is given; without a user id it refuses (1.1+), where sms/create of 1.0 fakes the delivery', async () => {
    const sent = await call(sim.baseUrl, 'auth/sms/send', { userId: '12345678', organizationId: 'RETAIL', accountStatus: 'ACTIVE', authMethod: 'LOGIN_SCA', operationContext: context('login_sca'), messageId: 'm-1', authorizationCode: '24681357', lang: 'en', resend: false });
    expect(sent.body.responseObject).toEqual({ messageId: 'm-1', smsDeliveryResult: 'SUCCEEDED', errorMessage: null });
    expect(sim.state.outbox).toEqual([{ userId: '12345678', messageId: 'm-1', code: '24681357', text: 'Authorization code for login is 24681357.' }]);
    expect((await call(sim.baseUrl, 'auth/sms/send', { userId: null, organizationId: 'RETAIL', operationContext: context('login_sca'), messageId: 'm-2', authorizationCode: '1' })).status).toBe(400);
    expect((await call(sim.baseUrl, 'auth/sms/create', { userId: null, organizationId: 'RETAIL', accountStatus: 'NOT_ACTIVE', operationContext: context('login_sca') })).status).toBe(400);
    const faked = await call(legacy.baseUrl, 'auth/sms/create', { userId: null, organizationId: 'RETAIL', accountStatus: 'NOT_ACTIVE', operationContext: context('login_sca') });
    expect(faked.body.responseObject).toMatchObject({ smsDeliveryResult: 'SUCCEEDED' });
    expect(legacy.state.outbox).toEqual([]);
  });

  it('auth/method/init (0.24+) answers the configured certificate mode; verifications for nobody are SKIPPED', async () => {
    const init = await call(sim.baseUrl, 'auth/method/init', { userId: null, organizationId: 'RETAIL', authMethod: 'LOGIN_SCA', operationContext: context('login_sca') });
    expect(init.body.responseObject).toEqual({ certificateAuthenticationMode: 'NOT_AVAILABLE', certificateVerificationUrl: null, operationDataExternal: null });
    const nobody = await call(sim.baseUrl, 'auth/sms/password/verify', { userId: null, organizationId: 'RETAIL', accountStatus: 'NOT_ACTIVE', messageId: 'x', authorizationCode: '1', password: 'p', operationContext: context('login_sca') });
    expect(nobody.body.responseObject).toMatchObject({ smsAuthorizationResult: 'SKIPPED', userAuthenticationResult: 'SKIPPED', errorMessage: 'login.authenticationFailed' });
  });

  it('every answer carries the request’s trace (traceparent), a new one when none came', async () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(`${sim.baseUrl}/api/auth/consent/init`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${trace}-b7ad6b7169203331-01` },
      body: JSON.stringify({ requestObject: { userId: '12345678', organizationId: 'RETAIL', operationContext: context('login') } }),
    });
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
    expect(sim.state.requests.at(-1)).toMatchObject({ endpoint: 'consent/init', traceId: trace });
    expect((await call(sim.baseUrl, 'auth/consent/init', {})).trace).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
