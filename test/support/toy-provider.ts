import { z } from 'zod';
import { defineProvider, failureTable, money, type ChallengeSpec, type ProviderAdapter, type Step } from 'polybank/provider';

/** A test-only provider over the Toybank simulator, written the way real adapters are. */
const Input = z.strictObject({ username: z.string().min(1), password: z.string().min(1) });
const Ref = z.strictObject({ connectionId: z.string().min(1) });
const State = z.object({ session: z.string().optional(), connectionId: z.string().optional() });
type State = z.infer<typeof State>;
type Ref = z.infer<typeof Ref>;
type ToyStep = Step<State, Ref>;

const NextSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('questions'), prompts: z.array(z.object({ id: z.string(), text: z.string(), questions: z.array(z.string()).optional() })) }),
  z.object({ type: z.literal('otp'), length: z.number(), channel: z.string(), attemptsLeft: z.number(), label: z.string().optional() }),
  z.object({ type: z.literal('decoupled'), message: z.string(), pollEveryMs: z.number(), expiresAt: z.string() }),
  z.object({ type: z.literal('redirect'), url: z.string(), state: z.string() }),
  z.object({ type: z.literal('consent'), html: z.string(), options: z.array(z.object({ id: z.string(), label: z.string(), required: z.boolean() })) }),
  z.object({ type: z.literal('done'), connectionId: z.string() }),
]);
const SessionResponse = z.object({ session: z.string(), next: NextSchema });
const PollResponse = z.union([
  z.object({ status: z.literal('pending') }),
  z.object({ status: z.literal('refused') }),
  z.object({ status: z.literal('approved'), next: NextSchema }),
]);
const ErrorBody = z.object({ code: z.string(), message: z.string().optional() });
const AccountsResponse = z.object({
  accounts: z.array(z.object({ id: z.string(), label: z.string(), kind: z.string(), iban: z.string().optional(), balance: z.number(), currency: z.string(), connection: z.string() })),
});

// The provider's codes → normalized reasons: the only mapping table of this adapter.
const failures = failureTable({
  read: (res) => {
    const body = ErrorBody.safeParse(res.body);
    return body.success ? { code: body.data.code, ...(body.data.message ? { message: body.data.message, userMessage: body.data.message } : {}) } : undefined;
  },
  codes: {
    bad_credentials: 'invalid_credentials',
    locked: 'account_locked',
    wrong_answer: 'auth_rejected',
    wrong_otp: 'auth_rejected',
    invalid_code: 'auth_rejected',
    consent_refused: 'auth_rejected',
    no_session: 'auth_expired',
  },
});

function toStep(session: string, next: z.infer<typeof NextSchema>): ToyStep {
  const state: State = { session };
  let challenge: ChallengeSpec;
  switch (next.type) {
    case 'done':
      return { kind: 'active', state: { session, connectionId: next.connectionId }, ref: { connectionId: next.connectionId } };
    case 'questions':
      challenge = { type: 'questions', prompts: next.prompts };
      break;
    case 'otp':
      challenge = { type: 'otp', channel: 'sms', length: next.length, remainingAttempts: next.attemptsLeft, canResend: true, ...(next.label ? { label: next.label } : {}) };
      break;
    case 'decoupled':
      return {
        kind: 'challenge',
        state,
        challenge: { type: 'decoupled', channel: 'app', message: next.message, expiresAt: next.expiresAt },
        poll: { intervalMs: next.pollEveryMs, factor: 1, deadline: next.expiresAt },
      };
    case 'redirect':
      challenge = { type: 'redirect', url: next.url, state: next.state };
      break;
    case 'consent':
      challenge = { type: 'consent', text: next.html, options: next.options.map((o) => ({ ...o, defaultChecked: false })) };
      break;
  }
  return { kind: 'challenge', state, challenge };
}

const ToyOptions = z.strictObject({
  baseUrl: z.url(),
  apiKey: z.string().min(1).optional(),
  /** Poll deadline override for tests (ms from now). */
  decoupledWindowMs: z.number().int().positive().optional(),
});
export type ToyOptions = z.input<typeof ToyOptions>;

