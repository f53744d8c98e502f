import { createHash } from 'node:crypto';
import * as p from '@clack/prompts';
import type { Challenge } from '../core/model/challenge.js';

/** Asks the person at the terminal for the answer to a challenge (undefined: they cancelled). */
export type Ask = (challenge: Challenge) => Promise<unknown | undefined>;

class Cancelled extends Error {
  constructor() {
    super('cancelled at the prompt');
  }
}

function check<T>(value: T | symbol): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

/** "4.1 KB, sha256 1a2b3c4d…": how an image option reads in a terminal. */
export function describeImage(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  const size = bytes.length >= 1024 ? `${(bytes.length / 1024).toFixed(1)} KB` : `${bytes.length} B`;
  return `${size}, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}

function optionLabel(option: { label: string; image?: { mediaType: string; data: string } }): string {
  return option.image ? `${option.label} (${option.image.mediaType}, ${describeImage(option.image.data)})` : option.label;
}

/** Renders each challenge type as terminal prompts: menus for choices, masked input for secrets. */
export const askAtTerminal: Ask = async (challenge) => {
  try {
    switch (challenge.type) {
      case 'credentials': {
        const values: Record<string, string> = {};
        for (const field of challenge.fields) {
          if (field.choices) {
            values[field.name] = check(await p.select({ message: field.label, options: field.choices.map((c) => ({ value: c.value, label: c.label })) }));
          } else if (field.secret) {
            values[field.name] = check(await p.password({ message: field.label }));
          } else {
            values[field.name] = check(await p.text({ message: field.label, ...(field.description ? { placeholder: field.description } : {}) }));
          }
        }
        return values;
      }
      case 'otp': {
        const where = challenge.channel === 'unknown' ? '' : ` (sent by ${challenge.channel})`;
        const left = challenge.remainingAttempts !== undefined ? `, ${challenge.remainingAttempts} attempts left` : '';
        const code = check(await p.text({ message: `${challenge.label ?? 'Security code'}${where}${left}` }));
        if (!challenge.passwordRequired) return { code };
        return { code, password: check(await p.password({ message: 'Password' })) };
      }
      case 'questions': {
        const answers: Record<string, unknown> = {};
        for (const prompt of challenge.prompts) {
          if (prompt.questions) {
            const question = check(await p.select({ message: `${prompt.text}: pick a question`, options: prompt.questions.map((q) => ({ value: q, label: q })) }));
            answers[prompt.id] = { question, answer: check(await p.text({ message: question })) };
          } else if (prompt.choices) {
            const options = prompt.choices.map((c) => ({ value: c.id, label: optionLabel(c) }));
            answers[prompt.id] = prompt.multiple
              ? check(await p.multiselect({ message: prompt.text, options, required: true }))
              : check(await p.select({ message: prompt.text, options }));
          } else {
            answers[prompt.id] = check(await p.text({ message: prompt.text }));
          }
        }
        return answers;
      }
      case 'choice': {
        const options = challenge.options.map((o) => ({ value: o.id, label: optionLabel(o) }));
        const selected = challenge.multiple
          ? check(await p.multiselect({ message: challenge.prompt, options, required: true }))
          : check(await p.select({ message: challenge.prompt, options }));
        if (!challenge.methods) return { selected };
        const method = check(await p.select({ message: 'How should the code reach you?', options: challenge.methods.map((m) => ({ value: m, label: m })) }));
        return { selected, method };
      }
      case 'consent': {
        p.note(challenge.text.replace(/<[^>]+>/g, '').trim(), 'Consent');
        const options: Record<string, boolean> = {};
        for (const option of challenge.options) {
          const label = option.label.replace(/<[^>]+>/g, '').trim();
          options[option.id] = check(await p.confirm({ message: `${label}${option.required ? ' (required)' : ''}`, initialValue: option.defaultChecked }));
        }
        return { options };
      }
      case 'redirect':
        return { callback: check(await p.text({ message: `Open ${challenge.url} and paste the URL you were sent back to` })) };
      case 'decoupled':
        return undefined;
    }
  } catch (error) {
    if (error instanceof Cancelled) return undefined;
    throw error;
  }
};
