/** Requisitions: create (with its link), read (status, accounts), list, delete (RESEARCH.md §4). */
import type { Route } from 'polybank/testing';
import { error, fieldErrors, invalidId, json, limited, notFound, objectBody, unauthorized, type Ctx } from '../http.js';
import type { GoCardlessSimState, SimRequisition } from '../state.js';

const FIELDS = ['redirect', 'institution_id', 'agreement', 'reference', 'user_language', 'ssn', 'account_selection', 'redirect_immediate'];

export function requisitionBody(ctx: Ctx, requisition: SimRequisition): Record<string, unknown> {
  return {
    id: requisition.id,
    created: requisition.created,
    redirect: requisition.redirect,
    status: ctx.state.statusText(requisition.status),
    institution_id: requisition.institution_id,
    agreement: requisition.agreement,
    reference: requisition.reference,
    accounts: requisition.accounts,
    user_language: requisition.user_language,
    link: `${ctx.url.origin}/psd2/start/${requisition.id}/${requisition.institution_id}`,
    ssn: requisition.ssn,
    account_selection: requisition.account_selection,
    redirect_immediate: requisition.redirect_immediate,
  };
}

function validRedirect(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function create(ctx: Ctx): Response {
  const body = objectBody(ctx) ?? {};
  const unknown = Object.keys(body).filter((key) => !FIELDS.includes(key));
  if (unknown.length) return error(400, 'Unknown fields', `Unknown fields {${unknown.join(', ')}} in payload`);
  const required = ['redirect', 'institution_id'].filter((field) => typeof body[field] !== 'string' || body[field] === '');
  if (required.length) return fieldErrors(Object.fromEntries(required.map((field) => [field, ['This field is required.']])));
  const redirect = body.redirect as string;
  const institutionId = body.institution_id as string;
  const errors: Record<string, unknown> = {};
  if (!validRedirect(redirect) || redirect.length > 1024) errors.redirect = [{ summary: 'Invalid redirect URI', detail: 'Redirect URI must have a valid URI structure' }];
  const institution = ctx.state.institutions.get(institutionId);
  if (!institution) errors.institution_id = { summary: `Unknown Institution ID ${institutionId}`, detail: 'Get Institution IDs from /institutions/?country={$COUNTRY_CODE}' };
  const reference = typeof body.reference === 'string' && body.reference !== '' ? body.reference : crypto.randomUUID();
  if (reference.length > 256 || [...ctx.state.requisitions.values()].some((r) => r.reference === reference)) {
    errors.reference = { summary: 'Client Reference must be unique', detail: `Client Reference: ${reference} already exists` };
  }
  const language = typeof body.user_language === 'string' ? body.user_language : 'EN';
  if (!/^[A-Za-z]{2}$/.test(language)) errors.user_language = { summary: 'Provided user_language is invalid or not supported', detail: `'${language}' is an invalid or unsupported language` };
  const ssn = typeof body.ssn === 'string' && body.ssn !== '' ? body.ssn : null;
  if (ssn && institution && !institution.ssn) errors.ssn = { summary: 'SSN verification is not supported', detail: `SSN verification is not supported for ${institutionId}` };
  const accountSelection = body.account_selection === true || body.account_selection === 'true';
  if (accountSelection && institution && !institution.supported_features?.includes('account_selection')) {
    errors.account_selection = { summary: 'Account selection is not supported', detail: `Account selection is not supported for ${institutionId}` };
  }
  let agreementId = typeof body.agreement === 'string' ? body.agreement : undefined;
  if (agreementId !== undefined) {
    const agreement = ctx.state.agreements.get(agreementId);
    if (invalidId(agreementId)) errors.agreement = [{ summary: 'Invalid EndUserAgreement ID', detail: `${agreementId} is not a valid UUID. Please specify valid agreement from /api/agreements/enduser/?={$ENDUSER_ID} or create a new one` }];
    else if (!agreement || agreement.deleted) {
      return json(404, { agreement: { summary: `Agreement: ${agreementId} not found`, detail: 'Please specify valid agreement from /agreements/enduser/?={enduser_id} or create a new one' }, status_code: 404 });
    } else if (agreement.institution_id !== institutionId) {
      errors.agreement = { summary: `Incorrect Institution ID ${institutionId}`, detail: `Provided Institution ID: '${institutionId}' for requisition does not match EUA institution ID '${agreement.institution_id}'. Please provide correct institution ID: '${agreement.institution_id}'` };
    }
  }
  if (Object.keys(errors).length) return fieldErrors(errors);
  // Without an agreement GoCardless applies its default one: 90 days of history, 90 days of access.
  agreementId ??= ctx.state.createAgreement({ institution_id: institutionId, max_historical_days: 90, access_valid_for_days: 90, access_scope: ['balances', 'details', 'transactions'] }).id;
  const requisition = ctx.state.createRequisition({
    redirect,
    institution_id: institutionId,
    agreement: agreementId,
    reference,
    user_language: language.toUpperCase(),
    ssn,
    account_selection: accountSelection,
    redirect_immediate: body.redirect_immediate === true || body.redirect_immediate === 'true',
  });
  return json(201, requisitionBody(ctx, requisition));
}

function find(ctx: Ctx): SimRequisition | Response {
  const id = ctx.params.id ?? '';
  const invalid = invalidId(id);
  if (invalid) return invalid;
  return ctx.state.requisition(id) ?? notFound();
}

function read(ctx: Ctx): Response {
  const found = find(ctx);
  if (found instanceof Response) return found;
  // A slow bank: the user is back while access is still being granted; linked after a few reads.
  if (found.pollsLeft !== undefined) {
    if (found.pollsLeft <= 0) {
      found.pollsLeft = undefined;
      ctx.state.link(found.id);
    } else found.pollsLeft--;
  }
  return json(200, requisitionBody(ctx, found));
}

function list(ctx: Ctx): Response {
  const limit = Number(ctx.url.searchParams.get('limit') ?? 100);
  const offset = Number(ctx.url.searchParams.get('offset') ?? 0);
  const all = [...ctx.state.requisitions.values()].filter((r) => !r.deleted);
  const link = (at: number): string | null => (at >= 0 && at < all.length ? `${ctx.url.origin}/api/v2/requisitions/?limit=${limit}&offset=${at}` : null);
  return json(200, {
    count: all.length,
    next: link(offset + limit),
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: all.slice(offset, offset + limit).map((r) => requisitionBody(ctx, r)),
  });
}

function remove(ctx: Ctx): Response {
  const found = find(ctx);
  if (found instanceof Response) return found;
  ctx.state.deleteRequisition(found.id);
  return json(200, { summary: 'Requisition deleted', detail: `Requisition '${found.id}' deleted with all its End User Agreements` });
}

export const requisitionRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [
  { method: 'POST', path: '/api/v2/requisitions/', endpoint: 'CreateRequisition', handle: (ctx) => limited(ctx, 'create', () => unauthorized(ctx) ?? create(ctx)) },
  { method: 'GET', path: '/api/v2/requisitions/', endpoint: 'Requisitions', handle: (ctx) => limited(ctx, 'read', () => unauthorized(ctx) ?? list(ctx)) },
  { method: 'GET', path: '/api/v2/requisitions/:id/', endpoint: 'Requisition', handle: (ctx) => limited(ctx, 'read', () => unauthorized(ctx) ?? read(ctx)) },
  { method: 'DELETE', path: '/api/v2/requisitions/:id/', endpoint: 'DeleteRequisition', handle: (ctx) => limited(ctx, 'delete', () => unauthorized(ctx) ?? remove(ctx)) },
];
