/**
 * The Data Adapter's endpoints. Each function describes one call for the configured
 * version: its `{requestObject}`, what it carries (credentials, codes and sends are
 * `sensitive`, reads `idempotent`), the statuses it reads and how its answer parses.
 * `send` makes the call; `sendForNobody` makes the same call for an unknown or blocked
 * user, whose answer does not matter (the flow only has to look the same).
 */
import * as z from 'zod/mini';
import { randomId, type AdapterContext, type HttpResponse } from '../../provider.js';
import { atLeast, type Settings } from './config.js';
import { protectPassword } from './crypto.js';
import type { AuthMethod, State } from './model.js';
import {
  AfsResponse,
  CertificateVerify,
  ConsentCreate,
  ConsentInit,
  ConsentSave,
  ConsentValidate,
  DecorateResponse,
  ErrorEnvelope,
  LegacyAuthentication,
  MethodInit,
  OperationCreate,
  ServiceStatus,
  SmsCreate,
  SmsPasswordVerify,
  SmsVerify,
  UserAuthentication,
  UserDetail,
  type AccountStatus,
  type ConsentOption,
  type ErrorBody,
  type VerificationResult,
} from './schemas.js';

/** Endpoint name (counters, errors, simulator routes) → path under the base URL. */
export const PATHS = {
  'service/status': 'api/service/status',
  'user/lookup': 'api/auth/user/lookup',
  'user/authenticate': 'api/auth/user/authenticate',
  'user/info': 'api/auth/user/info',
  'method/init': 'api/auth/method/init',
  'certificate/verify': 'api/auth/certificate/verify',
  'sms/create': 'api/auth/sms/create',
  'sms/send': 'api/auth/sms/send',
  'sms/verify': 'api/auth/sms/verify',
  'sms/password/verify': 'api/auth/sms/password/verify',
  'consent/init': 'api/auth/consent/init',
  'consent/create': 'api/auth/consent/create',
  'consent/validate': 'api/auth/consent/validate',
  'consent/save': 'api/auth/consent/save',
  'afs/action/execute': 'api/afs/action/execute',
  'operation/create': 'api/operation/create',
  'operation/formdata/decorate': 'api/operation/formdata/decorate',
  'operation/formdata/change': 'api/operation/formdata/change',
  'operation/change': 'api/operation/change',
} as const;
export type Endpoint = keyof typeof PATHS;

/** One Data Adapter call, described: sent by `send` (or `sendForNobody`). */
export interface Call<T> {
  endpoint: Endpoint;
  requestObject: Record<string, unknown>;
  sensitive?: boolean;
  idempotent?: boolean;
  /** Statuses read here (an error body the flow handles); any other non-2xx is the failure table's. */
  expect?: readonly number[];
  timeout?: number;
  read(ctx: AdapterContext, response: HttpResponse): T;
}

/** W3C trace context, as Wultra's REST clients propagate it: a fresh trace per call, the bank logs it. */
function traceparent(): string {
  return `00-${randomId(16)}-${randomId(8)}-01`;
}

/** The request id of an answer: the trace id of the `traceparent` a Data Adapter (or its gateway) echoes. */
export function traceId(response: HttpResponse): string | undefined {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(response.headers.get('traceparent')?.trim() ?? '');
  return match?.[1];
}

function request<T>(ctx: AdapterContext, call: Call<T>, expect: readonly number[] | 'any'): Promise<HttpResponse> {
  return ctx.request({
    endpoint: call.endpoint,
    method: 'POST',
    path: PATHS[call.endpoint],
    json: { requestObject: call.requestObject },
    headers: { traceparent: traceparent() },
    expect,
    ...(call.sensitive ? { sensitive: true } : {}),
    ...(call.idempotent ? { idempotent: true } : {}),
    ...(call.timeout !== undefined ? { timeout: call.timeout } : {}),
  });
}

export async function send<T>(ctx: AdapterContext, call: Call<T>): Promise<T> {
  const response = await request(ctx, call, call.expect ?? [200]);
  return call.read(ctx, response);
}

