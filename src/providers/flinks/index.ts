/**
 * polybank/flinks: the Flinks (Canada) provider.
 *
 * ```ts
 * const bank = new Polybank({ providers: [flinks({ customerId, authKey, apiKey })] });
 * const conn = bank.connect('flinks', { institution: 'FlinksCapital', username, password });
 * ```
 *
 * @module polybank/flinks
 */
import { hideSecrets } from '../../core/kit.js';
import { createAdapter, type FlinksAdapter } from './adapter.js';
import { resolveOptions, type FlinksOptions } from './config.js';

/**
 * The Flinks provider. `baseUrl` is the instance origin (default
 * `https://{instance}-api.private.fin.ag`, instance `toolbox`); the SDK appends
 * `/v3/{customerId}/BankingServices`. Wrong options throw ConfigurationError here.
 */
export function flinks(options: FlinksOptions): FlinksAdapter {
  return hideSecrets(createAdapter(resolveOptions(options)));
}

export type { FlinksAdapter } from './adapter.js';
export type { FlinksOptions } from './config.js';
export { FlinksInput, FlinksRef, FlinksState, SecurityChallenge } from './schemas.js';
export { FLINKS_CODES, reasonFor } from './codes.js';
export type { CodeRow } from './codes.js';
