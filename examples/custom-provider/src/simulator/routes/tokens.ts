/** `POST /token/new/` and `POST /token/refresh/` (RESEARCH.md §1). */
import type { Route } from 'polybank/testing';
import { error, fieldErrors, json, limited, objectBody, type Ctx } from '../http.js';
import type { GoCardlessSimState } from '../state.js';

function newToken(ctx: Ctx): Response {
  const body = objectBody(ctx);
  const missing = ['secret_id', 'secret_key'].filter((field) => typeof body?.[field] !== 'string' || body[field] === '');
  if (missing.length) return fieldErrors(Object.fromEntries(missing.map((field) => [field, ['This field is required.']])));
  if (body?.secret_id !== ctx.state.secretId || body?.secret_key !== ctx.state.secretKey) {
    return error(401, 'Authentication failed', 'No active account found with the given credentials');
  }
  const access = ctx.state.issue('access');
  const refresh = ctx.state.issue('refresh');
  return json(200, { access: access.value, access_expires: ctx.state.accessTtlSeconds, refresh: refresh.value, refresh_expires: ctx.state.refreshTtlSeconds });
}

function refreshToken(ctx: Ctx): Response {
  const refresh = objectBody(ctx)?.refresh;
  if (typeof refresh !== 'string' || refresh === '') return fieldErrors({ refresh: ['This field is required.'] });
  if (!ctx.state.valid(refresh, 'refresh')) return error(401, 'Invalid token', 'Token is invalid or expired');
  // No new refresh token: the old one stays valid until its own expiry.
  const access = ctx.state.issue('access');
  return json(200, { access: access.value, access_expires: ctx.state.accessTtlSeconds });
}

export const tokenRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [
  { method: 'POST', path: '/api/v2/token/new/', endpoint: 'TokenNew', handle: (ctx) => limited(ctx, 'tokenNew', () => newToken(ctx)) },
  { method: 'POST', path: '/api/v2/token/refresh/', endpoint: 'TokenRefresh', handle: (ctx) => limited(ctx, 'tokenRefresh', () => refreshToken(ctx)) },
];
