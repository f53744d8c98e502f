import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/core/errors.js';
import { HttpResponse } from '../../../src/core/http.js';
import type { HttpRequest } from '../../../src/core/http.js';
import type { AdapterContext } from '../../../src/core/provider.js';
import { Secrets } from '../../../src/core/redact.js';
import { Account, AccountHolder, Transaction } from '../../../src/index.js';
import { fintecture } from '../../../src/providers/fintecture/index.js';
import { failureOf } from '../../../src/core/failures.js';
import { failures, toAccount, toHolder, toTransaction } from '../../../src/providers/fintecture/mapping.js';
import {
  AccountsResponse,
  AuthorizeResponse,
  DecoupledStatusResponse,
  DeleteResponse,
  HoldersResponse,
  ProviderResponse,
  TokenResponse,
  TransactionsResponse,
  bankInfo,
} from '../../../src/providers/fintecture/schemas/wire.js';
import { tokenSet } from '../../../src/providers/fintecture/tokens.js';

/** Real recorded and documented Fintecture bodies (research/specs/fintecture) through the adapter's schemas and mapping. */
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const documented = fixture('documented.json') as Record<string, { body: unknown; status?: number; success?: string; error?: string }>;
const doc = (name: string): unknown => documented[name]?.body;

/** The typed error the core makes of a failed answer, through Fintecture's failure table. */
const failure = (_ctx: unknown, res: HttpResponse): Error => failureOf({ provider: 'fintecture', retryAfter: () => undefined }, failures, res);

const ctx = {
  provider: 'fintecture',
  fail: (reason, message, options) => new ConnectionError(reason, message, { provider: 'fintecture', ...options }),
} as Pick<AdapterContext, 'provider' | 'fail'> as AdapterContext;

function response(status: number, body: unknown, endpoint = 'ListAccounts'): HttpResponse {
  return new HttpResponse('fintecture', endpoint, status, new Headers({ 'content-type': 'application/json' }), JSON.stringify(body));
}

describe('accounts', () => {
  it('a recorded sandbox accounts response (ingbes, python test sample)', () => {
    const body = response(200, fixture('ais-accounts-response.python-test-sample.json')).parse(AccountsResponse);
    expect(body.meta).toMatchObject({ customer_id: 'f1923614953cb0e1f1da8b5c016fd5a7', provider: 'ingbes', remaining_days: 69 });
    const accounts = body.data.map((item, i) => Account.parse(toAccount(item, 'f1923614953cb0e1f1da8b5c016fd5a7', i, 'ListAccounts')));
    expect(accounts.map((a) => [a.id.slice(0, 8), a.name, a.type, a.iban, a.currency, a.balances])).toEqual([
      ['dbfa3765', 'Rafael Galán García', 'checking', 'ES5014650100981708392372', 'EUR', {}],
      ['c47c10f6', 'Daniel Bicho Bueno', 'checking', 'ES9214650100921708668748', 'EUR', {}],
    ]);
    expect(accounts[0]?.raw).toMatchObject({ relationships: { transactions: { links: { related: expect.stringContaining('/transactions') } } } });
  });

  it("the catalog's flat account example (api-evangelist), with balances[]", () => {
    const recorded = fixture('catalog-get-accounts-example.json') as { response: { body: unknown } };
    const body = response(200, recorded.response.body).parse(AccountsResponse);
    const [account] = body.data.map((item, i) => Account.parse(toAccount(item, 'cust_abc123', i, 'ListAccounts')));
    expect(account).toMatchObject({
      id: 'acc_fr_001',
      type: 'checking',
      iban: 'FR7630006000011234567890189',
      balances: { available: { amount: '1284.32', currency: 'EUR' }, current: { amount: '1284.32', currency: 'EUR' } },
    });
  });
});

