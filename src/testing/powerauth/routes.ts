/**
 * The Data Adapter's endpoints, behaving as the sample adapter (powerauth-webflow-
 * customization) of the chosen version does: lookups, passwords (plain or AES), SMS codes
 * with expiry and a try counter, consent forms with their validation, AFS step-up/down,
 * decorated form data with bank accounts, operation changes.
 */
import type { Route, RouteContext } from '../simulator.js';
import { CONSENT_FORM_ERROR, CONSENT_OPTION_ERROR, consentFormFor, serviceStatus, type PowerAuthSimUser } from './fixtures.js';
import { since, type PowerAuthSimState, type SimAfsAnswer } from './state.js';
import {
  base64ToBytes,
  error,
  invalid,
  isPayment,
  ok,
  operationContext,
  paymentOf,
  requestObject,
  str,
  type Body,
  type OperationContextLike,
} from './wire.js';

type Ctx = RouteContext<PowerAuthSimState>;
type Handler = (ctx: Ctx, body: Body) => Response | Promise<Response>;
type Result = 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

/** The result vocabulary of the version: 0.22 `VERIFIED_*`, ≥0.23 `SUCCEEDED/FAILED/SKIPPED`. */
function result(state: PowerAuthSimState, r: Result): string {
  if (since(state.version, 0, 23)) return r;
  return r === 'SUCCEEDED' ? 'VERIFIED_SUCCEEDED' : r === 'FAILED' ? 'VERIFIED_FAILED' : 'NOT_VERIFIED';
}

function notFound(path: string): Response {
  return Response.json({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path }, { status: 404 });
}

/** A scripted DA error armed for this endpoint, consumed once per request. */
function scripted(state: PowerAuthSimState, endpoint: string): Response | undefined {
  const index = state.script.errors.findIndex((e) => e.endpoint === endpoint);
  if (index < 0) return undefined;
  const armed = state.script.errors[index]!;
  const times = (armed.times ?? 1) - 1;
  if (times <= 0) state.script.errors.splice(index, 1);
  else armed.times = times;
  return error(state, armed.code, armed.message ?? armed.code.toLowerCase(), {
    ...(armed.status !== undefined ? { status: armed.status } : {}),
    ...(armed.remainingAttempts !== undefined ? { remainingAttempts: armed.remainingAttempts } : {}),
    ...(armed.validationErrors !== undefined ? { validationErrors: armed.validationErrors } : {}),
  });
}

/** The trace id of a W3C `traceparent` (what Wultra's clients send), if it is one. */
function traceOf(header: string | null): string | undefined {
  return /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(header?.trim() ?? '')?.[1];
}

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Answers carry the request's trace (a new one when none came), with the server's own
 * span: what a Data Adapter behind a tracing gateway echoes, and polybank's request id.
 */
function traced(response: Response, traceId: string | undefined): Response {
  response.headers.set('traceparent', `00-${traceId ?? hex(16)}-${hex(8)}-01`);
  return response;
}

/** A POST endpoint: records the body, honours scripted errors and the version, unwraps `requestObject`. */
function post(path: string, endpoint: string, sinceVersion: readonly [number, number], handle: Handler): Route<PowerAuthSimState> {
  return {
    method: 'POST',
    path,
    endpoint,
    handle: async (ctx) => {
      const { state } = ctx;
      const traceId = traceOf(ctx.request.headers.get('traceparent'));
      state.requests.push({ endpoint, body: ctx.body, ...(traceId ? { traceId } : {}) });
      if (!since(state.version, sinceVersion[0], sinceVersion[1])) return traced(notFound(ctx.url.pathname), traceId);
      const armed = scripted(state, endpoint);
      if (armed) return traced(armed, traceId);
      const body = requestObject(state, ctx.request, ctx.body);
      if (body instanceof Response) return traced(body, traceId);
      return traced(await handle(ctx, body), traceId);
    },
  };
}

// ---------------------------------------------------------------- users and passwords

/** userId (and from 0.22 organizationId), as the sample's validators require them. */
function identity(state: PowerAuthSimState, body: Body): { userId: string; organizationId: string | undefined } | Response {
  const userId = str(body, 'userId');
  if (!userId) return invalid(state, 'login.userId.empty', 'userId');
  if (userId.length > 40) return invalid(state, 'login.userId.long', 'userId');
  const organizationId = str(body, 'organizationId');
  if (since(state.version, 0, 22) && !organizationId) return invalid(state, 'login.organizationId.empty', 'organizationId');
  return { userId, organizationId };
}

