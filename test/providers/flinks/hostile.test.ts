/**
 * What a provider sends is data, never code or the user's words: prompt texts, option
 * strings, account types and codes named like Object.prototype members are looked up as
 * own properties only (issue #13, item 4); Flinks' Message reaches `userMessage` only
 * where it is written for the user and repeats nothing of the request (#13, item 5); and
 * Flinks' RequestId is on errors and on the events of the requests that carry it (#18).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestEvent } from '../../../src/index.js';
import { PASSWORD, bodies, failure, link, startFlinks, type FlinksRig } from './support.js';

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
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

function scenario(username: string, steps: Array<Array<{ Type: string; Prompt: string; Iterables?: string[] }>>): void {
  rig.sim.state.scenarios[`flinkscapital/${username}`] = { institution: 'FlinksCapital', steps };
}

async function connectError(username: string, password = PASSWORD): Promise<Record<string, unknown>> {
  const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username, password });
  return failure(async () => {
    for await (const c of conn.authenticate()) void c;
  });
}

describe('provider-defined names are own properties only', () => {
  it('prompts named __proto__, constructor, toString, hasOwnProperty are answered under their own keys', async () => {
    scenario('proto_prompts', [NAMES.map((Prompt) => ({ Type: 'QuestionAndAnswer', Prompt }))]);
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'proto_prompts', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type !== 'questions') throw new Error(c.type);
      expect(c.prompts.map((p) => p.text)).toEqual(NAMES);
      c.answer({ q1: 'a1', q2: 'a2', q3: 'a3', q4: 'a4' });
    }
    expect(conn.status.status).toBe('active');
    const sent = (bodies(rig.sim)[1] as { SecurityResponses: Record<string, string[]> }).SecurityResponses;
    expect(Object.entries(sent)).toEqual([
      ['__proto__', ['a1']],
      ['constructor', ['a2']],
      ['toString', ['a3']],
      ['hasOwnProperty', ['a4']],
    ]);
  });

  it('options and picked questions named like prototype members are sent verbatim', async () => {
    scenario('proto_options', [
      [{ Type: 'MultipleChoice', Prompt: 'Pick one', Iterables: NAMES }],
      [{ Type: 'QuestionAndAnswer', Prompt: 'New question', Iterables: NAMES }],
    ]);
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'proto_options', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'choice') c.answer({ selected: 'o2' });
      else if (c.type === 'questions') c.answer({ q1: { question: '__proto__', answer: 'mine' } });
    }
    expect(conn.status.status).toBe('active');
    expect(bodies(rig.sim).slice(1).map((b) => Object.entries((b as { SecurityResponses: object }).SecurityResponses))).toEqual([
      [['Pick one', ['constructor']]],
      [['__proto__', ['mine']]],
    ]);
    expect(Object.entries(rig.sim.state.sessions.values().next().value?.newQuestions ?? {})).toEqual([['__proto__', 'mine']]);
  });

  it('account types and categories named like prototype members are unknown types, not inherited values', async () => {
    const base = rig.sim.state.accounts[1];
    if (!base) throw new Error('no savings account');
    rig.sim.state.accounts = NAMES.map((name, i) => ({ ...structuredClone(base), Id: `acct-${i}`, Type: name, Category: i % 2 ? name : 'Operations' }));
    const accounts = await rig.bank().connection('flinks', { loginId: GREATDAY }).accounts();
    expect(accounts.map((a) => a.type)).toEqual(['checking', 'other', 'checking', 'other']);
  });

  it('a FlinksCode named like a prototype member is an undocumented code, not a row', async () => {
    for (const code of NAMES) {
      rig.sim.reset();
      rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 401, body: JSON.stringify({ HttpStatusCode: 401, FlinksCode: code, Message: 'x' }) });
      const error = await connectError('greatday_nomfa');
      expect(error, code).toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: code });
      expect(error.userMessage, code).toBeUndefined();
    }
  });
});

describe("Flinks' Message as userMessage", () => {
  it("a message written for the user is kept (the sandbox's disabled account)", async () => {
    expect(await connectError('test_disabled_account')).toMatchObject({
      reason: 'account_locked',
      userMessage: 'This account has been disabled by the financial institution',
    });
  });

  it('a message that repeats request data (username, ids, quoted text, e-mail, numbers) is never the user message', async () => {
    const echoes = [
      'The card number 4519012345678901 was disabled',
      'RequestId 3b1f0a52-7c4e-4d2a-9f1e-5a6b7c8d9e0f has ended',
      'User "greatday_nomfa" is disabled',
      'Contact john.flinkyfoot@example.com',
      'x'.repeat(301),
    ];
    for (const message of echoes) {
      rig.sim.reset();
      rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 401, body: JSON.stringify({ HttpStatusCode: 401, FlinksCode: 'DISABLED_LOGIN', Message: message }) });
      const error = await connectError('greatday_nomfa');
      expect(error, message).toMatchObject({ reason: 'account_locked', providerCode: 'DISABLED_LOGIN' });
      expect(error.userMessage, message).toBeUndefined();
      // Still there for developers, in error.message.
      expect(String(error.message)).toContain(message.slice(0, 12));
    }
  });

  it('a password echoed back is redacted from the message and never becomes the user message', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 401, body: JSON.stringify({ HttpStatusCode: 401, FlinksCode: 'INVALID_PASSWORD', Message: 'Wrong password hunter2-secret' }) });
    const echoed = await connectError('greatday_nomfa', 'hunter2-secret');
    expect(String(echoed.message)).not.toContain('hunter2-secret');
    expect(String(echoed.userMessage ?? '')).not.toContain('hunter2-secret');
  });
});

describe("Flinks' RequestId on errors and events", () => {
  it('a wrong MFA answer: the error carries the RequestId Flinks answered with', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) if (c.type === 'questions') c.answer({ q1: 'Square' });
    });
    const requestId = (rig.sim.state.exchanges.find((e) => e.endpoint === 'Authorize')?.response as { RequestId: string }).RequestId;
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'INVALID_SECURITY_RESPONSE', requestId });
  });

  it('a spoiled 200: the typed parse error carries the RequestId of its body', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'mutate', mutate: (b) => ({ ...(b as object), Login: { Username: 'x' } }) });
    const error = await connectError('greatday_nomfa');
    expect(error).toMatchObject({ kind: 'ProviderResponseError', field: 'Login.Id', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('an Async poll: its events and its error carry the RequestId of its path', async () => {
    const { conn } = await link(rig.bank(), 'FlinksCapital', 'test_pending');
    const events: RequestEvent[] = [];
    const bank = rig.bank();
    bank.on('request', (e) => events.push(e));
    rig.sim.state.asyncPollsUntilReady = 2;
    rig.sim.inject({ endpoint: 'GetAccountsDetailAsync', kind: 'status', status: 418, body: '{}', after: 1 });
    const stored = bank.connection('flinks', { loginId: conn.ref?.loginId as string });
    const error = await failure(() => stored.accounts());
    const polled = events.filter((e) => e.endpoint === 'GetAccountsDetailAsync');
    const requestId = (bodies(rig.sim, 'GetAccountsDetail').at(-1) as { RequestId: string }).RequestId;
    expect(polled.length).toBeGreaterThanOrEqual(2);
    expect(polled.every((e) => e.requestId === requestId)).toBe(true);
    expect(error).toMatchObject({ endpoint: 'GetAccountsDetailAsync', status: 418, requestId });
  });
});
