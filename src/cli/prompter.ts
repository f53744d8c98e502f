import * as p from '@clack/prompts';
import { isInvalidAnswerError, isPolybankError } from '../core/errors.js';
import type { Challenge, DecoupledChallenge } from '../core/model/challenge.js';
import { describeImage, plainText } from './describe.js';

/** Every challenge but a decoupled one: those take an answer. */
export type AnswerableChallenge = Exclude<Challenge, DecoupledChallenge>;

export interface AskContext {
  /**
   * Fields the chosen scenario already decides (the Powens test connector's scenario lists):
   * applied without asking; `null` leaves an optional field empty.
   */
  preset: Readonly<Record<string, string | null>>;
  /** What the simulated person sees now (the latest SMS): shown again after a resend. */
  hint(): string | undefined;
  /** Aborted by Ctrl-C outside a prompt: the prompts then end as cancelled. */
  signal?: AbortSignal;
}

/** `answered`: `challenge.answer()` accepted it (the loop sends it next); `cancelled`: Ctrl-C or Esc. */
export type AskResult = 'answered' | 'cancelled';

/** Asks the person at the terminal and answers the challenge. */
export type Ask = (challenge: AnswerableChallenge, context: AskContext) => Promise<AskResult>;

class Cancelled extends Error {
  constructor() {
    super('cancelled at the prompt');
  }
}

function check<T>(value: T | symbol): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

function give(challenge: AnswerableChallenge, answer: unknown): void {
  (challenge.answer as (raw: unknown) => void)(answer);
}

/**
 * The SDK's own verdict on one part of an answer. `challenge.answer()` validates at once and
 * sends nothing, so it can judge a partial answer: the issues at `path` are this field's, the
 * others (fields not asked yet) are ignored. A complete valid trial is simply the answer.
 */
export function issueAt(challenge: AnswerableChallenge, trial: unknown, path: string): string | undefined {
  try {
    give(challenge, trial);
    return undefined;
  } catch (error) {
    if (!isInvalidAnswerError(error)) throw error;
    return error.issues.find((issue) => issue.path === path || issue.path.startsWith(`${path}.`))?.message;
  }
}

function optionLabel(option: { label: string; image?: { mediaType: string; data: string } }): string {
  return option.image ? `${option.label} (${option.image.mediaType}, ${describeImage(option.image.data)})` : option.label;
}

type Of<T extends AnswerableChallenge['type']> = Extract<AnswerableChallenge, { type: T }>;

async function credentials(challenge: Of<'credentials'>, context: AskContext): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  const signal = context.signal;
  // In the order the challenge lists them: the username before the password.
  for (const field of challenge.fields) {
    if (field.name in context.preset) {
      const value = context.preset[field.name];
      if (value === null || value === undefined) continue;
      values[field.name] = value;
      p.log.info(`${field.label}: ${(field.choices ?? field.suggestions)?.find((c) => c.value === value)?.label ?? value} (the scenario you chose)`);
      continue;
    }
    const validate = (value: string | undefined): string | undefined => issueAt(challenge, { ...values, [field.name]: value ?? '' }, field.name);
    if (field.choices) {
      const options = field.choices.map((c) => ({ value: c.value, label: c.label }));
      if (!field.required) options.unshift({ value: '', label: '(leave empty)' });
      const value = check(await p.select({ message: field.label, options, signal }));
      if (value !== '') values[field.name] = value;
    } else if (field.suggestions) {
      // An advisory list: the suggestions as a menu, and any other value typed in.
      const other = '\u0000other';
      const options = field.suggestions.map((c) => ({ value: c.value, label: c.label }));
      if (!field.required) options.unshift({ value: '', label: '(leave empty)' });
      options.push({ value: other, label: 'Another value…' });
      const value = check(await p.select({ message: field.label, options, signal }));
      if (value === other) values[field.name] = check(await p.text({ message: field.label, validate, signal })) ?? '';
      else if (value !== '') values[field.name] = value;
    } else if (field.secret) {
      values[field.name] = check(await p.password({ message: field.label, validate, signal })) ?? '';
    } else {
      values[field.name] = check(await p.text({ message: field.label, ...(field.description ? { placeholder: field.description } : {}), validate, signal })) ?? '';
    }
  }
  return values;
}

async function otp(challenge: Of<'otp'>, context: AskContext): Promise<{ code: string; password?: string }> {
  const signal = context.signal;
  const resend = challenge.resend;
  for (;;) {
    const where = challenge.channel === 'unknown' ? '' : ` (sent by ${challenge.channel})`;
    const left = challenge.remainingAttempts !== undefined ? `, ${challenge.remainingAttempts} attempts left` : '';
    const wantsResend = (value: string | undefined): boolean => resend !== undefined && value?.trim().toLowerCase() === 'r';
    const code = check(
      await p.text({
        message: `${challenge.label ?? 'Security code'}${where}${left}${resend ? ' — or r for a new code' : ''}`,
        validate: (value) => (wantsResend(value) ? undefined : issueAt(challenge, { code: value ?? '' }, 'code')),
        signal,
      }),
    ) ?? '';
    if (wantsResend(code)) {
      try {
        await (resend as () => Promise<void>)();
        p.log.info('↻ A new code was sent; the previous one no longer works');
        const hint = context.hint();
        if (hint) p.log.message(`↳ ${hint}`);
      } catch (error) {
        if (!isPolybankError(error)) throw error;
        p.log.warn(`No new code: ${error.message}`);
      }
      continue;
    }
    if (!challenge.passwordRequired) return { code };
    const password = check(await p.password({ message: 'Password', validate: (value) => issueAt(challenge, { code, password: value ?? '' }, 'password'), signal })) ?? '';
    return { code, password };
  }
}

