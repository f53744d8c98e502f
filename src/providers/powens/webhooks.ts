/**
 * Powens webhooks signed with an `hmac_signature` auth provider:
 * `BI-Signature = base64(HMAC-SHA256(secret_key, "POST." + path + "." + BI-Signature-Date + "." + raw body))`.
 * Verified with WebCrypto (constant-time), then parsed into the event's typed payload.
 * Bodies may come gzip-compressed (`webhooks.compression.enabled`, `Content-Encoding:
 * gzip`): they are inflated (bounded) with the platform's DecompressionStream.
 */
import type * as z from 'zod/mini';
import { ValidationError, isoTimestamp, type ConnectionStatus, type Issue } from '../../provider.js';
import { DEFAULT_TIME_ZONE } from './config.js';
import {
  AccountSyncedPayload,
  BankAccount,
  ConnectionDeletedPayload,
  ConnectionSyncedPayload,
  OtherPayload,
  UserDeletedPayload,
  type Connection,
} from './schemas/wire.js';
import { connectionStatus } from './status.js';

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

/** The typed payload of an event (its wire schema's output); a plain record for the events polybank does not model. */
export type WebhookPayload<E extends PowensWebhookEvent> = E extends Modelled ? z.infer<(typeof PAYLOADS)[E]> : Record<string, unknown>;

/** A verified webhook: its event, when it was signed, its payload and (for connection events) the connection's status. */
export interface PowensWebhook<E extends PowensWebhookEvent = PowensWebhookEvent> {
  /** The event, as registered. */
  event: E;
  /** `BI-Signature-Date`, as ISO. */
  signedAt: string;
  /** The body, parsed and checked against the event's schema. */
  payload: WebhookPayload<E>;
  /** For CONNECTION_SYNCED / ACCOUNTS_FETCHED: the connection's normalized status (SCA states are `sca_required`: no user is present). */
  status?: ConnectionStatus;
}

/** A webhook request as your framework gives it, when not a fetch `Request`. */
export interface WebhookRequest {
  /** The HTTP method (default `POST`): part of what the signature covers. */
  method?: string;
  /** The full URL, or just the path, the webhook was posted to. */
  url: string;
  /** The request headers (`BI-Signature`, `BI-Signature-Date`, `Content-Encoding`). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received (the signature covers these bytes); gzip bodies are accepted. */
  body: string | Uint8Array;
}

/** How to verify a webhook: the secret, the event, and the tolerances. */
export interface VerifyWebhookOptions<E extends PowensWebhookEvent> {
  /** `config.secret_key` of your `hmac_signature` webhook auth provider. */
  secret: string;
  /** The event the URL was registered for (Powens does not put it in the body). */
  event: E;
  /** How far `BI-Signature-Date` may be from now. Default 5 minutes. */
  toleranceMs?: number;
  /** The path Powens signed, when a proxy rewrote it. Default: the request's path. */
  path?: string;
  /** The zone of the payload's zone-less date-times, as for `powens({ timeZone })`. Default Europe/Paris. */
  timeZone?: string;
  /** Largest inflated body accepted, in bytes (a gzip bomb stops there). Default 16 MiB. */
  maxBytes?: number;
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
export function webhookConnectionStatus(connection: Connection, options: { timeZone?: string; now?: number } = {}): ConnectionStatus {
  return connectionStatus(connection, options.timeZone ?? DEFAULT_TIME_ZONE, options.now ?? Date.now());
}

/** gzip's magic number (RFC 1952): a framework may have inflated the body already, whatever the header says. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates a gzip body, stopping at `maxBytes`; undefined when it is not valid gzip or too large. */
async function gunzip(bytes: Uint8Array<ArrayBuffer>, maxBytes: number): Promise<Uint8Array | undefined> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  return concat(...chunks);
}

/**
 * Verifies a Powens webhook (`BI-Signature`, `BI-Signature-Date` within the tolerance)
 * and returns its typed payload. A gzip body (`Content-Encoding: gzip`, or gzip bytes) is
 * inflated; the signature is accepted over the bytes received or over the inflated JSON
 * (Powens does not document which one it signs). A missing, bad or stale signature, or a
 * body that is not the event's shape, is a ValidationError: answer the request with 401/400.
 */
export async function verifyWebhook<E extends PowensWebhookEvent>(request: Request | WebhookRequest, options: VerifyWebhookOptions<E>): Promise<PowensWebhook<E>> {
  if (!options?.secret) reject([{ path: 'secret', message: 'the webhook secret_key is required' }]);
  const isRequest = typeof Request !== 'undefined' && request instanceof Request;
  const method = (isRequest ? request.method : (request as WebhookRequest).method) ?? 'POST';
  const headers = isRequest ? request.headers : (request as WebhookRequest).headers;
  const url = isRequest ? request.url : (request as WebhookRequest).url;
  const rawBody = isRequest ? new Uint8Array(await request.arrayBuffer()) : (request as WebhookRequest).body;
  const received = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : Uint8Array.from(rawBody);

  const signature = header(headers, 'bi-signature');
  const date = header(headers, 'bi-signature-date');
  if (!signature) reject([{ path: 'BI-Signature', message: 'missing header' }]);
  if (!date) reject([{ path: 'BI-Signature-Date', message: 'missing header' }]);
  const signedAt = isoTimestamp(date);
  if (!signedAt) reject([{ path: 'BI-Signature-Date', message: 'not a date' }]);
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? 5 * 60_000;
  if (Math.abs(now - Date.parse(signedAt)) > tolerance) reject([{ path: 'BI-Signature-Date', message: `stale: more than ${tolerance} ms from now` }]);

  const encoding = header(headers, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'gzip' && encoding !== 'identity') reject([{ path: 'Content-Encoding', message: `${encoding} is not an encoding Powens uses (gzip)` }]);
  let body: Uint8Array = received;
  if (isGzip(received)) {
    const inflated = await gunzip(received, options.maxBytes ?? 16 * 1024 * 1024);
    if (!inflated) reject([{ path: 'body', message: 'not valid gzip, or larger than maxBytes once inflated' }]);
    body = inflated;
  }

  const path = options.path ?? new URL(url, 'http://webhook.invalid').pathname;
  const expected = base64Bytes(signature);
  const key = await hmacKey(options.secret, 'verify');
  const verify = (bytes: Uint8Array): Promise<boolean> =>
    expected === undefined ? Promise.resolve(false) : crypto.subtle.verify('HMAC', key, expected as Uint8Array<ArrayBuffer>, signedBytes(method, path, date, bytes));
  const valid = (await verify(received)) || (body !== received && (await verify(body)));
  if (!valid) reject([{ path: 'BI-Signature', message: 'does not match the body' }]);

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    reject([{ path: 'body', message: 'not JSON' }]);
  }
  const schema = Object.hasOwn(PAYLOADS, options.event) ? PAYLOADS[options.event as Modelled] : OtherPayload;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    reject(parsed.error.issues.map((issue) => ({ path: `body.${issue.path.map(String).join('.')}`, message: issue.message })));
  }
  const payload = parsed.data as WebhookPayload<E>;
  const result: PowensWebhook<E> = { event: options.event, signedAt, payload };
  if (options.event === 'CONNECTION_SYNCED' || options.event === 'ACCOUNTS_FETCHED') {
    const { connection } = payload as z.infer<typeof ConnectionSyncedPayload>;
    result.status = webhookConnectionStatus(connection, { ...(options.timeZone ? { timeZone: options.timeZone } : {}), now });
  }
  return result;
}
