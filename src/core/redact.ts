/**
 * The one redaction function of the SDK: errors, events, logs, challenges and checkpoints
 * all go through a `Secrets` registry. Two rules, applied together:
 * - by value: every secret that entered the SDK (password, OTP, answer, token, API key)
 *   is registered and replaced wherever it appears, in every form a provider or a
 *   formatter can give it: raw, URL- and form-encoded, JSON-escaped (also with non-ASCII
 *   as `\uXXXX`), base64 and base64url, any letter case, and cut off at the end of a text;
 * - by key: object keys and query parameters that name a secret are replaced whatever
 *   their value.
 *
 * No RegExp is compiled per registry: a held authentication costs a few strings, and a
 * match is an `indexOf` over the lower-cased text.
 */
export const REDACTED = '[REDACTED]';

// Keys whose values are secret whatever they contain: any key mentioning one of these…
const SECRET_PART = /pass(word|wd|phrase)?|secret|token|api[-_]?key|auth[-_]?key|authorization|cookie|signature|private[-_]?key|securityresponses|credential/i;
// …and these exact short names.
const SECRET_EXACT = /^(pin|otp|code|pwd|answer|answers|authorizationcode|auth_code)$/i;

/** True when an object key or header/parameter name denotes a secret. */
export function isSecretKey(key: string): boolean {
  const compact = key.replace(/\s+/g, '');
  return SECRET_PART.test(compact) || SECRET_EXACT.test(compact);
}

// Values shorter than this are only redacted by key: redacting "1" everywhere would garble output.
const MIN_SECRET_LENGTH = 3;
// Values shorter than this are redacted as whole tokens only (not inside "12345" or "id1234x").
const WHOLE_TOKEN_BELOW = 8;
// A secret this long is also caught when a text ends with (at least half of) its beginning: truncated.
const TRUNCATION_FROM = 8;
// Deeper than this, a value is not walked but replaced: no raw subtree ever leaves.
const MAX_DEPTH = 12;

function utf8Base64(text: string): string | undefined {
  try {
    let binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  } catch {
    return undefined;
  }
}

/** Every form a secret can take on its way out of a provider or a formatter. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value, value.normalize('NFC'), value.normalize('NFD')]);
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2)); // form encoding: spaces as '+'
  const json = JSON.stringify(value).slice(1, -1);
  const asciiEscape = (text: string): string => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  forms.add(json);
  forms.add(asciiEscape(json));
  forms.add(asciiEscape(value));
  forms.add(json.replace(/\//g, '\\/')); // some servers escape the solidus
  const b64 = utf8Base64(value);
  if (b64 && b64.length >= WHOLE_TOKEN_BELOW) {
    forms.add(b64);
    forms.add(b64.replace(/=+$/, ''));
    forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Registered secrets, looked up in their lower-cased forms. */
export class Secrets {
  /** Lower-cased forms of this registry's own secrets. */
  readonly #forms: string[] = [];
  /** Lower-cased raw secrets long enough to be caught truncated. */
  readonly #heads: string[] = [];
  readonly #raw = new Set<string>();
  readonly #parent: Secrets | undefined;
  #version = 0;
  #cache: { version: number; forms: string[]; heads: string[] } | undefined;

  constructor(parent?: Secrets) {
    this.#parent = parent;
  }

