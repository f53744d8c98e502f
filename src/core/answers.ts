import { InvalidAnswerError, type Issue } from './errors.js';
import {
  ChoiceAnswer,
  ConsentAnswer,
  CredentialsAnswer,
  OtpAnswer,
  QuestionsAnswer,
  RedirectAnswer,
  type ChallengeData,
  type ChallengeDataOf,
  type NormalizedAnswer,
} from './model/challenge.js';
import { isSecretKey } from './redact.js';
import { check, type SchemaOutput, type StandardSchemaV1 } from './schema.js';

function compile(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    // Providers write patterns for the whole value; anchor them like woob/Powens do.
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined; // A PCRE-only pattern: the provider will judge the value.
  }
}

/** An own property only: an answer for `constructor` is never read off Object.prototype. */
function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A record keyed by provider-defined ids: no prototype, so no id can reach one. */
function idRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

function structural<S extends StandardSchemaV1>(schema: S, raw: unknown, id: string): SchemaOutput<S> {
  const parsed = check(schema, raw);
  if (!parsed.ok) throw new InvalidAnswerError(id, parsed.issues);
  return parsed.value;
}

function credentials(ch: ChallengeDataOf<'credentials'>, raw: unknown): NormalizedAnswer {
  const values = structural(CredentialsAnswer, raw, ch.id);
  const issues: Issue[] = [];
  const known = new Set(ch.fields.map((f) => f.name));
  for (const key of Object.keys(values)) if (!known.has(key)) issues.push({ path: key, message: 'not a field of this challenge' });
  const out = idRecord<string>();
  for (const field of ch.fields) {
    const value = own(values, field.name);
    if (value === undefined || value === '') {
      if (field.required) issues.push({ path: field.name, message: 'required' });
      continue;
    }
    if (field.choices && !field.choices.some((c) => c.value === value)) {
      issues.push({ path: field.name, message: `must be one of: ${field.choices.map((c) => c.value).join(', ')}` });
      continue;
    }
    const re = compile(field.pattern);
    if (re && !re.test(value)) {
      issues.push({ path: field.name, message: `does not match the expected format ${field.pattern}` });
      continue;
    }
    out[field.name] = value;
  }
  if (issues.length) throw new InvalidAnswerError(ch.id, issues);
  return { type: 'credentials', values: out };
}

function otp(ch: ChallengeDataOf<'otp'>, raw: unknown): NormalizedAnswer {
  const answer = structural(OtpAnswer, raw, ch.id);
  const issues: Issue[] = [];
  const code = answer.code.trim();
  if (code === '') issues.push({ path: 'code', message: 'required' });
  else if (ch.length !== undefined && code.length !== ch.length) issues.push({ path: 'code', message: `must be ${ch.length} characters` });
  else {
    const re = compile(ch.pattern);
    if (re && !re.test(code)) issues.push({ path: 'code', message: `does not match the expected format ${ch.pattern}` });
  }
  if (ch.passwordRequired && !answer.password) issues.push({ path: 'password', message: 'required together with the code' });
  if (!ch.passwordRequired && answer.password !== undefined) issues.push({ path: 'password', message: 'not asked by this challenge' });
  if (issues.length) throw new InvalidAnswerError(ch.id, issues);
  return answer.password === undefined ? { type: 'otp', code } : { type: 'otp', code, password: answer.password };
}

