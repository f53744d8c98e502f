/**
 * The factory's options (parsed once by defineProvider into a ConfigurationError naming
 * the field) and what they resolve to: defaults, the decoded AES key, the Data Adapter
 * version switch (which wire vocabulary and which endpoints the adapter speaks).
 */
import * as z from 'zod/mini';

const VERSION = /^(\d+)\.(\d+)(?:\.\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/i.test(new URL(value).protocol);
}

/** The AES key's bytes, or undefined when it is not base64 of 16, 24 or 32 bytes. */
function keyBytes(key: string): Uint8Array | undefined {
  const text = key.trim();
  if (!BASE64.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

const PasswordEncryption = z.strictObject({
  /** Base64 AES key (32 bytes, as Web Flow generates it; 16 and 24 are accepted too). */
  key: z.string().check(
    z.refine((key) => keyBytes(key) !== undefined, 'must be a base64 AES key'),
    z.refine((key) => [16, 24, 32].includes(keyBytes(key)?.length ?? 32), 'must decode to 32 bytes (AES-256), or 16 or 24'),
  ),
  /** The Java cipher transformation the bank decrypts with. Default `AES/CBC/PKCS7Padding`. */
  transformation: z.optional(
    z.enum(['AES/CBC/PKCS7Padding', 'AES/CBC/PKCS5Padding'], { error: 'transformation must be AES/CBC/PKCS7Padding (or its Java alias AES/CBC/PKCS5Padding)' }),
  ),
});

const count = (max: number) => z.optional(z.int().check(z.minimum(1), z.maximum(max)));

export const Options = z.strictObject(
  {
    /** The Data Adapter root under which `/api/...` lives, e.g. `https://bank.example/powerauth-data-adapter`. */
    baseUrl: z.string().check(z.refine(isHttpUrl, 'must be an http(s) URL: the Data Adapter root under which /api/... lives')),
    /** The organization the users belong to (Web Flow's `organizationId`). Default `RETAIL`. */
    organizationId: z.optional(z.string().check(z.minLength(1, 'organizationId must not be empty'), z.maxLength(256))),
    /** Encrypt passwords for the bank (Web Flow's PASSWORD_ENCRYPTION_AES, ≥0.22). Plain text when absent. */
    passwordEncryption: z.optional(PasswordEncryption),
    /**
     * The Data Adapter API version the bank implements, e.g. `'1.10'`, `'0.23'`, `'0.22'`, `'0.21'`.
     * It selects what is sent; responses of every version are understood. Default `'1.10'`.
     */
    version: z.optional(z.string().check(z.regex(VERSION, "version must look like '1.10' or '0.22.0'"))),
    /** Call the anti-fraud system (`/api/afs/action/execute`, ≥0.23) and apply its step-up/step-down. Default false. */
    afs: z.optional(z.boolean()),
    /** Failed tries of one step before the adapter gives up, like Next Step's `max_auth_fails`. Default 5. */
    maxAttempts: count(100),
    /**
     * Show `remainingAttempts` on a challenge after a failed try: polybank's own count of the
     * step's tries left. The bank's counts are never shown (an unknown user's fake answers
     * carry none: showing them would tell who exists). Default false.
     */
    showRemainingAttempts: z.optional(z.boolean()),
    /** Digits of the SMS code (the sample adapter sends 8). Default 8. */
    otpLength: count(16),
    /** Lifetime of an SMS code, shown as the challenge's `expiresAt` (the sample adapter's 300 s). Default 300. */
    otpExpiresInSeconds: count(86_400),
    /**
     * Who makes the SMS code: `dataAdapter` (`sms/create`, the bank generates and checks it),
     * or `polybank` (≥1.1: polybank generates it, as Next Step does, the bank only delivers
     * it through `sms/send`, and polybank checks it). Default `dataAdapter`.
     */
    otpGeneration: z.optional(z.enum(['dataAdapter', 'polybank'])),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'powerauth({ baseUrl }) needs options' : undefined) },
);

/** What `powerauth({...})` accepts: the Data Adapter's root, and how to speak to it. */
export type PowerAuthOptions = z.input<typeof Options>;
/** The `passwordEncryption` option: the AES key (and cipher) the bank decrypts passwords with. */
export type PasswordEncryptionOptions = z.input<typeof PasswordEncryption>;

/** A Data Adapter version as [major, minor]. */
export type Version = readonly [number, number];

export interface Settings {
  baseUrl: string;
  organizationId: string;
  version: Version;
  encryption?: { key: Uint8Array; keyBase64: string; transformation: string };
  afs: boolean;
  maxAttempts: number;
  showRemainingAttempts: boolean;
  otpLength: number;
  otpTtlMs: number;
  otpGeneration: 'dataAdapter' | 'polybank';
}

export function parseVersion(text: string): Version {
  const match = VERSION.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : [1, 10];
}

/** True when the configured version is at least `major.minor`. */
export function atLeast(version: Version, major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

/** Thrown by `create()`; defineProvider turns it into a ConfigurationError naming the provider. */
function refuse(message: string): never {
  throw new Error(message);
}

/** The settings every call uses. The rules that tie two options together are checked here. */
export function resolve(options: z.output<typeof Options>): Settings {
  const version = parseVersion(options.version ?? '1.10');
  if (options.afs && !atLeast(version, 0, 23)) refuse('afs needs a Data Adapter of version 0.23 or later');
  if (options.passwordEncryption && !atLeast(version, 0, 22)) refuse('password encryption needs a Data Adapter of version 0.22 or later');
  if (options.otpGeneration === 'polybank' && !atLeast(version, 1, 1)) refuse('otpGeneration polybank needs sms/send: a Data Adapter of version 1.1 or later');
  const encryption = options.passwordEncryption;
  return {
    baseUrl: options.baseUrl,
    organizationId: options.organizationId ?? 'RETAIL',
    version,
    ...(encryption
      ? { encryption: { key: keyBytes(encryption.key) ?? new Uint8Array(), keyBase64: encryption.key.trim(), transformation: encryption.transformation ?? 'AES/CBC/PKCS7Padding' } }
      : {}),
    afs: options.afs === true,
    maxAttempts: options.maxAttempts ?? 5,
    showRemainingAttempts: options.showRemainingAttempts === true,
    otpLength: options.otpLength ?? 8,
    otpTtlMs: (options.otpExpiresInSeconds ?? 300) * 1000,
    otpGeneration: options.otpGeneration ?? 'dataAdapter',
  };
}
