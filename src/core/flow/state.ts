/**
 * The pure part of a connection's loop: what it knows (status, provider session, reference,
 * the pending step) and what it must do next. No I/O here: the drivers (the async
 * generator, the request/response backend, data calls) ask `next()`, do the work, and hand
 * the provider's step back to `settle()`.
 */
import type { ChallengeData, NormalizedAnswer } from '../model/challenge.js';
import { errorStatus, type ConnectionStatus } from '../model/status.js';
import type { Json, PollPlan, Step } from '../provider.js';

export type AnyStep = Step<Json, unknown>;

/** A challenge waiting for the user, or a poll waiting for the provider. */
export type Pending =
  | {
      kind: 'challenge';
      data: ChallengeData;
      poll?: PollPlan;
      /** The user has seen it (yielded, or shown by a backend). */
      yielded: boolean;
      /** Validated, not sent yet: forgotten before the request goes out (at most once). */
      answer?: NormalizedAnswer;
    }
  | { kind: 'poll'; poll: PollPlan };

export type PendingChallenge = Extract<Pending, { kind: 'challenge' }>;

export interface SessionData {
  state: Json;
  sealed: Record<string, string>;
}

/** What the loop does next. */
export type Next =
  | { kind: 'show'; pending: PendingChallenge }
  | { kind: 'send'; pending: PendingChallenge; answer: NormalizedAnswer }
  | { kind: 'unanswered'; pending: PendingChallenge }
  | { kind: 'poll'; plan: PollPlan; challenge?: ChallengeData }
  | { kind: 'begin' }
  | { kind: 'done' };

export type Closed = 'cancelled' | 'aborted';

const DEFAULT_DECOUPLED_POLL: PollPlan = { intervalMs: 2000 };

export class FlowState {
  readonly origin: 'connect' | 'open';
  status: ConnectionStatus = { status: 'new' };
  session: SessionData | undefined;
  ref: unknown;
  pending: Pending | undefined;
  /** Challenges issued so far: ids stay unique across resumes. */
  seq = 0;
  closed: Closed | undefined;
  /** The provider session became usable: data calls may run whatever the last one said. */
  usable = false;
  /** The current step is kept for a later resume (a checkpoint was taken): leaving suspends. */
  kept = false;
  /** The checkpoint this flow was resumed from, until a step sent from it claimed it. */
  resumedFrom: { id: string; expiresAt: string } | undefined;
  readonly #onStatus: (status: ConnectionStatus) => void;

  constructor(origin: 'connect' | 'open', onStatus: (status: ConnectionStatus) => void) {
    this.origin = origin;
    this.#onStatus = onStatus;
  }

  setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.#onStatus(status);
  }

  /** What to do next; marks a challenge shown when it returns `show`. */
  next(): Next {
    const pending = this.pending;
    if (pending?.kind === 'challenge') {
      if (!pending.yielded) return { kind: 'show', pending };
      if (pending.data.type === 'decoupled') return { kind: 'poll', plan: pending.poll ?? DEFAULT_DECOUPLED_POLL, challenge: pending.data };
      if (!pending.answer) return { kind: 'unanswered', pending };
      return { kind: 'send', pending, answer: pending.answer };
    }
    if (pending?.kind === 'poll') return { kind: 'poll', plan: pending.poll };
    if (this.status.status === 'active') return { kind: 'done' };
    return { kind: 'begin' };
  }

  /** The user is shown the pending challenge. */
  show(pending: PendingChallenge): void {
    pending.yielded = true;
    this.setStatus({ status: 'challenge', challengeId: pending.data.id, challengeType: pending.data.type });
  }

  /** Takes the answer out of the pending challenge, so that it is sent at most once. */
  take(pending: PendingChallenge): void {
    pending.answer = undefined;
  }

  /** Records the session part of any step (state and sealed values). */
  keepSession(step: { state: Json; sealed?: Record<string, string> }): void {
    this.session = { state: step.state, sealed: { ...this.session?.sealed, ...step.sealed } };
  }

  /** Applies a provider step: active, a poll to wait on, or a challenge for the user. */
  settle(step: AnyStep, challenge?: ChallengeData): void {
    this.keepSession(step);
    this.kept = false;
    switch (step.kind) {
      case 'active':
        this.pending = undefined;
        this.ref = step.ref;
        this.usable = true;
        this.setStatus({ status: 'active', ...step.info });
        return;
      case 'pending':
        this.pending = { kind: 'poll', poll: step.poll };
        this.setStatus({ status: 'authenticating' });
        return;
      case 'challenge':
        if (!challenge) throw new TypeError('a challenge step needs its challenge data');
        this.pending = { kind: 'challenge', data: challenge, ...(step.poll ? { poll: step.poll } : {}), yielded: true };
        this.setStatus({ status: 'challenge', challengeId: challenge.id, challengeType: challenge.type });
    }
  }

  /** A stored link asked for the user in the background: kept for authenticate(), not shown yet. */
  hold(step: AnyStep, challenge?: ChallengeData): void {
    this.keepSession(step);
    if (step.kind === 'challenge' && challenge) this.pending = { kind: 'challenge', data: challenge, ...(step.poll ? { poll: step.poll } : {}), yielded: false };
    else if (step.kind === 'pending') this.pending = { kind: 'poll', poll: step.poll };
    this.kept = true;
  }

  /** Leaving the loop with the step kept: shown again on the next authenticate(). */
  suspend(): void {
    if (this.pending?.kind === 'challenge') {
      this.pending.yielded = false;
      this.pending.answer = undefined;
    }
  }

  /** Whether leaving the loop now keeps the step (a checkpoint was taken, or the user is away on a redirect). */
  get keepsOnLeave(): boolean {
    return this.kept || (this.pending?.kind === 'challenge' && this.pending.data.type === 'redirect');
  }

  get settled(): boolean {
    return this.closed !== undefined || this.status.status === 'active' || this.status.status === 'error';
  }

  close(how: Closed): void {
    this.closed = how;
    this.pending = undefined;
  }

  /** Ends with an error status (the reason from the failure). */
  fail(status: ConnectionStatus): void {
    this.pending = undefined;
    this.setStatus(status);
  }

  cancelled(message?: string): void {
    if (this.status.status !== 'error') this.setStatus(errorStatus('cancelled', message ? { message } : {}));
  }

  nextChallengeId(provider: string): string {
    return `${provider}-${++this.seq}`;
  }
}