function userOf(state: PowerAuthSimState, who: { userId: string; organizationId: string | undefined }): PowerAuthSimUser | undefined {
  const user = state.user({ id: who.userId });
  return user && (who.organizationId === undefined || user.organizationId === who.organizationId) ? user : undefined;
}

async function decrypt(keyBase64: string, value: string): Promise<string | undefined> {
  const parts = value.split(':');
  if (parts.length !== 2) return undefined;
  try {
    const key = await crypto.subtle.importKey('raw', base64ToBytes(keyBase64), { name: 'AES-CBC' }, false, ['decrypt']);
    const plain = await crypto.subtle.decrypt({ name: 'AES-CBC', iv: base64ToBytes(parts[0]!) }, key, base64ToBytes(parts[1]!));
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return undefined;
  }
}

/** Checks the password as the sample does: NO_PROTECTION (≤128 chars) or PASSWORD_ENCRYPTION_AES (≤256). */
async function passwordMatches(state: PowerAuthSimState, user: PowerAuthSimUser | undefined, body: Body): Promise<boolean | Response> {
  const password = str(body, 'password');
  if (!password) return invalid(state, 'login.password.empty', 'password');
  const context = (body.authenticationContext ?? {}) as Body;
  const protection = str(context, 'passwordProtection') ?? 'NO_PROTECTION';
  if (protection === 'NO_PROTECTION') {
    if (password.length > 128) return invalid(state, 'login.password.long', 'password');
    return user !== undefined && password === user.password;
  }
  const transformation = str(context, 'cipherTransformation');
  if (protection !== 'PASSWORD_ENCRYPTION_AES' || !state.passwordEncryptionKey || (transformation !== 'AES/CBC/PKCS7Padding' && transformation !== 'AES/CBC/PKCS5Padding')) {
    return invalid(state, 'login.type.unsupported', 'authenticationContext');
  }
  if (password.length > 256) return invalid(state, 'login.password.long', 'password');
  const plain = await decrypt(state.passwordEncryptionKey, password);
  return user !== undefined && plain === user.password;
}

/** A wrong password: counted (and the user blocked at 0) only for users the bank counts for. */
function passwordFailed(user: PowerAuthSimUser | undefined): { remaining: number | null; blocked: boolean } {
  if (!user || user.maxPasswordFailures === undefined) return { remaining: null, blocked: false };
  user.passwordFailures += 1;
  const remaining = Math.max(0, user.maxPasswordFailures - user.passwordFailures);
  if (remaining === 0) user.accountStatus = 'NOT_ACTIVE';
  return { remaining, blocked: remaining === 0 };
}

function userDetail(state: PowerAuthSimState, user: PowerAuthSimUser): Record<string, unknown> {
  return {
    id: user.id,
    givenName: user.givenName,
    familyName: user.familyName,
    ...(since(state.version, 0, 22) ? { organizationId: user.organizationId } : {}),
    ...(since(state.version, 0, 23) ? { accountStatus: user.accountStatus } : {}),
    ...(since(state.version, 1, 1) ? { extras: {} } : {}),
  };
}

// ---------------------------------------------------------------- SMS

async function generateCode(items: string[]): Promise<string> {
  // The sample's DataDigest: HMAC-SHA256 with a random key over the "&"-joined items, mod 10^8.
  const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(16)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(items.join('&'))));
  let n = 0n;
  for (const byte of mac.slice(0, 8)) n = (n << 8n) | BigInt(byte);
  return (n % 100_000_000n).toString().padStart(8, '0');
}

interface SmsCheck {
  result: Result;
  remaining: number | null;
  message: string | null;
}

