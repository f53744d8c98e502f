/**
 * What the user holds for each challenge: its data, frozen, with the behaviour its type
 * has (`answer`, and `resend` where the provider can send a new code). One builder per
 * variant, so that every handle has exactly its type's members.
 */
import type {
  Challenge,
  ChallengeData,
  ChallengeDataOf,
  ChoiceChallenge,
  ConsentChallenge,
  CredentialsChallenge,
  DecoupledChallenge,
  OtpChallenge,
  QuestionsChallenge,
  RedirectChallenge,
} from '../model/challenge.js';

/** What a handle calls back into: the loop that issued it. */
export interface HandleActions {
  answer(id: string, raw: unknown): void;
  /** Present when the provider can resend a code. */
  resend?: (id: string) => Promise<void>;
}

function answerable<D extends ChallengeData>(data: D, actions: HandleActions): D & { answer(raw: unknown): void } {
  return { ...data, answer: (raw: unknown): void => actions.answer(data.id, raw) };
}

function otp(data: ChallengeDataOf<'otp'>, actions: HandleActions): OtpChallenge {
  const handle: OtpChallenge = answerable(data, actions);
  const resend = actions.resend;
  if (!data.canResend || !resend) return handle;
  return { ...handle, resend: () => resend(data.id) };
}

/** The schema checked that the list has an item; the handle's type says so (`list[0]` is defined). */
function atLeastOne<T>(list: readonly T[], id: string): readonly [T, ...T[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new TypeError(`challenge ${id} has an empty list`);
  return [first, ...rest];
}

/** The frozen handle for a challenge. */
export function challengeHandle(data: ChallengeData, actions: HandleActions): Challenge {
  let handle: Challenge;
  switch (data.type) {
    case 'credentials':
      handle = { ...answerable(data, actions), fields: atLeastOne(data.fields, data.id) } satisfies CredentialsChallenge;
      break;
    case 'otp':
      handle = otp(data, actions);
      break;
    case 'questions':
      handle = { ...answerable(data, actions), prompts: atLeastOne(data.prompts, data.id) } satisfies QuestionsChallenge;
      break;
    case 'choice':
      handle = { ...answerable(data, actions), options: atLeastOne(data.options, data.id) } satisfies ChoiceChallenge;
      break;
    case 'redirect':
      handle = answerable(data, actions) satisfies RedirectChallenge;
      break;
    case 'consent':
      handle = answerable(data, actions) satisfies ConsentChallenge;
      break;
    case 'decoupled':
      handle = { ...data } satisfies DecoupledChallenge;
      break;
  }
  return Object.freeze(handle);
}
