import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionError, isInvalidAnswerError, type Challenge } from '../../../src/index.js';
import { PASSWORD, answerRightly, bodies, failure, startFlinks, type FlinksRig } from './support.js';

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

/** Throws the InvalidAnswerError of a bad answer and checks nothing reached Flinks. */
function rejects(c: Challenge, raw: unknown, message: RegExp): void {
  const sentBefore = bodies(rig.sim).length;
  const tokensBefore = rig.sim.count('GenerateAuthorizeToken');
  let error: unknown;
  try {
    (c as { answer: (a: unknown) => void }).answer(raw);
  } catch (e) {
    error = e;
  }
  expect(isInvalidAnswerError(error)).toBe(true);
  expect(String((error as Error).message)).toMatch(message);
  expect(bodies(rig.sim).length).toBe(sentBefore);
  expect(rig.sim.count('GenerateAuthorizeToken')).toBe(tokensBefore);
}

/** Runs a scenario; `check` sees each challenge first (bad answers), then it is answered rightly. */
async function run(institution: string, username: string, check: (c: Challenge, index: number) => void): Promise<number> {
  const conn = rig.bank().connect('flinks', { institution, username, password: PASSWORD });
  let index = 0;
  for await (const c of conn.authenticate()) {
    check(c, index++);
    answerRightly(c);
  }
  expect(conn.status.status).toBe('active');
  return index;
}

describe('answers are checked against the challenge before anything is sent', () => {
  it('grouped questions: every prompt at once, none empty, none unknown', async () => {
    await run('RBC', 'rbc_triple', (c) => {
      rejects(c, { q1: 'Louise', q2: 'Paul' }, /q3: every prompt must be answered/);
      rejects(c, { q1: 'Louise', q2: 'Paul', q3: '  ' }, /q3: required/);
      rejects(c, { q1: 'Louise', q2: 'Paul', q3: 'Wouf', q4: 'x' }, /q4: not a prompt/);
      rejects(c, { q1: ['Louise'], q2: 'Paul', q3: 'Wouf' }, /text answer/);
    });
  });

  it('pick-a-question prompts: an offered question, a different one per prompt, and an answer', async () => {
    await run('RBC', 'rbc_reset', (c, index) => {
      if (index === 0) return;
      const pick = (question: string, answer = 'x') => ({ question, answer });
      rejects(c, { q1: 'Wouf', q2: pick('What is the name of my dog'), q3: pick('...') }, /pick a question first/);
      rejects(c, { q1: pick('What is the name of your cat'), q2: pick('What is the name of my dog'), q3: pick('...') }, /not one of the offered questions/);
      rejects(c, { q1: pick('What is the name of my dog'), q2: pick('What is the name of my dog'), q3: pick('...') }, /different question/);
      rejects(c, { q1: pick('What is the name of my mother', ''), q2: pick('What is the name of my dog'), q3: pick('...') }, /q1.answer: required/);
    });
  });

  it('mixed multiple-choice group: offered ids only, one for MultipleChoice, at least one for MultipleAnswers', async () => {
    await run('Scotia', 'scotia_reset', (c, index) => {
      if (index !== 0) return;
      rejects(c, { q1: 'o4' }, /q2: every prompt must be answered/);
      rejects(c, { q1: 'o9', q2: ['o1'] }, /not one of the offered options/);
      rejects(c, { q1: ['o1', 'o2'], q2: ['o1'] }, /exactly one/);
      rejects(c, { q1: 'o4', q2: [] }, /at least one/);
      rejects(c, { q1: 'o4', q2: ['o1', 'o1'] }, /chosen twice/);
    });
  });

  it('single choices: one offered option; multiple choices: at least one, no repeats', async () => {
    await run('Scotia', 'scotia_choice', (c) => {
      if (c.type !== 'choice') throw new Error(c.type);
      rejects(c, { selected: 'o77' }, /not one of the offered options/);
      rejects(c, { selected: [] }, /at least one/);
      if (c.kind === 'single') rejects(c, { selected: ['o1', 'o2'] }, /exactly one/);
      else rejects(c, { selected: ['o1', 'o1'] }, /chosen twice/);
      rejects(c, { selected: 'o1', method: 'Text' }, /not asked/);
    });
  });

  it('image choice: one of the 16 offered images', async () => {
    await run('Laurentienne', 'laurentienne_image', (c) => {
      if (c.type !== 'choice') return;
      rejects(c, { selected: 'o17' }, /not one of the offered options/);
      rejects(c, { selected: ['o1', 'o2'] }, /exactly one/);
    });
  });

  it('text or call: a phone number and a method; then a non-empty code', async () => {
    await run('TD', 'td_2step', (c) => {
      if (c.type === 'choice') {
        rejects(c, { selected: 'o4', method: 'Text' }, /not one of the offered options/);
        rejects(c, { selected: 'o1' }, /choose a method/);
      } else if (c.type === 'otp') {
        rejects(c, { code: ' ' }, /code: required/);
        // The code was sent once, when the phone number was chosen; nothing since.
        expect(rig.sim.state.codeSends).toHaveLength(1);
      }
    });
  });
});