/**
 * The same call for nobody (no user id): a Data Adapter fakes it (≤1.0 sample: a fake SMS
 * delivery, SKIPPED verifications) or refuses it (≥1.1 sample: 400 for a missing user id);
 * either way nothing reaches anyone, and the answer is not read. What fails the same way
 * for a real user (the bank down, a quota) fails here too.
 */
export async function sendForNobody(ctx: AdapterContext, call: Call<unknown>): Promise<void> {
  const response = await request(ctx, call, 'any');
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw ctx.failure(response);
}

/** The error body of an answer, if it is one. */
export function errorOf(response: HttpResponse): ErrorBody | undefined {
  const parsed = ErrorEnvelope.safeParse(response.body);
  return parsed.success ? parsed.data.responseObject : undefined;
}

/** `{status: OK, responseObject}` read with the response's schema; an error body (even with HTTP 200) is a typed failure. */
function reader<S extends z.ZodMiniType>(schema: S): (ctx: AdapterContext, response: HttpResponse) => z.output<S> {
  const envelope = z.looseObject({ status: z.literal('OK'), responseObject: schema });
  return (ctx, response) => {
    if (!response.ok || errorOf(response)) throw ctx.failure(response);
    return response.parse(envelope).responseObject as z.output<S>;
  };
}

/** A notification's `{status: OK}` (≤0.21: `responseObject: null`). */
const acknowledged = reader(z.optional(z.unknown()));

// ---------------------------------------------------------------- who the call is for

/** The user a call is for: the one the lookup found active, or nobody (an unknown or blocked user). */
export interface User {
  userId: string | null;
  accountStatus: AccountStatus;
}

export function userOf(state: State): User {
  return state.known === false || state.userId === undefined ? { userId: null, accountStatus: 'NOT_ACTIVE' } : { userId: state.userId, accountStatus: state.accountStatus ?? 'ACTIVE' };
}

/** `userId`/`organizationId` as the version has them (0.21: no organization). */
function who(settings: Settings, state: State, user: User): Record<string, unknown> {
  return atLeast(settings.version, 0, 22) ? { userId: user.userId, organizationId: state.organizationId } : { userId: user.userId };
}

function accountStatus(settings: Settings, user: User): Record<string, unknown> {
  return atLeast(settings.version, 0, 23) ? { accountStatus: user.accountStatus } : {};
}

// ---------------------------------------------------------------- service and users

/** `GET /api/service/status`: `absent` when the adapter does not implement it (optional: Web Flow never calls it). */
export async function serviceStatus(ctx: AdapterContext): Promise<'ok' | 'absent'> {
  const response = await ctx.request({ endpoint: 'service/status', method: 'GET', path: PATHS['service/status'], headers: { traceparent: traceparent() }, expect: [200, 404, 405] });
  if (response.status === 404 || response.status === 405) return 'absent';
  reader(ServiceStatus)(ctx, response);
  return 'ok';
}

/** `user/lookup` (0.22+) by username, or by client certificate (0.24+). USER_NOT_FOUND reads as `undefined`. */
export function lookup(settings: Settings, state: State, by: { username: string } | { clientCertificate: string }): Call<z.output<typeof UserDetail> | undefined> {
  const certificate = 'clientCertificate' in by ? by.clientCertificate : null;
  const read = reader(UserDetail);
  return {
    endpoint: 'user/lookup',
    requestObject: {
      username: 'username' in by ? by.username : null,
      organizationId: state.organizationId,
      ...(atLeast(settings.version, 0, 24) ? { clientCertificate: certificate } : {}),
      operationContext: state.operation,
    },
    idempotent: true,
    expect: [200, 400],
    read: (ctx, response) => (errorOf(response)?.code === 'USER_NOT_FOUND' ? undefined : read(ctx, response)),
  };
}

