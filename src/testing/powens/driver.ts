import { POWENS_TEST_CONNECTOR, powens, type PowensAdapter } from '../../providers/powens/index.js';
import { followBankRedirect, type Driver, type DriverScenario } from '../drivers/types.js';
import type { Simulator } from '../simulator.js';
import { WEBAUTH_CONNECTOR_UUID } from './routes.js';
import { PowensSimulator } from './simulator.js';
import type { PowensSimState } from './state.js';

const REDIRECT_URI = 'https://app.polybank.test/powens/callback';

function scenario(website: string, description: string, outcome: DriverScenario['outcome'] = 'active'): DriverScenario<PowensAdapter> {
  // No fields in the input: the connector's fields are asked as a credentials challenge.
  return { name: website, description, outcome, input: { connector: POWENS_TEST_CONNECTOR }, persona: { website } };
}

/** Powens against its simulator: the provider set up for it, the scenarios, and the simulated person's answers. */
export const powensDriver: Driver<PowensAdapter, PowensSimState> = {
  id: 'powens',
  label: 'Powens / Budget Insight: the official test connector',
  simulator: () => new PowensSimulator({ newAccountsDisabled: false, decoupledPolls: 2 }) as unknown as Simulator<PowensSimState>,
  provider: (sim) => {
    const { clientId, clientSecret } = (sim as unknown as { client: { clientId: string; clientSecret: string } }).client;
    return powens({ baseUrl: sim.baseUrl, clientId, clientSecret, redirectUri: REDIRECT_URI, polling: { intervalMs: 200 } });
  },
  scenarios: [
    scenario('par', 'credentials, synced at once'),
    scenario('additionalInformationNeeded', 'an OTP after the credentials'),
    scenario('doubleotp', 'two OTPs in a row'),
    scenario('shortDecoupled', 'approve in the bank app (decoupled)'),
    scenario('webauthRequired', 'redirect to the bank (webauth), then back'),
    { name: 'webauthConnector', description: "a bank whose users sign in on its own page only: a new connection through webauth", outcome: 'active', input: { connector: WEBAUTH_CONNECTOR_UUID } },
    scenario('SCARequiredAndOTP', 'synced; a later forced sync asks for an OTP'),
    scenario('wrongpass', 'wrong password', 'invalid_credentials'),
    scenario('passwordExpired', 'the password must be renewed at the bank', 'password_expired'),
    scenario('actionNeeded', 'new terms to accept at the bank', 'action_needed'),
    scenario('AppValidationCancelled', 'the user refuses in the bank app', 'auth_rejected'),
    scenario('websiteUnavailable', 'the bank website is down', 'provider_unavailable'),
    scenario('bug', 'a connector bug', 'provider_bug'),
  ],
  async answer(challenge, _sim, scenario) {
    switch (challenge.type) {
      case 'credentials': {
        const values: Record<string, string> = {};
        for (const field of challenge.fields) {
          if (field.name === 'password') values[field.name] = '1234';
          // The scenario is the openapi source's list value; other optional lists stay unset.
          else if (field.name === 'openapiwebsite') values[field.name] = scenario.persona?.website ?? 'par';
          else if (field.required) values[field.name] = 'polybank-demo';
        }
        return values;
      }
      case 'otp':
        return { code: 'abcd' };
      case 'questions':
        return Object.fromEntries(challenge.prompts.map((p) => [p.id, 'abcd']));
      case 'redirect':
        return { callback: await followBankRedirect(challenge.url) };
      default:
        return undefined;
    }
  },
  hint(challenge) {
    if (challenge.type === 'credentials') return 'Test connector: any login, password 1234';
    if (challenge.type === 'otp' || challenge.type === 'questions') return 'The test connector expects abcd';
    if (challenge.type === 'redirect') return 'The simulated bank page approves and sends you back';
    if (challenge.type === 'decoupled') return 'The simulated bank app approves after a few polls';
    return undefined;
  },
  secretEndpoints: ['CreateConnection', 'UpdateConnection'],
  stored(sim, options = {}) {
    // SCARequired: the bank wants the user again (sca_required without a user present).
    return (sim as unknown as PowensSimulator).storedConnection(options.refused ? { scenario: 'SCARequired', state: 'SCARequired' } : {});
  },
};
