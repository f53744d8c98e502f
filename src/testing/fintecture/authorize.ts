/**
 * Resources (banks) and AIS authorization: redirect sessions with a simulated bank page,
 * decoupled sessions that stay PENDING for a few polls and then COMPLETE or FAIL.
 * The official request forms are strict (model, response_type, PSU headers); a request
 * without `model` is the catalog's (seed workflow) form and gets the bank's own model.
 */
import type { Route } from '../simulator.js';
import type { SimBank } from './data.js';
import { appAuth, errors, json, shaped, signed, type Ctx } from './envelope.js';
import type { FintectureSimState, SimSession } from './state.js';

function jsonApiProvider(bank: SimBank) {
  return {
    type: 'provider',
    id: bank.id,
    attributes: {
      name: bank.name,
      full_name: bank.name,
      country: bank.country,
      ais: bank.ais,
      pis: bank.pis,
      psu_types: bank.psuTypes,
      auth_models: bank.authModels,
      logo_url: `https://logos.sim.fintecture.test/${bank.id}.png`,
    },
  };
}

/** The catalog's flat Provider object (api-evangelist resources spec). */
function flatProvider(bank: SimBank) {
  return {
    id: bank.id,
    name: bank.name,
    country: bank.country,
    logo_url: `https://logos.sim.fintecture.test/${bank.id}.png`,
    auth_models: bank.authModels,
    ais: bank.ais,
    pis: bank.pis,
    psu_types: bank.psuTypes,
  };
}

function getProvider(ctx: Ctx): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  const bank = ctx.state.bank(ctx.params.id ?? '');
  if (!bank) return errors.notFound();
  switch (ctx.state.shapes) {
    case 'official':
      // JSON:API, `data` an array even for one id (Ruby SDK spec).
      return json(200, { data: [jsonApiProvider(bank)] });
    case 'catalog':
      return json(200, flatProvider(bank));
    case 'both': {
      const { id: _id, name: _name, country: _country, logo_url: _logo, ...projection } = flatProvider(bank);
      return json(200, { data: [jsonApiProvider(bank)], ...projection });
    }
  }
}

function listProviders(ctx: Ctx): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  const q = ctx.url.searchParams;
  const has = (list: string[], value: string | null) => value === null || list.some((v) => v.toLowerCase() === value.toLowerCase());
  const banks = ctx.state.banks.filter(
    (b) =>
      has([b.country], q.get('filter[country]')) &&
      has(b.authModels, q.get('filter[auth_model]')) &&
      has(b.ais, q.get('filter[ais]')) &&
      has(b.pis, q.get('filter[pis]')) &&
      has(b.psuTypes, q.get('filter[psu_type]')),
  );
  return json(200, { data: banks.map(jsonApiProvider) });
}

/** Sandbox test accounts: here, the PSU ids that script the decoupled scenarios. */
function testAccounts(ctx: Ctx): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  const scenarios = [
    ['approve', 'COMPLETED'],
    ['refuse', 'FAILED'],
    ['pending', 'PENDING'],
  ];
  const wanted = ctx.url.searchParams.get('filter[provider_id]');
  const data = ctx.state.banks
    .filter((b) => b.authModels.includes('decoupled') && (wanted === null || wanted === b.id))
    .flatMap((b) => scenarios.map(([psu, outcome]) => ({ type: 'testaccounts', id: `${b.id}-${psu}`, attributes: { provider_id: b.id, psu_id: `${psu}-1`, outcome } })));
  return json(200, { data });
}

// ---------------------------------------------------------------- authorize

function authorize(ctx: Ctx): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  const state = ctx.state;
  const bank = state.bank(ctx.params.id ?? '');
  if (!bank) return errors.notFound();
  const q = ctx.url.searchParams;
  const requested = q.get('model');
  if (requested !== null && requested !== 'redirect' && requested !== 'decoupled') return errors.invalidField('model', 'must be redirect or decoupled');
  // The official form: response_type=code "is only required if app_id has been set in headers".
  if (requested !== null && !auth.token && q.get('response_type') !== 'code') return errors.missing('response_type');
  const model = requested ?? (bank.authModels.includes('redirect') ? 'redirect' : 'decoupled');
  if (!bank.authModels.includes(model)) return errors.invalidField('model', `${bank.id} does not support the ${model} model`);
  const redirectUri = q.get('redirect_uri') ?? undefined;
  const stateParam = q.get('state') ?? undefined;
  if (stateParam !== undefined && stateParam.length > 512) return errors.invalidField('state', 'at most 512 characters');
  const psuId = ctx.request.headers.get('x-psu-id') ?? undefined;
  const psuIp = ctx.request.headers.get('x-psu-ip-address') ?? undefined;
  const origin = ctx.url.origin;
  // Authorized with a customer's AIS token: the session renews that connection.
  const renews = auth.token?.kind === 'ais' && state.customers.get(auth.token.customerId ?? '')?.bank === bank.id ? auth.token.customerId : undefined;

  if (model === 'decoupled') {
    // "Required in Decoupled mode" (doc): the official form must carry both PSU headers.
    if (requested !== null && !psuId) return errors.missing('x-psu-id');
    if (requested !== null && !psuIp) return errors.missing('x-psu-ip-address');
    const { outcome, polls } = state.outcomeFor(psuId);
    const session = state.newSession({
      bank: bank.id,
      model,
      outcome,
      pollsUntilDecision: polls,
      ...(psuId ? { psuId } : {}),
      ...(redirectUri ? { redirectUri } : {}),
      ...(renews ? { renews } : {}),
    });
    const url = `${origin}/ais/v1/provider/${bank.id}/authorize/decoupled/${session.id}`;
    const official = {
      provider: bank.id,
      model,
      polling_id: session.id,
      url,
      triggers: { qr: `${origin}/sim/bank/${session.id}?channel=qr`, a2a: `${origin}/sim/bank/${session.id}?channel=a2a` },
    };
    return json(200, shaped(state, official, { meta: { session_id: session.id, url, decoupled: true } }));
  }

  if (!redirectUri) return errors.missing('redirect_uri');
  const session = state.newSession({
    bank: bank.id,
    model,
    outcome: 'COMPLETED',
    pollsUntilDecision: 0,
    redirectUri,
    ...(stateParam !== undefined ? { state: stateParam } : {}),
    ...(renews ? { renews } : {}),
  });
  const url = `${origin}/sim/bank/${session.id}`;
  return json(200, shaped(state, { provider: bank.id, model, url }, { meta: { url, session_id: session.id } }));
}


