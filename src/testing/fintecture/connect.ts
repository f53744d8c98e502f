/**
 * Fintecture Connect (`GET /ais/v2/connect`): a hosted page where the PSU picks a bank and
 * authenticates there, then comes back to the app's redirect_uri with `customer_id`,
 * `code`, `provider`, `state` (or the error of a refusal), like a redirect authorization.
 */
import type { Route } from '../simulator.js';
import { appAuth, errors, json, shaped, signed, type Ctx } from './envelope.js';
import type { FintectureSimState } from './state.js';

const TWO_LETTERS = /^[A-Za-z]{2}$/;
const SCOPES = new Set(['accounts', 'balances', 'transactions', 'accountholders']);

function connect(ctx: Ctx): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  const state = ctx.state;
  const q = ctx.url.searchParams;
  const headers = ctx.request.headers;
  const redirectUri = q.get('redirect_uri');
  // "redirect_uri: required", "state: required, length ≤ 512" (doc.fintecture.com/reference/getaisv2connect).
  if (!redirectUri) return errors.missing('redirect_uri');
  const stateParam = q.get('state');
  if (!stateParam) return errors.missing('state');
  if (stateParam.length > 512) return errors.invalidField('state', 'at most 512 characters');
  const scope = q.get('scope');
  if (scope !== null && !scope.split(',').every((s) => SCOPES.has(s.trim()))) return errors.invalidField('scope', 'accounts, balances, transactions');
  const provider = headers.get('x-provider') ?? undefined;
  if (provider !== undefined && !state.bank(provider)) return errors.invalidField('x-provider', 'unknown provider');
  const psuType = headers.get('x-psu-type') ?? undefined;
  if (psuType !== undefined && psuType !== 'retail' && psuType !== 'corporate') return errors.invalidField('x-psu-type', 'retail or corporate');
  const country = headers.get('x-country') ?? undefined;
  if (country !== undefined && !TWO_LETTERS.test(country)) return errors.invalidField('x-country', 'two letters');
  const language = headers.get('x-language') ?? undefined;
  if (language !== undefined && !TWO_LETTERS.test(language)) return errors.invalidField('x-language', 'two letters');
  const session = state.newSession({
    bank: provider?.toLowerCase() ?? '',
    model: 'connect',
    outcome: 'COMPLETED',
    pollsUntilDecision: 0,
    redirectUri,
    state: stateParam,
    connect: { ...(psuType ? { psuType } : {}), ...(country ? { country } : {}), ...(language ? { language } : {}) },
  });
  const url = `${ctx.url.origin}/sim/connect/${session.id}`;
  // `meta.url` (JS SDK), `meta.connect_id` (Ruby spec); the catalog says `meta.session_id`.
  return json(200, shaped(state, { meta: { url, connect_id: session.id } }, { meta: { url, session_id: session.id } }));
}

/**
 * The Connect page: the PSU picks a bank (`?provider=`, else the preselected one, else the
 * first bank of the asked country that gives account information) and approves, or
 * refuses with `?decision=deny`. Answers 302 to the app's redirect_uri.
 */
function connectPage(ctx: Ctx): Response {
  const state = ctx.state;
  const session = state.sessions.get(ctx.params.session ?? '');
  if (!session || session.model !== 'connect' || session.status !== 'PENDING' || !session.redirectUri) {
    return new Response('<html><body><h1>This Connect session is no longer valid.</h1></body></html>', { status: 404, headers: { 'content-type': 'text/html' } });
  }
  const target = new URL(session.redirectUri);
  if (session.state !== undefined) target.searchParams.set('state', session.state);
  if (ctx.url.searchParams.get('decision') === 'deny') {
    session.status = 'FAILED';
    target.searchParams.set('error', 'provider_error');
    target.searchParams.set('provider_error', 'access_denied');
    return new Response(null, { status: 302, headers: { location: target.toString() } });
  }
  const country = session.connect?.country?.toUpperCase() ?? 'FR';
  const picked = ctx.url.searchParams.get('provider') ?? (session.bank || state.banks.find((b) => b.country === country && b.ais.length > 0)?.id);
  const bank = picked ? state.bank(picked) : undefined;
  if (!bank) return new Response('<html><body><h1>No bank to pick.</h1></body></html>', { status: 404, headers: { 'content-type': 'text/html' } });
  session.bank = bank.id;
  state.approve(session);
  target.searchParams.set('customer_id', session.customerId ?? '');
  target.searchParams.set('code', session.code ?? '');
  target.searchParams.set('provider', bank.id);
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

export const connectRoutes: Route<FintectureSimState>[] = [
  { method: 'GET', path: '/ais/v2/connect', endpoint: 'Connect', handle: signed(connect) },
  { method: 'GET', path: '/sim/connect/:session', endpoint: 'ConnectPage', handle: connectPage },
];

