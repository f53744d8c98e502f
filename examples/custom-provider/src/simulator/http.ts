/** The simulated API's conventions: its error bodies, its rate-limit headers, its bearer check. */
import type { RouteContext } from 'polybank/testing';
import type { GoCardlessSimState, LimitGroup, Scope } from './state.js';

export type Ctx = RouteContext<GoCardlessSimState>;
type Headers = Record<string, string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function json(status: number, body: unknown, headers: Headers = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** `{summary, detail, status_code}`: the envelope of nearly every error (RESEARCH.md §5). */
export function error(status: number, summary: string, detail: string, extra: Record<string, unknown> = {}, headers: Headers = {}): Response {
  return json(status, { summary, detail, ...extra, status_code: status }, headers);
}

/** Field errors: `{field: {summary, detail}, status_code}` (or a list per field). */
export function fieldErrors(fields: Record<string, unknown>): Response {
  return json(400, { ...fields, status_code: 400 });
}

export const notFound = (): Response => error(404, 'Not found.', 'Not found.');

export function invalidId(id: string, what = ''): Response | undefined {
  return UUID.test(id) ? undefined : error(400, `Invalid ${what}ID`, `${id} is not a valid ${what}UUID.`);
}

/** The header names of one style ([LIMITS]: documented CGI-style, or as sent on the wire). */
function names(style: 'wire' | 'documented', account: boolean): [string, string, string] {
  const part = account ? 'ACCOUNT_SUCCESS_' : '';
  if (style === 'documented') return [`HTTP_X_RATELIMIT_${part}LIMIT`, `HTTP_X_RATELIMIT_${part}REMAINING`, `HTTP_X_RATELIMIT_${part}RESET`];
  const wire = account ? 'Account-Success-' : '';
  return [`X-RateLimit-${wire}Limit`, `X-RateLimit-${wire}Remaining`, `X-RateLimit-${wire}Reset`];
}

function limitHeaders(state: GoCardlessSimState, account: boolean, values: { limit: number; remaining: number; resetSeconds: number }): Headers {
  if (state.rateLimitHeaders === 'none') return {};
  const [limit, remaining, reset] = names(state.rateLimitHeaders, account);
  return { [limit]: String(values.limit), [remaining]: String(values.remaining), [reset]: String(values.resetSeconds) };
}

/**
 * Counts the call in its group and adds the general headers to the answer; over the
 * limit, answers the documented 429 instead.
 */
export async function limited(ctx: Ctx, group: LimitGroup, handle: () => Response | Promise<Response>): Promise<Response> {
  const window = ctx.state.hit(group);
  const headers = limitHeaders(ctx.state, false, window);
  if (window.over) {
    const { limit, windowMs } = ctx.state.limits[group];
    const period = windowMs >= 3_600_000 ? 'hour' : 'minute';
    return error(429, 'Rate limit exceeded', `The rate limit for this resource is ${limit}/${period}. Please try again in ${window.resetSeconds} seconds`, {}, headers);
  }
  const response = await handle();
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** The per-account daily headers of one scope, for an account endpoint's answer. */
export function accountHeaders(state: GoCardlessSimState, accountId: string, scope: Scope): Headers {
  return limitHeaders(state, true, state.accountBudget(accountId, scope));
}

/** The bearer check of every endpoint but the token ones. */
export function unauthorized(ctx: Ctx): Response | undefined {
  const header = ctx.request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (ctx.state.valid(match?.[1], 'access')) return undefined;
  return error(401, 'Invalid token', 'Token is invalid or expired');
}

/** A JSON object body, or undefined (form bodies arrive parsed, as key/value strings). */
export function objectBody(ctx: Ctx): Record<string, unknown> | undefined {
  const body = ctx.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}
