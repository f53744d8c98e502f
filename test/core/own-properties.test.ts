import { describe, expect, it } from 'vitest';
import { validateAnswer } from '../../src/core/answers.js';
import { ChallengeData } from '../../src/core/model/challenge.js';
import { isInvalidAnswerError } from '../../src/index.js';

const IDS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

function rejects(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isInvalidAnswerError(error)) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected an InvalidAnswerError');
}

describe('answers are looked up as own properties only (#13 item 4)', () => {
  for (const id of IDS) {
    it(`a required consent option "${id}" that the user never ticked is refused, not sent as checked`, () => {
      const challenge = ChallengeData.parse({ id: 'c-1', provider: 'p', type: 'consent', text: 'Terms', options: [{ id, label: 'I agree', required: true }] });
      expect(rejects(() => validateAnswer(challenge, { options: {} }))).toEqual([`options.${id}: required to give consent`]);
    });

    it(`an unticked optional consent option "${id}" is sent as unchecked`, () => {
      const challenge = ChallengeData.parse({ id: 'c-1', provider: 'p', type: 'consent', text: 'Terms', options: [{ id, label: 'News', required: false }] });
      const answer = validateAnswer(challenge, { options: {} });
      expect(answer.type === 'consent' && Object.entries(answer.options)).toEqual([[id, false]]);
    });

    it(`a required credential field "${id}" left empty is refused`, () => {
      const challenge = ChallengeData.parse({ id: 'c-1', provider: 'p', type: 'credentials', fields: [{ name: id, label: 'Code' }] });
      expect(rejects(() => validateAnswer(challenge, {}))).toEqual([`${id}: required`]);
    });

    it(`a question prompt "${id}" left unanswered is refused`, () => {
      const challenge = ChallengeData.parse({ id: 'c-1', provider: 'p', type: 'questions', prompts: [{ id, text: 'City?' }] });
      expect(rejects(() => validateAnswer(challenge, {}))).toEqual([`${id}: every prompt must be answered in the same answer`]);
    });
  }

  it('a given value for such an id is used as an own value', () => {
    const challenge = ChallengeData.parse({ id: 'c-1', provider: 'p', type: 'credentials', fields: [{ name: 'constructor', label: 'Code' }] });
    const answer = validateAnswer(challenge, { constructor: 'abc' });
    expect(answer).toEqual({ type: 'credentials', values: Object.assign(Object.create(null), { constructor: 'abc' }) });
  });
});
