/**
 * AIS data over a customer's AIS token: accounts (JSON:API, `withBalances`), transactions
 * (paginated over `links.next`, `filter[date_from|date_to]`), account holders, delete.
 * The catalog's singular `/account/{id}` routes are served as aliases with its flat shapes.
 */
import type { Route } from '../simulator.js';
import type { SimAccount, SimTransaction } from './data.js';
import { aisAuth, errors, fail, json, signed, type Ctx } from './envelope.js';
import type { FintectureSimState, SimCustomer } from './state.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function customerOf(ctx: Ctx): SimCustomer | Response {
  const id = ctx.params.customer ?? '';
  const denied = aisAuth(ctx, id);
  if (denied) return denied;
  return ctx.state.customers.get(id) as SimCustomer;
}

function accountOf(ctx: Ctx, customer: SimCustomer): SimAccount | Response {
  return customer.accounts.find((a) => a.id === ctx.params.account) ?? errors.accountUnknown();
}

function jsonApiAccount(origin: string, customer: SimCustomer, account: SimAccount, withBalance: boolean) {
  return {
    type: 'accounts',
    id: account.id,
    attributes: {
      account_id: account.accountId,
      account_name: account.name,
      account_type: account.type,
      bic_swift: account.bic,
      currency: account.currency,
      iban: account.iban,
      internal_id: `${account.id.slice(0, 8)}-sim`,
      ...(withBalance ? { balance: account.balance } : {}),
    },
    relationships: {
      transactions: { links: { related: `${origin}/ais/v1/customer/${customer.id}/accounts/${account.id}/transactions` } },
    },
  };
}

/**
 * The catalog's Berlin-Group-style account (api-evangelist example): signed balances; the
 * loan's in the ISO 20022 way (an unsigned amount with a debit indicator), as some banks send it.
 */
function flatAccount(account: SimAccount) {
  const timestamp = new Date().toISOString();
  const owed = account.balance < 0;
  const signed = String(account.balance);
  const unsigned = String(Math.abs(account.balance));
  const balance = (type: string) =>
    account.kind === 'LOAN'
      ? { type, amount: unsigned, creditDebitIndicator: owed ? 'DBIT' : 'CRDT', currency: account.currency, timestamp }
      : { type, amount: signed, currency: account.currency, timestamp };
  return {
    id: account.id,
    ...(account.iban ? { iban: account.iban } : {}),
    bic: account.bic,
    currency: account.currency,
    type: account.kind,
    balances: [balance('available'), balance('closingBooked')],
  };
}

function meta(customer: SimCustomer) {
  return { customer_id: customer.id, last_authentication: customer.lastAuthentication, provider: customer.bank, remaining_days: customer.remainingDays };
}

function listAccounts(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  // "true by default" (PHP SDK docblock); booleans travel as the strings true/false.
  const withBalances = ctx.url.searchParams.get('withBalances') !== 'false';
  if (ctx.state.shapes === 'catalog') return json(200, { data: customer.accounts.map(flatAccount) });
  return json(200, { data: customer.accounts.map((a) => jsonApiAccount(ctx.url.origin, customer, a, withBalances)), meta: meta(customer) });
}

function getAccount(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const account = accountOf(ctx, customer);
  if (account instanceof Response) return account;
  return json(200, { data: jsonApiAccount(ctx.url.origin, customer, account, ctx.url.searchParams.get('withBalances') !== 'false'), meta: meta(customer) });
}

function getAccountCatalog(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const account = accountOf(ctx, customer);
  return account instanceof Response ? account : json(200, flatAccount(account));
}

// ---------------------------------------------------------------- transactions

function inRange(tx: SimTransaction, from: string | null, to: string | null): boolean {
  if (from && from !== 'max' && tx.booking_date < from) return false;
  if (to && tx.booking_date > to) return false;
  return true;
}

function jsonApiTransaction(tx: SimTransaction) {
  const { id, ...attributes } = tx;
  return { type: 'transactions', id, attributes };
}

/** The catalog's flat transaction: unsigned amount plus `type: debit|credit`. */
function flatTransaction(tx: SimTransaction) {
  const debit = tx.amount.startsWith('-');
  return {
    id: tx.id,
    amount: debit ? tx.amount.slice(1) : tx.amount,
    currency: tx.currency,
    booking_date: tx.booking_date,
    value_date: tx.value_date,
    description: tx.communication,
    type: debit ? 'debit' : 'credit',
  };
}

