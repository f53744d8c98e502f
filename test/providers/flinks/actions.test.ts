/**
 * The rest of the Flinks surface (issue #14, "close the provider surfaces"), over the
 * socket: PDF statements (GetStatements, polled on GetStatementsAsync), the nightly
 * refresh (SetScheduledRefresh), and /AuthorizeAsync.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderResponseError, isValidationError } from '../../../src/index.js';
import { API_KEY, PASSWORD, answerRightly, bodies, failure, link, responses, startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks();
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

const GREATDAY = '5e115eac-1209-4f19-641c-08d6d484e2fe';
const CHEQUING = 'ae1dac72-70da-4626-fed8-08d682e1ff4a';
const pdfText = (base64: string): string => atob(base64);

describe('conn.actions.statements()', () => {
  it('the most recent PDF of every account with a number, typed, with media type and size', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    const groups = await conn.actions.statements({});
    expect(groups.map((g) => [g.accountNumber, g.statements.length])).toEqual([
      ['1111000', 1],
      ['1111001', 1],
      ['1111002', 1],
      ['1111003', 1],
    ]);
    const [first] = groups[0]?.statements ?? [];
    expect(first).toMatchObject({ id: expect.stringMatching(/^[0-9A-F]{32}$/), mediaType: 'application/pdf' });
    const text = pdfText(first?.data as string);
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain('Chequing CAD 1111000 statement 2025-01');
    expect(first?.size).toBe(text.length);
    expect(bodies(rig.sim, 'GetStatements')).toEqual([{ RequestId: expect.any(String), NumberOfStatements: 'MostRecent' }]);
    expect(rig.sim.state.exchanges.find((e) => e.endpoint === 'GetStatements')?.headers).toEqual({ 'x-api-key': API_KEY });
  });

  it('Months3 for some accounts; Months12 needs exactly one account, checked before anything is sent', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    const three = await conn.actions.statements({ period: 'Months3', accounts: [CHEQUING] });
    expect(three.map((g) => g.statements.map((s) => pdfText(s.data).match(/statement (\d{4}-\d{2})/)?.[1]))).toEqual([['2025-01', '2024-12', '2024-11']]);
    expect((bodies(rig.sim, 'GetStatements')[0] as Record<string, unknown>).AccountsFilter).toEqual([CHEQUING]);

    const sent = rig.sim.requests.length;
    for (const args of [{ period: 'Months12' }, { period: 'Months12', accounts: ['a', 'b'] }, { period: 'Weekly' }, { accounts: [] }, { acounts: [CHEQUING] }]) {
      const error = await failure(() => conn.actions.statements(args as never));
      expect(isValidationError(error), JSON.stringify(args)).toBe(true);
    }
    expect(rig.sim.requests.length).toBe(sent);
    const year = await conn.actions.statements({ period: 'Months12', accounts: [CHEQUING] });
    expect(year[0]?.statements).toHaveLength(12);
  });

  it('statements get a session of their own: accounts() before and after still have their data', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    expect((await conn.accounts())[0]?.balances.current?.amount).toBe('49993.96');
    const groups = await conn.actions.statements({ period: 'Months3' });
    expect(groups.every((g) => g.statements.length === 3)).toBe(true);
    // test_pending answers 202: polled on GET /GetStatementsAsync/{RequestId}.
    expect(rig.sim.state.exchanges.filter((e) => e.endpoint === 'GetStatementsAsync').map((e) => [e.method, e.status]).at(-1)).toEqual(['GET', 200]);
    const accountsAfter = await conn.accounts();
    expect(accountsAfter[0]?.balances.current?.amount).toBe('49993.96');
    const detail = bodies(rig.sim, 'GetAccountsDetail') as Array<{ RequestId: string }>;
    const statements = bodies(rig.sim, 'GetStatements') as Array<{ RequestId: string }>;
    expect(detail.map((b) => b.RequestId)).not.toContain(statements[0]?.RequestId);
  });

  it('a statement larger than maxStatementBytes, or not base64, is a typed error', async () => {
    rig.sim.state.statementPadding = 4096;
    const error = await failure(() => rig.bank({ flinks: { maxStatementBytes: 2048 } }).connection('flinks', { loginId: GREATDAY }).actions.statements({}));
    expect(isProviderResponseError(error)).toBe(true);
    expect(error).toMatchObject({ endpoint: 'GetStatements', field: 'StatementsByAccount.0.Statements.0.Base64Bytes' });
    expect(String(error.message)).toMatch(/exceeds maxStatementBytes \(2048\)/);

    rig.sim.reset();
    rig.sim.inject({
      endpoint: 'GetStatements',
      kind: 'mutate',
      mutate: (b) => {
        const body = b as { StatementsByAccount: Array<{ Statements: Array<{ Base64Bytes: string }> }> };
        (body.StatementsByAccount[1]?.Statements[0] as { Base64Bytes: string }).Base64Bytes = '<script>alert(1)</script>';
        return body;
      },
    });
    const garbage = await failure(() => rig.bank().connection('flinks', { loginId: GREATDAY }).actions.statements({}));
    expect(garbage).toMatchObject({ kind: 'ProviderResponseError', field: 'StatementsByAccount.1.Statements.0.Base64Bytes' });
  });
});

describe('conn.actions.scheduledRefresh()', () => {
  it('turns the nightly refresh on and off with PATCH /SetScheduledRefresh; Flinks then says so in Login', async () => {
    const conn = rig.bank().connection('flinks', { loginId: GREATDAY });
    expect(await conn.actions.scheduledRefresh({ enabled: true })).toEqual({ enabled: true });
    expect(rig.sim.state.exchanges.at(-1)).toMatchObject({
      method: 'PATCH',
      endpoint: 'SetScheduledRefresh',
      body: { LoginId: GREATDAY, IsActivated: true },
      headers: { 'x-api-key': API_KEY },
      response: `LoginId ${GREATDAY} has now been activated for automatic refresh`,
    });
    await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(responses(rig.sim).at(-1)).toMatchObject({ Login: { IsScheduledRefresh: true } });
    expect(await conn.actions.scheduledRefresh({ enabled: false })).toEqual({ enabled: false });
    expect(rig.sim.state.logins.get(GREATDAY)?.scheduledRefresh).toBe(false);
  });

  it('is retried on a 503 (setting a value twice changes nothing); an unknown LoginId is INVALID_LOGIN; a wrong answer is refused', async () => {
    rig.sim.inject({ endpoint: 'SetScheduledRefresh', kind: 'status', status: 503 });
    expect(await rig.bank().connection('flinks', { loginId: GREATDAY }).actions.scheduledRefresh({ enabled: true })).toEqual({ enabled: true });
    expect(rig.sim.count('SetScheduledRefresh')).toBe(2);

    const unknown = await failure(() => rig.bank().connection('flinks', { loginId: '00000000-0000-4000-8000-000000000000' }).actions.scheduledRefresh({ enabled: true }));
    expect(unknown).toMatchObject({ reason: 'invalid_credentials', providerCode: 'INVALID_LOGIN', endpoint: 'SetScheduledRefresh' });

    rig.sim.inject({ endpoint: 'SetScheduledRefresh', kind: 'status', status: 200, body: JSON.stringify(`LoginId ${GREATDAY} has now been deactivated for automatic refresh`) });
    const contradicted = await failure(() => rig.bank().connection('flinks', { loginId: GREATDAY }).actions.scheduledRefresh({ enabled: true }));
    expect(contradicted).toMatchObject({ kind: 'ProviderResponseError', endpoint: 'SetScheduledRefresh' });
    expect(isValidationError(await failure(() => rig.bank().connection('flinks', { loginId: GREATDAY }).actions.scheduledRefresh({ enabled: 'yes' } as never)))).toBe(true);
  });
});

describe('/AuthorizeAsync (authorizeAsync: true)', () => {
  it('every step answers 202 and is polled with the RequestId alone, then MFA and the 200 come', async () => {
    const bank = rig.bank({ flinks: { authorizeAsync: true } });
    const { conn, seen } = await link(bank, 'FlinksCapital', 'Greatday');
    expect(seen).toEqual(['questions']);
    expect(conn.status.status).toBe('active');
    expect(rig.sim.count('Authorize')).toBe(0);
    const sent = bodies(rig.sim, 'AuthorizeAsync');
    const requestId = (responses(rig.sim, 'AuthorizeAsync')[0] as { RequestId: string }).RequestId;
    expect(sent).toEqual([
      { Institution: 'FlinksCapital', Username: 'Greatday', Password: PASSWORD, MostRecentCached: false, Save: true },
      { RequestId: requestId },
      { RequestId: requestId, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } },
      { RequestId: requestId },
    ]);
    expect((responses(rig.sim, 'AuthorizeAsync') as Array<{ HttpStatusCode: number }>).map((r) => r.HttpStatusCode)).toEqual([202, 203, 202, 200]);
    expect((await conn.accounts()).length).toBe(5);
  });

  it('TD 2-step: the code after the Text choice is still an SMS OTP; a trusted device confirms, then asks for the outcome', async () => {
    const bank = rig.bank({ flinks: { authorizeAsync: true } });
    const td = bank.connect('flinks', { institution: 'TD', username: 'td_2step', password: PASSWORD });
    const seen: string[] = [];
    for await (const c of td.authenticate()) {
      seen.push(c.type === 'otp' ? `otp:${c.channel}` : c.type);
      answerRightly(c);
    }
    expect(seen).toEqual(['choice', 'otp:sms']);
    expect(rig.sim.state.codeSends).toHaveLength(1);

    rig.sim.reset();
    rig.sim.state.deviceApprovalAfterPolls = 1;
    const { conn, seen: device } = await link(bank, 'RBC', 'rbc_device');
    expect(device).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
    const kinds = bodies(rig.sim, 'AuthorizeAsync').map((b) => ((b as { SecurityResponses?: unknown }).SecurityResponses ? 'confirm' : (b as { Password?: string }).Password ? 'login' : 'poll'));
    expect(kinds).toEqual(['login', 'poll', 'confirm', 'poll', 'confirm', 'poll']);
  });

  it('a wrong answer comes back on the poll, typed, and is never sent again', async () => {
    const conn = rig.bank({ flinks: { authorizeAsync: true } }).connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) if (c.type === 'questions') c.answer({ q1: 'Square' });
    });
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'INVALID_SECURITY_RESPONSE', endpoint: 'AuthorizeAsync' });
    const answers = bodies(rig.sim, 'AuthorizeAsync').filter((b) => (b as { SecurityResponses?: unknown }).SecurityResponses);
    expect(answers).toHaveLength(1);
    // Every step, polls included, spent its own single-use token.
    const tokens = rig.sim.state.exchanges.filter((e) => e.endpoint === 'AuthorizeAsync').map((e) => e.headers['flinks-auth-key']);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
