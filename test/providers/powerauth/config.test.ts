import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '../../../src/index.js';
import { powerauth, type PowerAuthOptions } from '../../../src/providers/powerauth/index.js';

const BASE = 'https://bank.test/powerauth-data-adapter';
const KEY = Buffer.alloc(32, 1).toString('base64');

function configError(options: unknown): unknown {
  try {
    powerauth(options as PowerAuthOptions);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('powerauth factory', () => {
  it('builds the adapter from valid options; the AES key is a provider secret', () => {
    const adapter = powerauth({ baseUrl: BASE, organizationId: 'CORPORATE', passwordEncryption: { key: KEY }, version: '1.2.0', afs: true });
    expect(adapter.id).toBe('powerauth');
    expect(adapter.http.baseUrl).toBe(BASE);
    expect(adapter.secrets).toEqual([KEY]);
    expect(powerauth({ baseUrl: BASE }).secrets).toEqual([]);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /needs options/],
    ['a relative base URL', { baseUrl: '/api' }, /baseUrl/],
    ['a key that is not base64', { baseUrl: BASE, passwordEncryption: { key: 'not base64!' } }, /base64/],
    ['a key of the wrong size', { baseUrl: BASE, passwordEncryption: { key: Buffer.alloc(20).toString('base64') } }, /32 bytes/],
    ['another cipher', { baseUrl: BASE, passwordEncryption: { key: KEY, transformation: 'AES/GCM/NoPadding' } }, /transformation/],
    ['a version that is not one', { baseUrl: BASE, version: 'latest' }, /version/],
    ['AFS before 0.23', { baseUrl: BASE, version: '0.22', afs: true }, /0\.23/],
    ['encryption before 0.22', { baseUrl: BASE, version: '0.21', passwordEncryption: { key: KEY } }, /0\.22/],
    ['an empty organization', { baseUrl: BASE, organizationId: '' }, /organizationId/],
    ['zero attempts', { baseUrl: BASE, maxAttempts: 0 }, /maxAttempts/],
    ['a fractional code length', { baseUrl: BASE, otpLength: 6.5 }, /otpLength/],
    ['an unknown option (a typo)', { baseUrl: BASE, maxAttempt: 3 }, /maxAttempt/],
    ['another code generator', { baseUrl: BASE, otpGeneration: 'bank' }, /otpGeneration/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what} with a ConfigurationError`, () => {
      const error = configError(options);
      expect(isConfigurationError(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      // The key never appears in the error.
      expect((error as Error).message).not.toContain(KEY);
    });
  }
});
