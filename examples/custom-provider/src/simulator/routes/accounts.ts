/**
 * Accounts: metadata (free), then details, balances and transactions, each spending one of
 * the account's daily calls for its scope, with every documented error (RESEARCH.md §5, §6).
 */
import type { Route } from 'polybank/testing';
import { accountHeaders, error, fieldErrors, json, limited, unauthorized, type Ctx } from '../http.js';
import type { GoCardlessSimState, Scope, SimAccount } from '../state.js';

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function metadata(account: SimAccount): Record<string, unknown> {
  const { iban, bban, ownerName } = account.data;
  return {
    id: account.id,
    created: account.created,
    last_accessed: account.lastAccessed,
    ...(iban ? { iban } : {}),
    ...(bban ? { bban } : {}),
    institution_id: account.institutionId,
    status: account.status,
    ...(ownerName ? { owner_name: ownerName } : {}),
  };
}

function find(ctx: Ctx): SimAccount | Response {
  const id = ctx.params.id ?? '';
  if (!/^[0-9a-f-]{36}$/i.test(id)) return error(400, 'Invalid Account ID', `${id} is not a valid UUID.`);
  const account = ctx.state.accounts.get(id);
  if (!account) return error(404, `Account: ${id} not found`, `Account: ${id} not found`);
  // Reading the requisition applies an expiry that is due (to the account's status too).
  ctx.state.requisition(account.requisitionId);
  return account;
}

/** The checks every data call goes through, in GoCardless's order; undefined lets it through. */
function refuse(ctx: Ctx, account: SimAccount, scope: Scope): Response | undefined {
  const what = `Couldn't update account ${scope}`;
  const requisition = ctx.state.requisition(account.requisitionId);
  if (!requisition) {
    // Uses `error`, not `detail`: as documented.
    return json(403, { summary: 'No valid End User Agreement', error: 'Account exists but there is no valid End User Agreement permitting you to access it', status_code: 403 });
  }
  if (account.status === 'EXPIRED') return error(401, what, 'Access has expired or it has been revoked. To restore access reconnect the account.', { type: 'AccessExpiredError' });
  if (account.status === 'SUSPENDED') return error(409, 'Account suspended', 'This account or its requisition was suspended due to numerous errors that occurred while accessing it.');
  const agreement = ctx.state.agreements.get(requisition.agreement);
  if (!agreement?.access_scope.includes(scope)) {
    return error(403, 'End User Agreement (EUA) access scope error', `EUA doesn't allow access to account ${scope}. Check EUA access scope. Or create new EUA with correct access scope`);
  }
  if (ctx.state.accountBudget(account.id, scope).remaining === 0) {
    return error(429, what, 'Daily request limit set by the Institution has been exceeded.', { type: 'RateLimitError' }, accountHeaders(ctx.state, account.id, scope));
  }
  return undefined;
}

/** Serves one scope: refusals first; a success spends the day's budget and says what is left. */
function serve(ctx: Ctx, scope: Scope, body: (account: SimAccount) => Response): Response {
  const found = find(ctx);
  if (found instanceof Response) return found;
  const refused = refuse(ctx, found, scope);
  if (refused) return refused;
  const response = body(found);
  if (!response.ok) return response;
  ctx.state.spendAccountBudget(found.id, scope);
  found.lastAccessed = ctx.state.iso();
  for (const [name, value] of Object.entries(accountHeaders(ctx.state, found.id, scope))) response.headers.set(name, value);
  return response;
}

function day(value: unknown): string | undefined {
  return typeof value === 'string' && value.length >= 10 ? value.slice(0, 10) : undefined;
}

function transactions(ctx: Ctx, account: SimAccount): Response {
  const today = ctx.state.iso().slice(0, 10);
  const from = ctx.url.searchParams.get('date_from') ?? undefined;
  const to = ctx.url.searchParams.get('date_to') ?? undefined;
  const errors: Record<string, unknown> = {};
  for (const [field, value] of [['date_from', from], ['date_to', to]] as const) {
    if (value === undefined) continue;
    if (!ISO_DAY.test(value) || Number.isNaN(Date.parse(value))) errors[field] = { summary: 'Invalid date', detail: `'${value}' is not a valid ISO 8601 date` };
    else if (value > today) errors[field] = { summary: "Date can't be in future", detail: `'${value}' can't be greater than ${today}. Specify correct date range` };
  }
  if (Object.keys(errors).length) return fieldErrors(errors);
  if (from && to && from > to) {
    return error(400, 'Incorrect date range', `Starting date '${from}' is greater than end date '${to}'. When specifying date range, starting date must precede the end date`);
  }
  // No older than the agreement allows.
  const requisition = ctx.state.requisition(account.requisitionId);
  const agreement = requisition ? ctx.state.agreements.get(requisition.agreement) : undefined;
  const oldest = agreement ? new Date(Date.parse(agreement.accepted ?? agreement.created) - agreement.max_historical_days * DAY_MS).toISOString().slice(0, 10) : '0000-00-00';
  const lower = from && from > oldest ? from : oldest;
  const inRange = (t: Record<string, unknown>): boolean => {
    const date = day(t.bookingDate) ?? day(t.bookingDateTime) ?? day(t.valueDate) ?? day(t.valueDateTime);
    return date !== undefined && date >= lower && (to === undefined || date <= to);
  };
  const { booked, pending } = account.data;
  return json(200, { transactions: { booked: booked.filter(inRange), ...(pending ? { pending } : {}) } });
}

export const accountRoutes: ReadonlyArray<Route<GoCardlessSimState>> = [
  {
    method: 'GET',
    path: '/api/v2/accounts/:id/',
    endpoint: 'Account',
    handle: (ctx) =>
      limited(ctx, 'accounts', () => {
        const found = unauthorized(ctx) ?? find(ctx);
        return found instanceof Response ? found : json(200, metadata(found));
      }),
  },
  {
    method: 'GET',
    path: '/api/v2/accounts/:id/details/',
    endpoint: 'AccountDetails',
    handle: (ctx) => limited(ctx, 'accounts', () => unauthorized(ctx) ?? serve(ctx, 'details', (a) => json(200, { account: a.data.details }))),
  },
  {
    method: 'GET',
    path: '/api/v2/accounts/:id/balances/',
    endpoint: 'AccountBalances',
    handle: (ctx) => limited(ctx, 'accounts', () => unauthorized(ctx) ?? serve(ctx, 'balances', (a) => json(200, { balances: a.data.balances }))),
  },
  {
    method: 'GET',
    path: '/api/v2/accounts/:id/transactions/',
    endpoint: 'AccountTransactions',
    handle: (ctx) => limited(ctx, 'accounts', () => unauthorized(ctx) ?? serve(ctx, 'transactions', (a) => transactions(ctx, a))),
  },
];