describe('a wrong answer ends the loop and is never resubmitted', () => {
  async function wrong(institution: string, username: string, answer: (c: Challenge) => boolean): Promise<Record<string, unknown>> {
    const conn = rig.bank().connect('flinks', { institution, username, password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) if (!answer(c)) answerRightly(c);
    });
    expect(isConnectionError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'auth_rejected', retryable: false, userAction: 'authenticate', providerCode: 'INVALID_SECURITY_RESPONSE', status: 401, endpoint: 'Authorize' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_rejected', providerState: 'INVALID_SECURITY_RESPONSE' });
    return error;
  }

  it('a wrong security answer: one attempt, then auth_rejected', async () => {
    await wrong('FlinksCapital', 'Greatday', (c) => {
      if (c.type !== 'questions') return false;
      c.answer({ q1: 'Circle' });
      return true;
    });
    expect(bodies(rig.sim)).toHaveLength(2);
    expect(rig.sim.count('Authorize')).toBe(2);
    // The session is over at Flinks too ("cannot retry").
    expect([...rig.sim.state.sessions.values()][0]?.status).toBe('ended');
  });

  it('a wrong image, a wrong SecurID, a wrong pick', async () => {
    await wrong('Laurentienne', 'laurentienne_image', (c) => {
      if (c.type !== 'choice') return false;
      c.answer({ selected: 'o1' });
      return true;
    });
    await wrong('National', 'national_securid', (c) => {
      if (c.type !== 'otp') return false;
      c.answer({ code: '000000' });
      return true;
    });
    await wrong('Scotia', 'scotia_choice', (c) => {
      if (c.type !== 'choice' || c.kind !== 'multiple') return false;
      c.answer({ selected: ['o2'] });
      return true;
    });
    // Each flow sent its credentials once and its wrong answer once.
    expect(rig.sim.state.exchanges.filter((e) => e.endpoint === 'Authorize' && e.status === 401)).toHaveLength(3);
  });

  it('a refusal on the trusted device is auth_rejected', async () => {
    rig.sim.state.deviceDecision = 'refuse';
    await wrong('RBC', 'rbc_device', () => false);
    expect(bodies(rig.sim)).toHaveLength(2);
  });

  it('a trusted device nobody approves ends with auth_expired at the deadline, without a busy loop', async () => {
    rig.sim.state.deviceApprovalAfterPolls = 1_000;
    const conn = rig.bank({ flinks: { decoupledPollIntervalMs: 50, decoupledTimeoutMs: 300 } }).connect('flinks', { institution: 'RBC', username: 'rbc_device', password: PASSWORD });
    const error = await failure(async () => {
      for await (const c of conn.authenticate()) void c;
    });
    expect(error).toMatchObject({ reason: 'auth_expired', userAction: 'authenticate' });
    const confirmations = bodies(rig.sim).length - 1;
    expect(confirmations).toBeGreaterThanOrEqual(4);
    expect(confirmations).toBeLessThanOrEqual(7);
  });
});
