/**
 * The data endpoints: GetAccountsDetail / GetAccountsSummary / GetStatements (202
 * OPERATION_PENDING or OPERATION_DISPATCHED for test_pending / test_dispatched, then their
 * Async companions), DeleteCard with its own `StatusCode` body, and SetScheduledRefresh.
 *
 * As Flinks does, an operation that answered 202 is keyed by its RequestId alone: every
 * later data call on that RequestId (whatever its endpoint or flags) and every Async poll
 * answers that first request's result. A client that asks one RequestId twice with other
 * flags gets the first answer back.
 */
import type { RouteContext } from '../simulator.js';
import { liveSession, loginBody, sessionGone } from './authorize.js';
import { detailAccount, statementsOf, summaryAccount } from './data.js';
import { institutionOf } from './scenarios.js';
import type { FlinksSimState, SimDataEndpoint, SimDataOperation, SimSession } from './state.js';
import { bool, flinksError, header, json, lowerKeys, own, str } from './wire.js';

type Ctx = RouteContext<FlinksSimState>;

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

function accepted(endpoint: SimDataEndpoint, code: SimDataOperation['code'], requestId: string): Response {
  const asyncName = `${endpoint}Async`;
  return json(202, {
    FlinksCode: code,
    Links: [{ rel: asyncName, href: `/${asyncName}`, example: `/${asyncName}/${requestId}` }],
    HttpStatusCode: 202,
    Message: MESSAGES[code],
    RequestId: requestId,
  });
}

function accountsFilter(body: Record<string, unknown>): string[] | undefined {
  return Array.isArray(body.accountsfilter) ? body.accountsfilter.filter((id): id is string => typeof id === 'string') : undefined;
}

function render(endpoint: SimDataEndpoint, state: FlinksSimState, session: SimSession, body: Record<string, unknown>): Response {
  const login = state.logins.get((session.loginId ?? '').toLowerCase());
  const filter = accountsFilter(body);
  const accounts = state.accounts.filter((a) => !filter || filter.includes(a.Id));
  const institutionId = institutionOf(session.institution)?.id;
  const tail = {
    InstitutionName: session.institution,
    ...(login ? { Login: loginBody(state, login) } : {}),
    ...(institutionId !== undefined ? { InstitutionId: institutionId } : {}),
    Institution: session.institution,
    RequestId: session.requestId,
  };
  if (endpoint === 'GetStatements') {
    const period = str(body.numberofstatements) ?? 'MostRecent';
    const count = ({ MostRecent: 1, Months3: 3, Months12: 12 } as Record<string, number>)[period];
    if (count === undefined) {
      return flinksError(400, 'INVALID_REQUEST', 'The request is invalid', { ValidationDetails: { NumberOfStatements: ['Expected MostRecent, Months3 or Months12.'] } });
    }
    if (count === 12 && filter?.length !== 1) {
      return flinksError(400, 'INVALID_REQUEST', 'The request is invalid', { ValidationDetails: { AccountsFilter: ['Months12 needs exactly one account.'] } });
    }
    const StatementsByAccount = accounts
      .filter((a) => a.AccountNumber !== null)
      .map((a) => ({ AccountNumber: a.AccountNumber, Statements: statementsOf(a, count, state.statementPadding) }));
    return json(200, { HttpStatusCode: 200, StatementsByAccount, ...(login ? { Login: loginBody(state, login) } : {}), Institution: session.institution, RequestId: session.requestId });
  }
  if (endpoint === 'GetAccountsSummary') {
    const withBalance = bool(body.withbalance) ?? true;
    return json(200, {
      HttpStatusCode: 200,
      Accounts: accounts.map((a) => summaryAccount(a, state.holder, withBalance)),
      Links: [
        { rel: 'AccountsDetail', href: '/GetAccountsDetail', example: null },
        { rel: 'Statements', href: '/GetStatements', example: null },
      ],
      ...(session.tag !== undefined ? { Tag: session.tag } : {}),
      ...tail,
    });
  }
  // Defaults of an absent flag as observed on the sandbox (sdk-csharp, 2019).
  const flags = {
    identity: bool(body.withaccountidentity) ?? false,
    kyc: bool(body.withkyc) ?? true,
    transactions: bool(body.withtransactions) ?? true,
    balance: bool(body.withbalance) ?? true,
  };
  return json(200, { HttpStatusCode: 200, Accounts: accounts.map((a) => detailAccount(a, state.holder, flags)), ...tail });
}

