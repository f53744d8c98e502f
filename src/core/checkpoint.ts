import { z } from 'zod';
import { CheckpointError } from './errors.js';
import { ChallengeData } from './model/challenge.js';
import { ConnectionStatus, ErrorReason } from './model/status.js';
import type { Json } from './provider.js';

export const CHECKPOINT_VERSION = 1;

const PollPlanSchema = z.object({
  intervalMs: z.number().nonnegative(),
  maxIntervalMs: z.number().nonnegative().optional(),
  factor: z.number().positive().optional(),
  deadline: z.iso.datetime({ offset: true }).optional(),
  deadlineReason: ErrorReason.optional(),
});

const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue.optional())]),
);

/** A sealed (encrypted) blob: sensitive values that only travel encrypted. */
export const SealedBlob = z.object({ alg: z.literal('A256GCM'), kid: z.string(), iv: z.string(), data: z.string() });
export type SealedBlob = z.infer<typeof SealedBlob>;

const Body = z.object({
  v: z.literal(CHECKPOINT_VERSION),
  provider: z.string().min(1),
  origin: z.enum(['connect', 'open']),
  /** Challenges issued so far, so that ids stay unique after a resume. */
  seq: z.number().int().nonnegative(),
  status: ConnectionStatus,
  ref: JsonValue.optional(),
  state: JsonValue.optional(),
  /** What the loop waits for: a challenge to (re-)yield, and/or a poll to continue. */
  pending: z
    .object({
      challenge: ChallengeData.optional(),
      poll: PollPlanSchema.optional(),
    })
    .optional(),
  sealed: SealedBlob.optional(),
  /** Names of sensitive values left out because no encryption key is configured. */
  dropped: z.array(z.string()).optional(),
  createdAt: z.iso.datetime({ offset: true }),
});

const Mac = z.object({ alg: z.enum(['HS256', 'SHA-256']), value: z.string().min(1) });

/** The versioned, integrity-protected JSON a connection can be resumed from. Never holds a secret. */
export const Checkpoint = Body.extend({ mac: Mac });
export type Checkpoint = z.infer<typeof Checkpoint>;
export type CheckpointBody = z.infer<typeof Body>;

/** Stable JSON: sorted keys, no undefined, so the MAC does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

function toBase64Url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const encoder = new TextEncoder();

function keyBytes(key: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  return new Uint8Array(bytes);
}

/** Signs checkpoints with HMAC-SHA256 when a key is configured, else with a plain SHA-256 digest. */
export class CheckpointCodec {
  readonly #key: Promise<CryptoKey> | undefined;

  constructor(signingKey?: string | Uint8Array) {
    if (signingKey !== undefined) {
      if (keyBytes(signingKey).length < 16) throw new CheckpointError('checkpoint signingKey must be at least 16 bytes');
      this.#key = crypto.subtle.importKey('raw', keyBytes(signingKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    }
  }

  get signed(): boolean {
    return this.#key !== undefined;
  }

  async #mac(body: CheckpointBody): Promise<z.infer<typeof Mac>> {
    const data = encoder.encode(canonicalJson(body));
    if (this.#key) return { alg: 'HS256', value: toBase64Url(await crypto.subtle.sign('HMAC', await this.#key, data)) };
    return { alg: 'SHA-256', value: toBase64Url(await crypto.subtle.digest('SHA-256', data)) };
  }

  async seal(body: CheckpointBody): Promise<Checkpoint> {
    return { ...body, mac: await this.#mac(body) };
  }

  /** Checks version, shape and integrity; throws CheckpointError naming what is wrong. */
  async open(value: unknown): Promise<CheckpointBody> {
    const input = typeof value === 'string' ? safeJson(value) : value;
    if (typeof input !== 'object' || input === null) throw new CheckpointError('checkpoint is not a JSON object');
    const version = (input as { v?: unknown }).v;
    if (version !== CHECKPOINT_VERSION) {
      throw new CheckpointError(`unsupported checkpoint version ${JSON.stringify(version)}; this polybank reads version ${CHECKPOINT_VERSION}`);
    }
    const parsed = Checkpoint.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CheckpointError(`malformed checkpoint${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`);
    }
    const { mac } = parsed.data;
    if (this.#key && mac.alg !== 'HS256') throw new CheckpointError('checkpoint is not signed, but a signing key is configured');
    if (!this.#key && mac.alg === 'HS256') throw new CheckpointError('checkpoint is signed, but no signing key is configured');
    // The MAC covers the object as received, so no added, removed or changed key goes unnoticed.
    const { mac: _ignored, ...raw } = input as Record<string, unknown>;
    const expected = await this.#mac(raw as CheckpointBody);
    if (!timingSafeEqual(expected.value, mac.value)) throw new CheckpointError('checkpoint integrity check failed: it was modified');
    const { mac: _mac, ...body } = parsed.data;
    return body;
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
