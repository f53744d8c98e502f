import * as z from 'zod/mini';
import { CheckpointError, ConfigurationError } from './errors.js';
import { ChallengeData } from './model/challenge.js';
import { ConnectionStatus, ErrorReason } from './model/status.js';
import type { Json } from './provider.js';

/**
 * Checkpoints, version 2: readable JSON (operators can see which challenge is pending),
 * authenticated by default. The MAC is HMAC-SHA256 (RFC 2104) over the RFC 8785 canonical
 * form of the body; every checkpoint has an id and an expiry that `resume` enforces, and
 * its sealed values (AES-256-GCM) are bound to that id, so they cannot be moved to another
 * checkpoint. Without a configured key, a key made for this process signs and seals: the
 * checkpoint then resumes in this process only (a shared store requires a configured key).
 */
export const CHECKPOINT_VERSION = 2;

const PollPlanSchema = z.object({
  /** The next wait, in milliseconds. */
  intervalMs: z.number().check(z.nonnegative()),
  /** The longest wait once backing off, in milliseconds. */
  maxIntervalMs: z.optional(z.number().check(z.nonnegative())),
  /** How much each wait grows (1: fixed). */
  factor: z.optional(z.number().check(z.positive())),
  /** When waiting stops (ISO date-time). */
  deadline: z.optional(z.iso.datetime({ offset: true })),
  /** The reason the connection fails with at the deadline. */
  deadlineReason: z.optional(ErrorReason),
});

const JsonValue: z.ZodMiniType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), z.optional(JsonValue))]),
);

/** A sealed (encrypted) blob: sensitive values that only travel encrypted, bound to their checkpoint. */
export const SealedBlob = z.object({
  /** AES-256-GCM. */
  alg: z.literal('A256GCM'),
  /** The id of the encryption key (`checkpoints.encryption.keys`). */
  kid: z.string(),
  /** The nonce, base64. */
  iv: z.string(),
  /** The ciphertext and tag, base64. */
  data: z.string(),
});
export type SealedBlob = z.infer<typeof SealedBlob>;

const BodyShape = {
  /** The checkpoint format's version. */
  v: z.literal(CHECKPOINT_VERSION),
  /** Random, unique per checkpoint: sealed values are bound to it; a used one is not resumed twice. */
  id: z.string().check(z.minLength(16), z.maxLength(64)),
  /** The provider id: `bank.resume()` needs it configured. */
  provider: z.string().check(z.minLength(1)),
  /** How the authentication began: `bank.connect()` (a new link) or `bank.connection()` (an existing one). */
  origin: z.enum(['connect', 'open']),
  /** Challenges issued so far, so that ids stay unique after a resume. */
  seq: z.number().check(z.int(), z.nonnegative()),
  /** The connection's status when it was taken. */
  status: ConnectionStatus,
  /** The connection reference, once known, without its secret fields (a refresh token travels sealed, or not at all). */
  ref: z.optional(JsonValue),
  /** The adapter's JSON state (secret-free by contract). */
  state: z.optional(JsonValue),
  /** What the loop waits for: a challenge to (re-)yield, and/or a poll to continue. */
  pending: z.optional(
    z.object({
      /** The challenge to yield again on resume. */
      challenge: z.optional(ChallengeData),
      /** The poll to continue on resume. */
      poll: z.optional(PollPlanSchema),
    }),
  ),
  /** The sensitive values the provider needs after a resume, encrypted and bound to this checkpoint's id. */
  sealed: z.optional(SealedBlob),
  /** Names of sensitive values left out because no encryption key is configured. */
  dropped: z.optional(z.array(z.string())),
  /** When it was taken (ISO date-time). */
  createdAt: z.iso.datetime({ offset: true }),
  /** After this, `resume` refuses the checkpoint. */
  expiresAt: z.iso.datetime({ offset: true }),
};
const StrictBody = z.strictObject(BodyShape);

const Mac = z.object({
  /** HMAC-SHA256. */
  alg: z.literal('HS256'),
  /** Which signing key: the current one or one of `previousSigningKeys`. */
  kid: z.string().check(z.minLength(1)),
  /** The MAC, base64url. */
  value: z.string().check(z.minLength(1)),
});

/** The versioned, authenticated JSON a connection can be resumed from. Never holds a secret. */
export const Checkpoint = z.object({
  ...BodyShape,
  /** The signature over the canonical body: a checkpoint changed anywhere is refused. */
  mac: Mac,
});
export type Checkpoint = z.infer<typeof Checkpoint>;
export type CheckpointBody = z.infer<typeof StrictBody>;

