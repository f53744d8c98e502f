import { fintecture } from '../../providers/fintecture/index.js';
import { followBankRedirect, type Driver, type DriverScenario } from '../drivers/types.js';
import { fintectureSimulator } from './simulator.js';
import type { FintectureSimState } from './state.js';

type FintectureProvider = ReturnType<typeof fintecture>;
const REDIRECT_URI = 'https://app.polybank.test/fintecture/callback';

function decoupled(provider: string, psuId: string, description: string, outcome: DriverScenario['outcome'] = 'active'): DriverScenario<FintectureProvider> {
  return { name: `${provider}-decoupled${psuId.startsWith('refuse') ? '-refused' : ''}`, description, outcome, input: { provider, model: 'decoupled', psuId, psuIpAddress: '203.0.113.7' } };
}

/** Fintecture against its simulator: the provider set up for it, the scenarios, and the simulated person's answers. */
export const fintectureDriver: Driver<FintectureProvider, FintectureSimState> = {
  id: 'fintecture',
  label: 'Fintecture (France): decoupled, redirect and Connect AIS',
  simulator: () => fintectureSimulator() as never,
  provider: (sim) => fintecture({ appId: 'sim-app-id', appSecret: 'sim-app-secret', baseUrl: sim.baseUrl, pollIntervalMs: 200 }),
  scenarios: [
    decoupled('agfbfr', 'approve-demo', 'Crédit Agricole: approve in the bank app (decoupled)'),
    { name: 'agfbfr-redirect', description: 'Crédit Agricole: redirect to the bank, then back', outcome: 'active', input: { provider: 'agfbfr', model: 'redirect', redirectUri: REDIRECT_URI } },
    decoupled('handse', 'approve-se', 'Handelsbanken (SEK): decoupled'),
    decoupled('bnpafrpp', 'approve-bnp', 'BNP Paribas: a current account, a deferred-debit card and a home loan (owed balances negative)'),
    { name: 'connect', description: 'Fintecture Connect: pick the bank on Fintecture’s page, then back', outcome: 'active', input: { model: 'connect', redirectUri: REDIRECT_URI, country: 'FR' } },
    decoupled('agfbfr', 'refuse-demo', 'the user refuses in the bank app', 'auth_rejected'),
  ],
  async answer(challenge) {
    if (challenge.type === 'redirect') return { callback: await followBankRedirect(challenge.url) };
    return undefined;
  },
  hint(challenge) {
    if (challenge.type === 'decoupled') return 'The simulated bank app decides after two polls';
    if (challenge.type === 'redirect') return 'The simulated bank (or Fintecture Connect) page approves and sends you back';
    return undefined;
  },
  secretEndpoints: ['AccessToken'],
  stored(sim, options = {}) {
    const { customerId, refreshToken } = sim.state.seedConnection('agfbfr');
    // A revoked refresh token: Fintecture refuses it, only a new consent helps (consent_expired).
    if (options.refused) (sim.state.refreshTokens.get(refreshToken) as { revoked: boolean }).revoked = true;
    return { customerId, refreshToken };
  },
};
