/**
 * The Data Adapter's endpoints: each builds its `{requestObject}` for the configured
 * version, marks what it carries (credentials, codes and sends are `sensitive`, reads
 * `idempotent`), and reads `{status, responseObject}` or the error envelope.
 */
import { z } from 'zod';
import { httpFailure } from '../../core/kit.js';
import type { AdapterContext } from '../../core/provider.js';
import { encryptPassword } from './crypto.js';
import { reasonForCode, text } from './mapping.js';
import { atLeast, type Settings } from './options.js';
import {
  AfsResponse,
  ConsentCreate,
  ConsentInit,
  ConsentSave,
  ConsentValidate,
  DecorateResponse,
  ErrorEnvelope,
  LegacyAuthentication,
  ServiceStatus,
  SmsCreate,
  SmsPasswordVerify,
  SmsVerify,
  UserAuthentication,
  UserDetail,
  type ConsentOption,
  type ErrorBody,
} from './schemas.js';
import type { AuthMethod, State } from './session.js';

/** Endpoint name (counters, errors, simulator routes) → path under the base URL. */
export const PATHS = {
  'service/status': 'api/service/status',
  'user/lookup': 'api/auth/user/lookup',
  'user/authenticate': 'api/auth/user/authenticate',
  'user/info': 'api/auth/user/info',
  'sms/create': 'api/auth/sms/create',
  'sms/verify': 'api/auth/sms/verify',
  'sms/password/verify': 'api/auth/sms/password/verify',
  'consent/init': 'api/auth/consent/init',
  'consent/create': 'api/auth/consent/create',
  'consent/validate': 'api/auth/consent/validate',
  'consent/save': 'api/auth/consent/save',
  'afs/action/execute': 'api/afs/action/execute',
  'operation/formdata/decorate': 'api/operation/formdata/decorate',
  'operation/change': 'api/operation/change',
} as const;
export type Endpoint = keyof typeof PATHS;

/** A Data Adapter answer: the response object, or its error body (callers decide what an error means). */
export type Outcome<T> = { ok: true; data: T } | { ok: false; error: ErrorBody; status: number; endpoint: Endpoint };

interface Send {
  sensitive?: boolean;
  idempotent?: boolean;
}

async function post<S extends z.ZodType>(ctx: AdapterContext, endpoint: Endpoint, body: Record<string, unknown>, schema: S, send: Send = {}): Promise<Outcome<z.output<S>>> {
  const res = await ctx.request({
    endpoint,
    method: 'POST',
    path: PATHS[endpoint],
    json: { requestObject: body },
    ...(send.sensitive ? { sensitive: true } : {}),
    ...(send.idempotent ? { idempotent: true } : {}),
  });
  const error = res.isJson ? ErrorEnvelope.safeParse(res.body) : undefined;
  if (error?.success) return { ok: false, error: error.data.responseObject, status: res.status, endpoint };
  if (!res.ok) throw httpFailure(ctx, res);
  const parsed = res.parse(z.looseObject({ status: z.literal('OK'), responseObject: schema }));
  return { ok: true, data: parsed.responseObject as z.output<S> };
}

/** The typed failure for a Data Adapter error body. */
export function failure(ctx: AdapterContext, outcome: Extract<Outcome<unknown>, { ok: false }>): Error {
  const { error, status, endpoint } = outcome;
  const details = error.validationErrors?.length ? ` [${error.validationErrors.slice(0, 5).join(', ')}]` : '';
  const userMessage = text(error.message);
  return ctx.fail(reasonForCode(error.code, status), `${endpoint} answered ${error.code}${error.message ? ` (${error.message})` : ''}${details}`, {
    providerCode: error.code,
    status,
    endpoint,
    ...(userMessage ? { userMessage } : {}),
  });
}

export function orThrow<T>(ctx: AdapterContext, outcome: Outcome<T>): T {
  if (!outcome.ok) throw failure(ctx, outcome);
  return outcome.data;
}

// ---------------------------------------------------------------- shared fields

/** `userId`/`organizationId` as the version has them (0.21: no organization). */
function who(settings: Settings, state: State): Record<string, unknown> {
  return atLeast(settings.version, 0, 22) ? { userId: state.userId ?? null, organizationId: state.organizationId } : { userId: state.userId ?? null };
}

