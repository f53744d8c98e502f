/** `GET /institutions/?country=` and `GET /institutions/{id}/` (RESEARCH.md §2). */
import type { Route } from 'polybank/testing';
import type { SimInstitution } from '../data.js';
import { fieldErrors, json, limited, notFound, unauthorized, type Ctx } from '../http.js';
import type { GoCardlessSimState } from '../state.js';

/** The public record: what GoCardless shows of a bank (not the simulator's account templates). */
export function institutionBody(institution: SimInstitution): Record<string, unknown> {
  const { accounts: _accounts, ssn: _ssn, ...record } = institution;
  return { ...record, identification_codes: [] };
}

function list(ctx: Ctx): Response {
  const country = ctx.url.searchParams.get('country');
  const all = [...ctx.state.institutions.values()];
  if (country === null) return json(200, all.map(institutionBody));
  const code = country.toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) return fieldErrors({ country: { summary: 'Invalid country choice.', detail: `${country} is not a valid choice.` } });
  return json(200, all.filter((i) => i.countries.includes(code)).map(institutionBody));
}

function one(ctx: Ctx): Response {
  const institution = ctx.state.institutions.get(ctx.params.id ?? '');
  return institution ? json(200, institutionBody(institution)) : notFound();
}

export const institutionRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [
  { method: 'GET', path: '/api/v2/institutions/', endpoint: 'Institutions', handle: (ctx) => limited(ctx, 'institutions', () => unauthorized(ctx) ?? list(ctx)) },
  { method: 'GET', path: '/api/v2/institutions/:id/', endpoint: 'Institution', handle: (ctx) => limited(ctx, 'institutions', () => unauthorized(ctx) ?? one(ctx)) },
];
