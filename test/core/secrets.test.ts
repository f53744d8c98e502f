import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Challenge } from '../../src/index.js';
import { errorText, recordingLogger } from '../support/leaks.js';
import { startToy } from '../support/toy.js';

/**
 * Canary values stand for every kind of secret. Each flow runs with them; then every
 * error (message, cause chain, stack, JSON), event, logger call, checkpoint and
 * util.inspect output is searched for them.
 */
const CANARY = {
  password: 'pw-CANARY-7f3a9',
  answer: 'ans-CANARY-22c1',
  pick: 'pick-CANARY-9e0b',
  otp: '918273',
  apiKey: 'apikey-CANARY-5d11',
};

let toy: Awaited<ReturnType<typeof startToy>>;
beforeAll(async () => {
  toy = await startToy();
});
afterAll(async () => {
  await toy.server.close();
});
beforeEach(() => {
  toy.sim.reset();
  toy.sim.state.password = CANARY.password;
  toy.sim.state.otpCode = CANARY.otp;
  toy.sim.state.answers = { city: CANARY.answer, 'Favourite colour?': CANARY.pick };
});

interface Captured {
  outputs: string[];
}

async function run(username: string, answerOtp: string, captured: Captured, password = CANARY.password): Promise<void> {
  const bank = toy.bank({ logger: recordingLogger(captured.outputs), toy: { apiKey: CANARY.apiKey } });
  bank.on('request', (e) => captured.outputs.push(JSON.stringify(e), inspect(e)));
  const conn = bank.connect('toybank', { username, password });
  conn.on('status', (s) => captured.outputs.push(JSON.stringify(s)));
  conn.on('challenge', (c) => captured.outputs.push(JSON.stringify(c), inspect(c)));
  conn.on('request', (e) => captured.outputs.push(JSON.stringify(e)));
  try {
    for await (const c of conn.authenticate()) {
      answer(c, answerOtp);
      captured.outputs.push(JSON.stringify(await conn.checkpoint()), inspect(conn, { depth: 10, showHidden: true }), inspect(c, { showHidden: true }));
    }
    await conn.accounts();
    captured.outputs.push(JSON.stringify(await conn.checkpoint()));
  } catch (error) {
    captured.outputs.push(errorText(error));
  }
  captured.outputs.push(inspect(conn, { depth: 10, showHidden: true }), JSON.stringify(conn), inspect(bank, { depth: 4 }));
}

function answer(c: Challenge, otp: string): void {
  if (c.type === 'questions') c.answer({ q1: CANARY.answer, q2: { question: 'Favourite colour?', answer: CANARY.pick } });
  if (c.type === 'otp') c.answer({ code: otp });
  if (c.type === 'consent') c.answer({ options: { accounts: true } });
}

function expectNoCanary(captured: Captured): void {
  expect(captured.outputs.length).toBeGreaterThan(3);
  const all = captured.outputs.join('\n');
  for (const [kind, value] of Object.entries(CANARY)) {
    if (all.includes(value)) {
      const where = captured.outputs.find((o) => o.includes(value));
      throw new Error(`${kind} canary leaked in: ${where?.slice(0, 400)}`);
    }
  }
}

describe('secret canaries never leave the SDK', () => {
  it('through a successful full flow (questions, OTP, decoupled, consent, accounts)', async () => {
    const captured: Captured = { outputs: [] };
    await run('full', CANARY.otp, captured);
    expect(captured.outputs.some((o) => o.includes('"status":"active"'))).toBe(true);
    expectNoCanary(captured);
  });

  it('through a wrong OTP that the provider echoes back in its error', async () => {
    const captured: Captured = { outputs: [] };
    const wrong = '555444';
    await run('otp', wrong, captured);
    const all = captured.outputs.join('\n');
    expect(all).toContain('Wrong code [REDACTED]');
    expect(all).not.toContain(wrong);
    expectNoCanary(captured);
  });

  it('through a wrong password that the provider echoes back', async () => {
    const captured: Captured = { outputs: [] };
    const wrongPassword = 'pw-WRONG-CANARY-31';
    await run('nomfa', CANARY.otp, captured, wrongPassword);
    const all = captured.outputs.join('\n');
    expect(all).toContain('invalid_credentials');
    expect(all).not.toContain(wrongPassword);
    expectNoCanary(captured);
  });

  it('through network faults on secret-bearing requests', async () => {
    const captured: Captured = { outputs: [] };
    toy.sim.inject({ endpoint: 'Answer', kind: 'reset' });
    await run('otp', CANARY.otp, captured);
    expect(captured.outputs.join('\n')).toMatch(/NetworkError/);
    expectNoCanary(captured);
  });
});

describe('every form a secret takes on its way back (#13 item 5)', () => {
  const PASSWORD = 'Pw"Cänäry\\7f3a9-Secret';
  const forms: Array<[string, (s: string) => string]> = [
    ['raw', (s) => s],
    ['upper-cased', (s) => s.toUpperCase()],
    ['lower-cased', (s) => s.toLowerCase()],
    ['JSON-escaped', (s) => JSON.stringify(s).slice(1, -1)],
    ['non-ASCII escaped', (s) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
    ['URL-encoded', (s) => encodeURIComponent(s)],
    ['form-encoded', (s) => new URLSearchParams({ v: s }).toString().slice(2)],
    ['base64', (s) => Buffer.from(s).toString('base64')],
    ['base64url', (s) => Buffer.from(s).toString('base64url')],
    ['truncated at the end', (s) => `${s.slice(0, Math.ceil(s.length * 0.7))}…`],
  ];
  for (const [name, form] of forms) {
    it(`a password echoed ${name} in an error never reaches the error, its JSON or inspect`, async () => {
      toy.sim.state.password = PASSWORD;
      toy.sim.inject({ endpoint: 'CreateSession', kind: 'status', status: 400, body: JSON.stringify({ code: 'bad_credentials', message: `refused for ${form(PASSWORD)}` }) });
      const conn = toy.bank().connect('toybank', { username: 'nomfa', password: PASSWORD });
      let error: unknown;
      try {
        for await (const c of conn.authenticate()) void c;
      } catch (e) {
        error = e;
      }
      const text = `${errorText(error)}\n${JSON.stringify(conn.status)}`;
      expect(text).toContain('[REDACTED]');
      expect(text.toLowerCase()).not.toContain(form(PASSWORD).replace(/…$/, '').toLowerCase());
    });
  }

  it('display text of a challenge that quotes an earlier answer is redacted; the checkpoint (leak guard on) still works (#14 item 4)', async () => {
    const conn = toy.bank().connect('toybank', { username: 'questions-otp', password: CANARY.password });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      if (c.type === 'questions') c.answer({ q1: CANARY.answer, q2: { question: 'Favourite colour?', answer: CANARY.pick } });
      if (c.type === 'otp') {
        seen.push(JSON.stringify(c), JSON.stringify(await conn.checkpoint()));
        c.answer({ code: CANARY.otp });
      }
    }
    expect(seen.join('\n')).not.toContain(CANARY.answer);
    expect(seen.join('\n')).toContain('Code for the account of [REDACTED]');
    expect(conn.status.status).toBe('active');
  });
});
