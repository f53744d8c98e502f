/** End-user agreements: create, read, list, delete, accept (RESEARCH.md §3). */
import type { Route } from 'polybank/testing';
import { error, fieldErrors, invalidId, json, limited, notFound, objectBody, unauthorized, type Ctx } from '../http.js';
import type { GoCardlessSimState, Scope, SimAgreement } from '../state.js';

const SCOPES: readonly Scope[] = ['balances', 'details', 'transactions'];

export function agreementBody(agreement: SimAgreement): Record<string, unknown> {
  const { deleted: _deleted, ...body } = agreement;
  return body;
}

function days(value: unknown, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}

function create(ctx: Ctx): Response {
  const body = objectBody(ctx) ?? {};
  const institutionId = body.institution_id;
  if (typeof institutionId !== 'string' || institutionId === '') return fieldErrors({ institution_id: ['This field is required.'] });
  const institution = ctx.state.institutions.get(institutionId);
  if (!institution) {
    return fieldErrors({ institution_id: { summary: `Unknown Institution ID ${institutionId}`, detail: 'Get Institution IDs from /institutions/?country={$COUNTRY_CODE}' } });
  }
  const errors: Record<string, unknown> = {};
  const totalDays = Number(institution.transaction_total_days);
  const maxAccess = Math.min(180, Number(institution.max_access_valid_for_days ?? 90));
  const history = days(body.max_historical_days, 90);
  if (history === undefined || history < 1 || history > Math.min(730, totalDays)) {
    errors.max_historical_days = [{ summary: 'Incorrect max_historical_days', detail: `max_historical_days must be > 0 and <= ${institution.id} transaction_total_days (${totalDays})` }];
  }
  const access = days(body.access_valid_for_days, 90);
  if (access === undefined || access < 1 || access > maxAccess) {
    errors.access_valid_for_days = [{ summary: 'Incorrect access_valid_for_days', detail: `access_valid_for_days must be > 0 and <= ${maxAccess}` }];
  }
  const scope = body.access_scope ?? [...SCOPES];
  const unknown = Array.isArray(scope) ? scope.filter((s) => !SCOPES.includes(s as Scope)) : [scope];
  if (!Array.isArray(scope) || unknown.length || scope.length === 0) {
    errors.access_scope = [{ summary: `Unknown value '${String(unknown[0] ?? '')}' in access_scope`, detail: "Choose one or several from ['balances', 'details', 'transactions']" }];
  }
  if (Object.keys(errors).length) return fieldErrors(errors);
  const agreement = ctx.state.createAgreement({
    institution_id: institution.id,
    max_historical_days: history as number,
    access_valid_for_days: access as number,
    access_scope: [...new Set(scope as Scope[])],
  });
  return json(201, agreementBody(agreement));
}

function find(ctx: Ctx): SimAgreement | Response {
  const id = ctx.params.id ?? '';
  const invalid = invalidId(id);
  if (invalid) return invalid;
  const agreement = ctx.state.agreements.get(id);
  return agreement && !agreement.deleted ? agreement : notFound();
}

function read(ctx: Ctx): Response {
  const found = find(ctx);
  return found instanceof Response ? found : json(200, agreementBody(found));
}

function list(ctx: Ctx): Response {
  const limit = Number(ctx.url.searchParams.get('limit') ?? 100);
  const offset = Number(ctx.url.searchParams.get('offset') ?? 0);
  const all = [...ctx.state.agreements.values()].filter((a) => !a.deleted);
  const page = all.slice(offset, offset + limit).map(agreementBody);
  const link = (at: number): string | null => (at >= 0 && at < all.length ? `${ctx.url.origin}/api/v2/agreements/enduser/?limit=${limit}&offset=${at}` : null);
  return json(200, { count: all.length, next: link(offset + limit), previous: offset > 0 ? link(Math.max(0, offset - limit)) : null, results: page });
}

function remove(ctx: Ctx): Response {
  const found = find(ctx);
  if (found instanceof Response) return found;
  if (found.accepted) {
    return error(400, 'Cannot delete End User Agreement', `Cannot delete accepted End User Agreement: ${found.id}. Only non accepted agreements can be deleted`);
  }
  found.deleted = true;
  return json(200, { summary: 'End User Agreement deleted', detail: `End User Agreement '${found.id}' deleted` });
}

function accept(ctx: Ctx): Response {
  const found = find(ctx);
  if (found instanceof Response) return found;
  return error(403, 'Insufficient permissions', "Your company doesn't have permission to accept EUA. You'll have to use our default form for this action.");
}

export const agreementRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [
  { method: 'POST', path: '/api/v2/agreements/enduser/', endpoint: 'CreateAgreement', handle: (ctx) => limited(ctx, 'create', () => unauthorized(ctx) ?? create(ctx)) },
  { method: 'GET', path: '/api/v2/agreements/enduser/', endpoint: 'Agreements', handle: (ctx) => limited(ctx, 'read', () => unauthorized(ctx) ?? list(ctx)) },
  { method: 'GET', path: '/api/v2/agreements/enduser/:id/', endpoint: 'Agreement', handle: (ctx) => limited(ctx, 'read', () => unauthorized(ctx) ?? read(ctx)) },
  { method: 'DELETE', path: '/api/v2/agreements/enduser/:id/', endpoint: 'DeleteAgreement', handle: (ctx) => limited(ctx, 'delete', () => unauthorized(ctx) ?? remove(ctx)) },
  { method: 'PUT', path: '/api/v2/agreements/enduser/:id/accept/', endpoint: 'AcceptAgreement', handle: (ctx) => limited(ctx, 'accept', () => unauthorized(ctx) ?? accept(ctx)) },
];