/** The result of a RequestId's operation (202 while it processes), whatever was asked this time. */
function answerOperation(state: FlinksSimState, session: SimSession, operation: SimDataOperation): Response {
  if (operation.pollsLeft > 0) return accepted(operation.endpoint, operation.code, session.requestId);
  return render(operation.endpoint, state, session, operation.request);
}

export function getData(endpoint: SimDataEndpoint) {
  return ({ request, body: raw, state }: Ctx): Response => {
    const denied = apiKeyDenied(request, state);
    if (denied) return denied;
    const body = lowerKeys(raw) ?? {};
    const session = authorizedSession(state, str(body.requestid));
    if (session instanceof Response) return session;
    // Keyed by RequestId alone: a later request on this RequestId gets the first one's result.
    if (session.operation) return answerOperation(state, session, session.operation);
    const background = own(state.scenarios, session.scenario)?.data;
    if (background) {
      session.operation = { endpoint, code: background, pollsLeft: state.asyncPollsUntilReady, request: body };
      return accepted(endpoint, background, session.requestId);
    }
    return render(endpoint, state, session, body);
  };
}

/** GET (documented) or POST (node-flinks) `/{Endpoint}Async/{requestId}`. */
export function getDataAsync(endpoint: SimDataEndpoint) {
  return ({ request, params, state }: Ctx): Response => {
    const denied = apiKeyDenied(request, state);
    if (denied) return denied;
    const session = authorizedSession(state, params.requestId);
    if (session instanceof Response) return session;
    const operation = session.operation;
    if (!operation) return render(endpoint, state, session, {});
    if (operation.pollsLeft > 0) {
      operation.pollsLeft--;
      return accepted(operation.endpoint, 'OPERATION_PENDING', session.requestId);
    }
    return answerOperation(state, session, operation);
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
  if (sessions.some((s) => (s.operation?.pollsLeft ?? 0) > 0)) {
    return json(400, { StatusCode: 400, Message: 'The card is still being processed, retry later', FlinksCode: 'CARD_IN_USE' });
  }
  state.logins.delete(key);
  for (const s of sessions) s.status = 'ended';
  const message = `All of the information about LoginId ${login.loginId} has been removed`;
  if (state.legacyDeleteCard) return new Response(message, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return json(200, { StatusCode: 200, Message: message });
}

/** PATCH /SetScheduledRefresh `{ LoginId, IsActivated }` → a JSON string (sdk-csharp tests against the 2019 sandbox). */
export function setScheduledRefresh({ request, body: raw, state }: Ctx): Response {
  const denied = apiKeyDenied(request, state);
  if (denied) return denied;
  const body = lowerKeys(raw) ?? {};
  const loginId = str(body.loginid);
  const activated = bool(body.isactivated);
  if (!loginId || activated === undefined) {
    return flinksError(400, 'INVALID_REQUEST', 'The request is invalid', { ValidationDetails: { [loginId ? 'IsActivated' : 'LoginId']: ['The field is required.'] } });
  }
  const login = state.logins.get(loginId.toLowerCase());
  if (!login) return flinksError(state.invalidLoginStatus, 'INVALID_LOGIN', 'The LoginId provided is either invalid or does not belong to the CustomerId');
  login.scheduledRefresh = activated;
  return json(200, `LoginId ${login.loginId} has now been ${activated ? 'activated' : 'deactivated'} for automatic refresh`);
}