function questions(ch: ChallengeDataOf<'questions'>, raw: unknown): NormalizedAnswer {
  const answers = structural(QuestionsAnswer, raw, ch.id);
  const issues: Issue[] = [];
  const known = new Set(ch.prompts.map((p) => p.id));
  for (const key of Object.keys(answers)) if (!known.has(key)) issues.push({ path: key, message: 'not a prompt of this challenge' });
  const responses = idRecord<{ question?: string; answer: string; selected?: string[] }>();
  for (const prompt of ch.prompts) {
    const given = own(answers, prompt.id);
    if (given === undefined) {
      issues.push({ path: prompt.id, message: 'every prompt must be answered in the same answer' });
      continue;
    }
    if (prompt.questions) {
      if (typeof given === 'string' || Array.isArray(given)) {
        issues.push({ path: prompt.id, message: 'pick a question first: answer with { question, answer }' });
        continue;
      }
      if (!prompt.questions.includes(given.question)) issues.push({ path: `${prompt.id}.question`, message: 'not one of the offered questions' });
      if (given.answer.trim() === '') issues.push({ path: `${prompt.id}.answer`, message: 'required' });
      responses[prompt.id] = { question: given.question, answer: given.answer };
    } else if (prompt.choices) {
      const ids = new Set(prompt.choices.map((c) => c.id));
      const picked = typeof given === 'string' ? [given] : Array.isArray(given) ? given : undefined;
      if (!picked) {
        issues.push({ path: prompt.id, message: 'answer with the id of an offered option' });
        continue;
      }
      if (picked.length === 0) issues.push({ path: prompt.id, message: 'choose at least one option' });
      if (!prompt.multiple && picked.length > 1) issues.push({ path: prompt.id, message: 'choose exactly one option' });
      if (new Set(picked).size !== picked.length) issues.push({ path: prompt.id, message: 'an option is chosen twice' });
      picked.forEach((id, i) => {
        if (!ids.has(id)) issues.push({ path: `${prompt.id}.${i}`, message: 'not one of the offered options' });
      });
      responses[prompt.id] = { answer: picked[0] ?? '', selected: picked };
    } else {
      if (typeof given !== 'string') {
        issues.push({ path: prompt.id, message: 'this prompt takes a text answer' });
        continue;
      }
      if (given.trim() === '') issues.push({ path: prompt.id, message: 'required' });
      responses[prompt.id] = { answer: given };
    }
  }
  // Picking the same question twice in one grouped challenge is never accepted by a bank.
  const picked = Object.values(responses).map((r) => r.question).filter((q): q is string => q !== undefined);
  if (new Set(picked).size !== picked.length) issues.push({ path: '', message: 'each prompt must pick a different question' });
  if (issues.length) throw new InvalidAnswerError(ch.id, issues);
  return { type: 'questions', responses };
}

function choice(ch: ChallengeDataOf<'choice'>, raw: unknown): NormalizedAnswer {
  const answer = structural(ChoiceAnswer, raw, ch.id);
  const selected = typeof answer.selected === 'string' ? [answer.selected] : answer.selected;
  const issues: Issue[] = [];
  const ids = new Set(ch.options.map((o) => o.id));
  if (selected.length === 0) issues.push({ path: 'selected', message: 'choose at least one option' });
  if (!ch.multiple && selected.length > 1) issues.push({ path: 'selected', message: 'choose exactly one option' });
  if (new Set(selected).size !== selected.length) issues.push({ path: 'selected', message: 'an option is chosen twice' });
  selected.forEach((id, i) => {
    if (!ids.has(id)) issues.push({ path: `selected.${i}`, message: 'not one of the offered options' });
  });
  if (ch.methods) {
    if (answer.method === undefined) issues.push({ path: 'method', message: `choose a method: ${ch.methods.join(', ')}` });
    else if (!ch.methods.includes(answer.method)) issues.push({ path: 'method', message: `must be one of: ${ch.methods.join(', ')}` });
  } else if (answer.method !== undefined) {
    issues.push({ path: 'method', message: 'not asked by this challenge' });
  }
  if (issues.length) throw new InvalidAnswerError(ch.id, issues);
  return answer.method === undefined ? { type: 'choice', selected } : { type: 'choice', selected, method: answer.method };
}

function redirect(ch: ChallengeDataOf<'redirect'>, raw: unknown): NormalizedAnswer {
  const answer = structural(RedirectAnswer, raw, ch.id);
  const params = callbackParams(answer.callback);
  if (!params) throw new InvalidAnswerError(ch.id, [{ path: 'callback', message: 'not a callback URL or query string' }]);
  // The anti-forgery check is the core's: a state that does not match is never exchanged.
  const name = ch.stateParam ?? 'state';
  const given = own(params, name);
  if (ch.state !== undefined && given !== ch.state) {
    throw new InvalidAnswerError(ch.id, [{ path: `callback.${name}`, message: given === undefined ? `missing ${name}` : `${name} does not match the one this challenge issued` }]);
  }
  return { type: 'redirect', params };
}