function listTransactions(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const account = accountOf(ctx, customer);
  if (account instanceof Response) return account;
  const q = ctx.url.searchParams;
  ctx.state.transactionQueries.push(ctx.url.search);
  const from = q.get('filter[date_from]');
  const to = q.get('filter[date_to]');
  if (from !== null && from !== 'max' && !DAY.test(from)) return errors.invalidField('filter[date_from]', 'YYYY-MM-DD or max');
  if (to !== null && !DAY.test(to)) return errors.invalidField('filter[date_to]', 'YYYY-MM-DD');
  const rows = account.transactions.filter((t) => inRange(t, from, to));
  if (ctx.state.shapes === 'catalog') return json(200, { data: rows.map(flatTransaction), meta: { count: rows.length } });

  const page = Number(q.get('page') ?? '1');
  if (!Number.isInteger(page) || page < 1) return errors.invalidField('page', 'a positive integer');
  const size = ctx.state.pageSize;
  const slice = rows.slice((page - 1) * size, page * size);
  const links: Record<string, string> = { self: `${ctx.url.pathname}${ctx.url.search}` };
  if (page * size < rows.length) {
    const next = new URLSearchParams(q);
    next.set('page', String(page + 1));
    const path = `${ctx.url.pathname}?${next.toString()}`;
    links.next = ctx.state.relativeNextLinks ? path : `${ctx.url.origin}${path}`;
  }
  return json(200, { data: slice.map(jsonApiTransaction), links, meta: { count: rows.length } });
}

function listTransactionsCatalog(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const account = accountOf(ctx, customer);
  if (account instanceof Response) return account;
  const rows = account.transactions.filter((t) => inRange(t, ctx.url.searchParams.get('from'), ctx.url.searchParams.get('to')));
  return json(200, { data: rows.map(flatTransaction), meta: { count: rows.length } });
}

// ---------------------------------------------------------------- holders, delete

function holdersUnsupported(state: FintectureSimState, customer: SimCustomer): Response | undefined {
  if (state.bank(customer.bank)?.holders) return undefined;
  return fail(501, 'not_implemented', 'Not Implemented', 'Account holders are not available for this provider.');
}

function listHolders(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const unsupported = holdersUnsupported(ctx.state, customer);
  if (unsupported) return unsupported;
  if (ctx.state.shapes === 'catalog') return json(200, { data: customer.holders.map((h) => ({ name: h.fullName })) });
  return json(200, {
    data: customer.holders.map((h) => ({ type: 'accountholders', id: h.id, attributes: { full_name: h.fullName } })),
    meta: { provider: customer.bank, last_authentication: customer.lastAuthentication },
  });
}

function listHoldersCatalog(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  const account = accountOf(ctx, customer);
  if (account instanceof Response) return account;
  return holdersUnsupported(ctx.state, customer) ?? json(200, { data: customer.holders.map((h) => ({ name: h.fullName })) });
}

/** Deletes the connection, its tokens and its data; 200 `customer_deleted` (catalog mode: 204). */
function deleteCustomer(ctx: Ctx): Response {
  const customer = customerOf(ctx);
  if (customer instanceof Response) return customer;
  customer.deleted = true;
  ctx.state.revokeAccessTokens(customer.id);
  for (const token of ctx.state.refreshTokens.values()) if (token.customerId === customer.id) token.revoked = true;
  if (ctx.state.shapes === 'catalog') return new Response(null, { status: 204 });
  return json(200, { meta: { status: 200, code: 'customer_deleted' } });
}

export const aisRoutes: Route<FintectureSimState>[] = [
  { method: 'GET', path: '/ais/v1/customer/:customer/accounts', endpoint: 'ListAccounts', handle: signed(listAccounts) },
  { method: 'GET', path: '/ais/v1/customer/:customer/accounts/:account', endpoint: 'GetAccount', handle: signed(getAccount) },
  { method: 'GET', path: '/ais/v1/customer/:customer/accounts/:account/transactions', endpoint: 'ListTransactions', handle: signed(listTransactions) },
  { method: 'GET', path: '/ais/v1/customer/:customer/accountholders', endpoint: 'ListHolders', handle: signed(listHolders) },
  { method: 'DELETE', path: '/ais/v1/customer/:customer', endpoint: 'DeleteCustomer', handle: signed(deleteCustomer) },
  // Catalog aliases (api-evangelist): singular `account`, `from`/`to`, per-account holders.
  { method: 'GET', path: '/ais/v1/customer/:customer/account/:account', endpoint: 'GetAccountCatalog', handle: signed(getAccountCatalog) },
  { method: 'GET', path: '/ais/v1/customer/:customer/account/:account/transactions', endpoint: 'ListTransactionsCatalog', handle: signed(listTransactionsCatalog) },
  { method: 'GET', path: '/ais/v1/customer/:customer/account/:account/holders', endpoint: 'ListHoldersCatalog', handle: signed(listHoldersCatalog) },
];
