/**
 * The driver of authentication: runs the state machine's `next()` against the adapter
 * (begin, send an answer, poll) until a challenge needs the user or the connection is
 * active. The async generator and the request/response backend both drive it; neither
 * reaches into the other.
 */
import { validateAnswer, secretValues } from '../answers.js';
import { AbortedError, ChallengeStateError, CheckpointError, ProviderResponseError, isAbortedError, isConnectionError } from '../errors.js';
import type { Challenge, ChallengeData } from '../model/challenge.js';
import { errorStatus } from '../model/status.js';
import { pollUntil } from '../polling.js';
import type { CancelCause, Json, PollPlan, StillPending } from '../provider.js';
import type { CallContext, CallOptions } from './context.js';
import { statusOf, type FlowCore } from './core.js';
import type { HandleActions } from './handles.js';
import type { AnyStep, PendingChallenge } from './state.js';

/** What one step ended with. */
export type StepResult = { kind: 'challenge'; challenge: Challenge } | { kind: 'active' } | { kind: 'waiting' };

// Thrown inside a poll when the caller's budget is spent; never leaves the loop.
const BUDGET_SPENT: unique symbol = Symbol('polybank.budget-spent');

// How long a resumed checkpoint id stays recorded as used: longer than any checkpoint lives.
const CLAIM_TTL_MS = 48 * 3600_000;

export class AuthLoop {
  readonly #core: FlowCore;
  /** The user's input: held until it is sent once, then dropped (it holds credentials). */
  #input: unknown;
  #budgetUntil: number | undefined;
  readonly #actions: HandleActions;

