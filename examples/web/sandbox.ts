/**
 * The banks behind the web example: polybank's four provider simulators on a loopback socket,
 * each provider configured against its simulator, and the simulated people's side (the SMS
 * their phone received, the sandbox's documented answers). In production this file is your
 * providers' real configuration and nothing else: no cases, no notes.
 */
import type { ChallengeData, CredentialField } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { POWENS_TEST_CONNECTOR, powens } from 'polybank/powens';
import { powerauth } from 'polybank/powerauth';
import {
  drivers,
  fintectureSimulator,
  flinksSimulator,
  powensSimulator,
  powerauthSimulator,
  powerauthTestUsers,
  startSimulatorServer,
  type Driver,
  type DriverScenario,
  type Simulator,
  type SimulatorServer,
} from 'polybank/testing';

export type ProviderId = 'fintecture' | 'powens' | 'flinks' | 'powerauth';
export const PROVIDER_IDS: readonly ProviderId[] = ['fintecture', 'powens', 'flinks', 'powerauth'];

/** Secrets the app and the simulated people hold; the defaults are the simulators' own. */
export interface SandboxOptions {
  fintecture?: { appSecret?: string };
  powens?: { clientSecret?: string; password?: string };
  flinks?: { authKey?: string; apiKey?: string; password?: string };
  powerauth?: { password?: string };
}

/** A simulated bank case the page offers (a driver scenario, or one of the extras below). */
export interface Case {
  name: string;
  description: string;
  /** For the start fields: what the case fills in, and what the person knows. */
  start?: Notes;
}

/** What the page shows to pick a provider: its cases, and the sign-in fields it needs before any challenge. */
export interface ProviderChoice {
  id: ProviderId;
  label: string;
  cases: Case[];
  /** Fields asked before the link starts (Flinks takes the login in its input): the same shape as a credentials challenge's. */
  startFields: Array<CredentialField & { value?: string }>;
}

/** The simulated person's side of a step: what reached them outside the app, and what the case already decides. */
export interface Notes {
  hint?: string;
  /** Non-secret values the case decides (the Powens test connector's scenario lists): preselected on the page. */
  preset?: Record<string, string>;
}

export interface Sandbox {
  readonly server: SimulatorServer;
  readonly sims: Readonly<Record<ProviderId, Simulator<unknown>>>;
  readonly providers: ReturnType<typeof fintecture | typeof powens | typeof flinks | typeof powerauth>[];
  choices(): ProviderChoice[];
  /** The `bank.begin()` input for a case, with what the person typed in the start fields. */
  input(provider: ProviderId, caseName: string, fields: Record<string, string>, context: { clientIp: string; callbackUrl: string }): unknown;
  notes(provider: ProviderId, caseName: string, challenge: ChallengeData | undefined): Promise<Notes>;
  close(): Promise<void>;
}

const FLINKS_CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';

/** Cases the drivers do not list: a decoupled approval that never comes, to try the cancel button. */
const EXTRA_CASES: Partial<Record<ProviderId, DriverScenario[]>> = {
  powens: [
    {
      name: 'longDecoupled',
      description: 'approve in the bank app: it never answers (try Cancel)',
      outcome: 'cancelled',
      input: { connector: POWENS_TEST_CONNECTOR },
      persona: { website: 'longDecoupled' },
    },
  ],
};

function driverOf(id: ProviderId): Driver {
  return drivers[id];
}

function scenarioOf(id: ProviderId, name: string): DriverScenario {
  const scenario = [...driverOf(id).scenarios, ...(EXTRA_CASES[id] ?? [])].find((s) => s.name === name);
  if (!scenario) throw new RangeError(`unknown case ${name} for ${id}`);
  return scenario;
}

/** Flinks takes the login in its input: the case is the sandbox username; the sandbox password is documented. */
function flinksStart(scenario: DriverScenario): Notes {
  const input = scenario.input as { institution: string; username: string };
  return { hint: `Flinks sandbox: institution ${input.institution}, username ${input.username}, password Everyday`, preset: { institution: input.institution, username: input.username } };
}

