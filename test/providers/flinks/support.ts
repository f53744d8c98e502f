import { expect } from 'vitest';
import { Polybank, type Challenge, type PolybankOptions } from '../../../src/index.js';
import { flinks, type FlinksAdapter, type FlinksOptions } from '../../../src/providers/flinks/index.js';
import { flinksSimulator, startSimulatorServer, type FlinksSimState, type FlinksSimulatorOptions, type Simulator, type SimulatorServer } from '../../../src/testing/index.js';

export const CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';
export const AUTH_KEY = 'authkey-CANARY-1f2e3d';
export const API_KEY = 'apikey-CANARY-9a8b7c';
export const PASSWORD = 'Everyday';

export type FlinksSim = Simulator<FlinksSimState>;
type BankOptions = Partial<PolybankOptions<FlinksAdapter>> & { flinks?: Partial<FlinksOptions> };

export interface FlinksRig {
  sim: FlinksSim;
  server: SimulatorServer;
  /** A fresh Polybank (another process, as far as the SDK knows) pointed at the simulator. */
  bank: (options?: BankOptions) => Polybank<FlinksAdapter>;
}

/** The simulator on a real loopback socket with an auth key and an x-api-key, and a bank factory for it. */
export async function startFlinks(simOptions: FlinksSimulatorOptions = { authKey: AUTH_KEY, apiKey: API_KEY }): Promise<FlinksRig> {
  const sim = flinksSimulator(simOptions);
  const server = await startSimulatorServer(sim as Simulator<unknown>);
  const bank = (options: BankOptions = {}): Polybank<FlinksAdapter> => {
    const { flinks: overrides, ...rest } = options;
    const keys = {
      ...(simOptions.authKey !== undefined ? { authKey: simOptions.authKey } : {}),
      ...(simOptions.apiKey !== undefined ? { apiKey: simOptions.apiKey } : {}),
    };
    return new Polybank({
      providers: [flinks({ customerId: CUSTOMER_ID, baseUrl: sim.baseUrl, ...keys, asyncPollIntervalMs: 20, decoupledPollIntervalMs: 20, ...overrides })],
      retry: { limit: 2, backoffLimitMs: 20 },
      ...rest,
    });
  };
  return { sim, server, bank };
}

/** What the simulator received on an endpoint, in order. */
export function bodies(sim: FlinksSim, endpoint = 'Authorize'): unknown[] {
  return sim.state.exchanges.filter((e) => e.endpoint === endpoint).map((e) => e.body);
}

export function responses(sim: FlinksSim, endpoint = 'Authorize'): unknown[] {
  return sim.state.exchanges.filter((e) => e.endpoint === endpoint).map((e) => e.response);
}

/**
 * No credential or answer reached Flinks twice: every /Authorize body is unique, except
 * the trusted-device confirmations, which are polls by design.
 */
export function expectNothingSentTwice(sim: FlinksSim): void {
  const sent = bodies(sim)
    .filter((b) => !JSON.stringify(b).includes('"VERIFIED"'))
    .map((b) => JSON.stringify(b));
  expect(new Set(sent).size).toBe(sent.length);
  // Every /Authorize spent its own token.
  const tokens = sim.state.exchanges.filter((e) => e.endpoint === 'Authorize').map((e) => e.headers['flinks-auth-key']);
  expect(new Set(tokens).size).toBe(tokens.length);
}

/** The sandbox's right answers. */
export const SANDBOX_ANSWERS: Record<string, string> = {
  'What shape do people like most?': 'Triangle',
  'What city were you born in?': 'Montreal',
  'What is the best country on earth?': 'Canada',
  'What is the name of your mother': 'Louise',
  'What is the name of your father': 'Paul',
  'What is the name of your dog': 'Wouf',
};
const RIGHT_PICKS: Record<string, string[]> = {
  'Choose one of the following:': ['None of the above'],
  'What purchases did you make over the last 10 days?': ['Purchase 1: $10.35', 'Purchase 3: $143.86'],
};
const picks = (prompt: string, options: ReadonlyArray<{ id: string; label: string }>): string[] =>
  options.filter((o) => (RIGHT_PICKS[prompt] ?? []).includes(o.label)).map((o) => o.id);

/** Answers any challenge the simulator's scenarios ask, rightly. */
export function answerRightly(c: Challenge): void {
  switch (c.type) {
    case 'questions': {
      const answer: Record<string, string | string[] | { question: string; answer: string }> = {};
      c.prompts.forEach((p, i) => {
        if (p.questions) answer[p.id] = { question: p.questions[i % p.questions.length] as string, answer: `new answer ${i + 1}` };
        else if (p.choices) {
          const ids = picks(p.text, p.choices);
          answer[p.id] = p.multiple ? ids : (ids[0] as string);
        } else answer[p.id] = SANDBOX_ANSWERS[p.text] ?? 'x';
      });
      c.answer(answer);
      break;
    }
    case 'otp':
      c.answer({ code: '123456' });
      break;
    case 'choice':
      if (c.kind === 'text_or_call') c.answer({ selected: (c.options[1] ?? c.options[0])?.id as string, method: 'Text' });
      else if (c.kind === 'image') c.answer({ selected: c.options[5]?.id as string });
      else {
        const ids = picks(c.prompt, c.options);
        c.answer({ selected: c.multiple ? ids : (ids[0] as string) });
      }
      break;
    default:
      break;
  }
}

/** Runs a whole authentication, answering rightly; returns the challenge types seen. */
export async function link(bank: Polybank<FlinksAdapter>, institution: string, username: string): Promise<{ conn: ReturnType<Polybank<FlinksAdapter>['connect']>; seen: string[] }> {
  const conn = bank.connect('flinks', { institution, username, password: PASSWORD });
  const seen: string[] = [];
  for await (const c of conn.authenticate()) {
    seen.push(c.type === 'choice' ? `choice:${c.kind}` : c.type);
    answerRightly(c);
  }
  return { conn, seen };
}

/** The error an authentication ends with. */
export async function failure(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await run();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a failure');
}
