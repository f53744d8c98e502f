/**
 * polybank/fintecture: Fintecture's PSD2 account information (decoupled and redirect
 * authentication, accounts, transactions, holders, delete), with OAuth tokens and
 * HTTP signatures (rsa-sha256 over WebCrypto, so it runs outside Node too).
 *
 * ```ts
 * const bank = new Polybank({ providers: [fintecture({ appId, appSecret, privateKey, environment: 'sandbox' })] });
 * const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId, psuIpAddress });
 * ```
 *
 * @module polybank/fintecture
 */
import { createAdapter, type FintectureAdapter } from './adapter.js';
import { FintectureClient } from './client.js';
import { parseOptions, type FintectureOptions } from './config.js';
import { loadSigningKey } from './keys.js';
import { signRequest } from './signature.js';

export type { FintectureOptions, FintectureEnvironment } from './config.js';
export type { FintectureInput, FintectureRef, FintectureState } from './model.js';
export type { FintectureAdapter } from './adapter.js';
export { REASON_BY_CODE as FINTECTURE_REASONS } from './mapping.js';

export type FintectureProvider = FintectureAdapter & {
  /**
   * Resolves once the private key is imported into WebCrypto; rejects with the
   * ConfigurationError of a key WebCrypto refused. Optional: every request awaits it too.
   */
  ready(): Promise<void>;
};

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Creates the Fintecture provider. Options are checked at once (ConfigurationError):
 * a private key that is not a PKCS#8 PEM of an RSA key of ≥ 2048 bits fails here,
 * synchronously; its WebCrypto import starts here too and a refusal surfaces from
 * `ready()` or the first request.
 */
export function fintecture(options: FintectureOptions): FintectureProvider {
  const config = parseOptions(options);
  const signingKey = config.privateKey === undefined ? undefined : loadSigningKey(config.privateKey);
  const client = new FintectureClient(config, signingKey);
  const adapter = createAdapter(config, client);

  const secrets = [config.appSecret, client.basicCredential];
  if (typeof config.privateKey === 'string') {
    secrets.push(config.privateKey, config.privateKey.replace(/-----[^-]+-----|\s+/g, ''));
  }
  const describe = { provider: 'fintecture', appId: config.appId, environment: config.environment, baseUrl: config.baseUrl, signed: signingKey !== undefined };

  const provider: FintectureProvider = {
    ...adapter,
    http: {
      baseUrl: config.baseUrl,
      ...(signingKey ? { beforeRequest: async (request: Request) => signRequest(request, config.appId, await signingKey) } : {}),
    },
    secrets,
    ready: () => client.ready(),
  };
  // Never show the app secret or the key when someone logs the provider.
  Object.defineProperty(provider, 'secrets', { value: secrets, enumerable: false });
  Object.defineProperty(provider, 'toJSON', { value: () => describe, enumerable: false });
  Object.defineProperty(provider, INSPECT, { value: () => `FintectureProvider ${JSON.stringify(describe)}`, enumerable: false });
  return provider;
}
