/**
 * Flinks MFA (the SecurityChallenges of a 203) ⇄ polybank challenges, both ways.
 *
 * Flinks answers are `SecurityResponses: { <key>: [values] }` where the key is the
 * prompt text, exactly as sent (never re-cased or trimmed) — except where the user picks
 * the key: TextOrCall (the chosen phone number) and QuestionAndAnswer with Iterables
 * (the chosen question; seed "Step 3 Response"). Prompt texts and offered strings are the
 * provider's: they are only ever compared, stored in arrays or Maps, never used to index
 * a plain object.
 */
import { ChallengeStateError, ProviderResponseError, type ChallengeData, type ChallengeSpec, type NormalizedAnswer, type QuestionPrompt } from '../../provider.js';
import type { PromptKind, SecurityChallenge, StatePrompt } from './schemas.js';

/** How a TextOrCall code is delivered; the chosen one is the value sent for the phone number. */
export const CODE_METHODS = ['Text', 'Call'] as const;
export type CodeMethod = (typeof CODE_METHODS)[number];
/** What confirms a trusted-device approval (seed, case 7). */
export const DEVICE_CONFIRMATION = 'VERIFIED';

/** How one SecurityChallenge is answered. Types are matched case-insensitively; an undocumented one is read safely. */
export function kindOf(c: SecurityChallenge): PromptKind {
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

/** What the state keeps of a 203's challenges: keys and offered strings, never image data. */
export function toPrompts(list: SecurityChallenge[]): StatePrompt[] {
  return list.map((c) => {
    const kind = kindOf(c);
    const iterables = c.Iterables ?? [];
    if (kind === 'image') {
      const heads = iterables.map((value) => imageOf(value).head);
      return { kind, key: c.Prompt, ...(heads.some((head) => head !== '') ? { heads } : {}) };
    }
    return { kind, key: c.Prompt, ...(iterables.length > 0 ? { values: [...iterables] } : {}) };
  });
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
  const first = list[0];
  if (kinds.includes('device')) {
    if (list.length > 1 || !first) throw new ProviderResponseError('flinks', 'Authorize', 'SecurityChallenges', 'WaitUntilEUAccept together with other prompts');
    return { kind: 'decoupled', message: first.Prompt };
  }
  if (list.length === 1 && first) {
    const iterables = first.Iterables ?? [];
    const common = { prompt: first.Prompt, message: first.Prompt, multiple: false, ...expiry };
    switch (kinds[0]) {
      case 'text':
        if (context.codeMethod) {
          return { kind: 'challenge', challenge: { type: 'otp', channel: context.codeMethod === 'Call' ? 'call' : 'sms', label: first.Prompt, message: first.Prompt, ...expiry } };
        }
        if (SECURID.test(first.Prompt)) {
          return { kind: 'challenge', challenge: { type: 'otp', channel: 'token', label: first.Prompt, message: first.Prompt, length: 6, pattern: '[0-9]{6}', ...expiry } };
        }
        break;
      case 'single':
      case 'multiple':
        return {
          kind: 'challenge',
          challenge: { type: 'choice', ...common, kind: kinds[0], multiple: kinds[0] === 'multiple', options: iterables.map((label, i) => ({ id: optionId(i), label })) },
        };
      case 'image':
        return { kind: 'challenge', challenge: { type: 'choice', ...common, kind: 'image', options: imageOptions(iterables) } };
      case 'text_or_call':
        return {
          kind: 'challenge',
          challenge: { type: 'choice', ...common, kind: 'text_or_call', options: iterables.map((label, i) => ({ id: optionId(i), label })), methods: [...CODE_METHODS] },
        };
      default:
        break;
    }
  }
  // Questions (one, several answered together, pick-a-question) and any mixed group.
  return { kind: 'challenge', challenge: { type: 'questions', prompts: list.map((c, i) => promptOf(c, kinds[i] ?? 'text', i)), ...expiry } };
}

function imageOptions(iterables: string[]): Array<{ id: string; label: string; image: { mediaType: string; data: string } }> {
  return iterables.map((value, i) => {
    const { mediaType, data } = imageOf(value);
    return { id: optionId(i), label: `Image ${i + 1}`, image: { mediaType, data } };
  });
}

function promptOf(c: SecurityChallenge, kind: PromptKind, index: number): QuestionPrompt {
  const iterables = c.Iterables ?? [];
  const base = { id: promptId(index), text: c.Prompt };
  switch (kind) {
    case 'pick':
      return { ...base, questions: iterables };
    case 'single':
    case 'multiple':
      return { ...base, choices: iterables.map((label, i) => ({ id: optionId(i), label })), multiple: kind === 'multiple' };
    case 'image':
      return { ...base, choices: imageOptions(iterables), multiple: false };
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

/**
 * A base64 image as Flinks sends it (bare base64, or a data: URL) → media type and data,
 * and the `head` that precedes the data (so that the offered string can be rebuilt).
 */
export function imageOf(value: string): { mediaType: string; data: string; head: string } {
  const dataUrl = /^(data:([^;,]+)[^,]*,)(.*)$/s.exec(value);
  if (dataUrl) return { head: dataUrl[1] ?? '', mediaType: dataUrl[2] ?? 'application/octet-stream', data: dataUrl[3] ?? '' };
  const found = SNIFF.find(([prefix]) => value.startsWith(prefix));
  return { head: '', mediaType: found ? found[1] : 'application/octet-stream', data: value };
}

// ---------------------------------------------------------------- answers → SecurityResponses

/**
 * The exact SecurityResponses for an answer the core validated against `challenge`, built
 * from the state's prompts (keys, offered strings) and, for images, the challenge's own
 * image data. Values are the offered strings themselves (never the option ids).
 */
export function securityResponses(prompts: StatePrompt[], challenge: ChallengeData, answer: NormalizedAnswer): Record<string, string[]> {
  // A Map, then own properties: a prompt named `__proto__` or `constructor` is a key like any other.
  const out = new Map<string, string[]>();
  const put = (key: string, values: string[]): void => {
    if (out.has(key)) throw mismatch('two prompts answer under the same key');
    out.set(key, values);
  };
  const [only] = prompts;
  if (challenge.type === 'otp' && answer.type === 'otp' && prompts.length === 1 && only) {
    put(only.key, [answer.code]);
  } else if (challenge.type === 'choice' && answer.type === 'choice' && prompts.length === 1 && only) {
    const indices = answer.selected.map((id) => challenge.options.findIndex((o) => o.id === id));
    if (challenge.kind === 'text_or_call') {
      if (!answer.method || indices.length !== 1) throw mismatch('TextOrCall needs one phone number and a method');
      put(valueAt(only, indices[0] ?? -1), [answer.method]);
    } else if (challenge.kind === 'image') {
      put(only.key, indices.map((i) => imageValue(only, i, challenge.options[i]?.image)));
    } else {
      put(only.key, indices.map((i) => valueAt(only, i)));
    }
  } else if (challenge.type === 'questions' && answer.type === 'questions' && challenge.prompts.length === prompts.length) {
    challenge.prompts.forEach((prompt, i) => {
      const p = prompts[i];
      const response = Object.hasOwn(answer.responses, prompt.id) ? answer.responses[prompt.id] : undefined;
      if (!p || !response) throw mismatch(`prompt ${prompt.id} has no answer`);
      const choices = prompt.choices;
      if (p.kind === 'pick') {
        if (response.question === undefined) throw mismatch(`prompt ${prompt.id} needs a picked question`);
        put(response.question, [response.answer]);
      } else if (choices) {
        const indices = (response.selected ?? [response.answer]).map((id) => choices.findIndex((o) => o.id === id));
        if (p.kind === 'text_or_call') {
          const index = indices[0] ?? -1;
          put(valueAt(p, Math.floor(index / CODE_METHODS.length)), [CODE_METHODS[index % CODE_METHODS.length] ?? 'Text']);
        } else if (p.kind === 'image') {
          put(p.key, indices.map((index) => imageValue(p, index, choices[index]?.image)));
        } else {
          put(p.key, indices.map((index) => valueAt(p, index)));
        }
      } else {
        put(p.key, [response.answer]);
      }
    });
  } else {
    throw mismatch(`a ${answer.type} answer does not fit the pending ${challenge.type} challenge`);
  }
  return Object.fromEntries(out);
}

/** The trusted-device confirmation: `{ <prompt>: ["VERIFIED"] }`. */
export function deviceConfirmation(prompts: StatePrompt[]): Record<string, string[]> {
  const device = prompts.find((p) => p.kind === 'device');
  if (!device) throw mismatch('no WaitUntilEUAccept prompt is pending');
  return Object.fromEntries([[device.key, [DEVICE_CONFIRMATION]]]);
}

/** Which delivery method a TextOrCall answer chose (the code prompt that follows is an OTP sent that way). */
export function chosenMethod(challenge: ChallengeData, answer: NormalizedAnswer): CodeMethod | undefined {
  if (challenge.type === 'choice' && challenge.kind === 'text_or_call' && answer.type === 'choice') {
    return CODE_METHODS.find((m) => m === answer.method);
  }
  return undefined;
}

function valueAt(p: StatePrompt, index: number): string {
  const value = index >= 0 ? p.values?.[index] : undefined;
  if (value === undefined) throw mismatch(`no option ${index + 1} in "${p.kind}"`);
  return value;
}

/** The offered image string, rebuilt from the challenge's data and the head the state kept. */
function imageValue(p: StatePrompt, index: number, image: { data: string } | undefined): string {
  if (index < 0 || !image) throw mismatch(`no image ${index + 1}`);
  return `${p.heads?.[index] ?? ''}${image.data}`;
}

function mismatch(detail: string): Error {
  return new ChallengeStateError(`flinks: the answer does not match the pending SecurityChallenges (${detail})`, { provider: 'flinks' });
}