export async function startSandbox(options: SandboxOptions, callbackUrl: string): Promise<Sandbox> {
  const fintectureSim = fintectureSimulator({ appId: 'sim-app-id', appSecret: options.fintecture?.appSecret ?? 'sim-app-secret' });
  const powensSim = powensSimulator({
    newAccountsDisabled: false,
    decoupledPolls: 2,
    // longDecoupled: never approved within a session of the example.
    longDecoupledPolls: 1_000_000,
    ...(options.powens?.clientSecret ? { clientSecret: options.powens.clientSecret } : {}),
    ...(options.powens?.password ? { password: options.powens.password } : {}),
  });
  const flinksSim = flinksSimulator({ ...(options.flinks?.authKey ? { authKey: options.flinks.authKey } : {}), ...(options.flinks?.apiKey ? { apiKey: options.flinks.apiKey } : {}) });
  if (options.flinks?.password) flinksSim.state.password = options.flinks.password;
  const powerauthPassword = options.powerauth?.password;
  const powerauthSim = powerauthSimulator(powerauthPassword ? { users: powerauthTestUsers().map((u) => ({ ...u, password: powerauthPassword })) } : {});
  const server = await startSimulatorServer([fintectureSim, powensSim, flinksSim, powerauthSim]);

  const providers = [
    fintecture({ appId: 'sim-app-id', appSecret: options.fintecture?.appSecret ?? 'sim-app-secret', baseUrl: fintectureSim.baseUrl, pollIntervalMs: 500 }),
    // The bank sends the browser back to this app's callback (webauth).
    powens({ baseUrl: powensSim.baseUrl, ...powensSim.client, redirectUri: callbackUrl, polling: { intervalMs: 500 } }),
    flinks({
      customerId: FLINKS_CUSTOMER_ID,
      baseUrl: flinksSim.baseUrl,
      ...(options.flinks?.authKey ? { authKey: options.flinks.authKey } : {}),
      ...(options.flinks?.apiKey ? { apiKey: options.flinks.apiKey } : {}),
      asyncPollIntervalMs: 300,
      decoupledPollIntervalMs: 500,
    }),
    powerauth({ baseUrl: powerauthSim.baseUrl, organizationId: 'RETAIL' }),
  ];
  const sims = { fintecture: fintectureSim, powens: powensSim, flinks: flinksSim, powerauth: powerauthSim } as unknown as Record<ProviderId, Simulator<unknown>>;

  return {
    server,
    sims,
    providers,
    choices: () =>
      PROVIDER_IDS.map((id) => ({
        id,
        label: driverOf(id).label,
        cases: [...driverOf(id).scenarios, ...(EXTRA_CASES[id] ?? [])].map((s) => ({ name: s.name, description: s.description, ...(id === 'flinks' ? { start: flinksStart(s) } : {}) })),
        startFields:
          id === 'flinks'
            ? [
                { name: 'institution', label: 'Institution', kind: 'text', secret: false, required: true },
                { name: 'username', label: 'Username', kind: 'text', secret: false, required: true },
                { name: 'password', label: 'Password', kind: 'password', secret: true, required: true },
              ]
            : [],
      })),
    input(provider, caseName, fields, context) {
      const input = { ...(scenarioOf(provider, caseName).input as Record<string, unknown>) };
      switch (provider) {
        case 'fintecture':
          // The user's own IP address (PSD2: the bank sees who asks), and this app's callback for a redirect.
          input.psuIpAddress = context.clientIp;
          if (input.model === 'redirect') input.redirectUri = context.callbackUrl;
          return input;
        case 'flinks':
          return { ...input, institution: fields.institution, username: fields.username, password: fields.password };
        default:
          return input;
      }
    },
    async notes(provider, caseName, challenge) {
      const driver = driverOf(provider);
      const scenario = scenarioOf(provider, caseName);
      const sim = sims[provider];
      if (!challenge) return provider === 'flinks' ? flinksStart(scenario) : {};
      const hint = driver.hint(challenge as never, sim, scenario);
      if (challenge.type !== 'credentials') return hint ? { hint } : {};
      // The case decides the connector's list fields the way the autopilot fills them.
      const auto = ((await driver.answer(challenge as never, sim, scenario)) ?? {}) as Record<string, string>;
      const preset = Object.fromEntries(challenge.fields.filter((f) => (f.choices ?? f.suggestions) && auto[f.name] !== undefined).map((f) => [f.name, auto[f.name] as string]));
      return { ...(hint ? { hint } : {}), ...(Object.keys(preset).length ? { preset } : {}) };
    },
    close: () => server.close(),
  };
}