/** One poll: PENDING until the scripted number of polls, then the scripted outcome; FAILED once timed out. */
function advance(state: FintectureSimState, session: SimSession): void {
  session.polls++;
  if (session.status !== 'PENDING') return;
  if (Date.now() > session.expiresAt) {
    session.status = 'FAILED';
    return;
  }
  if (session.outcome === 'PENDING' || session.polls < session.pollsUntilDecision) return;
  if (session.outcome === 'COMPLETED') state.approve(session);
  else session.status = 'FAILED';
}

function statusBody(state: FintectureSimState, session: SimSession): object {
  const done = session.status === 'COMPLETED' ? { code: session.code, customer_id: session.customerId } : {};
  if (state.shapes === 'catalog') return { status: session.status, ...done };
  // Both ids: one API version answered `connection_id` instead of `customer_id` (Python SDK example).
  return { provider: session.bank, status: session.status, ...done, ...(session.status === 'COMPLETED' ? { connection_id: session.customerId } : {}) };
}

function poll(ctx: Ctx, pollingId: string | null): Response {
  const auth = appAuth(ctx);
  if (auth instanceof Response) return auth;
  if (!pollingId) return errors.missing('session_id');
  const session = ctx.state.sessions.get(pollingId);
  if (!session || session.model !== 'decoupled' || session.bank !== (ctx.params.id ?? '').toLowerCase()) return errors.sessionInvalid();
  // The model the poll said it was for (Ruby SDK: `model=decoupled`; the JS SDK sends none).
  session.pollModel = ctx.url.searchParams.get('model') ?? undefined;
  advance(ctx.state, session);
  return json(200, statusBody(ctx.state, session));
}

// ---------------------------------------------------------------- the simulated bank

/**
 * The bank's consent page a redirect challenge sends the PSU to: `?decision=deny` refuses,
 * anything else approves. Answers 302 to the app's redirect_uri with
 * `customer_id`, `code`, `provider`, `state` (or `error=provider_error&provider_error=access_denied`).
 * For a decoupled session (its QR code / app-to-app link) it decides the session at once.
 */
function bankPage(ctx: Ctx): Response {
  const state = ctx.state;
  const session = state.sessions.get(ctx.params.session ?? '');
  const deny = ctx.url.searchParams.get('decision') === 'deny';
  if (session?.model === 'decoupled' && session.status === 'PENDING') {
    if (deny) session.status = 'FAILED';
    else state.approve(session);
    return new Response(`<html><body><h1>${deny ? 'Refused' : 'Approved'}: you can go back to the app.</h1></body></html>`, { status: 200, headers: { 'content-type': 'text/html' } });
  }
  if (!session || session.model !== 'redirect' || session.status !== 'PENDING' || !session.redirectUri) {
    return new Response('<html><body><h1>This authorization link is no longer valid.</h1></body></html>', { status: 404, headers: { 'content-type': 'text/html' } });
  }
  const target = new URL(session.redirectUri);
  if (deny) {
    session.status = 'FAILED';
    target.searchParams.set('error', 'provider_error');
    if (session.state !== undefined) target.searchParams.set('state', session.state);
    target.searchParams.set('provider_error', 'access_denied');
  } else {
    state.approve(session);
    target.searchParams.set('customer_id', session.customerId ?? '');
    target.searchParams.set('code', session.code ?? '');
    target.searchParams.set('provider', session.bank);
    if (session.state !== undefined) target.searchParams.set('state', session.state);
  }
  return new Response(null, { status: 302, headers: { location: target.toString() } });
}

export const authorizeRoutes: Route<FintectureSimState>[] = [
  { method: 'GET', path: '/res/v1/providers', endpoint: 'ListProviders', handle: signed(listProviders) },
  { method: 'GET', path: '/res/v1/providers/:id', endpoint: 'GetProvider', handle: signed(getProvider) },
  { method: 'GET', path: '/res/v1/testaccounts', endpoint: 'TestAccounts', handle: signed(testAccounts) },
  { method: 'GET', path: '/ais/v1/provider/:id/authorize', endpoint: 'Authorize', handle: signed(authorize) },
  {
    method: 'GET',
    path: '/ais/v1/provider/:id/authorize/decoupled/:pollingId',
    endpoint: 'PollDecoupled',
    handle: signed((ctx) => poll(ctx, ctx.params.pollingId ?? null)),
  },
  // Catalog alias (the seed workflow's pollDecoupled): `?session_id=` instead of the path parameter.
  {
    method: 'GET',
    path: '/ais/v1/provider/:id/authorize/decoupled',
    endpoint: 'PollDecoupledBySession',
    handle: signed((ctx) => poll(ctx, ctx.url.searchParams.get('session_id'))),
  },
  // Catalog alias of the test accounts.
  { method: 'GET', path: '/res/v1/test-accounts', endpoint: 'TestAccountsCatalog', handle: signed(testAccounts) },
  { method: 'GET', path: '/sim/bank/:session', endpoint: 'BankPage', handle: bankPage },
];

