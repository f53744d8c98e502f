/**
 * The adapter against real shapes: every documented response example (research specs,
 * copied to fixtures/) through the wire schemas and mapping, and the seed's request
 * bodies compared with what the adapter sends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ErrorReason } from '../../../src/index.js';
import { codeRow } from '../../../src/provider.js';
import { failures, toAccount, verdict } from '../../../src/providers/powerauth/mapping.js';
import {
  AfsResponse,
  BankAccountChoiceAttribute,
  CertificateVerify,
  MethodInit,
  OperationCreate as OperationCreateResponse,
  ConsentCreate,
  ConsentInit,
  ConsentSave,
  ConsentValidate,
  DecorateResponse,
  ErrorEnvelope,
  OkEnvelope,
  ServiceStatus,
  SmsCreate,
  SmsPasswordVerify,
  SmsVerify,
  UserAuthentication,
  UserDetail,
} from '../../../src/providers/powerauth/schemas.js';
import { answerRight, fixture, requestOf, startPowerAuth, type Harness, type SeedOperation } from './helpers.js';

const DIR = new URL('./fixtures/', import.meta.url);

/** File name fragment → the schema of its response object (first match wins). */
const RESPONSES: Array<[RegExp, z.ZodMiniType]> = [
  [/service[-_]status/, ServiceStatus],
  [/user[-_](lookup|information|info)/, UserDetail],
  [/user[-_]authenticat/, UserAuthentication],
  [/(sms[-_]create|sms[-_]send|generate-sms)/, SmsCreate],
  [/(sms[-_]password[-_]verify|sms-code-and-passwo)/, SmsPasswordVerify],
  [/(sms[-_]verify|verify-authorization-sms-code__)/, SmsVerify],
  [/(consent[-_]init|initialize-oauth)/, ConsentInit],
  [/(consent[-_]create|create-oauth)/, ConsentCreate],
  [/(consent[-_]validate|validate-oauth)/, ConsentValidate],
  [/(consent[-_]save|save-oauth)/, ConsentSave],
  [/afs/, AfsResponse],
  [/decorate/, DecorateResponse],
  [/method_init/, MethodInit],
  [/certificate_verify/, CertificateVerify],
  [/operation_create/, OperationCreateResponse],
];
/** The failure table's reason for a code, with the core's fallback by status (5xx: an outage; else unknown). */
function reasonForCode(code: string, status: number): string {
  return codeRow(failures, code)?.reason ?? (status >= 500 ? 'provider_unavailable' : 'unknown');
}

/** Endpoints polybank does not call (the operation mapping onto PowerAuth mobile-token templates). */
const UNUSED = /(operation_mapping)/;

function responseFiles(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json') && !f.includes('request') && !UNUSED.test(f));
}

