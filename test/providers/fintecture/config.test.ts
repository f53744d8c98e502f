import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConfigurationError, Polybank } from '../../../src/index.js';
import { fintecture } from '../../../src/providers/fintecture/index.js';
import { APP_ID, APP_SECRET, PSU_IP, caught, drive, rsaKeyPair, startFintecture, type Harness, type KeyPair } from './support.js';

let keys: KeyPair;
let h: Harness;
beforeAll(async () => {
  keys = await rsaKeyPair();
  h = await startFintecture();
});
afterAll(async () => {
  await h.server.close();
});

function pem(label: string, der: Uint8Array | ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64')}\n-----END ${label}-----\n`;
}

// A tiny DER writer, to build keys whose structure passes but that WebCrypto refuses.
function tlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  const head = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  return new Uint8Array([...head, ...content]);
}
const seq = (...parts: Uint8Array[]) => tlv(0x30, new Uint8Array(parts.flatMap((p) => [...p])));

function configError(make: () => unknown): Error {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(isConfigurationError(error)).toBe(true);
  return error as Error;
}

const base = { appId: APP_ID, appSecret: 'app-secret-CANARY-31b7' };

describe('fintecture({...}) options', () => {
  it('checks required and unknown options without echoing values', () => {
    expect(configError(() => fintecture({ appId: APP_ID } as never)).message).toMatch(/appSecret/);
    expect(configError(() => fintecture({ ...base, clientSecret: 'x' } as never)).message).toMatch(/Unrecognized key/);
    expect(configError(() => fintecture({ ...base, baseUrl: 'ftp://x' })).message).toMatch(/baseUrl/);
    expect(configError(() => fintecture({ ...base, environment: 'staging' as never })).message).toMatch(/environment/);
    const error = configError(() => fintecture({ ...base, pollIntervalMs: -1 }));
    expect(error.message).not.toContain('CANARY');
  });

  it('production requires a private key: signatures are mandatory there', () => {
    expect(configError(() => fintecture({ ...base, environment: 'production' })).message).toMatch(/production requires privateKey/);
    expect(fintecture({ ...base, environment: 'production', privateKey: keys.privatePem }).http.baseUrl).toBe('https://api.fintecture.com');
    expect(fintecture(base).http.baseUrl).toBe('https://api-sandbox.fintecture.com');
  });

  it('never shows the app secret or the key when logged', () => {
    const provider = fintecture({ ...base, privateKey: keys.privatePem });
    const text = `${inspect(provider, { depth: 10, showHidden: true })} ${JSON.stringify(provider)} ${String(Object.keys(provider))}`;
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain(keys.privatePem.split('\n')[1]);
    // defineProvider prints the provider id and its base URL, nothing of the options.
    expect(text).toContain('fintecture provider {"provider":"fintecture","baseUrl":"https://api-sandbox.fintecture.com"}');
    // The core still gets them, to redact them everywhere.
    expect(provider.secrets).toContain(base.appSecret);
  });
});

describe('the private key is checked at construction', () => {
  it('accepts a PKCS#8 RSA PEM and a matching CryptoKey; ready() resolves', async () => {
    await expect(fintecture({ ...base, privateKey: keys.privatePem }).ready()).resolves.toBeUndefined();
    await expect(fintecture({ ...base, privateKey: keys.privateKey }).ready()).resolves.toBeUndefined();
  });

  it('refuses a PKCS#1 key, naming the conversion', () => {
    const error = configError(() => fintecture({ ...base, privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----' }));
    expect(error.message).toMatch(/PKCS#1 .*openssl pkcs8 -topk8 -nocrypt/);
  });

  it('refuses encrypted keys, public keys and non-PEM text', () => {
    expect(configError(() => fintecture({ ...base, privateKey: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----' })).message).toMatch(/encrypted/);
    expect(configError(() => fintecture({ ...base, privateKey: keys.publicPem })).message).toMatch(/public key/);
    expect(configError(() => fintecture({ ...base, privateKey: 'not a key' })).message).toMatch(/BEGIN PRIVATE KEY/);
    expect(configError(() => fintecture({ ...base, privateKey: '-----BEGIN PRIVATE KEY-----\n!!notbase64!!\n-----END PRIVATE KEY-----' })).message).toMatch(/base64/);
    expect(configError(() => fintecture({ ...base, privateKey: pem('PRIVATE KEY', new Uint8Array([0x30, 0x82, 0x10, 0x00, 0x02])) })).message).toMatch(/DER/);
  });

  it('refuses keys of other algorithms: EC, Ed25519', async () => {
    const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const ecPem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', ec.privateKey));
    expect(configError(() => fintecture({ ...base, privateKey: ecPem })).message).toMatch(/is an EC key; Fintecture signs with rsa-sha256 only/);
    const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const edPem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', ed.privateKey));
    expect(configError(() => fintecture({ ...base, privateKey: edPem })).message).toMatch(/Ed25519/);
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const small = await rsaKeyPair(1024);
    expect(configError(() => fintecture({ ...base, privateKey: small.privatePem })).message).toMatch(/1024-bit RSA key; use at least 2048/);
    expect(configError(() => fintecture({ ...base, privateKey: small.privateKey })).message).toMatch(/1024-bit/);
  });

  it('refuses CryptoKeys of the wrong kind', async () => {
    const pss = await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign', 'verify']);
    expect(configError(() => fintecture({ ...base, privateKey: pss.privateKey })).message).toMatch(/RSASSA-PKCS1-v1_5 with SHA-256 \(got RSA-PSS\/SHA-256\)/);
    expect(configError(() => fintecture({ ...base, privateKey: keys.publicKey })).message).toMatch(/must be a private key/);
  });

  it('a key WebCrypto refuses after the structure checks is a ConfigurationError from ready() and the first request, nothing sent', async () => {
    // PrivateKeyInfo { 0, rsaEncryption, RSAPrivateKey { 0, 2048-bit modulus } } with the other fields missing.
    const modulus = new Uint8Array(257);
    modulus[1] = 0xc1;
    const rsaOid = new Uint8Array([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]);
    const der = seq(tlv(0x02, new Uint8Array([0])), seq(tlv(0x06, rsaOid), tlv(0x05, new Uint8Array())), tlv(0x04, seq(tlv(0x02, new Uint8Array([0])), tlv(0x02, modulus))));
    const provider = fintecture({ ...base, appSecret: APP_SECRET, baseUrl: h.sim.baseUrl, privateKey: pem('PRIVATE KEY', der) });
    const ready = await caught(() => provider.ready());
    expect(isConfigurationError(ready)).toBe(true);
    expect(String((ready as Error).message)).toMatch(/could not be imported by WebCrypto/);

    h.sim.reset();
    const conn = new Polybank({ providers: [provider] }).connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const error = await caught(() => drive(conn));
    expect(isConfigurationError(error)).toBe(true);
    expect(h.sim.requests).toHaveLength(0);
  });
});