async function questions(challenge: Of<'questions'>, context: AskContext): Promise<Record<string, unknown>> {
  const signal = context.signal;
  const answers: Record<string, unknown> = {};
  const picked = new Set<string>();
  for (const prompt of challenge.prompts) {
    if (prompt.questions) {
      // A bank never accepts the same question twice: offer only those not picked yet.
      const free = prompt.questions.filter((q) => !picked.has(q));
      const question = check(await p.select({ message: `${prompt.text}: pick a question`, options: free.map((q) => ({ value: q, label: q })), signal }));
      picked.add(question);
      const answer = check(
        await p.text({ message: question, validate: (value) => issueAt(challenge, { ...answers, [prompt.id]: { question, answer: value ?? '' } }, `${prompt.id}.answer`), signal }),
      ) ?? '';
      answers[prompt.id] = { question, answer };
    } else if (prompt.choices) {
      const options = prompt.choices.map((c) => ({ value: c.id, label: optionLabel(c) }));
      answers[prompt.id] = prompt.multiple
        ? check(await p.multiselect({ message: prompt.text, options, required: true, signal }))
        : check(await p.select({ message: prompt.text, options, signal }));
    } else {
      answers[prompt.id] = check(await p.text({ message: prompt.text, validate: (value) => issueAt(challenge, { ...answers, [prompt.id]: value ?? '' }, prompt.id), signal })) ?? '';
    }
  }
  return answers;
}

async function choice(challenge: Of<'choice'>, context: AskContext): Promise<{ selected: string | string[]; method?: string }> {
  const signal = context.signal;
  const options = challenge.options.map((o) => ({ value: o.id, label: optionLabel(o) }));
  const selected = challenge.multiple
    ? check(await p.multiselect({ message: challenge.prompt, options, required: true, signal }))
    : check(await p.select({ message: challenge.prompt, options, signal }));
  if (!challenge.methods) return { selected };
  const method = check(await p.select({ message: 'How should the code reach you?', options: challenge.methods.map((m) => ({ value: m, label: m })), signal }));
  return { selected, method };
}

async function consent(challenge: Of<'consent'>, context: AskContext): Promise<{ options: Record<string, boolean> }> {
  p.note(plainText(challenge.text), 'Consent');
  const options: Record<string, boolean> = {};
  for (const option of challenge.options) {
    const label = plainText(option.label);
    for (;;) {
      const value = check(await p.confirm({ message: `${label}${option.required ? ' (required)' : ''}`, initialValue: option.defaultChecked, signal: context.signal }));
      const issue = issueAt(challenge, { options: { ...options, [option.id]: value } }, `options.${option.id}`);
      if (!issue) {
        options[option.id] = value;
        break;
      }
      p.log.warn(`${issue}: accept it to go on, or press Ctrl-C to stop`);
    }
  }
  return { options };
}

async function redirect(challenge: Of<'redirect'>, context: AskContext): Promise<{ callback: string }> {
  const callback = check(
    await p.text({ message: `Open ${challenge.url} and paste the URL you were sent back to`, validate: (value) => issueAt(challenge, { callback: value ?? '' }, 'callback'), signal: context.signal }),
  );
  return { callback: callback ?? '' };
}

function collect(challenge: AnswerableChallenge, context: AskContext): Promise<unknown> {
  switch (challenge.type) {
    case 'credentials':
      return credentials(challenge, context);
    case 'otp':
      return otp(challenge, context);
    case 'questions':
      return questions(challenge, context);
    case 'choice':
      return choice(challenge, context);
    case 'consent':
      return consent(challenge, context);
    case 'redirect':
      return redirect(challenge, context);
  }
}

/**
 * Renders a challenge as terminal prompts (menus for choices, masked input for secrets), each
 * field checked as it is typed by the SDK's own validation and asked again when it fails. An
 * answer that is still refused as a whole (a rule across fields) is asked again too: nothing
 * has been sent, and the link goes on.
 */
export const askAtTerminal: Ask = async (challenge, context) => {
  try {
    for (;;) {
      const answer = await collect(challenge, context);
      try {
        give(challenge, answer);
        return 'answered';
      } catch (error) {
        if (!isInvalidAnswerError(error)) throw error;
        for (const issue of error.issues) p.log.warn(`${issue.path || 'answer'}: ${issue.message}`);
        p.log.message('Nothing was sent; asking again.');
      }
    }
  } catch (error) {
    if (error instanceof Cancelled) return 'cancelled';
    throw error;
  }
};