describe('tokens', () => {
  it('a recorded client_credentials answer (laravel fixture): no refresh token, one hour', () => {
    const recorded = fixture('pis-token-response.laravel-fixture.json') as { body: unknown };
    const body = response(200, recorded.body, 'AccessToken').parse(TokenResponse);
    const set = tokenSet(body, 1_000);
    expect(set.expiresAt).toBe(1_000 + 3_600_000);
    expect(set.refreshToken).toBeUndefined();
  });

  it('an AIS token answer with its refresh token (Ruby spec)', () => {
    const set = tokenSet(response(200, doc('token_ais_ruby_spec'), 'AccessToken').parse(TokenResponse), 0);
    expect(set).toEqual({ accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', expiresAt: 3_600_000, refreshToken: 'rt-opaque-value' });
  });
});

describe('providers and authorization', () => {
  it('reads the provider in the JSON:API shape (Ruby spec) and the flat catalog shape', () => {
    expect(bankInfo(response(200, doc('provider_ruby_spec')).parse(ProviderResponse), 'agfbfr')).toEqual({ id: 'agfbfr', name: 'Crédit Agricole', country: 'FR' });
    expect(bankInfo(response(200, doc('provider_reconstructed')).parse(ProviderResponse), 'agfbfr')).toMatchObject({
      authModels: ['redirect', 'decoupled'],
      ais: ['accounts', 'transactions', 'accountholders'],
      psuTypes: ['retail', 'corporate'],
    });
    expect(bankInfo(response(200, doc('provider_catalog')).parse(ProviderResponse), 'cmcifrpp')).toMatchObject({ id: 'cmcifrpp', name: 'CIC', authModels: ['redirect'] });
    expect(bankInfo(response(200, { data: [] }).parse(ProviderResponse), 'nobank')).toBeUndefined();
  });

  it('reads authorization answers: redirect url, polling_id with triggers, meta.session_id', () => {
    expect(response(200, doc('authorize_redirect_ruby_spec')).parse(AuthorizeResponse)).toMatchObject({ model: 'redirect', url: expect.stringContaining('https://') });
    expect(response(200, doc('authorize_decoupled_sdk')).parse(AuthorizeResponse)).toMatchObject({ polling_id: '6a1f0e2c9b', triggers: { qr: 'BANKID.6a1f0e2c9b' } });
    expect(response(200, doc('authorize_decoupled_catalog')).parse(AuthorizeResponse)).toMatchObject({ meta: { session_id: 'sess-123' } });
  });

  it('reads decoupled statuses from every source', () => {
    const parse = (name: string) => response(200, doc(name), 'PollDecoupled').parse(DecoupledStatusResponse);
    expect(parse('decoupled_status_pending_ruby')).toMatchObject({ status: 'PENDING', provider: 'agfbfr' });
    expect(parse('decoupled_status_completed_js')).toMatchObject({ status: 'COMPLETED', customer_id: '380202af6694dbd2d177c84028f1908b', code: expect.any(String) });
    expect(parse('decoupled_status_completed_python')).toMatchObject({ connection_id: '380202af6694dbd2d177c84028f1908b' });
    expect(parse('decoupled_status_catalog')).toMatchObject({ status: 'FAILED' });
  });
});

describe('transactions, holders, delete', () => {
  it('JSON:API transactions with links.next, and the catalog flat ones with a direction', () => {
    const sdk = response(200, doc('transactions_sdk'), 'ListTransactions').parse(TransactionsResponse);
    expect(sdk.links?.next).toContain('filter[date_from]=max');
    expect(Transaction.parse(toTransaction(sdk.data[0] as never, 'dbf', undefined, 0, 'ListTransactions'))).toMatchObject({
      amount: { amount: '-12.50', currency: 'EUR' },
      status: 'booked',
      bookingDate: '2022-08-24',
      valueDate: '2022-08-24',
      description: 'CB BOULANGERIE',
    });
    const catalog = response(200, doc('transactions_catalog'), 'ListTransactions').parse(TransactionsResponse);
    expect(Transaction.parse(toTransaction(catalog.data[0] as never, 'acc', undefined, 0, 'ListTransactions'))).toMatchObject({
      amount: { amount: '-12.50', currency: 'EUR' },
      counterparty: 'Boulangerie Paul',
      description: 'BOULANGERIE',
    });
  });

  it('holders in both shapes', () => {
    const ruby = response(200, doc('holders_ruby_spec'), 'ListHolders').parse(HoldersResponse);
    expect(ruby.data.map((item, i) => AccountHolder.parse(toHolder(item, i, 'ListHolders')).name)).toEqual(['Rafael Galán García']);
    const catalog = response(200, doc('holders_catalog'), 'ListHolders').parse(HoldersResponse);
    expect(AccountHolder.parse(toHolder(catalog.data[0] as never, 0, 'ListHolders'))).toMatchObject({ name: 'Jeanne Martin', address: '1 rue de la Paix, Paris', email: 'jeanne@example.com' });
  });

  it('the delete answer', () => {
    expect(response(200, doc('delete_customer_js_spec'), 'DeleteCustomer').parse(DeleteResponse).meta.code).toBe('customer_deleted');
  });
});

describe('error bodies', () => {
  it('the documented 401 → consent_expired (invalid_token), with its log_id', () => {
    const error = failure(ctx, response(401, doc('error_401_ruby_readme')));
    expect(error).toMatchObject({ reason: 'consent_expired', providerCode: 'invalid_token', status: 401, message: expect.stringContaining('3006ddbf') });
  });

  it('customer_unknown (Ruby spec) → consent_expired; a Python-style item with detail and a string status → unknown', () => {
    expect(failure(ctx, response(400, doc('error_customer_unknown_ruby_spec')))).toMatchObject({ reason: 'consent_expired', providerCode: 'customer_unknown' });
    expect(failure(ctx, response(400, doc('error_python_test_item')))).toMatchObject({ reason: 'unknown', providerCode: 'invalid_field', message: expect.stringContaining('filter[date_from] is invalid') });
  });
});

describe('redirect callbacks (Python SDK examples)', () => {
  const challenge = { type: 'redirect', id: 'fintecture-1', provider: 'fintecture', url: 'https://connect-sandbox.fintecture.com/x', state: '1234' } as const;
  const session = { state: { phase: 'redirect', bank: 'cmcifrpp' } as const, sealed: {} };
  const params = (url: string) => Object.fromEntries(new URL(url).searchParams);

  it('the error callback is auth_rejected (access_denied), nothing sent', async () => {
    const sent: HttpRequest[] = [];
    const stub = { ...ctx, secrets: new Secrets(), now: () => Date.now(), request: async (req: HttpRequest) => (sent.push(req), response(500, {})) } as AdapterContext;
    const adapter = fintecture({ appId: 'a', appSecret: 'b' });
    const error = await adapter.answer(stub, session, challenge, { type: 'redirect', params: params(documented.redirect_callback_python?.error as string) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'access_denied' });
    expect(sent).toHaveLength(0);
  });

  it('the success callback: its code is exchanged (Basic, form, scope AIS) and customer_id becomes the reference', async () => {
    const sent: HttpRequest[] = [];
    const answers = [response(200, doc('token_ais_ruby_spec'), 'AccessToken'), response(200, fixture('ais-accounts-response.python-test-sample.json'))];
    const stub = { ...ctx, secrets: new Secrets(), now: () => Date.now(), request: async (req: HttpRequest) => (sent.push(req), answers.shift() as HttpResponse) } as AdapterContext;
    const adapter = fintecture({ appId: 'a', appSecret: 'b' });
    const step = await adapter.answer(stub, session, challenge, { type: 'redirect', params: params(documented.redirect_callback_python?.success as string) });
    expect(sent[0]).toMatchObject({ endpoint: 'AccessToken', method: 'POST', path: 'https://api-sandbox.fintecture.com/oauth/accesstoken', form: { grant_type: 'authorization_code', code: '8ecd9b10', scope: 'AIS' }, sensitive: true });
    expect(sent[0]?.headers?.authorization).toBe(`Basic ${btoa('a:b')}`);
    expect(sent[1]).toMatchObject({ endpoint: 'ListAccounts', path: 'ais/v1/customer/380202af6694dbd2d177c84028f1908b/accounts', query: { withBalances: false } });
    expect(step).toMatchObject({ kind: 'active', ref: { customerId: '380202af6694dbd2d177c84028f1908b', refreshToken: 'rt-opaque-value' } });
    expect(JSON.stringify(step.state)).not.toContain('rt-opaque-value');
  });
});
