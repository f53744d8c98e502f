import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAbortedError, isNetworkError, type Challenge } from '../../../src/index.js';
import { PASSWORD, answerRightly, bodies, expectNothingSentTwice, failure, startFlinks, type FlinksRig } from './support.js';
import { errorText, recordingLogger } from '../../support/leaks.js';

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

const KEY = 'a-checkpoint-signing-key-of-32-bytes!';

describe('at most once for credentials and answers', () => {
  it('a lost answer to the credential post is not retried: Flinks saw it once', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'reset', when: 'after' });
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) void c;
    });
    expect(isNetworkError(error)).toBe(true);
    expect(rig.sim.count('Authorize')).toBe(1);
    expect(rig.sim.state.sessions.size).toBe(1);
  });

  it('a lost answer to an MFA answer is not retried', async () => {
    rig.sim.inject({ endpoint: 'Authorize', kind: 'reset', when: 'after', after: 1 });
    const conn = rig.bank().connect('flinks', { institution: 'TD', username: 'td_2step', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) answerRightly(c);
    });
    expect(isNetworkError(error)).toBe(true);
    expect(rig.sim.count('Authorize')).toBe(2);
    // The phone number was chosen once: one code sent, never a second.
    expect(rig.sim.state.codeSends).toHaveLength(1);
    expectNothingSentTwice(rig.sim);
  });

  it('a 503 on /Authorize is not retried either; a lost token request is (it carries nothing of the user)', async () => {
    rig.sim.inject({ endpoint: 'GenerateAuthorizeToken', kind: 'reset', when: 'after' });
    rig.sim.inject({ endpoint: 'Authorize', kind: 'status', status: 503 });
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ reason: 'provider_unavailable', status: 503 });
    expect(rig.sim.count('GenerateAuthorizeToken')).toBe(2);
    expect(rig.sim.count('Authorize')).toBe(1);
  });
});