/** Reads callback parameters from a full URL, a query string, URLSearchParams or a plain object. */
export function callbackParams(callback: string | URL | URLSearchParams | Record<string, string>): Record<string, string> | undefined {
  let search: URLSearchParams;
  if (callback instanceof URLSearchParams) search = callback;
  // Some providers return parameters in the fragment.
  else if (callback instanceof URL) search = new URLSearchParams(callback.search || callback.hash.replace(/^#/, ''));
  else if (typeof callback === 'string') {
    const text = callback.trim();
    if (text === '') return undefined;
    // A full URL, or a path with its query (what `req.url` is on node:http and Express).
    if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith('/')) {
      try {
        const url = new URL(text, 'http://callback.invalid');
        search = new URLSearchParams(url.search || url.hash.replace(/^#/, ''));
      } catch {
        return undefined;
      }
    } else {
      search = new URLSearchParams(text.replace(/^[?#]/, ''));
    }
  } else {
    const out = idRecord<string>();
    for (const [key, value] of Object.entries(callback)) if (typeof value === 'string') out[key] = value;
    return Object.keys(out).length ? out : undefined;
  }
  const out = idRecord<string>();
  for (const [key, value] of search) out[key] = value;
  return Object.keys(out).length ? out : undefined;
}

function consent(ch: ChallengeDataOf<'consent'>, raw: unknown): NormalizedAnswer {
  const answer = structural(ConsentAnswer, raw, ch.id);
  const issues: Issue[] = [];
  const ids = new Set(ch.options.map((o) => o.id));
  for (const key of Object.keys(answer.options)) if (!ids.has(key)) issues.push({ path: `options.${key}`, message: 'not an option of this consent' });
  const options = idRecord<boolean>();
  for (const option of ch.options) {
    const value = own(answer.options, option.id) ?? false;
    if (option.required && !value) issues.push({ path: `options.${option.id}`, message: 'required to give consent' });
    options[option.id] = value;
  }
  if (issues.length) throw new InvalidAnswerError(ch.id, issues);
  return { type: 'consent', options };
}

/**
 * Checks an answer against its challenge, at once and without I/O. Throws
 * InvalidAnswerError listing every problem; returns the answer in its normalized shape.
 */
export function validateAnswer(challenge: ChallengeData, raw: unknown): NormalizedAnswer {
  switch (challenge.type) {
    case 'credentials':
      return credentials(challenge, raw);
    case 'otp':
      return otp(challenge, raw);
    case 'questions':
      return questions(challenge, raw);
    case 'choice':
      return choice(challenge, raw);
    case 'redirect':
      return redirect(challenge, raw);
    case 'consent':
      return consent(challenge, raw);
    case 'decoupled':
      throw new InvalidAnswerError(challenge.id, [{ path: '', message: 'a decoupled challenge needs no answer: the loop polls until approved' }]);
  }
}

/** The values of an answer that must be treated as secrets (redacted, never checkpointed). */
export function secretValues(challenge: ChallengeData, answer: NormalizedAnswer): string[] {
  switch (answer.type) {
    case 'credentials': {
      // Secret fields only (passwords, PINs): a username is PII, not a credential secret.
      const fields = challenge.type === 'credentials' ? challenge.fields : [];
      return fields.filter((f) => f.secret && answer.values[f.name] !== undefined).map((f) => answer.values[f.name] as string);
    }
    case 'otp':
      return answer.password === undefined ? [answer.code] : [answer.code, answer.password];
    case 'questions':
      // Free-text answers are secrets; a picked option id or question is not.
      return Object.values(answer.responses).filter((r) => r.selected === undefined).map((r) => r.answer);
    case 'redirect':
      // The authorization code in a callback is a bearer secret; ids and state are not.
      return Object.entries(answer.params).filter(([key]) => isSecretKey(key)).map(([, value]) => value);
    default:
      return [];
  }
}