/** What a password check said, whatever the version: the result, and the user id when the answer names one. */
export interface Authentication {
  result: VerificationResult;
  errorMessage?: string | null | undefined;
  accountStatus?: AccountStatus | null | undefined;
  /** ≤0.21: the legacy success's `userId`; 0.22–1.0: `userDetail.id`. */
  userId?: string | undefined;
}

const readAuthentication = reader(z.union([UserAuthentication, LegacyAuthentication]));

function authentication(ctx: AdapterContext, response: HttpResponse): Authentication {
  const body = readAuthentication(ctx, response);
  const modern = UserAuthentication.safeParse(body);
  if (modern.success) {
    const r = modern.data;
    return { result: r.authenticationResult, errorMessage: r.errorMessage, accountStatus: r.accountStatus, ...(r.userDetail?.id ? { userId: r.userDetail.id } : {}) };
  }
  return { result: 'SUCCEEDED', userId: LegacyAuthentication.parse(body).userId };
}

/**
 * ≥0.22: `{userId, password, authenticationContext}`; ≤0.21: `{username, password, type:
 * BASIC}` answering `{userId}`, and a failure (or an unknown username) as 401.
 */
export async function authenticate(ctx: AdapterContext, settings: Settings, state: State, user: User, password: string, smsAuthorizationResult: string | null = null): Promise<Call<Authentication>> {
  if (!atLeast(settings.version, 0, 22)) {
    return {
      endpoint: 'user/authenticate',
      requestObject: { username: state.username ?? null, password, type: 'BASIC', operationContext: state.operation },
      sensitive: true,
      expect: [200, 401],
      read: (c, response) => {
        const error = errorOf(response);
        if (error?.code === 'AUTHENTICATION_FAILED' || error?.code === 'USER_NOT_FOUND') return { result: 'FAILED', errorMessage: error.message };
        return authentication(c, response);
      },
    };
  }
  const secured = await protectPassword(ctx, settings, password, smsAuthorizationResult);
  return {
    endpoint: 'user/authenticate',
    requestObject: { ...who(settings, state, user), password: secured.password, authenticationContext: secured.authenticationContext, operationContext: state.operation },
    sensitive: true,
    read: authentication,
  };
}

export function userInfo(settings: Settings, state: State, userId: string): Call<z.output<typeof UserDetail>> {
  const body = atLeast(settings.version, 0, 22) ? { userId, organizationId: state.organizationId } : { id: userId };
  return { endpoint: 'user/info', requestObject: body, idempotent: true, read: reader(UserDetail) };
}

// ---------------------------------------------------------------- certificates (0.24+)

/** `auth/method/init`: whether the bank offers certificate authentication for this step. */
export function methodInit(settings: Settings, state: State, user: User, authMethod: AuthMethod): Call<z.output<typeof MethodInit>> {
  return { endpoint: 'method/init', requestObject: { ...who(settings, state, user), authMethod, operationContext: state.operation }, idempotent: true, read: reader(MethodInit) };
}

/** `auth/certificate/verify` of a client TLS certificate (1.4+ `certificate`; 0.24–1.3 `clientCertificate`). */
export function certificateVerify(settings: Settings, state: State, user: User, authMethod: AuthMethod, certificate: string): Call<z.output<typeof CertificateVerify>> {
  const modern = atLeast(settings.version, 1, 4);
  return {
    endpoint: 'certificate/verify',
    requestObject: {
      ...(modern ? { certificate, signedMessage: null, authInstrument: 'CLIENT_CERTIFICATE' } : { clientCertificate: certificate }),
      authMethod,
      ...who(settings, state, user),
      ...accountStatus(settings, user),
      operationContext: state.operation,
    },
    sensitive: true,
    read: reader(CertificateVerify),
  };
}

// ---------------------------------------------------------------- SMS

export type SmsSent = z.output<typeof SmsCreate>;

