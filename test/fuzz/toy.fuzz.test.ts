import { describe, expect, it } from 'vitest';
import { Polybank, simulatedClock } from '../../src/index.js';
import { toybank } from '../support/toy-provider.js';
import { TOY_PASSWORD, toySimulator } from '../support/toy-simulator.js';
import { fuzz, type FuzzTarget } from './harness.js';

const CASES = Number(process.env.FUZZ_CASES ?? 300);

const toyTarget: FuzzTarget = {
  name: 'toybank',
  simulator: toySimulator() as never,
  bank: (fetch, baseUrl) => new Polybank({ providers: [toybank({ baseUrl })], fetch, retry: false, pollTimeout: 2_000, clock: simulatedClock() }),
  scenarios: [
    {
      name: 'full',
      run: async (bank) => {
        const conn = (bank as Polybank<ReturnType<typeof toybank>>).connect('toybank', { username: 'full', password: TOY_PASSWORD });
        for await (const c of conn.authenticate()) {
          if (c.type === 'questions') c.answer({ q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
          if (c.type === 'otp') c.answer({ code: '123456' });
          if (c.type === 'consent') c.answer({ options: { accounts: true } });
        }
        return { accounts: await conn.accounts() };
      },
    },
  ],
};

describe('fuzzing the toy adapter (the harness itself)', () => {
  it(`${CASES} spoiled responses end typed or valid`, async () => {
    (toyTarget.simulator as unknown as { state: { pollsUntilDecision: number } }).state.pollsUntilDecision = 1;
    const report = await fuzz(toyTarget, CASES, 42);
    expect(report.cases).toBe(CASES);
    expect(report.typedErrors).toBeGreaterThan(CASES / 10);
    expect(report.typedErrors + report.successes).toBe(CASES);
  }, Math.max(120_000, CASES * 30));
});