describe('powerauth contract: documented responses', () => {
  it('every response example of 0.22 and 1.10 parses with the adapter’s schemas', () => {
    const files = responseFiles();
    expect(files.length).toBeGreaterThan(45);
    let checked = 0;
    for (const file of files) {
      const body = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as { status: string; responseObject?: unknown };
      if (body.status === 'ERROR') {
        const error = ErrorEnvelope.parse(body).responseObject;
        // Placeholders of the generic section map to the safe default.
        expect(ErrorReason.options, file).toContain(reasonForCode(error.code, 400));
        checked++;
        continue;
      }
      OkEnvelope.parse(body);
      if (body.responseObject === undefined) {
        checked++; // notification endpoints: {status: OK}
        continue;
      }
      const schema = RESPONSES.find(([pattern]) => pattern.test(file))?.[1];
      expect(schema, `no schema for ${file}`).toBeDefined();
      const parsed = schema!.safeParse(body.responseObject);
      expect(parsed.success, `${file}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues[0])}`).toBe(true);
      checked++;
    }
    expect(checked).toBe(files.length);
  });

  it('both result vocabularies: only (VERIFIED_)SUCCEEDED passes', () => {
    expect(verdict(UserAuthentication.parse(fixture('da-0.22__user-authentication__response-authentication-succeeded').responseObject).authenticationResult)).toBe('succeeded');
    expect(verdict(UserAuthentication.parse(fixture('da-0.22__user-authentication__response-authentication-failed').responseObject).authenticationResult)).toBe('failed');
    expect(verdict(UserAuthentication.parse(fixture('da-1.10__api_auth_user_authenticate__user-authentication-response-authentication-succeeded').responseObject).authenticationResult)).toBe('succeeded');
    expect(verdict(UserAuthentication.parse(fixture('da-1.10__api_auth_user_authenticate__user-authentication-response-authentication-failed').responseObject).authenticationResult)).toBe('failed');
    const sms022 = SmsVerify.parse(fixture('da-0.22__verify-authorization-sms-code__error-response-sms-authorization-code-verification-failed').responseObject);
    expect([verdict(sms022.smsAuthorizationResult), sms022.remainingAttempts]).toEqual(['failed', 4]);
    expect(verdict('SKIPPED')).toBe('failed');
    expect(verdict('NOT_VERIFIED')).toBe('failed');
  });

  it('the documented error bodies map to their reasons', () => {
    const code = (name: string): string => ErrorEnvelope.parse(fixture(name)).responseObject.code;
    expect(reasonForCode(code('seed/user-lookup.response-not-found'), 400)).toBe('invalid_credentials');
    expect(reasonForCode(code('seed/user-authenticate.response-input-invalid'), 400)).toBe('invalid_credentials');
    expect(reasonForCode(code('seed/user-authenticate.response-internal-error'), 500)).toBe('provider_bug');
    expect(reasonForCode(code('seed/error-envelope'), 400)).toBe('unknown');
  });

  it('the decorate example’s accounts become exact Accounts', () => {
    const formData = DecorateResponse.parse(fixture('seed/formdata-decorate.response').responseObject).formData;
    const choice = BankAccountChoiceAttribute.parse(formData.parameters?.find((p) => p.type === 'BANK_ACCOUNT_CHOICE'));
    const accounts = (choice.bankAccounts ?? []).map((a, i) => toAccount(a, '12345678', { endpoint: 'operation/formdata/decorate', at: `bankAccounts.${i}` }));
    expect(accounts.map((a) => [a.iban, a.number, a.balances.current, a.usableForPayment, a.unusableForPaymentReason ?? null])).toEqual([
      ['CZ4012340000000012345678', '12345678/1234', { amount: '24394.52', currency: 'CZK' }, false, null],
      ['CZ4043210000000087654321', '87654321/4321', { amount: '158121.10', currency: 'CZK' }, false, null],
      ['CZ4011110000000044444444', '44444444/1111', { amount: '1.90', currency: 'EUR' }, false, 'Low account balance'],
    ]);
    expect(accounts[2]?.raw).toEqual((choice.bankAccounts ?? [])[2]);
  });

  it('the seed’s consent/init example (a consent form, a documentation slip) reads as Web Flow reads it: no form', () => {
    const init = ConsentInit.parse(fixture('seed/consent-init.response').responseObject);
    expect(init.shouldDisplayConsentForm ?? false).toBe(false);
    expect(ConsentInit.parse(fixture('da-1.10__api_auth_consent_init__response-200').responseObject).shouldDisplayConsentForm).toBe(true);
  });
});

// ---------------------------------------------------------------- the seed's requests

type RequestObject = Record<string, unknown> & { operationContext?: unknown };

function seedRequest(name: string): RequestObject {
  return fixture<{ requestObject: RequestObject }>(`seed/${name}.request`).requestObject;
}

function withoutContext(body: RequestObject): RequestObject {
  const { operationContext: _ignored, ...rest } = body;
  return rest;
}