/** The bank generates the code and sends the SMS: sent at most once, and only with the user present. */
export function smsCreate(settings: Settings, state: State, user: User, authMethod: AuthMethod, resend: boolean): Call<SmsSent> {
  const v = settings.version;
  return {
    endpoint: 'sms/create',
    requestObject: {
      ...who(settings, state, user),
      ...accountStatus(settings, user),
      ...(atLeast(v, 0, 24) ? { authMethod } : {}),
      operationContext: state.operation,
      lang: state.lang,
      ...(atLeast(v, 0, 22) ? { resend } : {}),
    },
    sensitive: true,
    read: reader(SmsCreate),
  };
}

/** `sms/send` (1.1+): polybank generated the code (Next Step's role); the bank only delivers it. */
export function smsSend(settings: Settings, state: State, user: User, authMethod: AuthMethod, sms: { messageId: string; code: string; resend: boolean }): Call<SmsSent> {
  return {
    endpoint: 'sms/send',
    requestObject: {
      ...who(settings, state, user),
      ...accountStatus(settings, user),
      authMethod,
      operationContext: state.operation,
      messageId: sms.messageId,
      authorizationCode: sms.code,
      lang: state.lang,
      resend: sms.resend,
    },
    sensitive: true,
    read: reader(SmsCreate),
  };
}

export type SmsVerified = z.output<typeof SmsVerify>;

/** ≤0.21 answers `responseObject: null` on success and 401 SMS_AUTHORIZATION_FAILED on failure. */
export function smsVerify(settings: Settings, state: State, user: User, messageId: string, code: string): Call<SmsVerified> {
  const legacy = !atLeast(settings.version, 0, 22);
  const read = reader(z.nullable(SmsVerify));
  return {
    endpoint: 'sms/verify',
    requestObject: { ...(legacy ? {} : { ...who(settings, state, user), ...accountStatus(settings, user) }), messageId, authorizationCode: code, operationContext: state.operation },
    sensitive: true,
    ...(legacy ? { expect: [200, 401] } : {}),
    read: (ctx, response) => {
      const error = errorOf(response);
      if (legacy && error?.code === 'SMS_AUTHORIZATION_FAILED') return { smsAuthorizationResult: 'FAILED', errorMessage: error.message };
      return read(ctx, response) ?? { smsAuthorizationResult: 'SUCCEEDED' };
    },
  };
}

export async function smsPasswordVerify(
  ctx: AdapterContext,
  settings: Settings,
  state: State,
  user: User,
  sms: { messageId: string; code: string },
  password: string,
): Promise<Call<z.output<typeof SmsPasswordVerify>>> {
  const secured = await protectPassword(ctx, settings, password);
  return {
    endpoint: 'sms/password/verify',
    requestObject: {
      ...who(settings, state, user),
      ...accountStatus(settings, user),
      password: secured.password,
      authenticationContext: secured.authenticationContext,
      messageId: sms.messageId,
      authorizationCode: sms.code,
      operationContext: state.operation,
    },
    sensitive: true,
    read: reader(SmsPasswordVerify),
  };
}

// ---------------------------------------------------------------- consent

export function consentInit(settings: Settings, state: State, user: User): Call<z.output<typeof ConsentInit>> {
  return { endpoint: 'consent/init', requestObject: { ...who(settings, state, user), operationContext: state.operation }, idempotent: true, read: reader(ConsentInit) };
}

export function consentCreate(settings: Settings, state: State, user: User): Call<z.output<typeof ConsentCreate>> {
  return { endpoint: 'consent/create', requestObject: { ...who(settings, state, user), operationContext: state.operation, lang: state.lang }, idempotent: true, read: reader(ConsentCreate) };
}

/** Carries the user's answer: sent once. */
export function consentValidate(settings: Settings, state: State, user: User, options: ConsentOption[]): Call<z.output<typeof ConsentValidate>> {
  return { endpoint: 'consent/validate', requestObject: { ...who(settings, state, user), operationContext: state.operation, lang: state.lang, options }, sensitive: true, read: reader(ConsentValidate) };
}

export function consentSave(settings: Settings, state: State, user: User, options: ConsentOption[]): Call<z.output<typeof ConsentSave>> {
  return { endpoint: 'consent/save', requestObject: { ...who(settings, state, user), operationContext: state.operation, options }, sensitive: true, read: reader(ConsentSave) };
}

