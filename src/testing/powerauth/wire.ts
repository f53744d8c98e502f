/**
 * The Data Adapter's wire conventions: `{requestObject}` in, `{status, responseObject}`
 * out, the error envelope with each code's documented HTTP status, and the sample
 * adapter's Spring-style validation errors.
 */
import type { PowerAuthSimState } from './state.js';

export function ok(responseObject?: unknown): Response {
  return Response.json(responseObject === undefined ? { status: 'OK' } : { status: 'OK', responseObject });
}

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  INPUT_INVALID: 400,
  USER_NOT_FOUND: 400,
  OPERATION_CONTEXT_INVALID: 400,
  CONSENT_DATA_INVALID: 400,
  AUTHENTICATION_FAILED: 401,
  SMS_AUTHORIZATION_FAILED: 401,
  ERROR_GENERIC: 500,
};

export function statusOf(state: PowerAuthSimState, code: string): number {
  return code === 'REMOTE_ERROR' ? state.remoteErrorStatus : (STATUS_BY_CODE[code] ?? 500);
}

export function error(
  state: PowerAuthSimState,
  code: string,
  message: string,
  extra: { status?: number; validationErrors?: string[] | null; remainingAttempts?: number | null } = {},
): Response {
  return Response.json(
    {
      status: 'ERROR',
      responseObject: { code, message, validationErrors: extra.validationErrors ?? null, remainingAttempts: extra.remainingAttempts ?? null },
    },
    { status: extra.status ?? statusOf(state, code) },
  );
}

/** The sample's INPUT_INVALID: the i18n key, with Spring's binding codes for the field. */
export function invalid(state: PowerAuthSimState, key: string, field: string): Response {
  return error(state, 'INPUT_INVALID', key, {
    validationErrors: [`${key}.objectRequest.requestObject.${field}`, `${key}.requestObject.${field}`, `${key}.${field}`, `${key}.java.lang.String`, key],
  });
}

export type Body = Record<string, unknown>;

/** The request object, or the error a Spring controller would answer. */
export function requestObject(state: PowerAuthSimState, request: Request, body: unknown): Body | Response {
  if (!(request.headers.get('content-type') ?? '').includes('application/json')) {
    return Response.json({ status: 'ERROR', responseObject: { code: 'ERROR_GENERIC', message: 'Content type not supported' } }, { status: 415 });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(state, 'ERROR_GENERIC', 'Required request body is missing', { status: 400 });
  const object = (body as Body).requestObject;
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return invalid(state, 'request.requestObject.empty', 'requestObject');
  return object as Body;
}

export function str(body: Body, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface OperationContextLike {
  id: string;
  name: string;
  data: string;
  formData?: Body;
}

/** The operation context every call carries; a missing or broken one is OPERATION_CONTEXT_INVALID. */
export function operationContext(state: PowerAuthSimState, body: Body): OperationContextLike | Response {
  const context = body.operationContext;
  if (typeof context !== 'object' || context === null) return error(state, 'OPERATION_CONTEXT_INVALID', 'error.invalidRequest');
  const c = context as Body;
  const id = str(c, 'id');
  const name = str(c, 'name');
  if (!id || !name || name.length > 32 || typeof c.data !== 'string') return error(state, 'OPERATION_CONTEXT_INVALID', 'operationContext.invalid');
  if (c.formData !== undefined && (typeof c.formData !== 'object' || c.formData === null)) return error(state, 'OPERATION_CONTEXT_INVALID', 'operationContext.formData.invalid');
  return { id, name, data: c.data, ...(c.formData ? { formData: c.formData as Body } : {}) };
}

/** Amount, currency and account of a payment operation's form data. */
export function paymentOf(context: OperationContextLike): { amount?: number; currency?: string; account?: string } {
  const parameters = Array.isArray(context.formData?.parameters) ? (context.formData.parameters as Body[]) : [];
  const amount = parameters.find((p) => p.type === 'AMOUNT');
  const account = parameters.find((p) => p.id === 'operation.account');
  return {
    ...(typeof amount?.amount === 'number' ? { amount: amount.amount } : {}),
    ...(typeof amount?.currency === 'string' ? { currency: amount.currency } : {}),
    ...(typeof account?.value === 'string' ? { account: account.value } : {}),
  };
}

export function isPayment(name: string): boolean {
  return name === 'authorize_payment' || name === 'authorize_payment_sca';
}

export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