describe('powerauth contract: the seed’s request bodies', () => {
  let h: Harness;
  beforeAll(async () => {
    // The seed documents 0.23/0.24 (SUCCEEDED results, accountStatus, AFS, no authMethod yet).
    h = await startPowerAuth({ version: '0.23' });
  });
  afterAll(async () => {
    await h.server.close();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  it('an SCA payment with AFS sends lookup, SMS + password, AFS, SMS, consent and change bodies as documented', async () => {
    const operation = seedRequest('user-lookup').operationContext as SeedOperation;
    h.sim.state.script.nextCodes.push('77038183', '77038183');
    h.sim.state.script.nextMessageIds.push('617178ab-f315-4223-a602-9d4893b4f99f', '617178ab-f315-4223-a602-9d4893b4f99f');
    const conn = h.bank({ powerauth: { afs: true } }).connect('powerauth', {
      operation: { ...operation, name: 'authorize_payment_sca' },
      afs: { extras: { cookie1: '123xyz', cookie2: 'abc67890' } },
    });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    expect(conn.status.status).toBe('active');
    await conn.accounts();

    const sent = (endpoint: string, index = 0): RequestObject => requestOf(h.sim, endpoint, index) as RequestObject;
    // The operation context goes out verbatim (only its name differs: the SCA variant of the seed's payment).
    expect(sent('user/lookup').operationContext).toEqual({ ...operation, name: 'authorize_payment_sca' });
    expect(withoutContext(sent('user/lookup'))).toEqual(withoutContext(seedRequest('user-lookup')));
    expect(withoutContext(sent('sms/password/verify'))).toEqual(withoutContext(seedRequest('sms-password-verify')));
    // The AFS call of the approval step: the seed's APPROVAL_INIT request.
    const approvalInit = h.sim.state.bodies('afs/action/execute').findIndex((b) => (b as { requestObject: { afsRequestParameters: { afsAction: string } } }).requestObject.afsRequestParameters.afsAction === 'APPROVAL_INIT');
    expect(withoutContext(sent('afs/action/execute', approvalInit))).toEqual(withoutContext(seedRequest('afs-execute')));
    // The sample AFS steps the small CZK payment down to the SMS code alone: sms/verify.
    expect(withoutContext(sent('sms/verify'))).toEqual(withoutContext(seedRequest('sms-verify')));
    // The 0.23 model has `resend` (since 0.22); the documentation's example leaves it out.
    expect(withoutContext(sent('sms/create'))).toEqual({ ...withoutContext(seedRequest('sms-create')), resend: false });
    expect(withoutContext(sent('consent/init'))).toEqual(withoutContext(seedRequest('consent-init')));
    expect(withoutContext(sent('consent/create'))).toEqual(withoutContext(seedRequest('consent-create')));
    expect(withoutContext(sent('consent/save'))).toEqual(withoutContext(seedRequest('consent-save')));
    // The documentation's validate example shows `value: null`; Web Flow sends the user's values.
    const validate = withoutContext(seedRequest('consent-validate'));
    expect(withoutContext(sent('consent/validate'))).toEqual({ ...validate, options: (validate.options as object[]).map((o) => ({ ...o, value: 'CHECKED' })) });
    expect(withoutContext(sent('operation/change'))).toEqual(withoutContext(seedRequest('operation-change')));
    expect(withoutContext(sent('operation/formdata/decorate'))).toEqual(withoutContext(seedRequest('formdata-decorate')));
  });

  it('a non-SCA payment sends user/authenticate and user/info as documented', async () => {
    const operation = seedRequest('user-authenticate').operationContext as SeedOperation;
    const conn = h.bank().connect('powerauth', { operation });
    for await (const c of conn.authenticate()) answerRight(h.sim, c);
    await conn.holders();
    expect(requestOf(h.sim, 'user/authenticate')).toEqual(seedRequest('user-authenticate'));
    expect(requestOf(h.sim, 'user/info')).toEqual(seedRequest('user-info'));
  });
});
