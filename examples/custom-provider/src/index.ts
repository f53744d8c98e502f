/**
 * polybank-gocardless: GoCardless Bank Account Data (formerly Nordigen) as a polybank
 * provider, written outside polybank with its public `polybank/provider` API only.
 *
 * ```ts
 * import { Polybank } from 'polybank';
 * import { gocardless } from 'polybank-gocardless';
 *
 * const bank = new Polybank({ providers: [gocardless({ secretId, secretKey })] });
 * const conn = bank.connect('gocardless', { institutionId: 'SANDBOXFINANCE_SFIN0000', redirectUri: 'https://app.example/callback' });
 * const { value: challenge } = await conn.authenticate().next(); // the bank link: { type: 'redirect', url }
 * const checkpoint = await conn.checkpoint();                     // keep it; send the user to challenge.url
 * // In the callback request: bank.resume(checkpoint, { callback: request.url })
 * ```
 */
import { defineProvider } from 'polybank/provider';
import { createAdapter } from './adapter.js';
import { GoCardlessClient } from './client.js';
import { Options } from './config.js';

export type { GoCardlessOptions } from './config.js';
export { DEFAULT_BASE_URL } from './config.js';
export type { GoCardlessInput, GoCardlessRef, GoCardlessState } from './model.js';
export type { GoCardlessAdapter } from './adapter.js';
export { CALLBACK_ERRORS as GOCARDLESS_CALLBACK_ERRORS, statusMeaning as gocardlessStatusMeaning } from './mapping.js';

/** Creates the GoCardless provider; wrong options throw a ConfigurationError at once. */
export const gocardless = defineProvider({
  id: 'gocardless',
  options: Options,
  secrets: (options) => [options.secretId, options.secretKey],
  create: (options) => createAdapter(options, new GoCardlessClient(options)),
});

export type GoCardlessProvider = ReturnType<typeof gocardless>;