/** The sample's checks, in its order: unknown message, expired, already verified, too many tries, mismatch. */
function checkSms(state: PowerAuthSimState, body: Body, operation: OperationContextLike, userId: string | undefined, allowVerified: boolean): SmsCheck | Response {
  const messageId = str(body, 'messageId');
  if (!messageId) return invalid(state, 'smsAuthorization.messageId.empty', 'messageId');
  const code = str(body, 'authorizationCode');
  if (!code) return invalid(state, 'smsAuthorization.code.empty', 'authorizationCode');
  const sms = state.sms.get(messageId);
  if (!sms || sms.operationId !== operation.id || (userId !== undefined && sms.userId !== userId)) {
    return { result: 'FAILED', remaining: null, message: 'smsAuthorization.invalidMessage' };
  }
  if (state.now() > sms.createdAt + state.otpExpirySeconds * 1000) return { result: 'FAILED', remaining: null, message: 'smsAuthorization.expired' };
  if (!allowVerified && sms.verified) return { result: 'FAILED', remaining: null, message: 'smsAuthorization.alreadyVerified' };
  sms.verifyCount += 1;
  if (sms.verifyCount > state.maxVerifyTries) return { result: 'FAILED', remaining: 0, message: 'smsAuthorization.maxAttemptsExceeded' };
  if (code !== sms.code) return { result: 'FAILED', remaining: state.maxVerifyTries - sms.verifyCount, message: 'smsAuthorization.failed' };
  sms.verified = true;
  return { result: 'SUCCEEDED', remaining: null, message: null };
}

/** Stores the code (for `sms/verify`) and puts the SMS on the user's phone, unless a delivery failure is scripted. */
function deliver(
  state: PowerAuthSimState,
  user: PowerAuthSimUser,
  operation: OperationContextLike,
  messageId: string,
  code: string,
  resend: boolean,
  payment: ReturnType<typeof paymentOf> | undefined,
): boolean {
  const text = payment
    ? `Authorization code for payment of ${payment.amount} ${payment.currency} to account ${payment.account} is ${code}.`
    : `Authorization code for login is ${code}.`;
  state.sms.set(messageId, { messageId, userId: user.id, operationId: operation.id, code, text, createdAt: state.now(), verifyCount: 0, verified: false, resend });
  if (state.script.smsDeliveryFailures > 0) {
    state.script.smsDeliveryFailures -= 1;
    return false;
  }
  state.outbox.push({ userId: user.id, messageId, code, text });
  return true;
}

/** ≥0.23: the caller says the account is not active, or the bank knows it is not: nothing is verified. */
function inactive(state: PowerAuthSimState, user: PowerAuthSimUser | undefined, body: Body): boolean {
  if (!user || user.accountStatus !== 'ACTIVE') return true;
  return since(state.version, 0, 23) && body.accountStatus !== 'ACTIVE';
}

// ---------------------------------------------------------------- consent

function formFor(state: PowerAuthSimState, operation: OperationContextLike): ReturnType<typeof consentFormFor> {
  return state.script.consentForm ?? consentFormFor(operation.name);
}

function consentOptions(state: PowerAuthSimState, body: Body, operation: OperationContextLike): Array<{ id: string; value: unknown; required: boolean }> | Response {
  const form = formFor(state, operation);
  if (!form) return error(state, 'OPERATION_CONTEXT_INVALID', 'operationContext.invalid');
  const options = Array.isArray(body.options) ? (body.options as Body[]) : [];
  const ids = new Set(options.map((o) => o.id));
  if (options.length === 0 || options.length !== form.options.length || !form.options.every((o) => ids.has(o.id))) {
    return error(state, 'CONSENT_DATA_INVALID', 'consent.invalidData');
  }
  return form.options.map((o) => ({ id: o.id, required: o.required, value: options.find((x) => x.id === o.id)?.value }));
}

// ---------------------------------------------------------------- AFS

function afsDecision(state: PowerAuthSimState, action: string, operation: OperationContextLike, extras: Body): SimAfsAnswer {
  const scriptedAnswer = state.afs.next.shift();
  if (scriptedAnswer) return scriptedAnswer;
  const payment = paymentOf(operation);
  // The sample: a small CZK payment needs the SMS code alone.
  if (action === 'APPROVAL_INIT' && payment.currency === 'CZK' && payment.amount !== undefined && payment.amount < 500) {
    return { afsResponseApplied: true, afsLabel: '1FA', authStepOptions: { smsOtpRequired: true, passwordRequired: false } };
  }
  // A device the AFS trusts logs in with the password alone.
  if (action === 'LOGIN_INIT' && typeof extras.tm_device_tag === 'string' && state.afs.trustedDevices.includes(extras.tm_device_tag)) {
    return { afsResponseApplied: true, afsLabel: '1FA', authStepOptions: { smsOtpRequired: false, passwordRequired: true } };
  }
  return { afsResponseApplied: false, afsLabel: '2FA', authStepOptions: { smsOtpRequired: true, passwordRequired: true } };
}

