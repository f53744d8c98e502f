/**
 * Powens webhooks signed with an `hmac_signature` auth provider:
 * `BI-Signature = base64(HMAC-SHA256(secret_key, "POST." + path + "." + BI-Signature-Date + "." + raw body))`.
 * Verified with WebCrypto (constant-time), then parsed into the event's typed payload.
 */
import type { z } from 'zod';
import { ValidationError, type Issue } from '../../core/errors.js';
import { isoTimestamp } from '../../core/kit.js';
import { errorStatus, type ConnectionStatus } from '../../core/model/status.js';
import { powensTime, stateAction } from './mapping.js';
import {
  AccountSyncedPayload,
  BankAccount,
  ConnectionDeletedPayload,
  ConnectionSyncedPayload,
  OtherPayload,
  UserDeletedPayload,
  connectionState,
  type Connection,
} from './schemas.js';

/** The events of the Powens console (docs; the same list in Formance's connector). */
export type PowensWebhookEvent =
  | 'USER_CREATED'
  | 'USER_DELETED'
  | 'USER_SYNCED'
  | 'CONNECTION_SYNCED'
  | 'CONNECTION_DELETED'
  | 'ACCOUNTS_FETCHED'
  | 'ACCOUNT_SYNCED'
  | 'ACCOUNT_CATEGORIZED'
  | 'ACCOUNT_DISABLED'
  | 'ACCOUNT_ENABLED'
  | 'ACCOUNT_FOUND'
  | 'ACCOUNT_OWNERSHIPS_FOUND'
  | 'TRANSACTION_ATTACHMENTS_FOUND'
  | 'SUBSCRIPTION_SYNCED'
  | 'SUBSCRIPTION_FOUND'
  | 'PAYMENT_STATE_UPDATED';

const PAYLOADS = {
  CONNECTION_SYNCED: ConnectionSyncedPayload,
  ACCOUNTS_FETCHED: ConnectionSyncedPayload,
  CONNECTION_DELETED: ConnectionDeletedPayload,
  USER_DELETED: UserDeletedPayload,
  ACCOUNT_SYNCED: AccountSyncedPayload,
  ACCOUNT_DISABLED: BankAccount,
  ACCOUNT_ENABLED: BankAccount,
} as const;
type Modelled = keyof typeof PAYLOADS;

export type WebhookPayload<E extends PowensWebhookEvent> = E extends Modelled ? z.infer<(typeof PAYLOADS)[E]> : Record<string, unknown>;

export interface PowensWebhook<E extends PowensWebhookEvent = PowensWebhookEvent> {
  event: E;
  /** `BI-Signature-Date`, as ISO. */
  signedAt: string;
  payload: WebhookPayload<E>;
  /** For CONNECTION_SYNCED / ACCOUNTS_FETCHED: the connection's normalized status (SCA states are `sca_required`: no user is present). */
  status?: ConnectionStatus;
}

/** A webhook request as your framework gives it, when not a fetch `Request`. */
export interface WebhookRequest {
  method?: string;
  /** The full URL, or just the path, the webhook was posted to. */
  url: string;
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received (the signature covers these bytes). */
  body: string | Uint8Array;
}

export interface VerifyWebhookOptions<E extends PowensWebhookEvent> {
  /** `config.secret_key` of your `hmac_signature` webhook auth provider. */
  secret: string;
  /** The event the URL was registered for (Powens does not put it in the body). */
  event: E;
  /** How far `BI-Signature-Date` may be from now. Default 5 minutes. */
  toleranceMs?: number;
  /** The path Powens signed, when a proxy rewrote it. Default: the request's path. */
  path?: string;
  /** For tests: the current time in ms. */
  now?: number;
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function reject(issues: Issue[]): never {
  throw new ValidationError('powens webhook', issues, { provider: 'powens' });
}

function base64Bytes(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.trim());
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The bytes Powens signs for a webhook. */
function signedBytes(method: string, path: string, date: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  return concat(new TextEncoder().encode(`${method.toUpperCase()}.${path}.${date}.`), body);
}

async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** Signs a webhook the way Powens does (for simulators and tests). */
export async function signWebhook(secret: string, request: { method?: string; path: string; date: string; body: string | Uint8Array }): Promise<string> {
  const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), signedBytes(request.method ?? 'POST', request.path, request.date, body));
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}

