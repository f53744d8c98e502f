import { describe, expect, it } from 'vitest';
import { Polybank, isConfigurationError, isValidationError } from '../../../src/index.js';
import { flinks } from '../../../src/providers/flinks/index.js';

const CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';

function configError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('flinks({...})', () => {
  it('builds the documented root: https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices', () => {
    expect(flinks({ customerId: CUSTOMER_ID }).http.baseUrl).toBe(`https://toolbox-api.private.fin.ag/v3/${CUSTOMER_ID}/BankingServices`);
    expect(flinks({ customerId: CUSTOMER_ID, instance: 'acme' }).http.baseUrl).toBe(`https://acme-api.private.fin.ag/v3/${CUSTOMER_ID}/BankingServices`);
    expect(flinks({ customerId: CUSTOMER_ID, instance: 'acme', baseUrl: 'http://127.0.0.1:9999/' }).http.baseUrl).toBe(`http://127.0.0.1:9999/v3/${CUSTOMER_ID}/BankingServices`);
    expect(flinks({ customerId: CUSTOMER_ID, baseUrl: 'https://proxy.example.com/flinks' }).http.baseUrl).toBe(`https://proxy.example.com/flinks/v3/${CUSTOMER_ID}/BankingServices`);
  });

  it('rejects wrong options at construction, without echoing secrets', () => {
    expect(configError(() => flinks({ customerId: 'my-customer' })).message).toMatch(/customerId: expected the GUID/);
    expect(configError(() => flinks({ customerId: CUSTOMER_ID, baseUrl: 'toolbox-api.private.fin.ag' })).message).toMatch(/baseUrl: expected an http\(s\) URL/);
    expect(configError(() => flinks({ customerId: CUSTOMER_ID, baseUrl: `https://toolbox-api.private.fin.ag/v3/${CUSTOMER_ID}/BankingServices` })).message).toMatch(
      /instance origin/,
    );
    expect(configError(() => flinks({ customerId: CUSTOMER_ID, instance: 'tool box' })).message).toMatch(/instance/);
    expect(configError(() => flinks({ customerId: CUSTOMER_ID, asyncPollIntervalMs: 0 })).message).toMatch(/asyncPollIntervalMs/);
    const unknown = configError(() => flinks({ customerId: CUSTOMER_ID, authkey: 'secret-SHOULD-NOT-SHOW' } as never));
    expect(unknown.message).toMatch(/authkey/);
    expect(unknown.message).not.toContain('secret-SHOULD-NOT-SHOW');
    expect(configError(() => flinks({ customerId: CUSTOMER_ID, authKey: '' })).message).toMatch(/authKey/);
  });

  it('declares its keys as secrets to redact', () => {
    expect(flinks({ customerId: CUSTOMER_ID, authKey: 'k1-secret', apiKey: 'k2-secret' }).secrets).toEqual(['k1-secret', 'k2-secret']);
    expect(flinks({ customerId: CUSTOMER_ID }).secrets).toEqual([]);
  });

  it('validates connect input and connection references before anything is sent', () => {
    const bank = new Polybank({ providers: [flinks({ customerId: CUSTOMER_ID })], fetch: () => Promise.reject(new Error('nothing may be sent')) });
    const invalid = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        expect(isValidationError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('expected a ValidationError');
    };
    // @ts-expect-error: a wrong field is a compile error too
    expect(invalid(() => bank.connect('flinks', { institution: 'RBC', username: 'u', passwd: 'p' }))).toMatch(/password/);
    expect(invalid(() => bank.connect('flinks', { institution: 'RBC', username: 'u', password: '' }))).toMatch(/password/);
    // @ts-expect-error: only en and fr
    expect(invalid(() => bank.connect('flinks', { institution: 'RBC', username: 'u', password: 'p', language: 'de' }))).toMatch(/language/);
    expect(invalid(() => bank.connection('flinks', { loginId: 'not-a-login-id' }))).toMatch(/loginId/);
    // @ts-expect-error: the reference is the LoginId only
    expect(invalid(() => bank.connection('flinks', { loginId: '5e115eac-1209-4f19-641c-08d6d484e2fe', requestId: 'x' }))).toMatch(/requestId/);
  });
});