export type ToyAdapter = ProviderAdapter<'toybank', z.infer<typeof Input>, Ref, State>;

export const toybank = defineProvider({
  id: 'toybank',
  options: ToyOptions,
  secrets: (options) => [options.apiKey],
  create: (options): Omit<ToyAdapter, 'id' | 'secrets'> => ({
    schemas: { input: Input, ref: Ref, state: State },
    http: { baseUrl: options.baseUrl, headers: options.apiKey ? { 'x-api-key': options.apiKey } : {}, failures },

    async start(ctx, input) {
      const res = await ctx.request({ endpoint: 'CreateSession', method: 'POST', path: 'sessions', json: input, sensitive: true, expect: [201] });
      const body = res.parse(SessionResponse);
      const step = toStep(body.session, body.next);
      if (step.kind === 'challenge' && step.poll && options.decoupledWindowMs !== undefined) {
        step.poll.deadline = new Date(Date.now() + options.decoupledWindowMs).toISOString();
      }
      return step;
    },

    async open(_ctx, ref) {
      return { kind: 'active', state: { connectionId: ref.connectionId }, ref };
    },

    async answer(ctx, session, _challenge, answer) {
      let payload: unknown;
      switch (answer.type) {
        case 'questions':
          payload = Object.fromEntries(Object.entries(answer.responses).map(([id, r]) => [id, r.question ? { question: r.question, answer: r.answer } : r.answer]));
          break;
        case 'otp':
          payload = { code: answer.code };
          break;
        case 'redirect':
          payload = { code: answer.params.code };
          break;
        case 'consent':
          payload = { options: answer.options };
          break;
        default:
          throw ctx.fail('unknown', `toybank cannot answer ${answer.type}`);
      }
      const res = await ctx.request({ endpoint: 'Answer', method: 'POST', path: `sessions/${session.state.session}/answer`, json: payload, sensitive: true });
      const body = res.parse(SessionResponse);
      return toStep(body.session, body.next);
    },

    async poll(ctx, session) {
      const res = await ctx.request({ endpoint: 'PollSession', method: 'GET', path: `sessions/${session.state.session}` });
      const body = res.parse(PollResponse);
      if (body.status === 'pending') return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
      if (body.status === 'refused') throw ctx.fail('auth_rejected', 'the user refused in the Toybank app');
      return toStep(session.state.session as string, body.next);
    },

    async resend(ctx, session) {
      const res = await ctx.request({ endpoint: 'ResendOtp', method: 'POST', path: `sessions/${session.state.session}/otp`, sensitive: true });
      const body = res.parse(SessionResponse);
      return toStep(body.session, body.next);
    },

    async accounts(ctx, session) {
      const id = session.state.connectionId;
      const res = await ctx.request({ endpoint: 'ListAccounts', method: 'GET', path: `connections/${id}/accounts` });
      const body = res.parse(AccountsResponse);
      // What a data call learned reaches the connection: sync time, and the (unchanged) ref.
      ctx.update({ info: { lastSyncedAt: new Date(ctx.now()).toISOString() }, ref: { connectionId: String(id) } });
      return body.accounts.map((a, i) => {
        const current = money({ provider: 'toybank', endpoint: 'ListAccounts', field: `accounts.${i}.balance` }, a.balance, a.currency);
        return {
          id: a.id,
          provider: 'toybank',
          connectionId: a.connection,
          name: a.label,
          type: a.kind === 'CHK' ? ('checking' as const) : ('savings' as const),
          ...(a.iban ? { iban: a.iban } : {}),
          currency: current.currency,
          balances: { current },
          raw: a,
        };
      });
    },

    async cancel(ctx, session) {
      if (!session.state.session) return;
      await ctx.request({ endpoint: 'CancelSession', method: 'DELETE', path: `sessions/${session.state.session}`, expect: 'any' });
    },
  }),
});
