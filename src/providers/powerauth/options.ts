/**
 * The factory's options, checked at construction: a wrong one is a ConfigurationError
 * before any request. Also the Data Adapter version switch: which wire vocabulary and
 * which endpoints the adapter speaks.
 */
import { ConfigurationError } from '../../core/errors.js';

export interface PasswordEncryptionOptions {
  /** Base64 AES key (32 bytes, as Web Flow generates it; 16 and 24 are accepted too). */
  key: string;
  /** The Java cipher transformation the bank decrypts with. Default `AES/CBC/PKCS7Padding`. */
  transformation?: 'AES/CBC/PKCS7Padding' | 'AES/CBC/PKCS5Padding';
}

export interface PowerAuthOptions {
  /** The Data Adapter root under which `/api/...` lives, e.g. `https://bank.example/powerauth-data-adapter`. */
  baseUrl: string;
  /** The organization the users belong to (Web Flow's `organizationId`). Default `RETAIL`. */
  organizationId?: string;
  /** Encrypt passwords for the bank (Web Flow's PASSWORD_ENCRYPTION_AES). Plain text when absent. */
  passwordEncryption?: PasswordEncryptionOptions;
  /**
   * The Data Adapter API version the bank implements, e.g. `'1.10'`, `'0.23'`, `'0.22'`, `'0.21'`.
   * It selects what is sent (≤0.21: no lookup, consent or combined SMS+password; 0.22: no AFS);
   * responses of every version are understood whatever it says. Default `'1.10'`.
   */
  version?: string;
  /** Call the anti-fraud system (`/api/afs/action/execute`, ≥0.23) and apply its step-up/step-down. Default false. */
  afs?: boolean;
  /** Failed tries of one step before the adapter gives up, like Next Step's `max_auth_fails`. Default 5. */
  maxAttempts?: number;
  /** Digits of the SMS code (the sample adapter sends 8). Default 8. */
  otpLength?: number;
  /** Lifetime of an SMS code, shown as the challenge's `expiresAt` (the sample adapter's 300 s). Default 300. */
  otpExpiresInSeconds?: number;
}

/** A Data Adapter version as [major, minor]. */
export type Version = readonly [number, number];

export interface Settings {
  baseUrl: string;
  organizationId: string;
  version: Version;
  encryption?: { key: Uint8Array; keyBase64: string; transformation: string };
  afs: boolean;
  maxAttempts: number;
  otpLength: number;
  otpTtlMs: number;
}

export function parseVersion(text: string): Version {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!match) throw new ConfigurationError(`powerauth: version must look like '1.10' or '0.22.0', got ${JSON.stringify(text)}`);
  return [Number(match[1]), Number(match[2])];
}

/** True when the configured version is at least `major.minor`. */
export function atLeast(version: Version, major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

function decodeKey(key: unknown): Uint8Array {
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(key.trim())) {
    throw new ConfigurationError('powerauth: passwordEncryption.key must be a base64 AES key');
  }
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(key.trim()), (c) => c.charCodeAt(0));
  } catch {
    throw new ConfigurationError('powerauth: passwordEncryption.key must be a base64 AES key');
  }
  if (![16, 24, 32].includes(bytes.length)) {
    throw new ConfigurationError(`powerauth: passwordEncryption.key must decode to 32 bytes (AES-256), got ${bytes.length}`);
  }
  return bytes;
}

function positiveInt(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new ConfigurationError(`powerauth: ${name} must be an integer between 1 and ${max}`);
  return value;
}

export function settingsFrom(options: PowerAuthOptions): Settings {
  if (!options || typeof options !== 'object') throw new ConfigurationError('powerauth({ baseUrl }) needs options');
  const { baseUrl } = options;
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl) || !/^https?:/i.test(baseUrl)) {
    throw new ConfigurationError('powerauth: baseUrl must be an http(s) URL: the Data Adapter root under which /api/... lives');
  }
  const organizationId = options.organizationId ?? 'RETAIL';
  if (typeof organizationId !== 'string' || organizationId.length === 0 || organizationId.length > 256) {
    throw new ConfigurationError('powerauth: organizationId must be a non-empty string of at most 256 characters');
  }
  const version = parseVersion(options.version ?? '1.10');
  if (options.afs && !atLeast(version, 0, 23)) throw new ConfigurationError('powerauth: afs needs a Data Adapter of version 0.23 or later');
  let encryption: Settings['encryption'];
  if (options.passwordEncryption !== undefined) {
    const transformation = options.passwordEncryption.transformation ?? 'AES/CBC/PKCS7Padding';
    if (transformation !== 'AES/CBC/PKCS7Padding' && transformation !== 'AES/CBC/PKCS5Padding') {
      throw new ConfigurationError('powerauth: passwordEncryption.transformation must be AES/CBC/PKCS7Padding (or its Java alias AES/CBC/PKCS5Padding)');
    }
    if (!atLeast(version, 0, 22)) throw new ConfigurationError('powerauth: password encryption needs a Data Adapter of version 0.22 or later');
    encryption = { key: decodeKey(options.passwordEncryption.key), keyBase64: options.passwordEncryption.key.trim(), transformation };
  }
  return {
    baseUrl,
    organizationId,
    version,
    ...(encryption ? { encryption } : {}),
    afs: options.afs === true,
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts, 5, 100),
    otpLength: positiveInt('otpLength', options.otpLength, 8, 16),
    otpTtlMs: positiveInt('otpExpiresInSeconds', options.otpExpiresInSeconds, 300, 86_400) * 1000,
  };
}
