import { Simulator, type Route } from '../../src/testing/index.js';

/**
 * Toybank: a test-only provider whose API exercises every challenge kind, built with
 * the same simulator framework as the real providers. The username picks the scenario.
 */
export interface ToySession {
  id: string;
  scenario: string;
  step: number;
  otp?: string;
  otpSends: number;
  polls: number;
  cancelled: boolean;
  redirectState?: string;
  /** The last free-text answer, which some banks quote back in the next prompt. */
  lastAnswer?: string;
}

export interface ToyState {
  sessions: Map<string, ToySession>;
  seq: number;
  /** Decoupled sessions approve (or refuse) after this many polls. */
  pollsUntilDecision: number;
  /** Secret values the simulator expects. */
  password: string;
  otpCode: string;
  answers: Record<string, string>;
}

export const TOY_PASSWORD = 'correct horse';

export function toyState(): ToyState {
  return {
    sessions: new Map(),
    seq: 0,
    pollsUntilDecision: 2,
    password: TOY_PASSWORD,
    otpCode: '123456',
    answers: { city: 'Montreal', pet: 'Rex', 'Favourite colour?': 'Blue' },
  };
}

type Next =
  | { type: 'questions'; prompts: Array<{ id: string; text: string; questions?: string[] }> }
  | { type: 'otp'; length: number; channel: string; attemptsLeft: number; label?: string }
  | { type: 'decoupled'; message: string; pollEveryMs: number; expiresAt: string }
  | { type: 'redirect'; url: string; state: string }
  | { type: 'consent'; html: string; options: Array<{ id: string; label: string; required: boolean }> }
  | { type: 'done'; connectionId: string };

// Scenario → the steps after the password, in order.
const SCENARIOS: Record<string, Array<Next['type']>> = {
  nomfa: [],
  questions: ['questions'],
  'questions-otp': ['questions', 'otp'],
  otp: ['otp'],
  'decoupled-approve': ['decoupled'],
  'decoupled-refuse': ['decoupled'],
  'decoupled-expire': ['decoupled'],
  redirect: ['redirect'],
  consent: ['consent'],
  full: ['questions', 'otp', 'decoupled', 'consent'],
};

