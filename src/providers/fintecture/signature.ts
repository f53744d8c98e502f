/**
 * Fintecture's HTTP signatures (doc.fintecture.com/docs/api-http-signature), draft-cavage
 * "Signing HTTP Messages": keyId = app_id, algorithm rsa-sha256, signed headers
 * `(request-target) date [digest] x-request-id`. WebCrypto only, so it runs outside Node.
 */
import { uuid } from '../../provider.js';
import { RSA_SHA256 } from './keys.js';

const encoder = new TextEncoder();

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `SHA-256=base64(sha256(body))`. */
export async function digestHeader(body: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  return `SHA-256=${toBase64(await crypto.subtle.digest('SHA-256', body))}`;
}

/** The string to sign: one `name: value` line per signed header, in order, joined by `\n`. */
export function signingString(lines: ReadonlyArray<readonly [string, string]>): string {
  return lines.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/**
 * Signs a request the core is about to send and returns the signed copy. The
 * request-target is the lowercase method plus path and query exactly as they will
 * go on the wire. Token calls (Basic auth) are left unsigned, as in every official SDK.
 */
export async function signRequest(request: Request, appId: string, key: CryptoKey): Promise<Request> {
  if (/^basic /i.test(request.headers.get('authorization') ?? '')) return request;
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  const date = new Date().toUTCString();
  const requestId = headers.get('x-request-id') ?? uuid();
  headers.set('date', date);
  headers.set('x-request-id', requestId);

  const lines: Array<[string, string]> = [['(request-target)', `${request.method.toLowerCase()} ${url.pathname}${url.search}`], ['date', date]];
  let body: ArrayBuffer | undefined;
  if (request.body !== null) {
    body = await request.arrayBuffer();
    const digest = await digestHeader(body);
    headers.set('digest', digest);
    lines.push(['digest', digest]);
  }
  lines.push(['x-request-id', requestId]);

  const signature = await crypto.subtle.sign(RSA_SHA256, key, encoder.encode(signingString(lines)));
  headers.set(
    'signature',
    `keyId="${appId}",algorithm="rsa-sha256",headers="${lines.map(([name]) => name).join(' ')}",signature="${toBase64(signature)}"`,
  );
  return body === undefined ? new Request(request, { headers }) : new Request(request, { headers, body });
}
