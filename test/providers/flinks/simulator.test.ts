/**
 * The simulator itself, spoken to with raw HTTP like any Flinks client would: request
 * variants real clients send (key case, string booleans), Flinks' strictness (exact
 * answer keys, all prompts together, single-use tokens, expiring RequestIds).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GREATDAY_LOGIN_ID } from '../../../src/testing/index.js';
import { SEED_AUTHORIZE_REQUEST, SEED_MFA_PROMPT, SEED_TRIPLE_ANSWER, SEED_CASE_REQUEST_ID } from './fixtures/seed.js';
import { AUTH_KEY, CUSTOMER_ID, startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks({ authKey: AUTH_KEY });
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

const url = (endpoint: string): string => `${rig.sim.baseUrl}/v3/${CUSTOMER_ID}/BankingServices/${endpoint}`;

async function token(key = AUTH_KEY): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url('GenerateAuthorizeToken'), { method: 'POST', headers: { 'flinks-auth-key': key, accept: 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function authorize(body: unknown, authToken?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  headers['flinks-auth-key'] = authToken ?? ((await token()).body.Token as string);
  const res = await fetch(url('Authorize'), { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('request variants real clients send', () => {
  it("the seed's own request (lower-case `username`) gets the seed's prompt", async () => {
    rig.sim.state.nextRequestIds.push(SEED_MFA_PROMPT.RequestId);
    expect(await authorize(SEED_AUTHORIZE_REQUEST)).toEqual({ status: 203, body: SEED_MFA_PROMPT });
  });

  it('any key case and string booleans ("True", "false"), as the C# and Laravel clients send', async () => {
    const live = await authorize({ institution: 'flinkscapital', USERNAME: 'GreatDay', password: 'EveryDay', mostrecentcached: 'False', save: 'true' });
    expect(live.status).toBe(203);
    const cached = await authorize({ loginId: GREATDAY_LOGIN_ID, MostRecentCached: 'True' });
    expect(cached).toMatchObject({ status: 200, body: { HttpStatusCode: 200, InstitutionId: 14, Login: { Id: GREATDAY_LOGIN_ID } } });
    const answer = await authorize({ requestId: live.body.RequestId, SecurityResponses: { 'What shape do people like most?': ['triangle'] } });
    expect(answer.status).toBe(200);
  });

  it('GetAccountsDetailAsync also answers a POST (node-flinks)', async () => {
    const cached = await authorize({ LoginId: GREATDAY_LOGIN_ID, MostRecentCached: true });
    const res = await fetch(url(`GetAccountsDetailAsync/${String(cached.body.RequestId)}`), { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Accounts: unknown[] }).Accounts).toHaveLength(5);
  });
});

describe('strict where Flinks is strict', () => {
  it('answer keys are matched exactly: a re-cased prompt is UNKNOWN_CHALLENGE_KEY', async () => {
    const prompt = await authorize(SEED_AUTHORIZE_REQUEST);
    const res = await authorize({ RequestId: prompt.body.RequestId, SecurityResponses: { 'what shape do people like most?': ['Triangle'] } });
    expect(res).toMatchObject({ status: 401, body: { FlinksCode: 'UNKNOWN_CHALLENGE_KEY' } });
  });

  it('grouped prompts are answered together: SECURITYRESPONSES_INCOMPLETE, then the full answer works', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    await authorize({ Institution: 'RBC', Username: 'rbc_triple', Password: 'Everyday' });
    const partial = { ...SEED_TRIPLE_ANSWER.SecurityResponses } as Record<string, string[]>;
    delete partial['What is the name of your dog'];
    expect(await authorize({ RequestId: SEED_CASE_REQUEST_ID, SecurityResponses: partial })).toMatchObject({ status: 401, body: { FlinksCode: 'SECURITYRESPONSES_INCOMPLETE' } });
    expect((await authorize(SEED_TRIPLE_ANSWER)).status).toBe(200);
  });

  it('an empty SecurityResponses re-prompts; a wrong answer ends the session; an authorized RequestId is ALREADY_AUTHORIZED', async () => {
    const prompt = await authorize(SEED_AUTHORIZE_REQUEST);
    const requestId = prompt.body.RequestId as string;
    expect(await authorize({ RequestId: requestId, SecurityResponses: {} })).toMatchObject({ status: 203, body: { RequestId: requestId } });
    expect(await authorize({ RequestId: requestId, SecurityResponses: { 'What shape do people like most?': ['Square'] } })).toMatchObject({
      status: 401,
      body: { FlinksCode: 'INVALID_SECURITY_RESPONSE' },
    });
    expect(await authorize({ RequestId: requestId, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } })).toMatchObject({
      status: 400,
      body: { FlinksCode: 'SESSION_NONEXISTENT' },
    });

    const again = await authorize(SEED_AUTHORIZE_REQUEST);
    const done = await authorize({ RequestId: again.body.RequestId, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } });
    expect(done.status).toBe(200);
    expect(await authorize({ RequestId: again.body.RequestId, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } })).toMatchObject({
      status: 401,
      body: { FlinksCode: 'ALREADY_AUTHORIZED' },
    });
  });

  it('missing credentials are INVALID_REQUEST with ValidationDetails', async () => {
    expect(await authorize({ Institution: 'FlinksCapital', Username: 'Greatday' })).toEqual({
      status: 400,
      body: { HttpStatusCode: 400, Message: 'The request is invalid', FlinksCode: 'INVALID_REQUEST', ValidationDetails: { Password: ['The Password field is required.'] } },
    });
  });

  it('authorize tokens: the secret key is checked, tokens are single-use and expire after 30 minutes', async () => {
    expect(await token('wrong')).toEqual({ status: 401, body: { HttpStatusCode: 401, Message: 'You must provide a valid auth key', FlinksCode: 'UNAUTHORIZED' } });
    const { body } = await token();
    expect(body).toMatchObject({ HttpStatusCode: 200, Token: expect.any(String) });
    expect((await authorize(SEED_AUTHORIZE_REQUEST, body.Token as string)).status).toBe(203);
    const reused = await authorize(SEED_AUTHORIZE_REQUEST, body.Token as string);
    expect(reused).toEqual({ status: 401, body: { HttpStatusCode: 401, Message: 'You must provide a valid authorize token', FlinksCode: 'UNAUTHORIZED' } });
    const stale = (await token()).body.Token as string;
    rig.sim.state.clockOffsetMs += 30 * 60_000 + 1;
    expect((await authorize(SEED_AUTHORIZE_REQUEST, stale)).status).toBe(401);
    // The secret key itself is not a token.
    expect((await authorize(SEED_AUTHORIZE_REQUEST, AUTH_KEY)).status).toBe(401);
  });

  it('a RequestId lives 8 minutes after its last use', async () => {
    const prompt = await authorize(SEED_AUTHORIZE_REQUEST);
    const requestId = prompt.body.RequestId as string;
    rig.sim.state.clockOffsetMs += 7 * 60_000;
    expect((await authorize({ RequestId: requestId })).status).toBe(203);
    rig.sim.state.clockOffsetMs += 7 * 60_000;
    expect((await authorize({ RequestId: requestId })).status).toBe(203);
    rig.sim.state.clockOffsetMs += 8 * 60_000 + 1;
    expect(await authorize({ RequestId: requestId })).toEqual({
      status: 400,
      body: { HttpStatusCode: 400, Message: `RequestId ${requestId} is invalid or session has ended`, FlinksCode: 'SESSION_NONEXISTENT' },
    });
  });

  it('data endpoints refuse a session still in MFA', async () => {
    const prompt = await authorize(SEED_AUTHORIZE_REQUEST);
    const res = await fetch(url('GetAccountsDetail'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ RequestId: prompt.body.RequestId }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ FlinksCode: 'UNAUTHORIZED' });
  });

  it('honours the With* flags: identity off → null numbers, KYC off → null holder, balance off → null balances', async () => {
    const cached = await authorize({ LoginId: GREATDAY_LOGIN_ID, MostRecentCached: true });
    const res = await fetch(url('GetAccountsDetail'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ RequestId: cached.body.RequestId, WithKYC: 'false', WithBalance: false, WithTransactions: false }),
    });
    const body = (await res.json()) as { Accounts: Array<Record<string, unknown>> };
    expect(body.Accounts[0]).toMatchObject({ AccountNumber: null, TransitNumber: null, Holder: null, Transactions: [], Balance: { Available: null, Current: null, Limit: null } });
  });
});
