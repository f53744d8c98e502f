import { createHash } from 'node:crypto';
import type { Account } from '../core/model/account.js';
import type { Challenge } from '../core/model/challenge.js';

/** "4.1 KB, sha256 1a2b3c4d…": how an image option reads in a terminal. */
export function describeImage(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  const size = bytes.length >= 1024 ? `${(bytes.length / 1024).toFixed(1)} KB` : `${bytes.length} B`;
  return `${size}, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}`;
}

/** Consent texts and labels are provider HTML: a terminal shows their text only. */
export function plainText(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

/** "14:05:12": a deadline in the terminal's local time. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

/** Where a decoupled approval happens, as a person reads it (nothing when the provider does not say). */
const DECOUPLED_CHANNEL: Record<string, string | undefined> = { app: 'app', device: 'trusted device', sms: 'SMS', email: 'email', unknown: undefined };

/** What the challenge itself says, beyond its prompts: the provider's message (e.g. after a wrong answer). */
function messageLines(challenge: Challenge, shown: string[]): string[] {
  const lines: string[] = [];
  const message = challenge.message?.trim();
  // Flinks repeats the prompt as the message: say it once.
  if (message && !shown.some((line) => line.includes(message))) lines.push(`“${message}”`);
  if ((challenge.type === 'otp' || challenge.type === 'credentials') && challenge.remainingAttempts !== undefined) lines.push(`${challenge.remainingAttempts} attempt(s) left`);
  return lines;
}

function body(challenge: Challenge): string[] {
  switch (challenge.type) {
    case 'credentials':
      return [`credentials: ${challenge.fields.map((f) => `${f.label}${f.secret ? ' (secret)' : ''}`).join(', ')}`];
    case 'otp':
      return [`otp: ${challenge.label ?? 'a code'} by ${challenge.channel}${challenge.length ? `, ${challenge.length} characters` : ''}${challenge.passwordRequired ? ', with the password' : ''}`];
    case 'questions':
      return [
        `questions (answered together):`,
        ...challenge.prompts.map((q) => {
          if (q.questions) return `  • ${q.text}: pick one of ${q.questions.length} questions`;
          if (q.choices?.some((c) => c.image)) return `  • ${q.text}: ${q.choices.length} images`;
          if (q.choices) return `  • ${q.text}: ${q.choices.map((c) => c.label).join(' / ')}`;
          return `  • ${q.text}`;
        }),
      ];
    case 'choice':
      return [
        `choice (${challenge.kind}${challenge.methods ? `, by ${challenge.methods.join(' or ')}` : ''}): ${challenge.prompt}`,
        ...challenge.options.map((o) => `  • ${o.label}${o.image ? ` — ${o.image.mediaType}, ${describeImage(o.image.data)}` : ''}`),
      ];
    case 'decoupled': {
      const where = DECOUPLED_CHANNEL[challenge.channel];
      const deadline = challenge.expiresAt ? `; approve before ${clockTime(challenge.expiresAt)}` : '';
      return [`decoupled${where ? ` (${where})` : ''}: ${challenge.message ?? 'approve on your other device'}${deadline}`];
    }
    case 'redirect':
      return [`redirect: ${challenge.url}`];
    case 'consent':
      return [`consent: ${plainText(challenge.text)}`, ...challenge.options.map((o) => `  • ${plainText(o.label)}${o.required ? ' (required)' : ''}`)];
  }
}

/** The lines that present a challenge on screen. */
export function describeChallenge(challenge: Challenge): string[] {
  const lines = body(challenge);
  return [...lines, ...messageLines(challenge, lines)];
}

/** What an answer looks like on screen: secrets masked. */
export function showAnswer(challenge: Challenge, answer: unknown): string {
  if (challenge.type === 'credentials') {
    const values = answer as Record<string, string>;
    return challenge.fields
      .filter((f) => values[f.name] !== undefined)
      .map((f) => `${f.name}=${f.secret ? '••••' : values[f.name]}`)
      .join(' ');
  }
  if (challenge.type === 'otp') return `code ••••${(answer as { password?: string }).password ? ' + password ••••' : ''}`;
  if (challenge.type === 'questions') return `${challenge.prompts.length} answer(s)`;
  if (challenge.type === 'redirect') return 'the bank sent us back to the callback';
  return JSON.stringify(answer);
}

export function accountLine(account: Account): string {
  const { current, available } = account.balances;
  const balance = current ?? available;
  return `  ${account.name.slice(0, 28).padEnd(28)} ${account.type.padEnd(10)} ${(balance?.amount ?? '-').padStart(14)} ${account.currency}${account.iban ? `  ${account.iban}` : ''}`;
}
