/**
 * Contract tests: the documented and recorded Flinks examples (research specs, copied into
 * fixtures/) served as-is to the adapter, in-process through msw, to prove the schemas and
 * mappings against real shapes rather than only against our simulator's.
 */
import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Polybank, type ErrorReason } from '../../../src/index.js';
import { flinks, type FlinksOptions } from '../../../src/providers/flinks/index.js';
import { FLINKS_CODES, flinksFailures } from '../../../src/providers/flinks/mapping.js';
import { codeRow } from '../../../src/provider.js';
import { flinksStatementPdf } from '../../../src/testing/index.js';
import { failure } from './support.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const withoutNote = (body: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(body).filter(([k]) => k !== '_note'));

const CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';
const BASE = `https://toolbox-api.private.fin.ag/v3/${CUSTOMER_ID}/BankingServices`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Received {
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

/** Answers `method path` with the given replies in order (the last one repeats); records what was received. */
function serve(method: 'get' | 'post' | 'patch' | 'delete', path: string, replies: Array<[number, unknown]>): Received[] {
  const received: Received[] = [];
  server.use(
    http[method](`${BASE}/${path}`, async ({ request }) => {
      const text = method === 'post' || method === 'patch' ? await request.text() : '';
      received.push({ path: new URL(request.url).pathname, body: text ? JSON.parse(text) : undefined, headers: Object.fromEntries(request.headers) });
      const [status, body] = replies[Math.min(received.length - 1, replies.length - 1)] as [number, unknown];
      return HttpResponse.json(body as Record<string, unknown> | string, { status });
    }),
  );
  return received;
}

function bank(options: Partial<FlinksOptions> = {}): Polybank<ReturnType<typeof flinks>> {
  // Default baseUrl: the toolbox instance, as a user's msw setup would intercept it.
  return new Polybank({ providers: [flinks({ customerId: CUSTOMER_ID, asyncPollIntervalMs: 10, ...options })], retry: false });
}

describe('Authorize examples', () => {
  it('live request, MFA prompt, answer and 200 exactly as documented', async () => {
    const authorize = serve('post', 'Authorize', [
      [203, fixture('authorize.203-mfa.json')],
      [200, fixture('authorize.200.json')],
    ]);
    const conn = bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: 'Everyday', language: 'en', tag: 'userId=1234' });
    for await (const c of conn.authenticate()) {
      expect(c).toMatchObject({ type: 'questions', prompts: [{ id: 'q1', text: 'What shape do people like most?' }] });
      if (c.type === 'questions') c.answer({ q1: 'Triangle' });
    }
    expect(authorize.map((r) => r.body)).toEqual([fixture('authorize-live.request.json'), fixture('authorize-mfa-answer.request.json')]);
    expect(conn.ref).toEqual({ loginId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' });
    expect(conn.status).toEqual({ status: 'active', lastSyncedAt: '2026-01-21T20:47:47.145Z' });
  });

  it('every SecurityChallenges type in one 203, answered with one key per prompt as the clients do', async () => {
    const authorize = serve('post', 'Authorize', [
      [203, fixture('authorize.203-mfa-composed-types.json')],
      [200, fixture('authorize.200.json')],
    ]);
    const conn = bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: 'Everyday' });
    for await (const c of conn.authenticate()) {
      if (c.type !== 'questions') throw new Error(c.type);
      expect(c.prompts).toEqual([
        { id: 'q1', text: 'What city were you born in?' },
        { id: 'q2', text: 'Pick your favourite colour', multiple: false, choices: ['Red', 'Green', 'Blue'].map((label, i) => ({ id: `o${i + 1}`, label })) },
        { id: 'q3', text: 'Select all that apply', multiple: true, choices: ['A', 'B', 'C'].map((label, i) => ({ id: `o${i + 1}`, label })) },
        {
          id: 'q4',
          text: 'Select your personal image',
          multiple: false,
          choices: [1, 2].map((n) => ({ id: `o${n}`, label: `Image ${n}`, image: { mediaType: 'application/octet-stream', data: '<base64 png/jpg>' } })),
        },
        {
          id: 'q5',
          text: 'How would you like to receive your code?',
          multiple: false,
          choices: [
            { id: 'o1-text', label: '•••-•••-1234 (Text)' },
            { id: 'o1-call', label: '•••-•••-1234 (Call)' },
            { id: 'o2-text', label: '•••-•••-5678 (Text)' },
            { id: 'o2-call', label: '•••-•••-5678 (Call)' },
          ],
        },
      ]);
      c.answer({ q1: 'Montreal', q2: 'o2', q3: ['o1', 'o3'], q4: 'o2', q5: 'o1-text' });
    }
    const expected = withoutNote(fixture('authorize-mfa-answer-composed-types.request.json')) as { SecurityResponses: Record<string, string[]> };
    // The composed example writes a placeholder where the chosen image string goes.
    expected.SecurityResponses['Select your personal image'] = ['<base64 png/jpg>'];
    expect(authorize[1]?.body).toEqual(expected);
  });

  it('cached mode request and the current 200 (InstitutionName, InstitutionId)', async () => {
    const authorize = serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    const detail = serve('post', 'GetAccountsDetail', [[200, fixture('get-accounts-detail.200.json')]]);
    const accounts = await bank().connection('flinks', { loginId: '5e115eac-1209-4f19-641c-08d6d484e2fe' }).accounts();
    expect(authorize.map((r) => r.body)).toEqual([fixture('authorize-cached.request.json')]);
    expect(detail[0]?.body).toMatchObject({ RequestId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' });
    expect(accounts).toHaveLength(1);
  });

  it('the composed 401 envelope is invalid_credentials', async () => {
    serve('post', 'Authorize', [[401, fixture('authorize-error.401.composed.json')]]);
    const conn = bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: 'nope' });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', status: 401 });
  });

  it('GenerateAuthorizeToken: its Token goes in flinks-auth-key; its 401 is UNAUTHORIZED', async () => {
    const token = serve('post', 'GenerateAuthorizeToken', [[200, fixture('generate-authorize-token.200.json')]]);
    const authorize = serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    const conn = bank({ authKey: 'c4569c54-e167-4d34-8de6-f4113bc82414' }).connect('flinks', { institution: 'FlinksCapital', username: 'greatday_nomfa', password: 'Everyday' });
    for await (const c of conn.authenticate()) void c;
    expect(token[0]?.headers['flinks-auth-key']).toBe('c4569c54-e167-4d34-8de6-f4113bc82414');
    expect(token[0]?.body).toBeUndefined();
    expect(authorize[0]?.headers['flinks-auth-key']).toBe('d65f1adb-8ebc-48dc-be8b-20c773ba1565');
    expect(authorize[0]?.headers['x-api-key']).toBeUndefined();

    server.resetHandlers();
    serve('post', 'GenerateAuthorizeToken', [[401, fixture('generate-authorize-token.401.json')]]);
    const refused = bank({ authKey: 'wrong' }).connect('flinks', { institution: 'FlinksCapital', username: 'greatday_nomfa', password: 'Everyday' });
    const error = await failure(async () => {
      for await (const c of refused.authenticate()) void c;
    });
    expect(error).toMatchObject({ providerCode: 'UNAUTHORIZED', reason: 'unknown', endpoint: 'GenerateAuthorizeToken' });
  });
});