const AFS_ACTIONS = ['LOGIN_INIT', 'LOGIN_AUTH', 'LOGOUT', 'APPROVAL_INIT', 'APPROVAL_AUTH'];

// ---------------------------------------------------------------- routes

export const routes: ReadonlyArray<Route<PowerAuthSimState>> = [
  {
    method: 'GET',
    path: '/api/service/status',
    endpoint: 'service/status',
    handle: ({ state, request }) => {
      const traceId = traceOf(request.headers.get('traceparent'));
      state.requests.push({ endpoint: 'service/status', body: undefined, ...(traceId ? { traceId } : {}) });
      return traced(scripted(state, 'service/status') ?? ok(serviceStatus(state.versionText, state.now())), traceId);
    },
  },

  post('/api/auth/user/lookup', 'user/lookup', [0, 22], ({ state }, body) => {
    const certificate = since(state.version, 0, 24) ? str(body, 'clientCertificate') : undefined;
    const username = str(body, 'username');
    if (!certificate && !username) return invalid(state, 'login.username.empty', 'username');
    if (username && username.length > 40) return invalid(state, 'login.username.long', 'username');
    const organizationId = str(body, 'organizationId');
    if (!organizationId) return invalid(state, 'login.organizationId.empty', 'organizationId');
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    // With a client certificate the user is whom the certificate names (the sample: a fixed `certuser`).
    const user = certificate ? state.users.find((u) => u.certificate === certificate) : state.user({ username: username ?? '' });
    if (!user || user.organizationId !== organizationId) {
      // The sample hides a miss as its comment advises ("return null values for user ID and organization ID").
      if (state.variant === 'sample') return ok({ id: null, givenName: null, familyName: null, organizationId: null, ...(since(state.version, 0, 23) ? { accountStatus: null } : {}) });
      return error(state, 'USER_NOT_FOUND', 'login.userNotFound');
    }
    return ok(userDetail(state, user));
  }),

  post('/api/auth/user/authenticate', 'user/authenticate', [0, 0], async ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    if (!since(state.version, 0, 22)) {
      // ≤0.21: {username, password, type: BASIC} → {userId}, or 401 AUTHENTICATION_FAILED.
      const username = str(body, 'username');
      if (!username) return invalid(state, 'login.username.empty', 'username');
      if (body.type !== 'BASIC') return invalid(state, 'login.type.unsupported', 'type');
      const user = state.user({ username });
      const matches = await passwordMatches(state, user, body);
      if (matches instanceof Response) return matches;
      if (user && matches && user.accountStatus === 'ACTIVE') {
        user.passwordFailures = 0;
        return ok({ userId: user.id });
      }
      const failed = user?.accountStatus === 'ACTIVE' ? passwordFailed(user) : { remaining: null };
      return error(state, 'AUTHENTICATION_FAILED', 'login.authenticationFailed', { remainingAttempts: failed.remaining });
    }
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const user = userOf(state, who);
    const matches = await passwordMatches(state, user, body);
    if (matches instanceof Response) return matches;
    const detail = since(state.version, 0, 22) && !since(state.version, 1, 1);
    const status = since(state.version, 0, 23) ? { accountStatus: user?.accountStatus ?? 'NOT_ACTIVE' } : {};
    if (!user || user.accountStatus !== 'ACTIVE') {
      return ok({ authenticationResult: result(state, 'SKIPPED'), ...(detail ? { userDetail: null } : {}), errorMessage: 'login.authenticationFailed', remainingAttempts: null, showRemainingAttempts: false, ...status });
    }
    if (matches) {
      user.passwordFailures = 0;
      return ok({ authenticationResult: result(state, 'SUCCEEDED'), ...(detail ? { userDetail: userDetail(state, user) } : {}), errorMessage: null, remainingAttempts: null, showRemainingAttempts: false, ...status });
    }
    const failed = passwordFailed(user);
    return ok({
      authenticationResult: result(state, 'FAILED'),
      ...(detail ? { userDetail: null } : {}),
      errorMessage: failed.blocked ? 'login.authenticationBlocked' : 'login.authenticationFailed',
      remainingAttempts: failed.remaining,
      showRemainingAttempts: state.showRemainingAttempts,
      ...(since(state.version, 0, 23) ? { accountStatus: user.accountStatus } : {}),
    });
  }),

  post('/api/auth/user/info', 'user/info', [0, 0], ({ state }, body) => {
    if (!since(state.version, 0, 22)) {
      const user = state.user({ id: str(body, 'id') ?? null });
      return user ? ok(userDetail(state, user)) : invalid(state, 'login.userNotFound', 'id');
    }
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const user = userOf(state, who);
    return user ? ok(userDetail(state, user)) : error(state, 'USER_NOT_FOUND', 'login.userNotFound');
  }),

  /** 0.24+: whether a certificate may be used for the step (the sample: NOT_AVAILABLE). */
  post('/api/auth/method/init', 'method/init', [0, 24], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const method = str(body, 'authMethod');
    if (!method) return invalid(state, 'authMethod.empty', 'authMethod');
    const mode = method === 'LOGIN_SCA' || method === 'APPROVAL_SCA' ? state.certificateLogin : 'NOT_AVAILABLE';
    return ok({
      certificateAuthenticationMode: mode,
      certificateVerificationUrl: mode === 'NOT_AVAILABLE' ? null : 'https://tls.dataadapter.bank.test/verify',
      ...(since(state.version, 1, 4) ? { operationDataExternal: null } : {}),
    });
  }),

  /** 0.24+: a client TLS certificate (1.4+ `certificate` + `authInstrument`; 0.24–1.3 `clientCertificate`) checked against the user's. */
  post('/api/auth/certificate/verify', 'certificate/verify', [0, 24], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const modern = since(state.version, 1, 4);
    const certificate = str(body, modern ? 'certificate' : 'clientCertificate');
    if (modern && body.authInstrument !== 'CLIENT_CERTIFICATE' && body.authInstrument !== 'QUALIFIED_CERTIFICATE') return invalid(state, 'certificate.authInstrument.invalid', 'authInstrument');
    if (!certificate && !str(body, 'signedMessage')) return invalid(state, 'certificate.empty', modern ? 'certificate' : 'clientCertificate');
    const userId = str(body, 'userId');
    const user = userId ? userOf(state, { userId, organizationId: str(body, 'organizationId') }) : undefined;
    if (!user || inactive(state, user, body)) {
      return ok({ certificateVerificationResult: 'SKIPPED', errorMessage: 'login.authenticationFailed', remainingAttempts: null, showRemainingAttempts: false, accountStatus: user?.accountStatus ?? 'NOT_ACTIVE' });
    }
    const matches = certificate !== undefined && certificate === user.certificate;
    return ok({
      certificateVerificationResult: matches ? 'SUCCEEDED' : 'FAILED',
      errorMessage: matches ? null : 'login.authenticationFailed',
      remainingAttempts: null,
      showRemainingAttempts: false,
      accountStatus: user.accountStatus,
    });
  }),

  post('/api/auth/sms/create', 'sms/create', [0, 0], async ({ state }, body) => {
    // ≤1.0: a missing user id is allowed ("fake SMS message is sent"); ≥1.1 the validator refuses it.
    const who = since(state.version, 1, 1) ? identity(state, body) : { userId: str(body, 'userId'), organizationId: str(body, 'organizationId') };
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    if (body.lang !== undefined && body.lang !== null && typeof body.lang !== 'string') return invalid(state, 'sms.lang.invalid', 'lang');
    const payment = isPayment(operation.name) ? paymentOf(operation) : undefined;
    if (payment) {
      if (!(payment.amount !== undefined && payment.amount > 0)) return invalid(state, 'operation.amount.invalid', 'operationContext');
      if (!payment.currency) return invalid(state, 'operation.currency.empty', 'operationContext');
      if (!payment.account) return invalid(state, 'operation.account.empty', 'operationContext');
    }
    const messageId = state.script.nextMessageIds.shift() ?? crypto.randomUUID();
    const legacy = !since(state.version, 0, 22);
    const user = who.userId ? userOf(state, { userId: who.userId, organizationId: who.organizationId }) : undefined;
    // ≤1.0 fakes the delivery for a missing or blocked user (no SMS leaves); ≥1.1 sends to whom it is told.
    if (!user || (!since(state.version, 1, 1) && inactive(state, user, body))) {
      return ok(legacy ? { messageId } : { messageId, smsDeliveryResult: 'SUCCEEDED', errorMessage: null });
    }
    const items = payment ? [String(payment.amount), payment.currency ?? '', payment.account ?? ''] : ['login'];
    const code = state.script.nextCodes.shift() ?? (await generateCode(items));
    const delivered = deliver(state, user, operation, messageId, code, body.resend === true, payment);
    if (legacy) return ok({ messageId });
    return ok({ messageId, smsDeliveryResult: delivered ? 'SUCCEEDED' : 'FAILED', errorMessage: delivered ? null : 'smsAuthorization.deliveryFailed' });
  }),

  /** 1.1+: Next Step (here polybank) made the code; the adapter only delivers it. */
  post('/api/auth/sms/send', 'sms/send', [1, 1], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const messageId = str(body, 'messageId');
    if (!messageId) return invalid(state, 'smsAuthorization.invalidMessage', 'messageId');
    const code = str(body, 'authorizationCode');
    if (!code) return invalid(state, 'smsAuthorization.invalidCode', 'authorizationCode');
    const user = userOf(state, who);
    if (!user) return ok({ messageId, smsDeliveryResult: 'SUCCEEDED', errorMessage: null });
    const payment = isPayment(operation.name) ? paymentOf(operation) : undefined;
    const delivered = deliver(state, user, operation, messageId, code, body.resend === true, payment);
    return ok({ messageId, smsDeliveryResult: delivered ? 'SUCCEEDED' : 'FAILED', errorMessage: delivered ? null : 'smsAuthorization.deliveryFailed' });
  }),

  post('/api/auth/sms/verify', 'sms/verify', [0, 0], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    if (!since(state.version, 0, 22)) {
      // ≤0.21: success is `responseObject: null`, failure 401 SMS_AUTHORIZATION_FAILED.
      const check = checkSms(state, body, operation, undefined, false);
      if (check instanceof Response) return check;
      if (check.result === 'SUCCEEDED') return Response.json({ status: 'OK', responseObject: null });
      return error(state, 'SMS_AUTHORIZATION_FAILED', check.message ?? 'smsAuthorization.failed', { remainingAttempts: check.remaining });
    }
    // No validator on verification (the sample's controller): a missing or blocked user is SKIPPED.
    const userId = str(body, 'userId');
    const user = userId ? userOf(state, { userId, organizationId: str(body, 'organizationId') }) : undefined;
    if (!userId || inactive(state, user, body)) {
      return ok({ smsAuthorizationResult: result(state, 'SKIPPED'), errorMessage: 'login.authenticationFailed', remainingAttempts: null, showRemainingAttempts: false });
    }
    const check = checkSms(state, body, operation, userId, false);
    if (check instanceof Response) return check;
    return ok({ smsAuthorizationResult: result(state, check.result), errorMessage: check.message, remainingAttempts: check.remaining, showRemainingAttempts: state.showRemainingAttempts });
  }),

  post('/api/auth/sms/password/verify', 'sms/password/verify', [0, 22], async ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const userId = str(body, 'userId');
    const user = userId ? userOf(state, { userId, organizationId: str(body, 'organizationId') }) : undefined;
    const status = since(state.version, 0, 23) ? { accountStatus: user?.accountStatus ?? 'NOT_ACTIVE' } : {};
    if (!userId || inactive(state, user, body)) {
      return ok({ smsAuthorizationResult: result(state, 'SKIPPED'), userAuthenticationResult: result(state, 'SKIPPED'), errorMessage: 'login.authenticationFailed', remainingAttempts: null, showRemainingAttempts: false, ...status });
    }
    const matches = await passwordMatches(state, user, body);
    if (matches instanceof Response) return matches;
    // The combined check may verify a message again (a wrong password with the right code).
    const check = checkSms(state, body, operation, userId, true);
    if (check instanceof Response) return check;
    if (matches && check.result === 'SUCCEEDED') {
      user!.passwordFailures = 0;
      return ok({ smsAuthorizationResult: result(state, 'SUCCEEDED'), userAuthenticationResult: result(state, 'SUCCEEDED'), errorMessage: null, remainingAttempts: null, showRemainingAttempts: false, ...(since(state.version, 0, 23) ? { accountStatus: 'ACTIVE' } : {}) });
    }
    const failed = matches ? { remaining: null, blocked: false } : passwordFailed(user);
    if (state.variant === 'sample') {
      // The sample: one generic message whatever failed (an expired code too), no counts, no status.
      return ok({ smsAuthorizationResult: result(state, check.result), userAuthenticationResult: result(state, matches ? 'SUCCEEDED' : 'FAILED'), errorMessage: 'login.authenticationFailed', remainingAttempts: null, showRemainingAttempts: false, accountStatus: null });
    }
    const remaining = [check.remaining, failed.remaining].filter((n): n is number => n !== null);
    // One generic message, so that nobody learns which factor failed; an expired code is said as such.
    const message = check.message === 'smsAuthorization.expired' ? check.message : failed.blocked ? 'login.authenticationBlocked' : 'login.authenticationFailed';
    return ok({
      smsAuthorizationResult: result(state, 'FAILED'),
      userAuthenticationResult: result(state, 'FAILED'),
      errorMessage: message,
      remainingAttempts: remaining.length ? Math.min(...remaining) : null,
      showRemainingAttempts: state.showRemainingAttempts,
      ...(since(state.version, 0, 23) ? { accountStatus: user!.accountStatus } : {}),
    });
  }),

  post('/api/auth/consent/init', 'consent/init', [0, 22], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    return ok({ shouldDisplayConsentForm: !state.script.hideConsentForm });
  }),

  post('/api/auth/consent/create', 'consent/create', [0, 22], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const form = formFor(state, operation);
    if (!form) return error(state, 'OPERATION_CONTEXT_INVALID', 'operationContext.invalid');
    return ok({
      consentHtml: form.consentHtml,
      options: form.options.map((o) => ({ id: o.id, descriptionHtml: o.descriptionHtml, required: o.required, defaultValue: 'NOT_CHECKED', value: null })),
    });
  }),

  post('/api/auth/consent/validate', 'consent/validate', [0, 22], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const options = consentOptions(state, body, operation);
    if (options instanceof Response) return options;
    const forced = state.script.consentValidationFailures > 0;
    if (forced) state.script.consentValidationFailures -= 1;
    const results = options.map((o) => ({ id: o.id, validationPassed: !forced && (!o.required || o.value === 'CHECKED') }));
    if (results.every((r) => r.validationPassed)) return ok({ consentValidationPassed: true, validationErrorMessage: null, optionValidationResults: [] });
    return ok({
      consentValidationPassed: false,
      validationErrorMessage: CONSENT_FORM_ERROR,
      optionValidationResults: results.map((r) => ({ ...r, errorMessage: r.validationPassed ? null : CONSENT_OPTION_ERROR })),
    });
  }),

  post('/api/auth/consent/save', 'consent/save', [0, 22], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const options = consentOptions(state, body, operation);
    if (options instanceof Response) return options;
    if (state.script.consentSaveFailures > 0) {
      state.script.consentSaveFailures -= 1;
      return ok({ saveSucceeded: false });
    }
    state.consents.push({ operationId: operation.id, userId: who.userId, options: options.map((o) => ({ id: o.id, value: String(o.value) })) });
    return ok({ saveSucceeded: true });
  }),

  post('/api/afs/action/execute', 'afs/action/execute', [0, 23], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const params = (body.afsRequestParameters ?? null) as Body | null;
    const userId = str(body, 'userId');
    // The sample: a missing user, organization or parameters is OPERATION_CONTEXT_INVALID.
    if (!userId || !str(body, 'organizationId') || !params || params.afsType !== 'THREAT_MARK' || !AFS_ACTIONS.includes(String(params.afsAction)) || typeof params.stepIndex !== 'number') {
      return error(state, 'OPERATION_CONTEXT_INVALID', 'error.invalidRequest');
    }
    const action = String(params.afsAction);
    state.afsActions.push({
      action,
      stepIndex: params.stepIndex,
      userId,
      authStepResult: params.authStepResult ?? null,
      authInstruments: params.authInstruments ?? [],
      operationTerminationReason: params.operationTerminationReason ?? null,
    });
    const extras = (typeof body.extras === 'object' && body.extras !== null ? body.extras : {}) as Body;
    const decision = action.endsWith('_INIT') ? afsDecision(state, action, operation, extras) : { afsResponseApplied: false, afsLabel: '2FA', authStepOptions: { smsOtpRequired: true, passwordRequired: true } };
    return ok({ ...decision, extras: {} });
  }),

  post('/api/operation/formdata/decorate', 'operation/formdata/decorate', [0, 20], ({ state }, body) => {
    const who = identity(state, body);
    if (who instanceof Response) return who;
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const user = userOf(state, who);
    if (!user) return since(state.version, 0, 22) ? error(state, 'USER_NOT_FOUND', 'login.userNotFound') : invalid(state, 'login.userNotFound', 'userId');
    const formData = structuredClone(operation.formData ?? {}) as Body;
    const parameters = Array.isArray(formData.parameters) ? (formData.parameters as Body[]) : [];
    // The sample adds the account choice to payments; this simulator to logins too (polybank's AIS use).
    const offered = isPayment(operation.name) || operation.name === 'login' || operation.name === 'login_sca';
    if (offered && !parameters.some((p) => p.type === 'BANK_ACCOUNT_CHOICE')) {
      const config = (Array.isArray(formData.config) ? (formData.config as Body[]) : []).find((c) => c.id === 'operation.bankAccountChoice');
      parameters.push({
        type: 'BANK_ACCOUNT_CHOICE',
        id: 'operation.bankAccountChoice',
        label: null,
        bankAccounts: user.accounts.map((a) => ({ ...a })),
        enabled: typeof config?.enabled === 'boolean' ? config.enabled : true,
        defaultValue: typeof config?.defaultValue === 'string' ? config.defaultValue : (user.accounts[0]?.accountId ?? null),
      });
    }
    formData.parameters = parameters;
    return ok({ formData });
  }),

  post('/api/operation/formdata/change', 'operation/formdata/change', [0, 20], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    // Jackson's @JsonTypeInfo discriminator: BANK_ACCOUNT_CHOICE {bankAccountId} or AUTH_METHOD_CHOICE {chosenAuthMethod}.
    const change = (typeof body.formDataChange === 'object' && body.formDataChange !== null ? body.formDataChange : {}) as Body;
    if (change.type === 'BANK_ACCOUNT_CHOICE' ? !str(change, 'bankAccountId') : change.type !== 'AUTH_METHOD_CHOICE' || !str(change, 'chosenAuthMethod')) {
      return invalid(state, 'formDataChange.invalid', 'formDataChange');
    }
    state.formDataChanges.push({ operationId: operation.id, userId: typeof body.userId === 'string' ? body.userId : null, change });
    return ok();
  }),

  /** 0.24+: the implicit login operation for an OAuth client (the sample: exactly one scope, aisp or pisp). */
  post('/api/operation/create', 'operation/create', [0, 24], ({ state }, body) => {
    const clientId = str(body, 'clientId');
    if (!clientId) return invalid(state, 'clientId.empty', 'clientId');
    const scopes = Array.isArray(body.scopes) ? body.scopes : [];
    const scope = scopes.length === 1 && typeof scopes[0] === 'string' ? scopes[0].toLowerCase() : undefined;
    if (scope !== 'aisp' && scope !== 'pisp') return Response.json({ status: 'OK', responseObject: null });
    return ok({
      name: 'login_sca',
      formData: { title: { id: 'login.title', message: null }, greeting: { id: 'login.greeting', message: null }, summary: { id: 'login.summary', message: null }, config: [], banners: [], parameters: [], userInput: {} },
      applicationContext: { id: clientId, name: clientId, description: `App with client ID: ${clientId}`, originalScopes: [scope], extras: {} },
    });
  }),

  /** 1.1+: the PowerAuth operation a step of a compound operation maps onto (the sample's rules). */
  post('/api/operation/mapping', 'operation/mapping', [1, 1], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const formData = (operation.formData ?? {}) as Body;
    if ((operation.name === 'login_sca' || operation.name === 'authorize_payment_sca') && body.authMethod === 'LOGIN_SCA') {
      return ok({
        templateName: 'login',
        operationName: 'login',
        operationData: 'A2',
        formData: { title: { id: 'login.title', message: null }, greeting: { id: 'login.greeting', message: null }, summary: { id: 'login.summary', message: null }, config: [], banners: [], parameters: [], userInput: formData.userInput ?? {} },
      });
    }
    return ok({ templateName: operation.name, operationName: operation.name, operationData: operation.data, formData });
  }),

  post('/api/operation/change', 'operation/change', [0, 0], ({ state }, body) => {
    const operation = operationContext(state, body);
    if (operation instanceof Response) return operation;
    const change = body.operationChange;
    if (change !== 'DONE' && change !== 'CANCELED' && change !== 'FAILED') return invalid(state, 'operationChange.invalid', 'operationChange');
    state.operationChanges.push({ operationId: operation.id, userId: typeof body.userId === 'string' ? body.userId : null, change });
    // ≤0.21 answered `responseObject: null`; later versions only `{status: OK}`.
    return since(state.version, 0, 22) ? ok() : Response.json({ status: 'OK', responseObject: null });
  }),
];