function nextFor(state: ToyState, session: ToySession, origin: string): Next {
  const steps = SCENARIOS[session.scenario] ?? [];
  const type = steps[session.step];
  switch (type) {
    case undefined:
      return { type: 'done', connectionId: `conn-${session.id}` };
    case 'questions':
      return {
        type: 'questions',
        prompts: [
          { id: 'q1', text: 'What city were you born in?' },
          { id: 'q2', text: 'Pick a question', questions: ['Favourite colour?', 'First car?'] },
        ],
      };
    case 'otp':
      session.otp ??= state.otpCode;
      // Like Powens' doubleotp: the next prompt quotes what the user answered before.
      return { type: 'otp', length: 6, channel: 'sms', attemptsLeft: 3, ...(session.lastAnswer ? { label: `Code for the account of ${session.lastAnswer}` } : {}) };
    case 'decoupled':
      return { type: 'decoupled', message: 'Approve in your Toybank app', pollEveryMs: 50, expiresAt: new Date(Date.now() + 60_000).toISOString() };
    case 'redirect':
      session.redirectState = `st-${session.id}`;
      return { type: 'redirect', url: `${origin}/bank/authorize?session=${session.id}`, state: session.redirectState };
    case 'consent':
      return {
        type: 'consent',
        html: '<p>Share your accounts with Acme?</p>',
        options: [
          { id: 'accounts', label: 'Share account list', required: true },
          { id: 'marketing', label: 'Send me offers', required: false },
        ],
      };
    default:
      throw new Error(`unknown step ${String(type)}`);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

const routes: Route<ToyState>[] = [
  {
    method: 'POST',
    path: '/sessions',
    endpoint: 'CreateSession',
    handle: ({ body, state, url }) => {
      const { username, password } = (body ?? {}) as { username?: string; password?: string };
      if (typeof username !== 'string' || typeof password !== 'string') return json(400, { code: 'bad_request' });
      if (username === 'locked') return json(403, { code: 'locked', message: 'Too many attempts' });
      if (password !== state.password) return json(401, { code: 'bad_credentials', message: `Wrong password for ${username}: ${password}` });
      const scenario = username in SCENARIOS ? username : 'nomfa';
      const session: ToySession = { id: `s${++state.seq}`, scenario, step: 0, otpSends: 0, polls: 0, cancelled: false };
      state.sessions.set(session.id, session);
      const next = nextFor(state, session, url.origin);
      if (next.type === 'otp') session.otpSends++;
      return json(201, { session: session.id, next });
    },
  },
  {
    method: 'POST',
    path: '/sessions/:id/answer',
    endpoint: 'Answer',
    handle: ({ body, state, params, url }) => {
      const session = state.sessions.get(params.id ?? '');
      if (!session || session.cancelled) return json(404, { code: 'no_session' });
      const current = nextFor(state, session, url.origin);
      const answer = (body ?? {}) as Record<string, unknown>;
      switch (current.type) {
        case 'questions': {
          const q2 = answer.q2 as { question?: string; answer?: string } | undefined;
          if (answer.q1 !== state.answers.city || !q2 || state.answers[q2.question ?? ''] !== q2.answer) {
            return json(401, { code: 'wrong_answer', message: 'Wrong answer' });
          }
          session.lastAnswer = String(answer.q1);
          break;
        }
        case 'otp':
          // Like some real providers, it echoes what it received in the error: the SDK must scrub it.
          if (answer.code !== session.otp) return json(401, { code: 'wrong_otp', message: `Wrong code ${String(answer.code)}` });
          break;
        case 'redirect':
          if (answer.code !== `code-${session.id}`) return json(401, { code: 'invalid_code' });
          break;
        case 'consent': {
          const options = answer.options as Record<string, boolean> | undefined;
          if (!options?.accounts) return json(422, { code: 'consent_refused' });
          break;
        }
        default:
          return json(409, { code: 'nothing_to_answer' });
      }
      session.step++;
      const next = nextFor(state, session, url.origin);
      if (next.type === 'otp') session.otpSends++;
      return json(200, { session: session.id, next });
    },
  },
  {
    method: 'POST',
    path: '/sessions/:id/otp',
    endpoint: 'ResendOtp',
    handle: ({ state, params, url }) => {
      const session = state.sessions.get(params.id ?? '');
      if (!session) return json(404, { code: 'no_session' });
      session.otpSends++;
      session.otp = '654321';
      return json(200, { session: session.id, next: nextFor(state, session, url.origin) });
    },
  },
  {
    method: 'GET',
    path: '/sessions/:id',
    endpoint: 'PollSession',
    handle: ({ state, params, url }) => {
      const session = state.sessions.get(params.id ?? '');
      if (!session) return json(404, { code: 'no_session' });
      session.polls++;
      if (session.polls < state.pollsUntilDecision || session.scenario === 'decoupled-expire') {
        return json(200, { status: 'pending' });
      }
      if (session.scenario === 'decoupled-refuse') return json(200, { status: 'refused' });
      session.step++;
      const next = nextFor(state, session, url.origin);
      return json(200, { status: 'approved', next });
    },
  },
  {
    method: 'DELETE',
    path: '/sessions/:id',
    endpoint: 'CancelSession',
    handle: ({ state, params }) => {
      const session = state.sessions.get(params.id ?? '');
      if (session) session.cancelled = true;
      return new Response(null, { status: 204 });
    },
  },
  {
    method: 'GET',
    path: '/connections/:id/accounts',
    endpoint: 'ListAccounts',
    handle: ({ params }) =>
      json(200, {
        accounts: [
          { id: 'a1', label: 'Everyday', kind: 'CHK', iban: 'FR7630006000011234567890189', balance: 158121.1, currency: 'EUR', connection: params.id },
          { id: 'a2', label: 'Yen savings', kind: 'SAV', balance: 1500, currency: 'JPY', connection: params.id },
          { id: 'a3', label: 'Dinar', kind: 'SAV', balance: 0.1 + 0.2, currency: 'BHD', connection: params.id },
        ],
      }),
  },
];

export function toySimulator(): Simulator<ToyState> {
  return new Simulator<ToyState>({ name: 'toybank', defaultOrigin: 'https://api.toybank.test', basePath: '/v1', routes }, toyState);
}
