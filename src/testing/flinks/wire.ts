/**
 * How the simulator reads requests and writes responses the way Flinks does:
 * top-level keys bound case-insensitively, "true"/"True" accepted as booleans
 * (research notes §0), PascalCase JSON envelopes with HttpStatusCode.
 */
export function json(status: number, body: unknown): Response {
  return Response.json(body, { status });
}

/** The standard error envelope. */
export function flinksError(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response {
  return json(status, { HttpStatusCode: status, Message: message, FlinksCode: code, ...extra });
}

/** Top-level keys lower-cased (nested objects such as SecurityResponses keep their exact keys). */
export function lowerKeys(body: unknown): Record<string, unknown> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A JSON boolean or its string form, any case; undefined when absent or not a boolean. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (/^true$/i.test(value.trim())) return true;
    if (/^false$/i.test(value.trim())) return false;
  }
  return undefined;
}

/** A record's own value for `key` (a key such as `constructor` or `__proto__` is not inherited). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A header's value, or undefined. */
export function header(request: Request, name: string): string | undefined {
  return request.headers.get(name) ?? undefined;
}

const FNV_OFFSET = 0x811c9dc5;

function fnv(text: string, salt: number): number {
  let hash = (FNV_OFFSET ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A GUID derived from a string: the same (institution, username, language) always gets the same LoginId. */
export function derivedGuid(seed: string): string {
  const hex = [1, 2, 3, 4].map((salt) => fnv(seed, salt).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const AUTHORIZE_LINKS = [{ rel: 'Authorization', href: '/Authorize', example: null }];
export const DATA_LINKS = [
  { rel: 'AccountsDetail', href: '/GetAccountsDetail', example: null },
  { rel: 'AccountsSummary', href: '/GetAccountsSummary', example: null },
  { rel: 'Statements', href: '/GetStatements', example: null },
];
