/**
 * polybank/fintecture: Fintecture's PSD2 account information (decoupled, redirect and
 * Fintecture Connect authentication, accounts, transactions, holders, delete, banks),
 * with OAuth tokens and HTTP signatures (rsa-sha256 over WebCrypto, so it runs outside
 * Node too).
 *
 * ```ts
 * const bank = new Polybank({ providers: [fintecture({ appId, appSecret, privateKey, environment: 'sandbox' })] });
 * const conn = bank.connect('fintecture', { provider: 'agfbfr', psuId, psuIpAddress });
 * ```
 *
 * Options are checked at once (ConfigurationError): a private key that is not a PKCS#8
 * PEM of an RSA key of ≥ 2048 bits fails synchronously; its WebCrypto import starts here
 * too and a refusal surfaces from `ready()` or the first request.
 *
 * @module polybank/fintecture
 */
import { defineProvider } from '../../provider.js';
import { fintectureAdapter } from './adapter.js';
import { OptionsSchema, resolveConfig, secretsOf } from './config.js';
import { loadSigningKey } from './keys.js';

export type { FintectureOptions, FintectureEnvironment } from './config.js';
export type { FintectureInput, ParsedInput as FintectureParsedInput, FintectureRef, FintectureState, FintectureModel, FintectureProviderFilters } from './schemas/model.js';
export type { BankInfo as FintectureBank } from './schemas/wire.js';
export type { FintectureAdapter, FintectureBody } from './adapter.js';
export type { FintectureActions, FintectureTestAccount } from './actions.js';

/**
 * Creates the Fintecture provider from its options (checked now: a wrong one is a
 * ConfigurationError).
 *
 * @function
 */
export const fintecture = defineProvider({
  id: 'fintecture',
  options: OptionsSchema,
  secrets: secretsOf,
  create: (options) => {
    const config = resolveConfig(options);
    return fintectureAdapter(config, config.privateKey === undefined ? undefined : loadSigningKey(config.privateKey));
  },
});

/** The Fintecture provider as `fintecture({...})` returns it. */
export type FintectureProvider = ReturnType<typeof fintecture>;