/** RFC 8785 (JCS) for JSON data: sorted keys (UTF-16 order), no undefined, ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const encoder = new TextEncoder();

function keyBytes(key: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(typeof key === 'string' ? encoder.encode(key) : key);
}

/** The key id of a signing key: the first bytes of its own HMAC of a fixed label (never the key). */
async function keyId(key: CryptoKey): Promise<string> {
  return toBase64Url(await crypto.subtle.sign('HMAC', key, encoder.encode('polybank checkpoint key id'))).slice(0, 12);
}

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

async function importSigningKey(raw: string | Uint8Array): Promise<SigningKey> {
  const key = await crypto.subtle.importKey('raw', keyBytes(raw), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return { kid: await keyId(key), key };
}

let processKey: Promise<SigningKey> | undefined;

/** A key made for this process, for checkpoints that never leave it. */
function processSigningKey(): Promise<SigningKey> {
  processKey ??= importSigningKey(crypto.getRandomValues(new Uint8Array(32)));
  return processKey;
}

export interface CheckpointKeys {
  /** HMAC key (≥ 16 bytes; 32 random bytes recommended) that signs new checkpoints. */
  signingKey?: string | Uint8Array;
  /** Older keys still accepted when resuming (key rotation). */
  previousSigningKeys?: ReadonlyArray<string | Uint8Array>;
}

/** Signs and verifies checkpoints; refuses an expired, modified or foreign one with CheckpointError. */
export class CheckpointCodec {
  readonly #current: Promise<SigningKey>;
  readonly #all: Promise<SigningKey[]>;
  /** True when checkpoints are signed with a configured key (they resume on any instance that has it). */
  readonly configured: boolean;

  constructor(keys: CheckpointKeys = {}) {
    for (const key of [keys.signingKey, ...(keys.previousSigningKeys ?? [])]) {
      if (key !== undefined && keyBytes(key).length < 16) throw new ConfigurationError('checkpoint signing keys must be at least 16 bytes (32 random bytes recommended)');
    }
    this.configured = keys.signingKey !== undefined;
    this.#current = keys.signingKey !== undefined ? importSigningKey(keys.signingKey) : processSigningKey();
    this.#all = Promise.all([this.#current, ...(keys.previousSigningKeys ?? []).map(importSigningKey)]);
    // A failure surfaces when used; never as an unhandled rejection.
    this.#all.catch(() => undefined);
  }

  async seal(body: CheckpointBody): Promise<Checkpoint> {
    const { kid, key } = await this.#current;
    const value = toBase64Url(await crypto.subtle.sign('HMAC', key, encoder.encode(canonicalJson(body))));
    return { ...body, mac: { alg: 'HS256', kid, value } };
  }

  /** Checks version, shape, authenticity and expiry; throws CheckpointError naming what is wrong. */
  async open(value: unknown, now: number): Promise<CheckpointBody> {
    const input = typeof value === 'string' ? safeJson(value) : value;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new CheckpointError('checkpoint is not a JSON object');
    const version: unknown = Reflect.get(input, 'v');
    if (version === 1) throw new CheckpointError('checkpoint version 1 (written by an older polybank, possibly unsigned) is no longer accepted: start the authentication again');
    if (version !== CHECKPOINT_VERSION) {
      throw new CheckpointError(`unsupported checkpoint version ${JSON.stringify(version)}; this polybank reads version ${CHECKPOINT_VERSION}`);
    }
    const mac = Mac.safeParse(Reflect.get(input, 'mac'));
    if (!mac.success) throw new CheckpointError('checkpoint is not signed (no HS256 mac)');
    const keys = await this.#all;
    const key = keys.find((k) => k.kid === mac.data.kid);
    if (!key) {
      throw new CheckpointError(
        this.configured
          ? 'checkpoint was signed with a key this bank does not have: configure the same checkpoints.signingKey on every instance'
          : 'checkpoint was signed by another process: configure checkpoints.signingKey (the same on every instance) to resume across processes',
      );
    }
    // The MAC covers the object as received, so no added, removed or changed key goes unnoticed.
    const raw = Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'mac'));
    const expected = toBase64Url(await crypto.subtle.sign('HMAC', key.key, encoder.encode(canonicalJson(raw))));
    if (!timingSafeEqual(expected, mac.data.value)) throw new CheckpointError('checkpoint integrity check failed: it was modified');
    const parsed = StrictBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CheckpointError(`malformed checkpoint${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`);
    }
    if (Date.parse(parsed.data.expiresAt) <= now) throw new CheckpointError(`checkpoint expired at ${parsed.data.expiresAt}: start the authentication again`);
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError('checkpoint is not valid JSON');
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
