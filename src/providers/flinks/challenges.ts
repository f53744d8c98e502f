/**
 * Flinks MFA (the SecurityChallenges of a 203) ⇄ polybank challenges, both ways.
 *
 * Flinks answers are `SecurityResponses: { <key>: [values] }` where the key is the
 * prompt text, exactly as sent (never re-cased or trimmed) — except where the user picks
 * the key: TextOrCall (the chosen phone number) and QuestionAndAnswer with Iterables
 * (the chosen question; seed "Step 3 Response").
 */
import { ChallengeStateError, ProviderResponseError } from '../../core/errors.js';
import type { ChallengeData, NormalizedAnswer, QuestionPrompt } from '../../core/model/challenge.js';
import type { ChallengeSpec } from '../../core/provider.js';
import type { SecurityChallenge } from './schemas.js';

/** How a TextOrCall code is delivered; the chosen one is the value sent for the phone number. */
export const CODE_METHODS = ['Text', 'Call'] as const;
export type CodeMethod = (typeof CODE_METHODS)[number];
/** What confirms a trusted-device approval (seed, case 7). */
export const DEVICE_CONFIRMATION = 'VERIFIED';

type Kind = 'text' | 'pick' | 'single' | 'multiple' | 'image' | 'text_or_call' | 'device';

/** How one SecurityChallenge is answered. Types are matched case-insensitively; an undocumented one is read safely. */
export function kindOf(c: SecurityChallenge): Kind {
  const iterables = c.Iterables ?? [];
  switch (c.Type.toLowerCase()) {
    case 'questionandanswer':
      // With Iterables, the user first picks a question (security-question reset).
      return iterables.length > 0 ? 'pick' : 'text';
    case 'multiplechoice':
      return 'single';
    case 'multiplechoicemultipleanswers':
      return 'multiple';
    case 'imageselection':
      return 'image';
    case 'textorcall':
      return 'text_or_call';
    case 'waituntileuaccept':
      return 'device';
    default:
      return iterables.length > 0 ? 'single' : 'text';
  }
}

export type Mapped = { kind: 'decoupled'; message: string } | { kind: 'challenge'; challenge: ChallengeSpec };

export interface MapContext {
  /** Set when this 203 answers a TextOrCall choice: its code prompt is then an OTP sent that way. */
  codeMethod?: CodeMethod;
  /** When the RequestId lapses if nothing is sent (8 minutes of inactivity). */
  expiresAt?: string;
}

// SecurID is documented as "always 6 digits" (seed, case 4).
const SECURID = /securid/i;

const optionId = (i: number): string => `o${i + 1}`;
const promptId = (i: number): string => `q${i + 1}`;

/** A 203's SecurityChallenges as one polybank challenge. */
export function toChallenge(list: SecurityChallenge[], context: MapContext = {}): Mapped {
  const expiry = context.expiresAt ? { expiresAt: context.expiresAt } : {};
  const kinds = list.map(kindOf);
  if (kinds.includes('device')) {
    if (list.length > 1) throw new ProviderResponseError('flinks', 'Authorize', 'SecurityChallenges', 'WaitUntilEUAccept together with other prompts');
    return { kind: 'decoupled', message: (list[0] as SecurityChallenge).Prompt };
  }
  if (list.length === 1) {
    const c = list[0] as SecurityChallenge;
    const iterables = c.Iterables ?? [];
    const kind = kinds[0] as Kind;
    switch (kind) {
      case 'text':
        if (context.codeMethod) {
          return {
            kind: 'challenge',
            challenge: { type: 'otp', channel: context.codeMethod === 'Call' ? 'call' : 'sms', label: c.Prompt, message: c.Prompt, ...expiry },
          };
        }
        if (SECURID.test(c.Prompt)) {
          return {
            kind: 'challenge',
            challenge: { type: 'otp', channel: 'token', label: c.Prompt, message: c.Prompt, length: 6, pattern: '[0-9]{6}', ...expiry },
          };
        }
        break;
      case 'single':
      case 'multiple':
        return {
          kind: 'challenge',
          challenge: {
            type: 'choice',
            prompt: c.Prompt,
            message: c.Prompt,
            kind,
            multiple: kind === 'multiple',
            options: iterables.map((label, i) => ({ id: optionId(i), label })),
            ...expiry,
          },
        };
      case 'image':
        return {
          kind: 'challenge',
          challenge: {
            type: 'choice',
            prompt: c.Prompt,
            message: c.Prompt,
            kind: 'image',
            multiple: false,
            options: iterables.map((value, i) => ({ id: optionId(i), label: `Image ${i + 1}`, image: imageOf(value) })),
            ...expiry,
          },
        };
      case 'text_or_call':
        return {
          kind: 'challenge',
          challenge: {
            type: 'choice',
            prompt: c.Prompt,
            message: c.Prompt,
            kind: 'text_or_call',
            multiple: false,
            options: iterables.map((label, i) => ({ id: optionId(i), label })),
            methods: [...CODE_METHODS],
            ...expiry,
          },
        };
      default:
        break;
    }
  }
  // Questions (one, several answered together, pick-a-question) and any mixed group.
  return { kind: 'challenge', challenge: { type: 'questions', prompts: list.map((c, i) => promptOf(c, kinds[i] as Kind, i)), ...expiry } };
}

