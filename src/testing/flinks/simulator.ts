import { Simulator, type Route, type RouteContext } from '../simulator.js';
import { deleteCard, getData, getDataAsync, setScheduledRefresh } from './accounts.js';
import { authorize, authorizeAsync, generateAuthorizeToken } from './authorize.js';
import { createFlinksState, type FlinksSimState, type FlinksSimulatorOptions } from './state.js';

const BASE = '/v3/:customerId/BankingServices';

type Handler = (ctx: RouteContext<FlinksSimState>) => Response | Promise<Response>;

/** Every processed request is kept with its response in `state.exchanges`, for tests to assert exact bodies. */
function recorded(endpoint: string, handle: Handler): Handler {
  return async (ctx) => {
    const response = await handle(ctx);
    const text = await response.clone().text();
    let answered: unknown = text;
    try {
      answered = JSON.parse(text);
    } catch {
      // Not JSON (legacy DeleteCard): keep the text.
    }
    const headers: { 'flinks-auth-key'?: string; 'x-api-key'?: string } = {};
    for (const name of ['flinks-auth-key', 'x-api-key'] as const) {
      const value = ctx.request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    ctx.state.exchanges.push({
      endpoint,
      method: ctx.request.method,
      path: ctx.url.pathname,
      headers,
      body: ctx.body === undefined ? undefined : structuredClone(ctx.body),
      status: response.status,
      response: answered,
      at: ctx.state.now(),
    });
    return response;
  };
}

function route(method: Route<FlinksSimState>['method'], path: string, endpoint: string, handle: Handler): Route<FlinksSimState> {
  return { method, path: `${BASE}/${path}`, endpoint, handle: recorded(endpoint, handle) };
}

const routes: Route<FlinksSimState>[] = [
  route('POST', 'GenerateAuthorizeToken', 'GenerateAuthorizeToken', generateAuthorizeToken),
  route('POST', 'Authorize', 'Authorize', authorize),
  route('POST', 'AuthorizeAsync', 'AuthorizeAsync', authorizeAsync),
  ...(['GetAccountsDetail', 'GetAccountsSummary', 'GetStatements'] as const).flatMap((endpoint) => [
    route('POST', endpoint, endpoint, getData(endpoint)),
    route('GET', `${endpoint}Async/:requestId`, `${endpoint}Async`, getDataAsync(endpoint)),
    route('POST', `${endpoint}Async/:requestId`, `${endpoint}Async`, getDataAsync(endpoint)),
  ]),
  route('DELETE', 'DeleteCard/:loginId', 'DeleteCard', deleteCard),
  route('PATCH', 'SetScheduledRefresh', 'SetScheduledRefresh', setScheduledRefresh),
];

/**
 * A simulated Flinks instance (v3 BankingServices) at `https://toolbox-api.private.fin.ag`
 * by default: point `flinks({ customerId, baseUrl: sim.baseUrl })` at it, or use msw with
 * `sim.handlers()` and the default base URL. Sandbox users and bank scenarios: see
 * `state.scenarios` (password `Everyday`).
 */
export function flinksSimulator(options: FlinksSimulatorOptions = {}): Simulator<FlinksSimState> {
  return new Simulator<FlinksSimState>(
    {
      name: 'flinks',
      defaultOrigin: 'https://toolbox-api.private.fin.ag',
      routes,
      notFound: (request) =>
        Response.json({ HttpStatusCode: 404, Message: `No such endpoint: ${request.method} ${new URL(request.url).pathname}` }, { status: 404 }),
    },
    () => createFlinksState(options),
  );
}
