/** POST /oauth/accesstoken and /oauth/refreshtoken: Basic app_id:app_secret, form bodies, single-use codes. */
import type { Route } from '../simulator.js';
import { basicAuth, errors, fail, json, type Ctx } from './envelope.js';
import type { FintectureSimState } from './state.js';

function form(ctx: Ctx): Record<string, string> | Response {
  const type = ctx.request.headers.get('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') || typeof ctx.body !== 'object' || ctx.body === null) {
    return fail(400, 'bad_request', 'Bad Request', 'Expected an application/x-www-form-urlencoded body.');
  }
  return ctx.body as Record<string, string>;
}

function accessToken(ctx: Ctx): Response {
  const denied = basicAuth(ctx);
  if (denied) return denied;
  const body = form(ctx);
  if (body instanceof Response) return body;
  const state = ctx.state;
  switch (body.grant_type) {
    case 'authorization_code': {
      if ((body.scope ?? '').toLowerCase() !== 'ais') return fail(401, 'invalid_scopes', 'Invalid Scopes', 'The authorization_code grant needs scope AIS.');
      const code = body.code ? state.codes.get(body.code) : undefined;
      // Single use: a second exchange of the same code is refused.
      if (!code || code.used || code.expiresAt < Date.now()) return errors.invalidCode(body.code);
      code.used = true;
      const customer = state.customers.get(code.customerId);
      if (!customer || customer.deleted) return errors.invalidCode(body.code);
      const token = state.issueAccessToken('ais', customer.id);
      const refresh = state.issueRefreshToken(customer.id);
      return json(200, { access_token: token.value, token_type: 'Bearer', expires_in: state.tokenTtlSeconds, refresh_token: refresh.value });
    }
    case 'client_credentials': {
      if (body.app_id !== undefined && body.app_id !== state.appId) return errors.invalidApp();
      const token = state.issueAccessToken('app');
      // No refresh token for client_credentials (recorded sandbox answer, laravel-fintecture fixture).
      return json(200, { access_token: token.value, token_type: 'Bearer', expires_in: state.tokenTtlSeconds });
    }
    default:
      return fail(400, 'invalid_field', 'Invalid grant_type', 'grant_type must be authorization_code or client_credentials.');
  }
}

function refreshToken(ctx: Ctx): Response {
  const denied = basicAuth(ctx);
  if (denied) return denied;
  const body = form(ctx);
  if (body instanceof Response) return body;
  const state = ctx.state;
  if (body.grant_type !== 'refresh_token') return fail(400, 'invalid_field', 'Invalid grant_type', 'grant_type must be refresh_token.');
  const refresh = body.refresh_token ? state.refreshTokens.get(body.refresh_token) : undefined;
  const customer = refresh ? state.customers.get(refresh.customerId) : undefined;
  if (!refresh || refresh.revoked || !customer || customer.deleted) return errors.invalidToken();
  // "generate a new access_token and invalidate the previous one" (doc.fintecture.com).
  state.revokeAccessTokens(customer.id);
  const token = state.issueAccessToken('ais', customer.id);
  if (!state.rotateRefreshTokens) return json(200, { access_token: token.value, token_type: 'Bearer', expires_in: state.tokenTtlSeconds });
  refresh.revoked = true;
  const next = state.issueRefreshToken(customer.id);
  return json(200, { access_token: token.value, token_type: 'Bearer', expires_in: state.tokenTtlSeconds, refresh_token: next.value });
}

export const oauthRoutes: Route<FintectureSimState>[] = [
  { method: 'POST', path: '/oauth/accesstoken', endpoint: 'AccessToken', handle: accessToken },
  { method: 'POST', path: '/oauth/refreshtoken', endpoint: 'RefreshToken', handle: refreshToken },
  // The PHP SDK's spelling of the same endpoint.
  { method: 'POST', path: '/oauth/refresh_token', endpoint: 'RefreshTokenPhp', handle: refreshToken },
];
