/**
 * The one redaction function of the SDK: errors, events, logs and checkpoints all go
 * through a `Secrets` registry. Two rules, applied together:
 * - by value: every secret that entered the SDK (password, OTP, answer, token, API key)
 *   is registered and replaced wherever it appears, also URL- and base64-encoded;
 * - by key: object keys and query parameters that name a secret are replaced whatever
 *   their value.
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function base64(text: string): string | undefined {
  try {
    return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  } catch {
    return undefined;
  }
}

export class Secrets {
  readonly #own = new Set<string>();
  readonly #parent: Secrets | undefined;
  #pattern: RegExp | null | undefined;
  #version = 0;
  #parentVersion = -1;

  constructor(parent?: Secrets) {
    this.#parent = parent;
  }

  /** Registers values as secret (their encoded forms too). Empty and very short values are ignored. */
  add(...values: ReadonlyArray<string | undefined | null>): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.#own.has(value)) continue;
      this.#own.add(value);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) this.#own.add(encoded);
      const b64 = base64(value);
      if (b64 && b64.length >= 8) this.#own.add(b64);
      this.#version++;
      this.#pattern = undefined;
    }
  }

  /** A child registry: sees this one's secrets, adds its own (e.g. a connection under its provider). */
  child(): Secrets {
    return new Secrets(this);
  }

  get version(): number {
    return this.#version + (this.#parent ? this.#parent.version : 0);
  }

  *values(): IterableIterator<string> {
    yield* this.#own;
    if (this.#parent) yield* this.#parent.values();
  }

  /** True when `text` contains any registered secret. */
  leaks(text: string): boolean {
    const pattern = this.#compiled();
    return pattern !== null && new RegExp(pattern.source).test(text);
  }

  #compiled(): RegExp | null {
    const parentVersion = this.#parent ? this.#parent.version : 0;
    if (this.#pattern === undefined || this.#parentVersion !== parentVersion) {
      // Longest first so that a secret containing another is replaced whole. A short
      // secret (a 4-digit PIN) only matches as a whole token, or it would hit every id
      // and amount that happens to contain its digits.
      const all = [...new Set(this.values())].sort((a, b) => b.length - a.length);
      const parts = all.map((value) => (value.length < WHOLE_TOKEN_BELOW ? `(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])` : escapeRegExp(value)));
      this.#pattern = parts.length ? new RegExp(parts.join('|'), 'g') : null;
      this.#parentVersion = parentVersion;
    }
    return this.#pattern;
  }

  /** Replaces registered secrets inside a string. */
  redactString(text: string): string {
    const pattern = this.#compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
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
    if (typeof value === 'string') return this.redactString(value) as T;
    if (value === null || typeof value !== 'object' || depth > 12) return value;
    if (value instanceof Date) return value;
    if (Array.isArray(value)) return value.map((item) => this.redact(item, depth + 1)) as T;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      // By key: any value but flags (`passwordRequired: true` says nothing secret) and empty ones.
      const hides = isSecretKey(key) && item !== null && item !== undefined && item !== '' && typeof item !== 'boolean';
      out[key] = hides ? REDACTED : this.redact(item, depth + 1);
    }
    return out as T;
  }

  /**
   * Scrubs an error in place before it leaves the SDK: message, stack and the whole
   * cause chain. A foreign cause (which may hold requests, headers or bodies) is
   * replaced by a plain Error that keeps only its redacted name and message.
   */
  scrubError<E>(error: E, depth = 0): E {
    if (!(error instanceof Error) && !(typeof error === 'object' && error !== null && 'message' in error)) return error;
    const err = error as unknown as Error & { cause?: unknown };
    try {
      err.message = this.redactString(String(err.message));
      if (typeof err.stack === 'string') err.stack = this.redactString(err.stack);
      // Every other string field an error carries (userMessage, endpoint, …).
      for (const key of Object.keys(err)) {
        const value = (err as unknown as Record<string, unknown>)[key];
        if (typeof value === 'string') {
          const clean = this.redactString(value);
          if (clean !== value) Object.defineProperty(err, key, { value: clean, configurable: true, writable: true, enumerable: true });
        }
      }
      if (err.cause !== undefined && depth < 8) {
        const cause = err.cause;
        const isOurs = typeof cause === 'object' && cause !== null && (cause as Record<symbol, unknown>)[Symbol.for('polybank.error')] === true;
        const safe = isOurs ? this.scrubError(cause, depth + 1) : plainCause(cause, this);
        Object.defineProperty(err, 'cause', { value: safe, configurable: true, writable: true, enumerable: false });
      }
    } catch {
      // Frozen or exotic error: leave it; callers only rethrow our own errors.
    }
    return error;
  }
}

function plainCause(cause: unknown, secrets: Secrets): Error {
  const name = cause instanceof Error ? cause.name : 'Error';
  const message = cause instanceof Error ? cause.message : String(cause);
  const plain = new Error(secrets.redactString(message));
  plain.name = name;
  plain.stack = `${name}: ${plain.message}`;
  return plain;
}