function accountStatus(settings: Settings, state: State): Record<string, unknown> {
  return atLeast(settings.version, 0, 23) ? { accountStatus: state.accountStatus ?? 'ACTIVE' } : {};
}

/** The password as Web Flow sends it: plain (NO_PROTECTION) or AES-encrypted, with its authenticationContext. */
async function protect(ctx: AdapterContext, settings: Settings, password: string): Promise<{ password: string; authenticationContext: Record<string, unknown> }> {
  if (!settings.encryption) {
    return { password, authenticationContext: { passwordProtection: 'NO_PROTECTION', cipherTransformation: '', smsAuthorizationResult: null } };
  }
  const encrypted = await encryptPassword(password, settings.encryption.key);
  // The ciphertext carries the password: treat it like the password everywhere.
  ctx.secrets.add(encrypted, ...encrypted.split(':'));
  return {
    password: encrypted,
    authenticationContext: { passwordProtection: 'PASSWORD_ENCRYPTION_AES', cipherTransformation: settings.encryption.transformation, smsAuthorizationResult: null },
  };
}

// ---------------------------------------------------------------- endpoints

/** `GET /api/service/status`: `absent` when the adapter does not implement it (it is optional: Web Flow never calls it). */
export async function serviceStatus(ctx: AdapterContext): Promise<'ok' | 'absent'> {
  const res = await ctx.request({ endpoint: 'service/status', method: 'GET', path: PATHS['service/status'] });
  if (res.status === 404 || res.status === 405) return 'absent';
  const error = res.isJson ? ErrorEnvelope.safeParse(res.body) : undefined;
  if (error?.success) throw failure(ctx, { ok: false, error: error.data.responseObject, status: res.status, endpoint: 'service/status' });
  if (!res.ok) throw httpFailure(ctx, res);
  res.parse(z.looseObject({ status: z.literal('OK'), responseObject: ServiceStatus }));
  return 'ok';
}

export function lookup(ctx: AdapterContext, settings: Settings, state: State, username: string) {
  return post(
    ctx,
    'user/lookup',
    {
      username,
      organizationId: state.organizationId,
      ...(atLeast(settings.version, 0, 24) ? { clientCertificate: null } : {}),
      operationContext: state.operation,
    },
    UserDetail,
    { idempotent: true },
  );
}

/** ≥0.22: `{userId, password, authenticationContext}`; ≤0.21: `{username, password, type: BASIC}` answering `{userId}`. */
export async function authenticate(ctx: AdapterContext, settings: Settings, state: State, password: string) {
  if (!atLeast(settings.version, 0, 22)) {
    return post(
      ctx,
      'user/authenticate',
      { username: state.username ?? null, password, type: 'BASIC', operationContext: state.operation },
      z.union([UserAuthentication, LegacyAuthentication]),
      { sensitive: true },
    );
  }
  const protectedPassword = await protect(ctx, settings, password);
  return post(
    ctx,
    'user/authenticate',
    { ...who(settings, state), password: protectedPassword.password, authenticationContext: protectedPassword.authenticationContext, operationContext: state.operation },
    z.union([UserAuthentication, LegacyAuthentication]),
    { sensitive: true },
  );
}

/** Generates the code and sends the SMS: sent at most once, and only with the user present. */
export function smsCreate(ctx: AdapterContext, settings: Settings, state: State, authMethod: AuthMethod, resend: boolean) {
  const v = settings.version;
  return post(
    ctx,
    'sms/create',
    {
      ...who(settings, state),
      ...accountStatus(settings, state),
      ...(atLeast(v, 0, 24) ? { authMethod } : {}),
      operationContext: state.operation,
      lang: state.lang,
      ...(atLeast(v, 0, 22) ? { resend } : {}),
    },
    SmsCreate,
    { sensitive: true },
  );
}

/** ≤0.21 answers `responseObject: null` on success and 401 SMS_AUTHORIZATION_FAILED on failure. */
export function smsVerify(ctx: AdapterContext, settings: Settings, state: State, messageId: string, code: string) {
  const base = atLeast(settings.version, 0, 22) ? { ...who(settings, state), ...accountStatus(settings, state) } : {};
  return post(ctx, 'sms/verify', { ...base, messageId, authorizationCode: code, operationContext: state.operation }, SmsVerify.nullable(), { sensitive: true });
}

