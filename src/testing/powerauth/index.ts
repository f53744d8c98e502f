/**
 * The PowerAuth Data Adapter simulator: a bank's Data Adapter as the documentation and
 * the sample adapter (powerauth-webflow-customization) behave, for polybank's
 * `powerauth` provider (which plays Web Flow in front of it).
 *
 * Scenarios: `user1234` / `s3cret` (active, the documentation's accounts, a client
 * certificate), `blocked` (NOT_ACTIVE), `lockable` (blocked by its bank after 3 wrong
 * passwords), `borrower` (a current account, a credit card, a loan), any other username
 * unknown. `variant: 'sample'` answers as the sample implementation does. Codes are read
 * from `state.outbox` / `state.lastCode()`; time moves with `state.clockOffsetMs`;
 * `state.script` arms errors, consent refusals, failed SMS deliveries, another consent
 * form; `state.afs` scripts the anti-fraud answers.
 */
export { powerauthSimulator } from './simulator.js';
export { powerauthDriver } from './driver.js';
export {
  POWERAUTH_TEST_PASSWORD,
  POWERAUTH_TEST_CERTIFICATE,
  defaultUsers as powerauthTestUsers,
  seedAccounts as powerauthSeedAccounts,
  borrowerAccounts as powerauthBorrowerAccounts,
} from './fixtures.js';
export type { PowerAuthSimUser, SimBankAccount as PowerAuthSimBankAccount, ConsentForm as PowerAuthSimConsentForm, ConsentFormOption as PowerAuthSimConsentOption } from './fixtures.js';
export type {
  PowerAuthSimState,
  PowerAuthSimulatorOptions,
  SimSms as PowerAuthSimSms,
  SimScriptedError as PowerAuthSimScriptedError,
  SimAfsAnswer as PowerAuthSimAfsAnswer,
  SimVersion as PowerAuthSimVersion,
} from './state.js';

