/**
 * polybank/powens: Budget Insight / Powens aggregation API 2.0.
 *
 * ```ts
 * const bank = new Polybank({ providers: [powens({ domain: 'acme-sandbox', clientId, clientSecret })] });
 * const conn = bank.connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { login, password } });
 * ```
 *
 * @module polybank/powens
 */
import { defineProvider } from '../../provider.js';
import { createPowensAdapter, type PowensAdapter } from './adapter.js';
import { PowensOptionsSchema, powensConfig, type PowensOptions } from './config.js';

export type { PowensOptions } from './config.js';
export { PowensInput, PowensRef, PowensState } from './schemas/model.js';
export type { PowensInputIn, PowensRefIn, ReconnectUrlArgs, CompleteReconnectArgs, AccountsArgs } from './schemas/model.js';
export type { PowensAdapter } from './adapter.js';
export type { PowensActions, ReconnectLink } from './actions.js';
export { CONNECTION_STATES, ERROR_CODES, ANSWER_CODES, CALLBACK_ERRORS, ACCOUNT_TYPES } from './mapping.js';
export type { StateAction } from './mapping.js';
export { reconnectWebviewUrl, WEBVIEW_LANGUAGES } from './webview.js';
export type { ReconnectWebviewOptions, WebviewLanguage } from './webview.js';
export { verifyWebhook, signWebhook, webhookConnectionStatus } from './webhooks.js';
export type { PowensWebhook, PowensWebhookEvent, WebhookPayload, WebhookRequest, VerifyWebhookOptions } from './webhooks.js';

/** UUID of Powens' official test connector ("Connecteur de test"; password `1234`, OTP `abcd`). */
export const POWENS_TEST_CONNECTOR = '338178e6-3d01-564f-9a7b-52ca442459bf';

/**
 * The Powens provider. `baseUrl` is the API root including `/2.0` (default
 * `https://{domain}.biapi.pro/2.0`); `timeZone` is the zone of Powens' zone-less times
 * (default Europe/Paris). Throws ConfigurationError on a bad option.
 *
 * @function
 */
export const powens: (options: PowensOptions) => PowensAdapter = defineProvider({
  id: 'powens',
  options: PowensOptionsSchema,
  secrets: (options) => [options.clientSecret],
  create: (options) => createPowensAdapter(powensConfig(options)),
});