/** The normalized status a synced connection is in, from its `state` (no user present). */
export function webhookConnectionStatus(connection: Connection): ConnectionStatus {
  const state = connectionState(connection);
  const action = stateAction(state);
  const message = connection.error_message ?? undefined;
  const extra = { providerState: state ?? 'null', ...(message ? { message } : {}) };
  switch (action.kind) {
    case 'active': {
      const expire = powensTime(connection.expire);
      const lastSyncedAt = powensTime(connection.last_update);
      if (expire && Date.parse(expire) <= Date.now()) return errorStatus('consent_expired', { providerState: 'expire' });
      return { status: 'active', ...(expire ? { consentExpiresAt: expire } : {}), ...(lastSyncedAt ? { lastSyncedAt } : {}) };
    }
    case 'pending':
      return { status: 'authenticating' };
    case 'sca':
      return errorStatus('sca_required', extra);
    case 'fail': {
      const retryAfter = action.retryAfter ? powensTime(connection.next_try) : undefined;
      return errorStatus(action.reason, { ...extra, ...(retryAfter ? { retryAfter } : {}) });
    }
  }
}

/**
 * Verifies a Powens webhook (`BI-Signature`, `BI-Signature-Date` within the tolerance)
 * and returns its typed payload. A missing, bad or stale signature, or a body that is
 * not the event's shape, is a ValidationError: answer the request with 401/400.
 */
export async function verifyWebhook<E extends PowensWebhookEvent>(request: Request | WebhookRequest, options: VerifyWebhookOptions<E>): Promise<PowensWebhook<E>> {
  if (!options?.secret) reject([{ path: 'secret', message: 'the webhook secret_key is required' }]);
  const isRequest = typeof Request !== 'undefined' && request instanceof Request;
  const method = (isRequest ? request.method : (request as WebhookRequest).method) ?? 'POST';
  const headers = isRequest ? request.headers : (request as WebhookRequest).headers;
  const url = isRequest ? request.url : (request as WebhookRequest).url;
  const rawBody = isRequest ? new Uint8Array(await request.arrayBuffer()) : (request as WebhookRequest).body;
  const body = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody;

  const signature = header(headers, 'bi-signature');
  const date = header(headers, 'bi-signature-date');
  if (!signature) reject([{ path: 'BI-Signature', message: 'missing header' }]);
  if (!date) reject([{ path: 'BI-Signature-Date', message: 'missing header' }]);
  const signedAt = isoTimestamp(date);
  if (!signedAt) reject([{ path: 'BI-Signature-Date', message: 'not a date' }]);
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? 5 * 60_000;
  if (Math.abs(now - Date.parse(signedAt)) > tolerance) reject([{ path: 'BI-Signature-Date', message: `stale: more than ${tolerance} ms from now` }]);

  const path = options.path ?? new URL(url, 'http://webhook.invalid').pathname;
  const expected = base64Bytes(signature);
  const key = await hmacKey(options.secret, 'verify');
  const valid = expected !== undefined && (await crypto.subtle.verify('HMAC', key, expected as Uint8Array<ArrayBuffer>, signedBytes(method, path, date, body)));
  if (!valid) reject([{ path: 'BI-Signature', message: 'does not match the body' }]);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    reject([{ path: 'body', message: 'not JSON' }]);
  }
  const schema = (PAYLOADS as Record<string, z.ZodType>)[options.event] ?? OtherPayload;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    reject(parsed.error.issues.map((issue) => ({ path: `body.${issue.path.map(String).join('.')}`, message: issue.message })));
  }
  const payload = parsed.data as WebhookPayload<E>;
  const result: PowensWebhook<E> = { event: options.event, signedAt, payload };
  if (options.event === 'CONNECTION_SYNCED' || options.event === 'ACCOUNTS_FETCHED') {
    result.status = webhookConnectionStatus((payload as z.infer<typeof ConnectionSyncedPayload>).connection);
  }
  return result;
}
