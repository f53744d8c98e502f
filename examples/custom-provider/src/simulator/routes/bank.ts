/**
 * The pages behind a requisition's `link`: GoCardless's consent screen, then the bank. A
 * browser (or a test acting as the user) follows the link with `?decision=…`; the page
 * moves the requisition through its statuses and answers 302 to the app's `redirect`
 * with `?ref=<reference>` — and `&error=…&details=…` when authentication failed
 * (RESEARCH.md §4). Without a decision it shows the choices, for a person at a browser.
 */
import type { Route } from 'polybank/testing';
import type { Ctx } from '../http.js';
import { LONG_STATUS, type GoCardlessSimState, type ShortStatus, type SimRequisition } from '../state.js';

/** What the simulated user does at the bank. A status code sets that status as is. */
export type BankDecision = 'approve' | 'slow' | 'reject' | 'cancel' | 'ssn' | 'bank_error' | 'gc_error' | ShortStatus;

const ERRORS: Partial<Record<BankDecision, [string, string]>> = {
  cancel: ['UserCancelledSession', 'User cancelled the session.'],
  ssn: ['SSNVerificationFailed', 'SSN Verification has failed'],
  bank_error: ['InstitutionTechnicalError', 'A technical error occurred while trying to connect to the institution, please try again.'],
  gc_error: ['GoCardlessTechnicalError', 'An unexpected error occurred in the GoCardless system. If this error persists, please contact support.'],
};

function page(status: number, title: string, body = ''): Response {
  return new Response(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });
}

function back(requisition: SimRequisition, error?: [string, string]): Response {
  const target = new URL(requisition.redirect);
  target.searchParams.set('ref', requisition.reference);
  if (error) {
    target.searchParams.set('error', error[0]);
    target.searchParams.set('details', error[1]);
  }
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

function asStatus(decision: string): ShortStatus | undefined {
  const upper = decision.toUpperCase();
  if (upper in LONG_STATUS) return upper as ShortStatus;
  return (Object.entries(LONG_STATUS).find(([, long]) => long === upper)?.[0] as ShortStatus | undefined) ?? undefined;
}

function decide(ctx: Ctx, requisition: SimRequisition, decision: string): Response {
  const { state } = ctx;
  switch (decision) {
    case 'approve':
      // Consent given, authenticated at the bank, accounts selected, access granted: linked.
      state.link(requisition.id);
      return back(requisition);
    case 'slow': {
      const agreement = state.agreements.get(requisition.agreement);
      if (agreement && !agreement.accepted) agreement.accepted = state.iso();
      requisition.status = 'GA';
      requisition.pollsLeft = state.pollsUntilLinked;
      return back(requisition);
    }
    case 'reject':
    case 'ssn':
      requisition.status = 'RJ';
      return back(requisition, ERRORS[decision]);
    case 'cancel':
    case 'bank_error':
    case 'gc_error':
      requisition.status = 'UA';
      return back(requisition, ERRORS[decision]);
    default: {
      const status = asStatus(decision);
      if (!status) return page(400, `Unknown decision ${JSON.stringify(decision.slice(0, 40))}`);
      if (status === 'LN') state.link(requisition.id);
      else state.setStatus(requisition.id, status);
      return back(requisition);
    }
  }
}

function start(ctx: Ctx): Response {
  const requisition = ctx.state.requisition(ctx.params.id ?? '');
  if (!requisition || requisition.institution_id !== ctx.params.institution) return page(404, 'This link is not valid.');
  if (requisition.status !== 'CR' && requisition.status !== 'GC') {
    return back(requisition, ['RequisitionLinkReused', 'This link has already been used for authorization and is no longer valid.']);
  }
  const decision = ctx.url.searchParams.get('decision');
  if (decision === null) {
    requisition.status = 'GC';
    const choices = ['approve', 'slow', 'reject', 'cancel', 'ssn', 'bank_error', 'gc_error']
      .map((d) => `<li><a href="?decision=${d}">${d}</a></li>`)
      .join('');
    return page(200, `Connect your ${requisition.institution_id} account`, `<ul>${choices}</ul>`);
  }
  return decide(ctx, requisition, decision);
}

export const bankRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [{ method: 'GET', path: '/psd2/start/:id/:institution', endpoint: 'BankLink', handle: start }];
