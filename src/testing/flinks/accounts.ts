/**
 * The data endpoints: GetAccountsDetail / GetAccountsSummary (202 OPERATION_PENDING or
 * OPERATION_DISPATCHED for test_pending / test_dispatched, then their Async companions),
 * and DeleteCard with its own `StatusCode` body.
 */
import type { RouteContext } from '../simulator.js';
import { liveSession, loginBody, sessionGone } from './authorize.js';
import { detailAccount, summaryAccount } from './data.js';
import { INSTITUTIONS } from './scenarios.js';
import type { FlinksSimState, SimDataOperation, SimSession } from './state.js';
import { bool, flinksError, header, json, lowerKeys, str } from './wire.js';

type Ctx = RouteContext<FlinksSimState>;
export type DataEndpoint = 'GetAccountsDetail' | 'GetAccountsSummary';

const MESSAGES: Record<SimDataOperation['code'], string> = {
  OPERATION_PENDING: 'Your operation is still processing',
  OPERATION_DISPATCHED: 'Your operations had been dispatched to background process for long running jobs',
};

/** The x-api-key check, when the instance has one. */
function apiKeyDenied(request: Request, state: FlinksSimState): Response | undefined {
  if (state.apiKey === undefined || header(request, 'x-api-key') === state.apiKey) return undefined;
  return flinksError(401, 'UNAUTHORIZED', 'You must provide a valid x-api-key');
}

function authorizedSession(state: FlinksSimState, requestId: string | undefined): SimSession | Response {
  if (!requestId) return flinksError(400, 'INVALID_REQUEST', 'The request is invalid', { ValidationDetails: { RequestId: ['The RequestId field is required.'] } });
  const session = liveSession(state, requestId);
  if (!session || session.status === 'ended') return sessionGone(requestId);
  if (session.status !== 'authorized') return flinksError(401, 'UNAUTHORIZED', 'The card is not authorized: complete /Authorize first', { RequestId: session.requestId });
  session.lastActivity = state.now();
  return session;
}

function accepted(endpoint: DataEndpoint, code: SimDataOperation['code'], requestId: string): Response {
  const asyncName = `${endpoint}Async`;
  return json(202, {
    FlinksCode: code,
    Links: [{ rel: asyncName, href: `/${asyncName}`, example: `/${asyncName}/${requestId}` }],
    HttpStatusCode: 202,
    Message: MESSAGES[code],
    RequestId: requestId,
  });
}

function render(endpoint: DataEndpoint, state: FlinksSimState, session: SimSession, body: Record<string, unknown>): Record<string, unknown> {
  const login = state.logins.get((session.loginId ?? '').toLowerCase());
  const filter = Array.isArray(body.accountsfilter) ? body.accountsfilter.filter((id): id is string => typeof id === 'string') : undefined;
  const accounts = state.accounts.filter((a) => !filter || filter.includes(a.Id));
  const institutionId = INSTITUTIONS[session.institution.toLowerCase()]?.id;
  const tail = {
    InstitutionName: session.institution,
    ...(login ? { Login: loginBody(state, login) } : {}),
    ...(institutionId !== undefined ? { InstitutionId: institutionId } : {}),
    Institution: session.institution,
    RequestId: session.requestId,
  };
  if (endpoint === 'GetAccountsSummary') {
    const withBalance = bool(body.withbalance) ?? true;
    return {
      HttpStatusCode: 200,
      Accounts: accounts.map((a) => summaryAccount(a, state.holder, withBalance)),
      Links: [
        { rel: 'AccountsDetail', href: '/GetAccountsDetail', example: null },
        { rel: 'Statements', href: '/GetStatements', example: null },
      ],
      ...(session.tag !== undefined ? { Tag: session.tag } : {}),
      ...tail,
    };
  }
  // Defaults of an absent flag as observed on the sandbox (sdk-csharp, 2019).
  const flags = {
    identity: bool(body.withaccountidentity) ?? false,
    kyc: bool(body.withkyc) ?? true,
    transactions: bool(body.withtransactions) ?? true,
    balance: bool(body.withbalance) ?? true,
  };
  return { HttpStatusCode: 200, Accounts: accounts.map((a) => detailAccount(a, state.holder, flags)), ...tail };
}

export function getAccounts(endpoint: DataEndpoint) {
  return ({ request, body: raw, state }: Ctx): Response => {
    const denied = apiKeyDenied(request, state);
    if (denied) return denied;
    const body = lowerKeys(raw) ?? {};
    const session = authorizedSession(state, str(body.requestid));
    if (session instanceof Response) return session;
    let operation = session.operations.get(endpoint);
    const background = state.scenarios[session.scenario]?.data;
    if (!operation && background) {
      operation = { code: background, pollsLeft: state.asyncPollsUntilReady, request: body };
      session.operations.set(endpoint, operation);
    }
    if (operation && operation.pollsLeft > 0) return accepted(endpoint, operation.code, session.requestId);
    return json(200, render(endpoint, state, session, operation?.request ?? body));
  };
}

/** GET (documented) or POST (node-flinks) `/{Endpoint}Async/{requestId}`. */
export function getAccountsAsync(endpoint: DataEndpoint) {
  return ({ request, params, state }: Ctx): Response => {
    const denied = apiKeyDenied(request, state);
    if (denied) return denied;
    const session = authorizedSession(state, params.requestId);
    if (session instanceof Response) return session;
    const operation = session.operations.get(endpoint);
    if (operation && operation.pollsLeft > 0) {
      operation.pollsLeft--;
      return accepted(endpoint, 'OPERATION_PENDING', session.requestId);
    }
    return json(200, render(endpoint, state, session, operation?.request ?? {}));
  };
}

export function deleteCard({ request, params, state }: Ctx): Response {
  const denied = apiKeyDenied(request, state);
  if (denied) return denied;
  const key = (params.loginId ?? '').toLowerCase();
  const login = state.logins.get(key);
  if (!login) {
    if (state.legacyDeleteCard) return new Response('Invalid LoginId', { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    return json(401, { StatusCode: 401, Message: 'The LoginId provided is either invalid or does not belong to the CustomerId', FlinksCode: 'INVALID_LOGIN' });
  }
  const sessions = [...state.sessions.values()].filter((s) => s.loginId?.toLowerCase() === key);
  if (sessions.some((s) => [...s.operations.values()].some((op) => op.pollsLeft > 0))) {
    return json(400, { StatusCode: 400, Message: 'The card is still being processed, retry later', FlinksCode: 'CARD_IN_USE' });
  }
  state.logins.delete(key);
  for (const s of sessions) s.status = 'ended';
  const message = `All of the information about LoginId ${login.loginId} has been removed`;
  if (state.legacyDeleteCard) return new Response(message, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return json(200, { StatusCode: 200, Message: message });
}
