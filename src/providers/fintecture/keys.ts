/**
 * The application's private key, checked at construction: Fintecture signs with
 * rsa-sha256 only and its SDKs only take PKCS#8 PEM. The PEM and DER structure are
 * checked synchronously (so `fintecture({...})` throws at once on a wrong key); the
 * WebCrypto import itself is asynchronous, so it starts at construction and its
 * failure surfaces as a ConfigurationError on `ready()` or the first request.
 */
import { ConfigurationError } from '../../provider.js';

export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const MIN_MODULUS_BITS = 2048;

// Object identifiers (DER content bytes) of the key algorithms people paste by mistake.
const ALGORITHMS: ReadonlyArray<{ name: string; oid: number[] }> = [
  { name: 'RSA', oid: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01] },
  { name: 'RSA-PSS', oid: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a] },
  { name: 'EC', oid: [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01] },
  { name: 'Ed25519', oid: [0x2b, 0x65, 0x70] },
  { name: 'Ed448', oid: [0x2b, 0x65, 0x71] },
  { name: 'X25519', oid: [0x2b, 0x65, 0x6e] },
  { name: 'DSA', oid: [0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01] },
];

function fail(message: string): ConfigurationError {
  return new ConfigurationError(`fintecture({...}): privateKey ${message}`, { provider: 'fintecture' });
}

const OTHER_PEMS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN RSA PRIVATE KEY-----/, 'is a PKCS#1 "RSA PRIVATE KEY"; Fintecture and WebCrypto need PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem`'],
  [/-----BEGIN ENCRYPTED PRIVATE KEY-----/, 'is encrypted; decrypt it first (`openssl pkcs8 -in key.pem -nocrypt`)'],
  [/-----BEGIN EC PRIVATE KEY-----/, 'is an EC key; Fintecture signs with rsa-sha256 only'],
  [/-----BEGIN OPENSSH PRIVATE KEY-----/, 'is an OpenSSH key; export the RSA key as PKCS#8 PEM'],
  [/-----BEGIN (RSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/, 'is a public key or certificate; pass the private key'],
];

/** Minimal DER reader: tag, length, content offsets. */
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw fail('is not valid DER (truncated)');
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw fail('is not valid DER (bad length)');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] as number);
    start += count;
  }
  const end = start + length;
  if (end > limit) throw fail('is not valid DER (truncated)');
  return { tag, start, end };
}

function sameBytes(der: Uint8Array, tlv: Tlv, bytes: number[]): boolean {
  if (tlv.end - tlv.start !== bytes.length) return false;
  return bytes.every((b, i) => der[tlv.start + i] === b);
}

function base64Bytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) throw fail('PEM body is not base64');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Checks a PKCS#8 PEM holding an RSA key of at least 2048 bits, synchronously, and
 * returns its DER bytes. PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING(RSAPrivateKey) }.
 */
export function pkcs8Der(pem: string): Uint8Array<ArrayBuffer> {
  for (const [pattern, problem] of OTHER_PEMS) if (pattern.test(pem)) throw fail(problem);
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) throw fail('must be a PKCS#8 PEM starting with -----BEGIN PRIVATE KEY-----');
  const der = base64Bytes((match[1] ?? '').replace(/\s+/g, ''));
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw fail('is not a PKCS#8 PrivateKeyInfo');
  const version = readTlv(der, outer.start, outer.end);
  if (version.tag !== 0x02) throw fail('is not a PKCS#8 PrivateKeyInfo (version)');
  const algorithm = readTlv(der, version.end, outer.end);
  if (algorithm.tag !== 0x30) throw fail('is not a PKCS#8 PrivateKeyInfo (algorithm)');
  const oid = readTlv(der, algorithm.start, algorithm.end);
  if (oid.tag !== 0x06) throw fail('is not a PKCS#8 PrivateKeyInfo (algorithm id)');
  const known = ALGORITHMS.find((a) => sameBytes(der, oid, a.oid));
  if (known?.name !== 'RSA') throw fail(`is ${known ? `an ${known.name}` : 'an unknown kind of'} key; Fintecture signs with rsa-sha256 only: use an RSA key`);
  const octets = readTlv(der, algorithm.end, outer.end);
  if (octets.tag !== 0x04) throw fail('is not a PKCS#8 PrivateKeyInfo (key)');
  // RSAPrivateKey ::= SEQUENCE { version, modulus, … }: read the modulus size.
  const rsa = readTlv(der, octets.start, octets.end);
  if (rsa.tag !== 0x30) throw fail('holds no RSAPrivateKey');
  const rsaVersion = readTlv(der, rsa.start, rsa.end);
  const modulus = readTlv(der, rsaVersion.end, rsa.end);
  if (modulus.tag !== 0x02) throw fail('holds no RSA modulus');
  let first = modulus.start;
  while (first < modulus.end && der[first] === 0) first++;
  const lead = der[first] ?? 0;
  const bits = (modulus.end - first) * 8 - (lead === 0 ? 8 : Math.clz32(lead) - 24);
  if (bits < MIN_MODULUS_BITS) throw fail(`is a ${bits}-bit RSA key; use at least ${MIN_MODULUS_BITS} bits`);
  return new Uint8Array(der);
}

/** Checks a CryptoKey synchronously: a private RSASSA-PKCS1-v1_5 SHA-256 signing key. */
export function checkCryptoKey(key: CryptoKey): void {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm;
  if (key.type !== 'private') throw fail('CryptoKey must be a private key');
  if (algorithm.name !== RSA_SHA256.name || algorithm.hash?.name !== 'SHA-256') {
    throw fail(`CryptoKey must be RSASSA-PKCS1-v1_5 with SHA-256 (got ${algorithm.name}${algorithm.hash ? `/${algorithm.hash.name}` : ''})`);
  }
  if (!key.usages.includes('sign')) throw fail("CryptoKey must allow the 'sign' usage");
  if (algorithm.modulusLength < MIN_MODULUS_BITS) throw fail(`is a ${algorithm.modulusLength}-bit RSA key; use at least ${MIN_MODULUS_BITS} bits`);
}

/**
 * Validates the key synchronously and starts its WebCrypto import. The returned promise
 * rejects with a ConfigurationError (never unhandled: a no-op catch is attached).
 */
export function loadSigningKey(privateKey: string | CryptoKey): Promise<CryptoKey> {
  if (typeof privateKey !== 'string') {
    checkCryptoKey(privateKey);
    return Promise.resolve(privateKey);
  }
  const der = pkcs8Der(privateKey);
  if (!globalThis.crypto?.subtle) throw fail('cannot be used: this runtime has no WebCrypto (crypto.subtle)');
  const key = globalThis.crypto.subtle.importKey('pkcs8', der, RSA_SHA256, false, ['sign']).catch((error: unknown) => {
    throw fail(`could not be imported by WebCrypto: ${error instanceof Error ? error.message : String(error)}`);
  });
  key.catch(() => undefined);
  return key;
}
