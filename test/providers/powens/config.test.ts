import { describe, expect, it } from 'vitest';
import { Polybank, isConfigurationError, isValidationError } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, powens, reconnectWebviewUrl } from '../../../src/providers/powens/index.js';

function configError(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(isConfigurationError(error)).toBe(true);
    return String((error as Error).message);
  }
  throw new Error('expected a ConfigurationError');
}

describe('powens({...})', () => {
  it('builds https://{domain}.biapi.pro/2.0 and keeps the client secret among the redacted secrets', () => {
    const provider = powens({ domain: 'acme-sandbox', clientId: '12345678', clientSecret: 'top-secret' });
    expect(provider.id).toBe('powens');
    expect(provider.http.baseUrl).toBe('https://acme-sandbox.biapi.pro/2.0');
    expect(provider.secrets).toEqual(['top-secret']);
  });

  it('takes baseUrl as the API root with /2.0 (trailing slash dropped) and a numeric clientId', () => {
    expect(powens({ baseUrl: 'http://127.0.0.1:8080/2.0/', clientId: 42, clientSecret: 's' }).http.baseUrl).toBe('http://127.0.0.1:8080/2.0');
    expect(powens({ domain: 'acme', baseUrl: 'https://proxy.example/powens/2.0', clientId: 1, clientSecret: 's' }).http.baseUrl).toBe('https://proxy.example/powens/2.0');
  });

  it('refuses bad options at construction', () => {
    expect(configError(() => powens({ domain: 'Acme_Sandbox', clientId: '1', clientSecret: 's' }))).toMatch(/domain/);
    expect(configError(() => powens({ domain: 'acme-', clientId: '1', clientSecret: 's' }))).toMatch(/domain/);
    expect(configError(() => powens({ domain: 'acme', clientId: 'client-1', clientSecret: 's' }))).toMatch(/clientId/);
    expect(configError(() => powens({ domain: 'acme', clientId: '1', clientSecret: '' }))).toMatch(/clientSecret/);
    expect(configError(() => powens({ clientId: '1', clientSecret: 's' }))).toMatch(/domain .* or baseUrl/);
    expect(configError(() => powens({ baseUrl: 'acme.biapi.pro/2.0', clientId: '1', clientSecret: 's' }))).toMatch(/baseUrl/);
    expect(configError(() => powens({ domain: 'acme', clientId: '1', clientSecret: 's', redirectUri: 'https://app.example/cb?x=1' }))).toMatch(/query parameters/);
    expect(configError(() => powens({ domain: 'acme', clientId: '1', clientSecret: 's', polling: { intervalMs: 0 } }))).toMatch(/polling/);
    // @ts-expect-error: options are required
    expect(configError(() => powens(undefined))).toMatch(/options are required/);
  });

  it('is typed per provider: a wrong input or ref field is a compile error', () => {
    const bank = new Polybank({ providers: [powens({ domain: 'acme', clientId: '1', clientSecret: 's' })] });
    // @ts-expect-error: `uuid` is not an input field
    expect(() => bank.connect('powens', { uuid: POWENS_TEST_CONNECTOR })).toThrow(/Unrecognized key/);
    // @ts-expect-error: the ref needs the user id
    expect(() => bank.connection('powens', { connectionId: 12 })).toThrow(/userId/);
  });
});

describe('reconnectWebviewUrl', () => {
  it('builds the current webview.powens.com URL from a domain', () => {
    const url = new URL(reconnectWebviewUrl({ domain: 'acme-sandbox', clientId: 123, code: 'code+/=', connectionId: 42, redirectUri: 'https://app.example/cb', state: 's1', resetCredentials: true }));
    expect(`${url.origin}${url.pathname}`).toBe('https://webview.powens.com/en/reconnect');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      domain: 'acme-sandbox.biapi.pro',
      client_id: '123',
      redirect_uri: 'https://app.example/cb',
      code: 'code+/=',
      connection_id: '42',
      state: 's1',
      reset_credentials: 'true',
    });
  });

  it('builds the legacy form under an API root, and refuses bad parameters', () => {
    expect(reconnectWebviewUrl({ baseUrl: 'https://acme.biapi.pro/2.0/', clientId: '1', code: 'c', connectionId: 2, redirectUri: 'https://app.example/cb', lang: 'de' })).toBe(
      'https://acme.biapi.pro/2.0/auth/webview/de/reconnect?client_id=1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code=c&connection_id=2',
    );
    let error: unknown;
    try {
      reconnectWebviewUrl({ clientId: 'x', code: '', connectionId: 0, redirectUri: 'app/cb' });
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
    expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['clientId', 'code', 'connectionId', 'redirectUri', 'domain']);
  });
});

describe('powens({ timeZone }) and the webview language', () => {
  it('defaults to Europe/Paris and takes any IANA zone; a bad one or a bad language is refused', () => {
    expect(() => powens({ domain: 'acme', clientId: '1', clientSecret: 's', timeZone: 'UTC' })).not.toThrow();
    expect(configError(() => powens({ domain: 'acme', clientId: '1', clientSecret: 's', timeZone: 'Paris' }))).toMatch(/timeZone/);
    let error: unknown;
    try {
      reconnectWebviewUrl({ domain: 'acme', clientId: 1, code: 'c', connectionId: 2, redirectUri: 'https://app.example/cb', lang: 'xx' as never });
    } catch (e) {
      error = e;
    }
    expect((error as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['lang']);
  });
});
