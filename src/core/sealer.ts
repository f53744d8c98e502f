import type { SealedBlob } from './checkpoint.js';
import { CheckpointError, ConfigurationError } from './errors.js';

/** Encryption keys for sensitive checkpoint values: key id → 32-byte key (raw bytes or base64). */
export interface EncryptionOptions {
  /** The keys by id: 32 bytes each, raw or base64 (standard or URL-safe). */
  keys: Record<string, string | Uint8Array>;
  /** The key id new checkpoints are encrypted with; older ids still decrypt (rotation). Default: the first key. */
  currentKeyId?: string;
}

function decodeKey(kid: string, key: string | Uint8Array): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array;
  if (typeof key === 'string') {
    try {
      bytes = Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    } catch {
      throw new ConfigurationError(`checkpoint encryption key ${kid} is not base64`);
    }
  } else bytes = key;
  if (bytes.length !== 32) throw new ConfigurationError(`checkpoint encryption key ${kid} must be 32 bytes (AES-256), got ${bytes.length}`);
  return new Uint8Array(bytes);
}

function aad(kid: string, binding: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`polybank sealed ${kid} ${binding}`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

let processKey: EncryptionOptions | undefined;

/** A key made for this process: sealed values of checkpoints that never leave it. */
export function processEncryption(): EncryptionOptions {
  processKey ??= { keys: { [`process-${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, '0')).join('')}`]: crypto.getRandomValues(new Uint8Array(32)) } };
  return processKey;
}

/**
 * AES-256-GCM through WebCrypto, so it runs in every runtime. The additional data binds a
 * blob to its key id and to the checkpoint it was written for: moved into another
 * checkpoint, it does not decrypt.
 */
export class Sealer {
  readonly #keys = new Map<string, Promise<CryptoKey>>();
  readonly #current: string;

  constructor(options: EncryptionOptions) {
    const entries = Object.entries(options.keys);
    if (entries.length === 0) throw new ConfigurationError('checkpoint encryption needs at least one key');
    for (const [kid, key] of entries) {
      const raw = decodeKey(kid, key);
      this.#keys.set(kid, crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    }
    this.#current = options.currentKeyId ?? (entries[0] as [string, unknown])[0];
    if (!this.#keys.has(this.#current)) throw new ConfigurationError(`currentKeyId ${this.#current} is not among the keys`);
  }

  async seal(values: Record<string, string>, binding: string): Promise<SealedBlob> {
    const key = await (this.#keys.get(this.#current) as Promise<CryptoKey>);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(JSON.stringify(values));
    const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(this.#current, binding) }, key, data));
    return { alg: 'A256GCM', kid: this.#current, iv: toBase64(iv), data: toBase64(cipher) };
  }

  async unseal(blob: SealedBlob, binding: string): Promise<Record<string, string>> {
    const key = this.#keys.get(blob.kid);
    if (!key) {
      throw new CheckpointError(
        blob.kid.startsWith('process-')
          ? 'checkpoint values were encrypted by another process: configure checkpoints.encryption (the same on every instance)'
          : `checkpoint was encrypted with key ${blob.kid}, which is not configured`,
      );
    }
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(blob.iv), additionalData: aad(blob.kid, binding) }, await key, fromBase64(blob.data));
      const parsed: unknown = JSON.parse(new TextDecoder().decode(plain));
      if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) throw new Error('shape');
      return parsed as Record<string, string>;
    } catch {
      throw new CheckpointError('checkpoint sealed values could not be decrypted: wrong key, modified data, or moved from another checkpoint');
    }
  }
}