describe('leaving the loop', () => {
  // Flinks has no endpoint to end an /Authorize session: leaving sends nothing, and the RequestId lapses by itself.
  it('break sends nothing more; the RequestId lapses after 8 minutes', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('questions');
      break;
    }
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    expect(rig.sim.requests.map((r) => r.endpoint)).toEqual(['GenerateAuthorizeToken', 'Authorize']);
    const requestId = (rig.sim.state.exchanges[1]?.response as { RequestId: string }).RequestId;
    rig.sim.state.clockOffsetMs += 8 * 60_000 + 1;
    const res = await fetch(`${rig.sim.baseUrl}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/GenerateAuthorizeToken`, {
      method: 'POST',
      headers: { 'flinks-auth-key': 'authkey-CANARY-1f2e3d' },
    });
    const { Token } = (await res.json()) as { Token: string };
    const late = await fetch(`${rig.sim.baseUrl}/v3/43387ca6-0391-4c82-857d-70d95f087ecb/BankingServices/Authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'flinks-auth-key': Token },
      body: JSON.stringify({ RequestId: requestId, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } }),
    });
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ HttpStatusCode: 400, Message: `RequestId ${requestId} is invalid or session has ended`, FlinksCode: 'SESSION_NONEXISTENT' });
  });

  it('abort while the user is answering ends with AbortedError and sends nothing', async () => {
    const controller = new AbortController();
    const conn = rig.bank().connect('flinks', { institution: 'TD', username: 'td_2step', password: PASSWORD });
    const iterator = conn.authenticate({ signal: controller.signal });
    const first = await iterator.next();
    expect(first.done).toBe(false);
    controller.abort();
    await expect(iterator.next()).rejects.toSatisfy(isAbortedError);
    expect(rig.sim.count('Authorize')).toBe(1);
    expect(rig.sim.state.codeSends).toHaveLength(0);
  });

  it('abort during trusted-device polling stops the confirmations at once', async () => {
    rig.sim.state.deviceApprovalAfterPolls = 1_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const conn = rig.bank({ flinks: { decoupledPollIntervalMs: 30 } }).connect('flinks', { institution: 'RBC', username: 'rbc_device', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate({ signal: controller.signal })) void c;
    });
    expect(isAbortedError(error)).toBe(true);
    // A confirmation already on the wire when the abort fired may still land: let it, then count.
    await new Promise((r) => setTimeout(r, 60));
    const sent = rig.sim.count('Authorize');
    await new Promise((r) => setTimeout(r, 150));
    expect(rig.sim.count('Authorize')).toBe(sent);
  });
});

describe('checkpoints', () => {
  async function checkpointAt(institution: string, username: string, stopAt: (c: Challenge) => boolean): Promise<unknown> {
    const conn = rig.bank({ checkpoints: { signingKey: KEY } }).connect('flinks', { institution, username, password: PASSWORD });
    let checkpoint: unknown;
    for await (const c of conn.authenticate()) {
      if (stopAt(c)) {
        // Taken while the challenge is pending: leaving the loop then keeps it for later.
        checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
        break;
      }
      answerRightly(c);
    }
    expect(conn.status.status).toBe('challenge');
    return checkpoint;
  }

  it('resume in a fresh Polybank re-yields the pending challenge without re-sending anything', async () => {
    const cp = await checkpointAt('Laurentienne', 'laurentienne_image', (c) => c.type === 'choice');
    expect(JSON.stringify(cp)).not.toContain(PASSWORD);
    expect(JSON.stringify(cp)).not.toContain('Montreal');
    const before = { ...rig.sim.counts };
    const conn = await rig.bank({ checkpoints: { signingKey: KEY } }).resume(cp as never);
    expect(rig.sim.counts).toEqual(before);
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      expect(rig.sim.counts).toEqual(before);
      answerRightly(c);
    }
    expect(seen).toEqual(['choice']);
    expect(conn.status.status).toBe('active');
    expect(bodies(rig.sim)).toHaveLength(3);
    expectNothingSentTwice(rig.sim);
  });

  it('a resumed TD code challenge does not send a second code', async () => {
    const cp = await checkpointAt('TD', 'td_2step', (c) => c.type === 'otp');
    expect(rig.sim.state.codeSends).toHaveLength(1);
    const conn = await rig.bank({ checkpoints: { signingKey: KEY } }).resume(cp as never);
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(`${c.type}:${c.type === 'otp' ? c.channel : ''}`);
      answerRightly(c);
    }
    expect(seen).toEqual(['otp:sms']);
    expect(rig.sim.state.codeSends).toHaveLength(1);
    expect(conn.status.status).toBe('active');
    expectNothingSentTwice(rig.sim);
  });

  it('a resumed trusted-device challenge re-yields, then confirms (no second login)', async () => {
    const cp = await checkpointAt('RBC', 'rbc_device', (c) => c.type === 'decoupled');
    const conn = await rig.bank({ checkpoints: { signingKey: KEY } }).resume(cp as never);
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type);
    expect(seen).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
    const credentialPosts = bodies(rig.sim).filter((b) => (b as Record<string, unknown>).Password !== undefined);
    expect(credentialPosts).toHaveLength(1);
  });
});

describe('secret canaries never leave the SDK', () => {
  const CANARY = { password: 'pw-CANARY-4c1d', answer: 'ans-CANARY-77e0', pick: 'pick-CANARY-0b1e', securid: '918273' };

  async function run(institution: string, username: string, answers: { question: string; securid: string }, outputs: string[]): Promise<void> {
    const bank = rig.bank({ logger: recordingLogger(outputs) });
    bank.on('request', (e) => outputs.push(JSON.stringify(e)));
    const conn = bank.connect('flinks', { institution, username, password: CANARY.password });
    conn.on('status', (s) => outputs.push(JSON.stringify(s)));
    conn.on('challenge', (c) => outputs.push(JSON.stringify(c), inspect(c)));
    try {
      for await (const c of conn.authenticate()) {
        if (c.type === 'questions') {
          c.answer(Object.fromEntries(c.prompts.map((p, i) => [p.id, p.questions ? { question: p.questions[i] as string, answer: CANARY.pick } : answers.question])));
        } else if (c.type === 'otp') c.answer({ code: answers.securid });
        else answerRightly(c);
        outputs.push(JSON.stringify(await conn.checkpoint()), inspect(conn, { depth: 10, showHidden: true }));
      }
      outputs.push(JSON.stringify(await conn.accounts()));
      outputs.push(JSON.stringify(await conn.checkpoint()));
    } catch (error) {
      outputs.push(errorText(error));
    }
    outputs.push(inspect(conn, { depth: 10, showHidden: true }), JSON.stringify(conn), inspect(bank, { depth: 6 }));
  }

  function expectClean(outputs: string[], secrets: string[]): void {
    expect(outputs.length).toBeGreaterThan(5);
    const all = outputs.join('\n');
    for (const value of secrets) {
      const where = outputs.find((o) => o.includes(value));
      expect(where, `a canary leaked: ${where?.slice(0, 300)}`).toBeUndefined();
    }
    expect(all).not.toContain('authkey-CANARY');
    expect(all).not.toContain('apikey-CANARY');
  }

  beforeEach(() => {
    rig.sim.state.password = CANARY.password;
    rig.sim.state.securId = CANARY.securid;
    rig.sim.state.answers['What is the best country on earth?'] = CANARY.answer;
    rig.sim.state.answers['What is the name of your mother'] = CANARY.answer;
  });

  it('through successful flows (password, SecurID, answers, picked-question answers, tokens, keys)', async () => {
    const outputs: string[] = [];
    await run('National', 'national_securid', { question: CANARY.answer, securid: CANARY.securid }, outputs);
    rig.sim.state.answers['What is the name of your father'] = CANARY.answer;
    rig.sim.state.answers['What is the name of your dog'] = CANARY.answer;
    await run('RBC', 'rbc_reset', { question: CANARY.answer, securid: CANARY.securid }, outputs);
    expect(outputs.filter((o) => o.includes('"status":"active"')).length).toBeGreaterThanOrEqual(2);
    const tokens = rig.sim.state.exchanges.filter((e) => e.endpoint === 'GenerateAuthorizeToken').map((e) => (e.response as { Token: string }).Token);
    expect(tokens.length).toBeGreaterThan(3);
    expectClean(outputs, [CANARY.password, CANARY.answer, CANARY.pick, CANARY.securid, ...tokens]);
  });

  it('through a wrong answer and a wrong password', async () => {
    const outputs: string[] = [];
    await run('National', 'national_securid', { question: 'wrong-CANARY-1', securid: CANARY.securid }, outputs);
    expect(outputs.join('\n')).toContain('INVALID_SECURITY_RESPONSE');
    rig.sim.state.password = 'something-else';
    await run('National', 'national_securid', { question: CANARY.answer, securid: CANARY.securid }, outputs);
    expect(outputs.join('\n')).toContain('invalid_credentials');
    expectClean(outputs, [CANARY.password, CANARY.answer, 'wrong-CANARY-1', CANARY.securid]);
  });
});