export async function smsPasswordVerify(ctx: AdapterContext, settings: Settings, state: State, messageId: string, code: string, password: string) {
  const protectedPassword = await protect(ctx, settings, password);
  return post(
    ctx,
    'sms/password/verify',
    {
      ...who(settings, state),
      ...accountStatus(settings, state),
      password: protectedPassword.password,
      authenticationContext: protectedPassword.authenticationContext,
      messageId,
      authorizationCode: code,
      operationContext: state.operation,
    },
    SmsPasswordVerify,
    { sensitive: true },
  );
}

export function consentInit(ctx: AdapterContext, settings: Settings, state: State) {
  return post(ctx, 'consent/init', { ...who(settings, state), operationContext: state.operation }, ConsentInit, { idempotent: true });
}

export function consentCreate(ctx: AdapterContext, settings: Settings, state: State) {
  return post(ctx, 'consent/create', { ...who(settings, state), operationContext: state.operation, lang: state.lang }, ConsentCreate, { idempotent: true });
}

/** Carries the user's answer: sent once. */
export function consentValidate(ctx: AdapterContext, settings: Settings, state: State, options: ConsentOption[]) {
  return post(ctx, 'consent/validate', { ...who(settings, state), operationContext: state.operation, lang: state.lang, options }, ConsentValidate, { sensitive: true });
}

export function consentSave(ctx: AdapterContext, settings: Settings, state: State, options: ConsentOption[]) {
  return post(ctx, 'consent/save', { ...who(settings, state), operationContext: state.operation, options }, ConsentSave, { sensitive: true });
}

export type AfsAction = 'LOGIN_INIT' | 'LOGIN_AUTH' | 'LOGOUT' | 'APPROVAL_INIT' | 'APPROVAL_AUTH';

export interface AfsParameters {
  action: AfsAction;
  stepIndex: number;
  clientIpAddress: string;
  username: string | null;
  instruments: Array<'password' | 'sms'>;
  authStepResult: 'CONFIRMED' | 'AUTH_FAILED' | 'AUTH_METHOD_FAILED' | null;
  terminationReason: 'DONE' | 'FAILED' | 'TIMED_OUT' | 'INTERRUPTED' | null;
  extras: Record<string, string>;
}

/** Anti-fraud: not idempotent (the bank counts `stepIndex`), not sensitive (no credential). */
export function afsExecute(ctx: AdapterContext, settings: Settings, state: State, p: AfsParameters) {
  // 0.23–1.0 named the instruments PASSWORD/SMS_KEY, 1.1+ CREDENTIAL/OTP_KEY.
  const modern = atLeast(settings.version, 1, 1);
  const instruments = p.instruments.map((i) => (i === 'password' ? (modern ? 'CREDENTIAL' : 'PASSWORD') : modern ? 'OTP_KEY' : 'SMS_KEY'));
  return post(
    ctx,
    'afs/action/execute',
    {
      ...who(settings, state),
      operationContext: state.operation,
      afsRequestParameters: {
        afsType: 'THREAT_MARK',
        afsAction: p.action,
        clientIpAddress: p.clientIpAddress,
        stepIndex: p.stepIndex,
        username: p.username,
        authInstruments: instruments,
        authStepResult: p.authStepResult,
        operationTerminationReason: p.terminationReason,
      },
      extras: p.extras,
    },
    AfsResponse,
  );
}

export function decorate(ctx: AdapterContext, settings: Settings, state: State, authMethod: AuthMethod) {
  return post(
    ctx,
    'operation/formdata/decorate',
    { ...who(settings, state), ...(atLeast(settings.version, 0, 24) ? { authMethod } : {}), operationContext: state.operation },
    DecorateResponse,
    { idempotent: true },
  );
}

export function operationChange(ctx: AdapterContext, settings: Settings, state: State, change: 'DONE' | 'CANCELED' | 'FAILED') {
  return post(ctx, 'operation/change', { ...who(settings, state), operationContext: state.operation, operationChange: change }, z.unknown().optional());
}

export function userInfo(ctx: AdapterContext, settings: Settings, state: State) {
  const body = atLeast(settings.version, 0, 22) ? { userId: state.userId, organizationId: state.organizationId } : { id: state.userId };
  return post(ctx, 'user/info', body, UserDetail, { idempotent: true });
}
