import type { Challenge } from '../../core/model/challenge.js';
import { flinks } from '../../providers/flinks/index.js';
import type { Driver, DriverScenario } from '../drivers/types.js';
import { flinksSimulator } from './simulator.js';
import { flinksTime, type FlinksSimState } from './state.js';
import { own } from './wire.js';

type FlinksProvider = ReturnType<typeof flinks>;
const CUSTOMER_ID = '43387ca6-0391-4c82-857d-70d95f087ecb';

function scenario(institution: string, username: string, description: string, outcome: DriverScenario['outcome'] = 'active'): DriverScenario<FlinksProvider> {
  return { name: username, description, outcome, input: { institution, username, password: 'Everyday' } };
}

function expected(state: FlinksSimState, prompt: string): string | undefined {
  const key = Object.keys(state.answers).find((k) => k.toLowerCase() === prompt.toLowerCase());
  return key === undefined ? undefined : own(state.answers, key);
}

function picks(state: FlinksSimState, prompt: string, options: ReadonlyArray<{ id: string; label: string }>, multiple: boolean): string[] {
  const wanted = own(state.choices, prompt);
  const ids = wanted ? options.filter((o) => wanted.includes(o.label)).map((o) => o.id) : [];
  if (ids.length) return multiple ? ids : ids.slice(0, 1);
  return [(options[0] as { id: string }).id];
}

function imagePick(state: FlinksSimState, options: ReadonlyArray<{ id: string }>): string {
  return (options[state.imageIndex] ?? options[0])?.id as string;
}

/** Flinks against its simulator: the provider set up for it, the scenarios, and the simulated person's answers. */
export const flinksDriver: Driver<FlinksProvider, FlinksSimState> = {
  id: 'flinks',
  label: 'Flinks (Canada): /Authorize with every MFA type',
  simulator: () => flinksSimulator() as never,
  provider: (sim) => flinks({ customerId: CUSTOMER_ID, baseUrl: sim.baseUrl, asyncPollIntervalMs: 200, decoupledPollIntervalMs: 200 }),
  scenarios: [
    scenario('FlinksCapital', 'Greatday', 'the sandbox user: one security question'),
    scenario('FlinksCapital', 'greatday_nomfa', 'no MFA'),
    scenario('RBC', 'rbc_triple', 'three questions answered together'),
    scenario('RBC', 'rbc_reset', 'three questions, then pick and answer three new ones'),
    scenario('RBC', 'rbc_device', 'approve on the trusted device (decoupled)'),
    scenario('Laurentienne', 'laurentienne_image', 'a question, then pick your image among 16'),
    scenario('National', 'national_securid', 'a SecurID code, then a question'),
    scenario('Scotia', 'scotia_reset', 'multiple choice and multiple answers together, then new questions'),
    scenario('Scotia', 'scotia_choice', 'multiple choice, then multiple answers'),
    scenario('TD', 'td_2step', 'choose a phone and Text or Call, then the code'),
    scenario('FlinksCapital', 'test_pending', 'data still processing (202), polled'),
    scenario('FlinksCapital', 'test_disabled_account', 'the account is disabled at the bank', 'account_locked'),
    scenario('FlinksCapital', 'test_service_unavailable', 'the bank cannot be reached', 'rate_limited'),
  ],
  async answer(challenge: Challenge, sim) {
    const state = sim.state;
    switch (challenge.type) {
      case 'questions': {
        const used = new Set<string>();
        const answer: Record<string, unknown> = {};
        for (const prompt of challenge.prompts) {
          if (prompt.questions) {
            const question = prompt.questions.find((q) => !used.has(q)) as string;
            used.add(question);
            answer[prompt.id] = { question, answer: 'Rex' };
          } else if (prompt.choices) {
            const image = prompt.choices.some((c) => c.image);
            const selected = image ? [imagePick(state, prompt.choices)] : picks(state, prompt.text, prompt.choices, prompt.multiple === true);
            answer[prompt.id] = prompt.multiple ? selected : selected[0];
          } else {
            answer[prompt.id] = expected(state, prompt.text) ?? 'Triangle';
          }
        }
        return answer;
      }
      case 'choice':
        if (challenge.kind === 'text_or_call') return { selected: challenge.options[0]?.id, method: challenge.methods?.[0] ?? 'Text' };
        if (challenge.kind === 'image') return { selected: imagePick(state, challenge.options) };
        return { selected: picks(state, challenge.prompt, challenge.options, challenge.multiple) };
      case 'otp':
        return { code: challenge.channel === 'token' ? state.securId : state.securityCode };
      default:
        return undefined;
    }
  },
  hint(challenge, sim) {
    const state = sim.state;
    if (challenge.type === 'otp') {
      return challenge.channel === 'token' ? `Your SecurID token shows ${state.securId}` : `Your phone received: "Your TD security code is ${state.securityCode}"`;
    }
    if (challenge.type === 'questions') {
      const known = challenge.prompts.map((p) => expected(state, p.text)).filter(Boolean);
      return known.length ? `Sandbox answers: ${known.join(', ')}` : undefined;
    }
    if (challenge.type === 'choice' && challenge.kind === 'image') return `Your personal image is Image ${state.imageIndex + 1}`;
    if (challenge.type === 'decoupled') return 'The simulated trusted device approves after a few polls';
    return undefined;
  },
  secretEndpoints: ['Authorize'],
  stored(sim, options = {}) {
    // A LoginId saved earlier (cached mode reads it without the user); a refused one Flinks no longer knows (deleted).
    const loginId = crypto.randomUUID();
    if (!options.refused) {
      sim.state.logins.set(loginId, { loginId, institution: 'FlinksCapital', username: 'Greatday', language: 'en', scenario: 'flinkscapital/greatday', lastRefresh: flinksTime(sim.state.now()) });
    }
    return { loginId };
  },
};