// ---------------------------------------------------------------- anti-fraud

export type AfsAction = 'LOGIN_INIT' | 'LOGIN_AUTH' | 'LOGOUT' | 'APPROVAL_INIT' | 'APPROVAL_AUTH';

export interface AfsParameters {
  action: AfsAction;
  stepIndex: number;
  clientIpAddress: string;
  username: string | null;
  instruments: Array<'password' | 'sms' | 'certificate'>;
  authStepResult: 'CONFIRMED' | 'AUTH_FAILED' | 'AUTH_METHOD_FAILED' | null;
  terminationReason: 'DONE' | 'FAILED' | 'TIMED_OUT' | 'INTERRUPTED' | null;
  extras: Record<string, string>;
}

const INSTRUMENTS = {
  modern: { password: 'CREDENTIAL', sms: 'OTP_KEY', certificate: 'CLIENT_CERTIFICATE' },
  legacy: { password: 'PASSWORD', sms: 'SMS_KEY', certificate: 'CLIENT_CERTIFICATE' },
} as const;

/** Anti-fraud: not idempotent (the bank counts `stepIndex`), not sensitive (no credential). */
export function afsExecute(settings: Settings, state: State, user: User, p: AfsParameters, timeout?: number): Call<z.output<typeof AfsResponse>> {
  // 0.23–1.0 named the instruments PASSWORD/SMS_KEY, 1.1+ CREDENTIAL/OTP_KEY.
  const names = atLeast(settings.version, 1, 1) ? INSTRUMENTS.modern : INSTRUMENTS.legacy;
  return {
    endpoint: 'afs/action/execute',
    requestObject: {
      ...who(settings, state, user),
      operationContext: state.operation,
      afsRequestParameters: {
        afsType: 'THREAT_MARK',
        afsAction: p.action,
        clientIpAddress: p.clientIpAddress,
        stepIndex: p.stepIndex,
        username: p.username,
        authInstruments: p.instruments.map((i) => names[i]),
        authStepResult: p.authStepResult,
        operationTerminationReason: p.terminationReason,
      },
      extras: p.extras,
    },
    ...(timeout !== undefined ? { timeout } : {}),
    read: reader(AfsResponse),
  };
}

// ---------------------------------------------------------------- operations

/** `operation/create` (0.24+): the bank's implicit login operation for an OAuth client; null when it makes none. */
export function operationCreate(clientId: string, scopes: readonly string[]): Call<z.output<typeof OperationCreate>> {
  return { endpoint: 'operation/create', requestObject: { clientId, scopes: [...scopes] }, idempotent: true, read: reader(OperationCreate) };
}

export function decorate(settings: Settings, state: State, user: User, authMethod: AuthMethod): Call<z.output<typeof DecorateResponse>> {
  return {
    endpoint: 'operation/formdata/decorate',
    requestObject: { ...who(settings, state, user), ...(atLeast(settings.version, 0, 24) ? { authMethod } : {}), operationContext: state.operation },
    idempotent: true,
    read: reader(DecorateResponse),
  };
}

/** `operation/formdata/change` (0.20+): the bank account the user chose (`{type: BANK_ACCOUNT_CHOICE}`). */
export function formDataChange(settings: Settings, state: State, user: User, bankAccountId: string): Call<unknown> {
  return {
    endpoint: 'operation/formdata/change',
    requestObject: { ...who(settings, state, user), operationContext: state.operation, formDataChange: { type: 'BANK_ACCOUNT_CHOICE', bankAccountId } },
    read: acknowledged,
  };
}

export function operationChange(settings: Settings, state: State, user: User, change: 'DONE' | 'CANCELED' | 'FAILED', timeout?: number): Call<unknown> {
  return {
    endpoint: 'operation/change',
    requestObject: { ...who(settings, state, user), operationContext: state.operation, operationChange: change },
    ...(timeout !== undefined ? { timeout } : {}),
    read: acknowledged,
  };
}
