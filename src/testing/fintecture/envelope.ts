/**
 * Fintecture's answers: JSON bodies, the error envelope `{status, code, log_id, errors[]}`,
 * application and AIS-token checks, and the HTTP-signature check of the strict mode.
 */
import type { RouteContext } from '../simulator.js';
import type { FintectureSimState, SimToken } from './state.js';

export type Ctx = RouteContext<FintectureSimState>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

const TOP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  429: 'too_many_requests',
  500: 'internal_server_error',
  501: 'not_implemented',
  503: 'service_unavailable',
};

/** The body in the shapes asked for: the official SDKs', the catalog's, or both merged. */
export function shaped(state: FintectureSimState, official: object, catalog: object): object {
  return state.shapes === 'official' ? official : state.shapes === 'catalog' ? catalog : { ...official, ...catalog };
}

/** The error envelope (research/fintecture.md §4.1); `log_id` is the request id Fintecture's support asks for. */
export function fail(status: number, code: string, title: string, message: string, headers: Record<string, string> = {}): Response {
  return json(
    status,
    { status, code: TOP_CODES[status] ?? 'error', log_id: crypto.randomUUID(), errors: [{ code, title, message }] },
    headers,
  );
}

export const errors = {
  invalidToken: () => fail(401, 'invalid_token', 'Invalid Token', 'The token is either invalid or expired.'),
  invalidApp: () => fail(401, 'invalid_app_id', 'Invalid App ID', 'The app_id is missing or invalid.'),
  // Echoes what it received, as some servers do: the SDK must scrub it from its errors.
  invalidCode: (code?: string) => fail(401, 'invalid_code', 'Invalid Code', `The authorization code ${code ?? ''} is either wrong or expired.`),
  customerUnknown: () => fail(400, 'customer_unknown', 'Customer ID invalid', 'Invalid customer_id. Use a valid customer_id or authenticate to a bank to continue.'),
  accountUnknown: () => fail(400, 'account_unknown', 'Account ID invalid', 'Invalid account_id. You must specify an account_id as defined by the /accounts API.'),
  missing: (field: string) => fail(400, 'mandatory_field_missing', 'Mandatory field missing', `${field} is required.`),
  invalidField: (field: string, why: string) => fail(400, 'invalid_field', 'Invalid field', `${field}: ${why}`),
  sessionInvalid: () => fail(400, 'session_id_invalid_or_expired', 'Session invalid', 'The session id is invalid or expired.'),
  notFound: () => fail(404, 'not_found', 'Not Found', 'The requested resource either does not exist or is temporarily down'),
};

function bearer(ctx: Ctx): string | undefined {
  const header = ctx.request.headers.get('authorization') ?? '';
  return /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
}

/** Resources and authorization: the `app_id` header of the known app, or any live bearer token. */
export function appAuth(ctx: Ctx): { token?: SimToken } | Response {
  const token = bearer(ctx);
  if (token !== undefined) {
    const live = ctx.state.liveToken(token);
    return live ? { token: live } : errors.invalidToken();
  }
  return ctx.request.headers.get('app_id') === ctx.state.appId ? {} : errors.invalidApp();
}

/** AIS data: the customer must exist, then a live AIS token of that very customer. */
export function aisAuth(ctx: Ctx, customerId: string): Response | undefined {
  const customer = ctx.state.customers.get(customerId);
  if (!customer || customer.deleted) return errors.customerUnknown();
  const token = ctx.state.liveToken(bearer(ctx));
  if (!token || token.kind !== 'ais' || token.customerId !== customerId) return errors.invalidToken();
  return undefined;
}

/** Basic app_id:app_secret on the OAuth calls. */
export function basicAuth(ctx: Ctx): Response | undefined {
  const header = ctx.request.headers.get('authorization') ?? '';
  const expected = `Basic ${btoa(`${ctx.state.appId}:${ctx.state.appSecret}`)}`;
  return header === expected ? undefined : errors.invalidApp();
}

// ---------------------------------------------------------------- HTTP signatures (draft-cavage)

const SKEW_MS = 5 * 60_000;

function b64(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function b64bytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

function badSignature(ctx: Ctx, why: string): Response {
  ctx.state.signatures.rejected++;
  return fail(401, 'invalid_signature', 'Invalid Signature', why);
}

/**
 * Verifies `Signature` against the app's public key, rebuilding the signing string
 * from the request as received: `(request-target)` = method + path + query as sent.
 * Without a public key nothing is checked; without `requireSignatures` unsigned calls pass.
 */
export async function checkSignature(ctx: Ctx): Promise<Response | undefined> {
  const keyPromise = ctx.state.verifyingKey();
  if (!keyPromise) return undefined;
  const header = ctx.request.headers.get('signature');
  if (!header) {
    ctx.state.signatures.unsigned++;
    return ctx.state.requireSignatures ? badSignature(ctx, 'Signature, Date and X-Request-ID headers are mandatory.') : undefined;
  }
  const fields: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) fields[match[1] as string] = match[2] as string;
  if (fields.keyId !== ctx.state.appId) return badSignature(ctx, 'keyId is not the app_id.');
  if (fields.algorithm !== 'rsa-sha256') return badSignature(ctx, 'only rsa-sha256 is supported.');
  const names = (fields.headers ?? '').toLowerCase().split(' ').filter(Boolean);
  const hasBody = ctx.rawBody !== '';
  const required = ['(request-target)', 'date', 'x-request-id', ...(hasBody ? ['digest'] : [])];
  for (const name of required) if (!names.includes(name)) return badSignature(ctx, `the signature must cover ${name}.`);

  const date = ctx.request.headers.get('date');
  if (!date || Number.isNaN(Date.parse(date)) || Math.abs(Date.parse(date) - Date.now()) > SKEW_MS) return badSignature(ctx, 'Date is missing or too far from now.');
  if (hasBody) {
    const digest = `SHA-256=${b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ctx.rawBody)))}`;
    if (ctx.request.headers.get('digest') !== digest) return badSignature(ctx, 'Digest does not match the body.');
  }
  const lines: string[] = [];
  for (const name of names) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${ctx.request.method.toLowerCase()} ${ctx.url.pathname}${ctx.url.search}`);
      continue;
    }
    const value = ctx.request.headers.get(name);
    if (value === null) return badSignature(ctx, `signed header ${name} is missing.`);
    lines.push(`${name}: ${value}`);
  }
  const signature = b64bytes(fields.signature ?? '');
  const key = await keyPromise;
  const ok = signature !== undefined && (await crypto.subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, signature, new TextEncoder().encode(lines.join('\n'))));
  if (!ok) return badSignature(ctx, 'The signature does not verify.');
  ctx.state.signatures.verified++;
  return undefined;
}

/** A route handler behind the signature check. */
export function signed(handle: (ctx: Ctx) => Response | Promise<Response>): (ctx: Ctx) => Promise<Response> {
  return async (ctx) => (await checkSignature(ctx)) ?? handle(ctx);
}
