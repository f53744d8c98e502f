/**
 * Web Flow's PASSWORD_ENCRYPTION_AES (AesEncryptionPasswordProtection): a random 16-byte
 * IV per password, AES-CBC with PKCS#7 padding over the UTF-8 bytes, sent as
 * `base64(iv):base64(ciphertext)`. And polybank-generated SMS codes (Next Step's role).
 * WebCrypto only, so it runs outside Node too.
 */
import type { AdapterContext } from '../../provider.js';
import type { Settings } from './config.js';

function base64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

export async function encryptPassword(password: string, key: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'AES-CBC' }, false, ['encrypt']);
  const cipher = await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, cryptoKey, new TextEncoder().encode(password));
  return `${base64(iv)}:${base64(new Uint8Array(cipher))}`;
}

export interface ProtectedPassword {
  password: string;
  authenticationContext: { passwordProtection: string; cipherTransformation: string; smsAuthorizationResult: string | null };
}

/** The password as Web Flow sends it: plain (NO_PROTECTION) or AES-encrypted, with its authenticationContext. */
export async function protectPassword(ctx: AdapterContext, settings: Settings, password: string, smsAuthorizationResult: string | null = null): Promise<ProtectedPassword> {
  if (!settings.encryption) {
    return { password, authenticationContext: { passwordProtection: 'NO_PROTECTION', cipherTransformation: '', smsAuthorizationResult } };
  }
  const encrypted = await encryptPassword(password, settings.encryption.key);
  // The ciphertext carries the password: treat it like the password everywhere.
  ctx.secrets.add(encrypted, ...encrypted.split(':'));
  return {
    password: encrypted,
    authenticationContext: { passwordProtection: 'PASSWORD_ENCRYPTION_AES', cipherTransformation: settings.encryption.transformation, smsAuthorizationResult },
  };
}

/** A uniformly random code of `length` digits from the platform's CSPRNG (rejection sampling: no modulo bias). */
export function randomCode(length: number): string {
  let code = '';
  while (code.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

/** Compares two codes in time independent of where they differ. */
export function sameCode(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}