describe('data examples', () => {
  const loginId = '5e115eac-1209-4f19-641c-08d6d484e2fe';

  it('GetAccountsDetail 200 → Account and Transaction, exact money, numbers in raw', async () => {
    serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    serve('post', 'GetAccountsDetail', [[200, fixture('get-accounts-detail.200.json')]]);
    const conn = bank().connection('flinks', { loginId });
    const [account] = await conn.accounts();
    expect(account).toMatchObject({
      id: '27a9ffa0-c6b9-4cc6-9eaa-aa9efa07a889',
      name: 'Chequing Account',
      type: 'checking',
      number: '7641238',
      currency: 'CAD',
      holder: 'Testing',
      balances: { available: { amount: '5405.50', currency: 'CAD' }, current: { amount: '5105.50', currency: 'CAD' }, limit: { amount: '5105.50', currency: 'CAD' } },
      raw: { TransitNumber: '12347', InstitutionNumber: '777', OverdraftLimit: 100.5 },
    });
    const amounts: string[] = [];
    for await (const t of bank().connection('flinks', { loginId }).transactions('27a9ffa0-c6b9-4cc6-9eaa-aa9efa07a889')) amounts.push(`${t.bookingDate} ${t.amount.amount}`);
    // The docs example sets Debit and Credit on every line: netted exactly (1500.25 − 1000.4, 100 − 150).
    expect(amounts).toEqual(['2025-01-31 499.85', '2025-01-30 -50.00']);
  });

  it('GetAccountsSummary 200, current and the older FlinksCapital shape (Holder as a string)', async () => {
    serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    const summary = serve('post', 'GetAccountsSummary', [
      [200, fixture('get-accounts-summary.200.json')],
      [200, fixture('get-accounts-summary.200-legacy-flinkscapital.json')],
    ]);
    const current = await bank({ accounts: 'summary' }).connection('flinks', { loginId }).accounts();
    expect(current.map(({ raw: _raw, ...a }) => a)).toEqual([
      {
        id: 'xxxx-xxxx-xxxxxxx-xxxxxx',
        provider: 'flinks',
        connectionId: loginId,
        name: 'Primary Chequing Account',
        type: 'checking',
        number: '1234567',
        currency: 'CAD',
        balances: { current: { amount: '4321.45', currency: 'CAD' }, available: { amount: '1234.45', currency: 'CAD' } },
        holder: 'John Doe',
      },
    ]);
    expect(summary[0]?.body).toEqual({ ...fixture('get-accounts-summary.request.json'), RequestId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' });
    const legacy = await bank({ accounts: 'summary' }).connection('flinks', { loginId }).accounts();
    expect(legacy[0]).toMatchObject({ name: 'Chequing CAD', holder: 'John Flinkyfoot', balances: { limit: { amount: '5000.00' }, available: { amount: '6.04' } } });
  });

  for (const first of ['get-accounts-detail.202-pending.json', 'get-accounts-detail.202-dispatched.json']) {
    it(`${first} → polled on the Async endpoint with the 202's RequestId`, async () => {
      serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
      serve('post', 'GetAccountsDetail', [[202, fixture(first)]]);
      const polls = serve('get', 'GetAccountsDetailAsync/:requestId', [
        [202, fixture('get-accounts-detail-async.202-pending.json')],
        [200, fixture('get-accounts-detail.200.json')],
      ]);
      const accounts = await bank().connection('flinks', { loginId }).accounts();
      expect(accounts.map((a) => a.name)).toEqual(['Chequing Account']);
      expect(polls.map((p) => p.path)).toEqual(Array(2).fill(`/v3/${CUSTOMER_ID}/BankingServices/GetAccountsDetailAsync/077785a3-fd0f-42f7-9251-ee2ff7f3b4ff`));
    });
  }

  it('SESSION_NONEXISTENT (400) on a data call → consent_expired', async () => {
    serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    serve('post', 'GetAccountsDetail', [[400, fixture('session-nonexistent.400.json')]]);
    const error = await failure(() => bank().connection('flinks', { loginId }).accounts());
    expect(error).toMatchObject({ reason: 'consent_expired', providerCode: 'SESSION_NONEXISTENT', status: 400 });
    // Flinks' message repeats the RequestId sent: for developers (error.message), never the user's message.
    expect(String(error.message)).toContain('RequestId 1df20baf-65d5-40ee-9be0-8058c13042e2 is invalid or session has ended');
    expect(error.userMessage).toBeUndefined();
  });

  it('GetStatements: the documented request and 200 (its "..." placeholder replaced by a real PDF)', async () => {
    serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    const example = fixture('get-statements.200.json') as { StatementsByAccount: Array<{ Statements: Array<{ Base64Bytes: string }> }> };
    const pdf = flinksStatementPdf('Chequing 1111000 statement');
    (example.StatementsByAccount[0]?.Statements[0] as { Base64Bytes: string }).Base64Bytes = pdf;
    const statements = serve('post', 'GetStatements', [[200, example]]);
    const groups = await bank().connection('flinks', { loginId }).actions.statements({ period: 'MostRecent', accounts: ['<AccountId>'] });
    expect(statements[0]?.body).toEqual({ ...fixture('get-statements.request.json'), RequestId: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx' });
    expect(groups).toEqual([{ accountNumber: '1111000', statements: [{ id: '3DD209E106553D2BB0A6EFF57FD0480C', mediaType: 'application/pdf', data: pdf, size: atob(pdf).length }] }]);

    // The placeholder itself is not base64: a typed error, never a broken file handed over.
    server.resetHandlers();
    serve('post', 'Authorize', [[200, fixture('authorize.200.json')]]);
    serve('post', 'GetStatements', [[200, fixture('get-statements.200.json')]]);
    const error = await failure(() => bank().connection('flinks', { loginId }).actions.statements({}));
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'StatementsByAccount.0.Statements.0.Base64Bytes' });
  });

  it('SetScheduledRefresh: the composed request, and the JSON string the C# SDK saw', async () => {
    const example = fixture('set-scheduled-refresh.composed.json') as { request: { LoginId: string; IsActivated: boolean }; response_text_contains: string };
    const set = serve('patch', 'SetScheduledRefresh', [[200, `The LoginId ${example.response_text_contains.replace('<loginId>', loginId)}`]]);
    expect(await bank().connection('flinks', { loginId }).actions.scheduledRefresh({ enabled: true })).toEqual({ enabled: true });
    expect(set[0]?.body).toEqual({ ...example.request, LoginId: loginId });
  });

  it('DeleteCard 200 with its StatusCode body', async () => {
    const deleted = serve('delete', 'DeleteCard/:loginId', [[200, fixture('delete-card.200.json')]]);
    await bank({ apiKey: 'k-123' }).connection('flinks', { loginId: 'eceae0c0-1ed3-468f-ae30-08d6decf1675' }).delete();
    expect(deleted[0]).toMatchObject({ path: `/v3/${CUSTOMER_ID}/BankingServices/DeleteCard/eceae0c0-1ed3-468f-ae30-08d6decf1675`, headers: { 'x-api-key': 'k-123' } });
  });
});

describe('the FlinksCode table (flinks-codes.json)', () => {
  const codes = (fixture('flinks-codes.json').codes as Array<{ FlinksCode: string; http: Array<number | null> }>).map((c) => ({ code: c.FlinksCode, statuses: c.http.map((s) => s ?? 400) }));

  it('has a row for every documented code, and every variant status of a code gives the same reason', () => {
    expect(codes.length).toBe(27);
    for (const { code, statuses } of codes) {
      expect(FLINKS_CODES[code], code).toBeDefined();
      const reasons = new Set<ErrorReason | undefined>(statuses.map(() => codeRow(flinksFailures, code.toLowerCase())?.reason));
      expect([...reasons], code).toEqual([FLINKS_CODES[code]?.reason]);
    }
  });
});