  /** Registers values as secret (every encoded form too). Empty and very short values are ignored. */
  add(...values: ReadonlyArray<string | undefined | null>): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.#raw.has(value)) continue;
      this.#raw.add(value);
      for (const form of formsOf(value)) {
        const lower = form.toLowerCase();
        if (!this.#forms.includes(lower)) this.#forms.push(lower);
      }
      if (value.length >= TRUNCATION_FROM) this.#heads.push(value.toLowerCase());
      this.#version++;
    }
  }

  /** A child registry: sees this one's secrets, adds its own (e.g. a connection under its provider). */
  child(): Secrets {
    return new Secrets(this);
  }

  /** Grows whenever a secret is added here or to a parent: caches built over the set compare it. */
  get version(): number {
    return this.#version + (this.#parent ? this.#parent.version : 0);
  }

  /** The raw registered values (own first, then the parent's). */
  *values(): IterableIterator<string> {
    yield* this.#raw;
    if (this.#parent) yield* this.#parent.values();
  }

  #all(): { forms: string[]; heads: string[] } {
    const version = this.version;
    if (this.#cache?.version === version) return this.#cache;
    const parent = this.#parent ? this.#parent.#all() : undefined;
    // Longest first, so that a secret containing another is replaced whole.
    const forms = [...new Set([...this.#forms, ...(parent?.forms ?? [])])].sort((a, b) => b.length - a.length);
    const heads = [...this.#heads, ...(parent?.heads ?? [])];
    this.#cache = { version, forms, heads };
    return this.#cache;
  }

  /** The [start, end) ranges of `text` that hold a secret, merged. */
  #ranges(text: string): Array<[number, number]> {
    const { forms, heads } = this.#all();
    if ((forms.length === 0 && heads.length === 0) || text.length === 0) return [];
    let lower = text.toLowerCase();
    // A few characters change length when lower-cased (İ): then match the case as it is.
    if (lower.length !== text.length) lower = text;
    const ranges: Array<[number, number]> = [];
    for (const form of forms) {
      const whole = form.length < WHOLE_TOKEN_BELOW;
      for (let at = lower.indexOf(form); at !== -1; at = lower.indexOf(form, at + 1)) {
        const end = at + form.length;
        if (whole && ((at > 0 && isWordChar(lower.charCodeAt(at - 1))) || (end < lower.length && isWordChar(lower.charCodeAt(end))))) continue;
        ranges.push([at, end]);
      }
    }
    // Truncated: the text ends (before an ellipsis) with at least half of a secret's beginning.
    const tail = lower.replace(/(\.{3}|…)\s*$/, '');
    for (const head of heads) {
      for (let size = Math.min(head.length - 1, tail.length); size >= Math.max(6, Math.ceil(head.length / 2)); size--) {
        if (tail.endsWith(head.slice(0, size))) {
          ranges.push([tail.length - size, tail.length]);
          break;
        }
      }
    }
    if (ranges.length < 2) return ranges;
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [ranges[0] as [number, number]];
    for (const range of ranges.slice(1)) {
      const last = merged[merged.length - 1] as [number, number];
      if (range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range);
    }
    return merged;
  }

  /** True when `text` contains any registered secret, in any of its forms. */
  leaks(text: string): boolean {
    return this.#ranges(text).length > 0;
  }

  /** Replaces registered secrets inside a string. */
  redactString(text: string): string {
    const ranges = this.#ranges(text);
    if (ranges.length === 0) return text;
    let out = '';
    let from = 0;
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + REDACTED;
      from = end;
    }
    return out + text.slice(from);
  }

  /** Redacts first, then cuts: a cut never leaves half a secret behind. */
  excerpt(text: string, max: number): string {
    const clean = this.redactString(text);
    return clean.length <= max ? clean : `${clean.slice(0, max)}…`;
  }

  /** Redacts a URL: secret-named query parameters, userinfo, then registered values. */
  redactUrl(url: string): string {
    let out = url;
    try {
      const parsed = new URL(url);
      let changed = false;
      if (parsed.username || parsed.password) {
        parsed.username = '';
        parsed.password = '';
        changed = true;
      }
      for (const key of [...parsed.searchParams.keys()]) {
        if (isSecretKey(key)) {
          parsed.searchParams.set(key, REDACTED);
          changed = true;
        }
      }
      if (changed) out = parsed.toString();
    } catch {
      // Not an absolute URL: fall back to value redaction only.
    }
    return this.redactString(out);
  }

  /** Deep copy with secret keys and registered values replaced. Cycles and depth are bounded. */
  redact<T>(value: T, depth = 0): T {
    return this.#redact(value, depth, false) as T;
  }

  /** Like `redact`, by value only: display data (a challenge's labels) keeps its keys. */
  redactValues<T>(value: T): T {
    return this.#redact(value, 0, true) as T;
  }

  #redact(value: unknown, depth: number, valuesOnly: boolean): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return value;
    if (depth > MAX_DEPTH) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => this.#redact(item, depth + 1, valuesOnly));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // By key: any value but flags (`passwordRequired: true` says nothing secret) and empty ones.
      const hides = !valuesOnly && isSecretKey(key) && item !== null && item !== undefined && item !== '' && typeof item !== 'boolean';
      Object.defineProperty(out, this.redactString(key), { value: hides ? REDACTED : this.#redact(item, depth + 1, valuesOnly), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /**
   * Scrubs an error in place before it leaves the SDK: message, stack, every field and the
   * whole cause chain. A foreign cause (which may hold requests, headers or bodies) is
   * replaced by a plain Error that keeps only its redacted name and message.
   */
  scrubError<E>(error: E, depth = 0): E {
    if (typeof error === 'object' && error !== null && 'message' in error) this.#scrub(error, depth);
    return error;
  }

  #scrub(err: object, depth: number): void {
    try {
      for (const key of ['message', 'stack', ...Object.keys(err)]) {
        const value: unknown = Reflect.get(err, key);
        if (typeof value === 'string') {
          const clean = this.redactString(value);
          if (clean !== value) define(err, key, clean, key !== 'message' && key !== 'stack');
        } else if (typeof value === 'object' && value !== null && !(value instanceof Date) && key !== 'cause') {
          // Structured fields (a ValidationError's issues): redacted as data.
          const clean = this.redact(value);
          if (JSON.stringify(clean) !== JSON.stringify(value)) define(err, key, clean, true);
        }
      }
      const cause: unknown = Reflect.get(err, 'cause');
      if (cause !== undefined && depth < 8) {
        const isOurs = typeof cause === 'object' && cause !== null && Reflect.get(cause, Symbol.for('polybank.error')) === true;
        if (isOurs) this.#scrub(cause, depth + 1);
        else define(err, 'cause', plainCause(cause, this), false);
      }
    } catch {
      // Frozen or exotic error: leave it; callers only rethrow our own errors.
    }
  }
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable });
}

function plainCause(cause: unknown, secrets: Secrets): Error {
  const name = cause instanceof Error ? cause.name : 'Error';
  const message = cause instanceof Error ? cause.message : String(cause);
  const plain = new Error(secrets.redactString(message));
  plain.name = name;
  plain.stack = `${name}: ${plain.message}`;
  return plain;
}