function promptOf(c: SecurityChallenge, kind: Kind, index: number): QuestionPrompt {
  const iterables = c.Iterables ?? [];
  const base = { id: promptId(index), text: c.Prompt };
  switch (kind) {
    case 'pick':
      return { ...base, questions: iterables };
    case 'single':
    case 'multiple':
      return { ...base, choices: iterables.map((label, i) => ({ id: optionId(i), label })), multiple: kind === 'multiple' };
    case 'image':
      return { ...base, choices: iterables.map((value, i) => ({ id: optionId(i), label: `Image ${i + 1}`, image: imageOf(value) })), multiple: false };
    case 'text_or_call':
      // In a group a prompt has no `method`: each phone number is offered once per method.
      return {
        ...base,
        choices: iterables.flatMap((phone, i) => CODE_METHODS.map((method) => ({ id: `${optionId(i)}-${method.toLowerCase()}`, label: `${phone} (${method})` }))),
        multiple: false,
      };
    default:
      return base;
  }
}

const SNIFF: ReadonlyArray<[string, string]> = [
  ['/9j/', 'image/jpeg'],
  ['iVBORw0KGgo', 'image/png'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
  ['Qk', 'image/bmp'],
  ['PHN2Zy', 'image/svg+xml'],
  ['PD94bWw', 'image/svg+xml'],
];

/** A base64 image as Flinks sends it (bare base64, or a data: URL) → media type and data. */
export function imageOf(value: string): { mediaType: string; data: string } {
  const dataUrl = /^data:([^;,]+)[^,]*,(.*)$/s.exec(value);
  if (dataUrl) return { mediaType: dataUrl[1] as string, data: dataUrl[2] as string };
  const found = SNIFF.find(([prefix]) => value.startsWith(prefix));
  return { mediaType: found ? found[1] : 'application/octet-stream', data: value };
}

// ---------------------------------------------------------------- answers → SecurityResponses

/**
 * The exact SecurityResponses for an answer validated by the core against the challenge
 * built from `list`. Values are the offered strings themselves (never the option ids).
 */
export function securityResponses(list: SecurityChallenge[], challenge: ChallengeData, answer: NormalizedAnswer): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const put = (key: string, values: string[]): void => {
    if (Object.hasOwn(out, key)) throw mismatch(`two prompts answer under the same key`);
    out[key] = values;
  };
  if (challenge.type === 'otp' && answer.type === 'otp' && list.length === 1) {
    put((list[0] as SecurityChallenge).Prompt, [answer.code]);
    return out;
  }
  if (challenge.type === 'choice' && answer.type === 'choice' && list.length === 1) {
    const c = list[0] as SecurityChallenge;
    const picked = answer.selected.map((id) => iterableAt(c, challenge.options.findIndex((o) => o.id === id)));
    if (challenge.kind === 'text_or_call') {
      if (!answer.method || picked.length !== 1) throw mismatch('TextOrCall needs one phone number and a method');
      put(picked[0] as string, [answer.method]);
    } else {
      put(c.Prompt, picked);
    }
    return out;
  }
  if (challenge.type === 'questions' && answer.type === 'questions' && challenge.prompts.length === list.length) {
    challenge.prompts.forEach((prompt, i) => {
      const c = list[i] as SecurityChallenge;
      const response = answer.responses[prompt.id];
      if (!response) throw mismatch(`prompt ${prompt.id} has no answer`);
      const kind = kindOf(c);
      if (kind === 'pick') {
        if (response.question === undefined) throw mismatch(`prompt ${prompt.id} needs a picked question`);
        put(response.question, [response.answer]);
      } else if (prompt.choices) {
        const picked = (response.selected ?? [response.answer]).map((id) => prompt.choices?.findIndex((o) => o.id === id) ?? -1);
        if (kind === 'text_or_call') {
          const index = picked[0] ?? -1;
          put(iterableAt(c, Math.floor(index / CODE_METHODS.length)), [CODE_METHODS[index % CODE_METHODS.length] as CodeMethod]);
        } else {
          put(c.Prompt, picked.map((index) => iterableAt(c, index)));
        }
      } else {
        put(c.Prompt, [response.answer]);
      }
    });
    return out;
  }
  throw mismatch(`a ${answer.type} answer does not fit the pending ${challenge.type} challenge`);
}

/** The trusted-device confirmation: `{ <prompt>: ["VERIFIED"] }`. */
export function deviceConfirmation(list: SecurityChallenge[]): Record<string, string[]> {
  const c = list.find((item) => kindOf(item) === 'device');
  if (!c) throw mismatch('no WaitUntilEUAccept prompt is pending');
  return { [c.Prompt]: [DEVICE_CONFIRMATION] };
}

/** Which delivery method a TextOrCall answer chose (the code prompt that follows is an OTP sent that way). */
export function chosenMethod(challenge: ChallengeData, answer: NormalizedAnswer): CodeMethod | undefined {
  if (challenge.type === 'choice' && challenge.kind === 'text_or_call' && answer.type === 'choice') {
    return CODE_METHODS.find((m) => m === answer.method);
  }
  return undefined;
}

function iterableAt(c: SecurityChallenge, index: number): string {
  const value = (c.Iterables ?? [])[index];
  if (value === undefined) throw mismatch(`no option ${index + 1} in "${c.Type}"`);
  return value;
}

function mismatch(detail: string): Error {
  return new ChallengeStateError(`flinks: the answer does not match the pending SecurityChallenges (${detail})`, { provider: 'flinks' });
}