  constructor(core: FlowCore, input: unknown) {
    this.#core = core;
    this.#input = input;
    this.#actions = {
      answer: (id, raw) => this.#accept(id, raw),
      ...(core.adapter.resend ? { resend: (id: string) => this.resend(id) } : {}),
    };
  }

  /** The challenge waiting for the user, if any. */
  get pendingChallenge(): Challenge | undefined {
    const pending = this.#core.state.pending;
    return pending?.kind === 'challenge' ? this.#core.handleFor(pending, this.#actions) : undefined;
  }

  /**
   * Runs until the next challenge to show, or until the connection is active. With a
   * poll budget (request/response backends), a poll that would go past it returns
   * `waiting` with the poll kept for the next call.
   */
  async step(options: CallOptions, pollBudgetMs?: number): Promise<StepResult> {
    const core = this.#core;
    if (core.leaving) await core.leaving;
    return core.exclusive('authenticate()', async () => {
      this.#budgetUntil = pollBudgetMs === undefined ? undefined : core.clock.now() + pollBudgetMs;
      try {
        const challenge = await this.#advance(options);
        return challenge ? { kind: 'challenge', challenge } : { kind: 'active' };
      } catch (error) {
        if (error === BUDGET_SPENT) return { kind: 'waiting' };
        throw this.#failed(error);
      } finally {
        this.#budgetUntil = undefined;
      }
    });
  }

  async #advance(options: CallOptions): Promise<Challenge | undefined> {
    const { state } = this.#core;
    const next = state.next();
    let ctx: CallContext;
    let step: AnyStep;
    switch (next.kind) {
      case 'done':
        return undefined;
      case 'show':
        state.show(next.pending);
        return this.#core.handleFor(next.pending, this.#actions);
      case 'unanswered':
        throw new ChallengeStateError(
          `challenge ${next.pending.data.id} (${next.pending.data.type}) was not answered: call challenge.answer(...) before the loop asks for the next one`,
        );
      case 'poll':
        // A decoupled challenge stays the status while it is polled; a provider-side wait is `authenticating`.
        if (!next.challenge) state.setStatus({ status: 'authenticating' });
        step = await this.#pollUntilSettled(next.plan, next.challenge, options);
        break;
      case 'send': {
        await this.#claimResumed();
        // An answer is sent at most once: forget it before the request goes out.
        state.take(next.pending);
        state.setStatus({ status: 'authenticating' });
        ctx = this.#core.context(options, true);
        step = await this.#call(ctx, () => this.#core.adapter.answer(ctx, this.#session(), next.pending.data, next.answer));
        break;
      }
      case 'begin':
        state.setStatus({ status: 'authenticating' });
        step = await this.begin(options, true);
        break;
    }
    return this.#apply(step, options);
  }

  /** Starts the provider side: `start` with the input of a new link, `open` with a stored reference. */
  async begin(options: CallOptions, interactive: boolean): Promise<AnyStep> {
    const { state, adapter } = this.#core;
    const ctx = this.#core.context(options, interactive);
    if (state.origin === 'connect') {
      const input = this.#input;
      if (input === undefined) throw new ChallengeStateError('this connection was already started; resume it from a checkpoint or connect again');
      // The input holds credentials: drop it as soon as it has been sent once.
      this.#input = undefined;
      return this.#call(ctx, () => adapter.start(ctx, input));
    }
    return this.#call(ctx, () => adapter.open(ctx, state.ref));
  }

  /** Applies steps until one needs the user (a challenge) or the connection is active. */
  async #apply(first: AnyStep, options: CallOptions): Promise<Challenge | undefined> {
    const core = this.#core;
    let step = first;
    for (;;) {
      if (step.sealed) core.secrets.add(...Object.values(step.sealed));
      if (step.kind === 'pending') {
        core.state.settle(step);
        step = await this.#pollUntilSettled(step.poll, undefined, options);
        continue;
      }
      const data = step.kind === 'challenge' ? core.challengeData(step.challenge) : undefined;
      core.state.settle(step, data);
      const pending = core.state.pending;
      if (pending?.kind !== 'challenge') return undefined;
      const handle = core.handleFor(pending, this.#actions);
      core.host.onChallenge(handle);
      return handle;
    }
  }

  #pollUntilSettled(plan: PollPlan, challenge: ChallengeData | undefined, options: CallOptions): Promise<AnyStep> {
    const core = this.#core;
    return pollUntil<AnyStep>(
      core.clock,
      plan,
      options.signal,
      core.pollTimeoutMs,
      async () => {
        const ctx = core.context(options, true);
        const result = await this.#call<AnyStep | StillPending<Json>>(ctx, () => core.adapter.poll(ctx, this.#session(), challenge));
        if (result.kind === 'still_pending' && result.state !== undefined) core.state.session = { state: result.state, sealed: core.state.session?.sealed ?? {} };
        return result;
      },
      () =>
        core.connectionError(
          plan.deadlineReason ?? 'auth_expired',
          challenge ? `the ${challenge.type} challenge was not completed in time` : 'the provider did not finish in time',
        ),
      // A request/response caller's budget: keep the poll for its next call.
      this.#budgetUntil === undefined ? undefined : { at: this.#budgetUntil, reason: BUDGET_SPENT },
    );
  }

  /** An adapter call; what it throws leaves typed, redacted and with its request id. */
  async #call<T>(ctx: CallContext, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#core.typed(error, ctx);
    }
  }

  #session(): { state: Json; sealed: Record<string, string> } {
    const session = this.#core.state.session;
    if (!session) throw new ChallengeStateError('the connection has no provider session yet');
    return session;
  }

  /**
   * A flow resumed from a checkpoint claims it before the first answer it sends: the same
   * checkpoint resumed twice (here or on another instance sharing the store) cannot send
   * an answer twice.
   */
  async #claimResumed(): Promise<void> {
    const resumed = this.#core.state.resumedFrom;
    if (!resumed) return;
    this.#core.state.resumedFrom = undefined;
    if (!(await this.#core.host.claim(resumed.id, CLAIM_TTL_MS))) {
      throw new CheckpointError('this checkpoint was already used to send an answer: resume from the latest checkpoint, or start again');
    }
  }

  // ------------------------------------------------------------ answers

  #pending(id: string): PendingChallenge {
    const core = this.#core;
    const pending = core.state.pending;
    if (core.state.closed) throw core.closedError();
    if (pending?.kind !== 'challenge' || pending.data.id !== id) throw new ChallengeStateError(`challenge ${id} is no longer pending`);
    if (core.busy) throw new ChallengeStateError(`challenge ${id} cannot change while a step is in flight`);
    return pending;
  }

  #accept(id: string, raw: unknown): void {
    const pending = this.#pending(id);
    const answer = validateAnswer(pending.data, raw);
    this.#core.secrets.add(...secretValues(pending.data, answer));
    pending.answer = answer;
  }

  /** Answers the pending challenge (the request/response backend and `resume({ callback })`). */
  answerPending(raw: unknown): void {
    const pending = this.#core.state.pending;
    if (pending?.kind !== 'challenge') throw new ChallengeStateError('there is no pending challenge to answer');
    if (pending.data.type === 'decoupled') throw new ChallengeStateError(`challenge ${pending.data.id} needs no answer: the provider is polled until the user approves`);
    this.#accept(pending.data.id, raw);
    // Shown to the user by the backend's caller: the next step sends it.
    pending.yielded = true;
  }

  /** Asks the provider for a new code (user-initiated only). The handle the user holds stays valid. */
  async resend(id: string, options: CallOptions = {}): Promise<void> {
    const core = this.#core;
    const pending = this.#pending(id);
    const resend = core.adapter.resend;
    if (!resend) throw new ChallengeStateError(`${core.adapter.id} cannot resend a code`);
    await core.exclusive('resend()', async () => {
      await this.#claimResumed();
      const ctx = core.context(options, true);
      const step = await this.#call(ctx, () => resend.call(core.adapter, ctx, this.#session(), pending.data));
      core.state.keepSession(step);
      if (step.sealed) core.secrets.add(...Object.values(step.sealed));
      if (step.kind !== 'challenge') throw core.typed(new ProviderResponseError(core.adapter.id, 'resend', '', 'resend did not lead to a new code'));
      // Same id: the handle the user holds stays valid; the data (attempts, expiry) is refreshed.
      const data = core.challengeData(step.challenge, pending.data.id);
      core.state.pending = { kind: 'challenge', data, ...(step.poll ? { poll: step.poll } : {}), yielded: true };
      const fresh = core.state.pending;
      core.host.onChallenge(core.renewHandle(fresh, this.#actions));
    });
  }

  // ------------------------------------------------------------ leaving and failing

  /** A step failed: a ConnectionError ends the loop with its status. */
  #failed(error: unknown): unknown {
    if (isConnectionError(error)) this.#core.state.fail(statusOf(error));
    return error;
  }

  /**
   * The loop was left before the connection became active (break, return, abort). A kept
   * step (a checkpoint was taken, a redirect the user is away on) is kept for later;
   * anything else is cancelled at the provider where it allows.
   */
  leave(cause: 'cancelled' | 'aborted'): Promise<void> {
    const { state } = this.#core;
    if (state.settled) return this.#core.leaving ?? Promise.resolve();
    if (state.keepsOnLeave && cause === 'cancelled') {
      state.suspend();
      return Promise.resolve();
    }
    return this.cancel(cause);
  }

  /** Cancels the provider session (bounded, best effort) and ends the flow with status `cancelled`. */
  cancel(cause: CancelCause = 'cancelled'): Promise<void> {
    const core = this.#core;
    if (core.state.closed) return core.leaving ?? Promise.resolve();
    core.state.close(cause === 'aborted' ? 'aborted' : 'cancelled');
    // Whoever asks next (the generator's next(), a process about to exit) waits for this.
    const leaving = this.#cancelAtProvider(cause).then(() => core.state.cancelled());
    core.leaving = leaving;
    return leaving;
  }

  async #cancelAtProvider(cause: CancelCause): Promise<void> {
    const core = this.#core;
    const session = core.state.session;
    const cancel = core.adapter.cancel;
    if (!session || !cancel) return;
    const ctx = core.context({ timeout: core.host.cancelTimeoutMs, retry: 0, signal: AbortSignal.timeout(core.host.cancelTimeoutMs * 2) }, false);
    await ctx.bestEffort('provider-side cancel', () => cancel.call(core.adapter, ctx, session, cause));
  }

  /** The generator saw an error: tells the provider the operation failed, and waits until it has. */
  async failed(error: unknown): Promise<void> {
    const core = this.#core;
    if (core.state.closed) {
      if (core.leaving) await core.leaving;
      return;
    }
    if (core.state.status.status === 'active') return;
    if (isAbortedError(error) || error instanceof AbortedError) {
      await this.cancel('aborted');
      return;
    }
    // Misuse of the loop (not answering) is the app's bug, not a provider failure; the session is still cancelled.
    core.state.close('cancelled');
    const leaving = this.#cancelAtProvider('failed').then(() => {
      if (core.state.status.status !== 'error') core.state.setStatus(errorStatus('cancelled'));
    });
    core.leaving = leaving;
    await leaving;
  }
}
