/**
 * The PowerAuth Data Adapter simulator: a bank's Data Adapter as the documentation and
 * the sample adapter (powerauth-webflow-customization) behave, for polybank's
 * `powerauth` provider (which plays Web Flow in front of it).
 *
 * Scenarios: `user1234` / `s3cret` (active, the documentation's accounts), `blocked`
 * (NOT_ACTIVE), `lockable` (blocked by its bank after 3 wrong passwords), any other
 * username unknown. Codes are read from `state.outbox` / `state.lastCode()`; time moves
 * with `state.clockOffsetMs`; `state.script` arms errors, consent refusals, failed SMS
 * deliveries; `state.afs` scripts the anti-fraud answers.
 */
import { Simulator } from '../simulator.js';
import { routes } from './routes.js';
import { createState, type PowerAuthSimState, type PowerAuthSimulatorOptions } from './state.js';

export { POWERAUTH_TEST_PASSWORD, defaultUsers as powerauthTestUsers, seedAccounts as powerauthSeedAccounts } from './fixtures.js';
export type { PowerAuthSimUser, SimBankAccount as PowerAuthSimBankAccount } from './fixtures.js';
export type {
  PowerAuthSimState,
  PowerAuthSimulatorOptions,
  SimSms as PowerAuthSimSms,
  SimScriptedError as PowerAuthSimScriptedError,
  SimAfsAnswer as PowerAuthSimAfsAnswer,
  SimVersion as PowerAuthSimVersion,
} from './state.js';

export function powerauthSimulator(options: PowerAuthSimulatorOptions = {}): Simulator<PowerAuthSimState> {
  return new Simulator<PowerAuthSimState>(
    {
      name: 'powerauth',
      defaultOrigin: 'https://dataadapter.bank.test',
      basePath: '/powerauth-data-adapter',
      routes,
      // Spring's 404 for a path the adapter does not serve.
      notFound: (request) => Response.json({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: new URL(request.url).pathname }, { status: 404 }),
    },
    () => createState(options),
  );
}
