import { powerauth, type PowerAuthProvider } from '../../providers/powerauth/index.js';
import type { Driver, DriverScenario } from '../drivers/types.js';
import { POWERAUTH_TEST_PASSWORD } from './fixtures.js';
import { powerauthSimulator } from './simulator.js';
import type { PowerAuthSimState } from './state.js';

function scenario(name: string, username: string, operation: string, description: string, outcome: DriverScenario['outcome'] = 'active'): DriverScenario<PowerAuthProvider> {
  return { name, description, outcome, input: { lang: 'en', operation: { name: operation } }, persona: { username } };
}

/** PowerAuth against its simulator: the provider set up for it, the scenarios, and the simulated person's answers. */
export const powerauthDriver: Driver<PowerAuthProvider, PowerAuthSimState> = {
  id: 'powerauth',
  label: "PowerAuth: a bank's own Web Flow Data Adapter",
  simulator: () => powerauthSimulator() as never,
  provider: (sim) => powerauth({ baseUrl: sim.baseUrl, organizationId: 'RETAIL' }),
  scenarios: [
    scenario('login_sca', 'user1234', 'login_sca', 'username, then the SMS code with the password, then consent'),
    scenario('login', 'user1234', 'login', 'username and password, then consent'),
    // Web Flow's anti-enumeration path: the same screens as anyone, every code refused, then a generic failure.
    scenario('blocked', 'blocked', 'login_sca', 'a blocked user: the same screens, every code refused', 'auth_rejected'),
  ],
  async answer(challenge, sim, scenario) {
    const username = scenario.persona?.username ?? 'user1234';
    switch (challenge.type) {
      case 'credentials':
        return Object.fromEntries(challenge.fields.map((f) => [f.name, f.secret ? POWERAUTH_TEST_PASSWORD : username]));
      case 'otp': {
        const user = sim.state.users.find((u) => u.username === username);
        const code = sim.state.lastCode(user?.id) ?? '00000000';
        return challenge.passwordRequired ? { code, password: POWERAUTH_TEST_PASSWORD } : { code };
      }
      case 'consent':
        return { options: Object.fromEntries(challenge.options.map((o) => [o.id, true])) };
      default:
        return undefined;
    }
  },
  hint(challenge, sim, scenario) {
    if (challenge.type === 'credentials') return `Simulated bank: user ${scenario.persona?.username ?? 'user1234'}, password ${POWERAUTH_TEST_PASSWORD}`;
    if (challenge.type === 'otp') {
      const user = sim.state.users.find((u) => u.username === (scenario.persona?.username ?? 'user1234'));
      const sms = sim.state.outbox.filter((m) => m.userId === user?.id).at(-1);
      return sms ? `Your phone received: "${sms.text}"` : 'No SMS reached your phone';
    }
    return undefined;
  },
  secretEndpoints: ['user/authenticate', 'sms/create', 'sms/verify', 'sms/password/verify', 'consent/validate', 'consent/save'],
  stored(sim, options = {}) {
    // A login operation the Data Adapter's user finished earlier; a refused one names a user the bank no longer has.
    const user = sim.state.users.find((u) => u.accountStatus === 'ACTIVE') as { id: string; organizationId: string };
    return { userId: options.refused ? `gone-${crypto.randomUUID().slice(0, 8)}` : user.id, organizationId: user.organizationId, operationId: crypto.randomUUID(), operationName: 'login', operationData: 'A2' };
  },
};
