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
import { defineProvider } from '../../provider.js';
import { createAdapter } from './adapter.js';
import { FlinksOptions, resolveOptions } from './config.js';

/**
 * The Flinks provider. `baseUrl` is the instance origin (default
 * `https://{instance}-api.private.fin.ag`, instance `toolbox`); the SDK appends
 * `/v3/{customerId}/BankingServices`. Wrong options throw ConfigurationError here.
 * Its own operations: `conn.actions.statements({ accounts?, period? })` (PDF statements)
 * and `conn.actions.scheduledRefresh({ enabled })` (Flinks' nightly refresh).
 *
 * @function
 */
export const flinks = defineProvider({
  id: 'flinks',
  options: FlinksOptions,
  secrets: (options) => [options.authKey, options.apiKey],
  create: (options) => createAdapter(resolveOptions(options)),
});

export type { FlinksAdapter } from './adapter.js';
export type { FlinksOptions } from './config.js';
export type {
  FlinksInput,
  ParsedFlinksInput,
  FlinksRef,
  FlinksRefInput,
  FlinksState,
  StatementsArgs as FlinksStatementsArgs,
  ScheduledRefreshArgs as FlinksScheduledRefreshArgs,
} from './schemas.js';
export type { FlinksStatement, FlinksAccountStatements, FlinksActions } from './statements.js';
