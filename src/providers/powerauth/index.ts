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
import { defineProvider } from '../../provider.js';
import { createAdapter } from './adapter.js';
import { Options, resolve } from './config.js';

export type { PowerAuthOptions, PasswordEncryptionOptions } from './config.js';
export type { PowerAuthInput, PowerAuthRef, State as PowerAuthState } from './model.js';
export type { PowerAuthAdapter, PowerAuthActions } from './adapter.js';
export { ERROR_CODES as POWERAUTH_ERROR_CODES, STATES as POWERAUTH_STATES } from './mapping.js';

/**
 * The PowerAuth Data Adapter provider. Options are checked now: a bad one is a ConfigurationError.
 *
 * @function
 */
export const powerauth = defineProvider({
  id: 'powerauth',
  options: Options,
  // The AES key encrypts passwords for the bank: redacted everywhere, never shown by inspect or JSON.
  secrets: (options) => [options.passwordEncryption?.key.trim()],
  create: (options) => createAdapter(resolve(options)),
});

/** The provider `powerauth({...})` returns. */
export type PowerAuthProvider = ReturnType<typeof powerauth>;
