/**
 * polybank/powerauth: a bank's Wultra PowerAuth Web Flow Data Adapter as a provider.
 * polybank plays the Web Flow server: it drives the Data Adapter through an operation
 * (username, password, SMS code, consent) and turns each step into a challenge.
 *
 * ```ts
 * const bank = new Polybank({ providers: [powerauth({ baseUrl: 'https://bank.example/powerauth-data-adapter' })] });
 * const conn = bank.connect('powerauth', {});
 * for await (const c of conn.authenticate()) { … } // credentials → otp (+ password) → consent
 * ```
 *
 * @module polybank/powerauth
 */
import { hideSecrets } from '../../core/kit.js';
import { createAdapter, type PowerAuthProvider } from './adapter.js';
import { settingsFrom, type PowerAuthOptions } from './options.js';

export type { PowerAuthOptions, PasswordEncryptionOptions } from './options.js';
export type { PowerAuthInput, PowerAuthRef, State as PowerAuthState } from './session.js';
export type { PowerAuthProvider } from './adapter.js';
export { ERROR_CODES as POWERAUTH_ERROR_CODES, STATES as POWERAUTH_STATES } from './mapping.js';

/** The PowerAuth Data Adapter provider. Options are checked now: a bad one is a ConfigurationError. */
export function powerauth(options: PowerAuthOptions): PowerAuthProvider {
  return hideSecrets(createAdapter(settingsFrom(options)));
}
