import { secretValues, validateAnswer } from './answers.js';
import type { CheckpointBody } from './checkpoint.js';
import { CHECKPOINT_VERSION, canonicalJson } from './checkpoint.js';
import {
  AbortedError,
  ChallengeStateError,
  CheckpointError,
  ConnectionError,
  ProviderResponseError,
  UnsupportedError,
  isConnectionError,
  isPolybankError,
  type ConnectionErrorOptions,
} from './errors.js';
import type { CallScope, ProviderHttp, RequestEvent } from './http.js';
import { log, type Logger } from './logger.js';
import { Account } from './model/account.js';
import { AccountHolder, Transaction, type TransactionQuery } from './model/transaction.js';
import { ChallengeData, type Challenge, type NormalizedAnswer } from './model/challenge.js';
import { errorStatus, type ConnectionStatus, type ErrorReason } from './model/status.js';
import { failureOf } from './failures.js';
import { paginate } from './paginate.js';
import { pollUntil, type Clock } from './polling.js';
import type { AdapterContext, AnyProvider, CancelCause, Json, PollPlan, Session, SessionUpdate, Step, StillPending } from './provider.js';
import { isSecretKey, type Secrets } from './redact.js';

/** What the flow needs from its Connection: where events go and the bank-wide settings. */
export interface FlowHost {
  readonly adapter: AnyProvider;
  readonly http: ProviderHttp;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly pollTimeoutMs: number;
  readonly clock: Clock;
  onStatus(status: ConnectionStatus): void;
  onChallenge(challenge: Challenge): void;
  onRequest(event: RequestEvent): void;
  /** The connection reference changed (a rotated token): the user should store it again. */
  onRef(ref: unknown): void;
}

type Pending =
  | { kind: 'challenge'; data: ChallengeData; poll?: PollPlan; handle: Challenge; answer?: NormalizedAnswer; yielded: boolean }
  | { kind: 'pending'; poll: PollPlan };

type AnyStep = Step<Json, unknown>;

// The signal of calls made without one: never aborts (one object, not one per call).
const NEVER = new AbortController().signal;

/** What one request/response step ended with. */
export type StepResult = { kind: 'challenge'; challenge: Challenge } | { kind: 'active' } | { kind: 'waiting' };

// Thrown inside a poll when the caller's budget is spent; never leaves the flow.
const BUDGET_SPENT: unique symbol = Symbol('polybank.budget-spent');

export interface FlowSnapshot {
  origin: 'connect' | 'open';
  seq: number;
  status: ConnectionStatus;
  ref?: unknown;
  state?: Json;
  sealed: Record<string, string>;
  pending?: { challenge?: ChallengeData; poll?: PollPlan };
}

/**
 * The challenge loop of one connection, as a state machine the async generator,
 * `accounts()` and the request/response API all drive. It owns: calling the adapter,
 * answer validation, polling, status changes, suspension vs cancellation, and what a
 * checkpoint holds.
 */
export class Flow {
  readonly #host: FlowHost;
  readonly origin: 'connect' | 'open';
  #input: unknown;
  #status: ConnectionStatus = { status: 'new' };
  #session: { state: Json; sealed: Record<string, string> } | undefined;
  #ref: unknown;
  #pending: Pending | undefined;
  #seq = 0;
  #busy = false;
  /** A checkpoint was taken for the current pending step: leaving the loop suspends instead of cancelling. */
  #suspended = false;
  #closed: 'cancelled' | 'aborted' | undefined;
  #budgetUntil: number | undefined;
  /** The provider session became usable: data calls may run whatever the last data call said. */
  #usable = false;

  constructor(host: FlowHost, origin: 'connect' | 'open', input: unknown) {
    this.#host = host;
    this.origin = origin;
    this.#input = input;
    if (origin === 'open') this.#ref = input;
  }

  static restore(host: FlowHost, snapshot: FlowSnapshot): Flow {
    const flow = new Flow(host, snapshot.origin, undefined);
    flow.#seq = snapshot.seq;
    flow.#status = snapshot.status;
    flow.#ref = snapshot.ref;
    if (snapshot.state !== undefined) flow.#session = { state: snapshot.state, sealed: { ...snapshot.sealed } };
    flow.#usable = snapshot.status.status === 'active';
    host.secrets.add(...Object.values(snapshot.sealed));
    const challenge = snapshot.pending?.challenge;
    if (challenge) {
      const data = ChallengeData.parse(challenge);
      flow.#pending = { kind: 'challenge', data, poll: snapshot.pending?.poll, handle: flow.#handle(data), yielded: false };
      flow.#suspended = true;
    } else if (snapshot.pending?.poll) {
      flow.#pending = { kind: 'pending', poll: snapshot.pending.poll };
      flow.#suspended = true;
    }
    return flow;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get ref(): unknown {
    return this.#ref;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** The challenge waiting for the user, if any. */
  get pendingChallenge(): Challenge | undefined {
    return this.#pending?.kind === 'challenge' ? this.#pending.handle : undefined;
  }

  // ------------------------------------------------------------ driving

  /**
   * Runs until the next challenge to show (returned) or until the connection is
   * active (undefined). Throws a typed error when it cannot become active.
   */
  async advance(signal: AbortSignal | undefined): Promise<Challenge | undefined> {
    const result = await this.step(signal);
    return result.kind === 'challenge' ? result.challenge : undefined;
  }

  /**
   * One step of the loop for request/response backends: like `advance`, but with a
   * poll budget — when polling (decoupled approval, validating) would go past it, the
   * step returns `waiting` with the poll kept for the next call, instead of holding the
   * caller for minutes.
   */
  async step(signal: AbortSignal | undefined, pollBudgetMs?: number): Promise<StepResult> {
    if (this.#busy) throw new ChallengeStateError('authenticate() is already running for this connection');
    if (this.#closed) throw this.#closedError();
    this.#busy = true;
    this.#budgetUntil = pollBudgetMs === undefined ? undefined : this.#host.clock.now() + pollBudgetMs;
    try {
      const challenge = await this.#advance(signal);
      return challenge ? { kind: 'challenge', challenge } : { kind: 'active' };
    } catch (error) {
      if (error === BUDGET_SPENT) return { kind: 'waiting' };
      throw this.#fail(error);
    } finally {
      this.#busy = false;
      this.#budgetUntil = undefined;
    }
  }

  async #advance(signal: AbortSignal | undefined): Promise<Challenge | undefined> {
    {
      const pending = this.#pending;
      let step: AnyStep;
      if (pending?.kind === 'challenge') {
        if (!pending.yielded) {
          pending.yielded = true;
          this.#setStatus({ status: 'challenge', challengeId: pending.data.id, challengeType: pending.data.type });
          return pending.handle;
        }
        step = await this.#continueChallenge(pending, signal);
      } else if (pending?.kind === 'pending') {
        this.#setStatus({ status: 'authenticating' });
        step = await this.#pollUntilSettled(pending.poll, undefined, signal);
      } else if (this.#status.status === 'active') {
        return undefined;
      } else {
        this.#setStatus({ status: 'authenticating' });
        step = await this.#begin(signal, true);
      }
      return await this.#apply(step, signal);
    }
  }

  async #begin(signal: AbortSignal | undefined, interactive: boolean): Promise<AnyStep> {
    const ctx = this.#context(signal, interactive);
    if (this.origin === 'connect') {
      const input = this.#input;
      if (input === undefined) {
        throw new ChallengeStateError('this connection was already started; resume it from a checkpoint or connect again');
      }
      // The input holds credentials: drop it as soon as it has been sent once.
      this.#input = undefined;
      return (await this.#host.adapter.start(ctx, input)) as AnyStep;
    }
    return (await this.#host.adapter.open(ctx, this.#ref)) as AnyStep;
  }

  async #continueChallenge(pending: Extract<Pending, { kind: 'challenge' }>, signal: AbortSignal | undefined): Promise<AnyStep> {
    if (pending.data.type === 'decoupled') {
      return this.#pollUntilSettled(pending.poll ?? { intervalMs: 2000 }, pending.data, signal);
    }
    const answer = pending.answer;
    if (!answer) {
      throw new ChallengeStateError(
        `challenge ${pending.data.id} (${pending.data.type}) was not answered: call challenge.answer(...) before the loop asks for the next one`,
      );
    }
    // An answer is sent at most once: forget it before the request goes out.
    pending.answer = undefined;
    this.#setStatus({ status: 'authenticating' });
    return (await this.#host.adapter.answer(this.#context(signal, true), this.#sessionOrThrow(), pending.data, answer)) as AnyStep;
  }

  /** Applies steps until one needs the user (a challenge) or the connection is active. */
  async #apply(first: AnyStep, signal: AbortSignal | undefined): Promise<Challenge | undefined> {
    let step = first;
    for (;;) {
      this.#session = { state: step.state, sealed: { ...this.#session?.sealed, ...step.sealed } };
      if (step.sealed) this.#host.secrets.add(...Object.values(step.sealed));
      this.#suspended = false;
      switch (step.kind) {
        case 'active':
          this.#pending = undefined;
          this.#ref = step.ref;
          this.#usable = true;
          this.#setStatus({ status: 'active', ...step.info });
          return undefined;
        case 'pending':
          this.#pending = { kind: 'pending', poll: step.poll };
          this.#setStatus({ status: 'authenticating' });
          step = await this.#pollUntilSettled(step.poll, undefined, signal);
          continue;
        case 'challenge': {
          const data = this.#challengeData(step.challenge);
          const handle = this.#handle(data);
          this.#pending = { kind: 'challenge', data, poll: step.poll, handle, yielded: true };
          this.#setStatus({ status: 'challenge', challengeId: data.id, challengeType: data.type });
          this.#host.onChallenge(handle);
          return handle;
        }
      }
    }
  }

  #challengeData(spec: unknown): ChallengeData {
    const candidate = { ...(spec as object), id: `${this.#host.adapter.id}-${++this.#seq}`, provider: this.#host.adapter.id };
    const parsed = ChallengeData.safeParse(candidate);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProviderResponseError(this.#host.adapter.id, 'challenge', issue ? issue.path.join('.') : '', issue?.message ?? 'invalid challenge');
    }
    return parsed.data;
  }

  #pollUntilSettled(plan: PollPlan, challenge: ChallengeData | undefined, signal: AbortSignal | undefined): Promise<AnyStep> {
    return pollUntil<AnyStep>(
      this.#host.clock,
      plan,
      signal,
      this.#host.pollTimeoutMs,
      async () => {
        const result = (await this.#host.adapter.poll(this.#context(signal, true), this.#sessionOrThrow(), challenge)) as AnyStep | StillPending<Json>;
        if (result.kind === 'still_pending' && result.state !== undefined) this.#session = { state: result.state, sealed: this.#session?.sealed ?? {} };
        return result;
      },
      () =>
        this.#connectionError(
          plan.deadlineReason ?? 'auth_expired',
          challenge ? `the ${challenge.type} challenge was not completed in time` : 'the provider did not finish in time',
        ),
      // A request/response caller's budget: keep the poll for its next call.
      this.#budgetUntil === undefined ? undefined : { at: this.#budgetUntil, reason: BUDGET_SPENT },
    );
  }

  // ------------------------------------------------------------ answers

  #handle(data: ChallengeData): Challenge {
    const handle: Record<string, unknown> = { ...data };
    if (data.type !== 'decoupled') handle.answer = (raw: unknown): void => this.#acceptAnswer(data.id, raw);
    if (data.type === 'otp' && data.canResend && this.#host.adapter.resend) {
      handle.resend = (): Promise<void> => this.#resend(data.id);
    }
    return Object.freeze(handle) as unknown as Challenge;
  }

  #currentChallenge(id: string): Extract<Pending, { kind: 'challenge' }> {
    const pending = this.#pending;
    if (this.#closed) throw this.#closedError();
    if (pending?.kind !== 'challenge' || pending.data.id !== id) {
      throw new ChallengeStateError(`challenge ${id} is no longer pending`);
    }
    if (this.#busy) throw new ChallengeStateError(`challenge ${id} cannot change while a step is in flight`);
    return pending;
  }

  #acceptAnswer(id: string, raw: unknown): void {
    const pending = this.#currentChallenge(id);
    const answer = validateAnswer(pending.data, raw);
    this.#host.secrets.add(...secretValues(pending.data, answer));
    pending.answer = answer;
  }

  async #resend(id: string): Promise<void> {
    const pending = this.#currentChallenge(id);
    const resend = this.#host.adapter.resend;
    if (!resend) throw new ChallengeStateError(`${this.#host.adapter.id} cannot resend a code`);
    this.#busy = true;
    try {
      const step = (await resend.call(this.#host.adapter, this.#context(undefined, true), this.#sessionOrThrow(), pending.data)) as AnyStep;
      this.#session = { state: step.state, sealed: { ...this.#session?.sealed, ...step.sealed } };
      if (step.kind !== 'challenge') throw new ProviderResponseError(this.#host.adapter.id, 'resend', '', 'resend did not lead to a new code');
      // Same id: the handle the user holds stays valid; the data (attempts, expiry) is refreshed.
      const data = ChallengeData.parse({ ...(step.challenge as object), id: pending.data.id, provider: this.#host.adapter.id });
      const handle = this.#handle(data);
      this.#pending = { kind: 'challenge', data, poll: step.poll, handle, yielded: true };
      this.#host.onChallenge(handle);
    } catch (error) {
      throw this.#host.secrets.scrubError(typed(this.#host.adapter.id, error));
    } finally {
      this.#busy = false;
    }
  }

  // ------------------------------------------------------------ leaving

  /**
   * The loop was left before the connection became active (break, return, abort).
   * A checkpointed step, or a redirect the user is away on, is kept for later; anything
   * else is cancelled at the provider where it allows.
   */
  async leave(cause: 'cancelled' | 'aborted'): Promise<void> {
    if (this.#closed || this.#status.status === 'active' || this.#status.status === 'error') return;
    const pending = this.#pending;
    const keep = this.#suspended || (pending?.kind === 'challenge' && pending.data.type === 'redirect');
    if (keep && cause === 'cancelled') {
      if (pending?.kind === 'challenge') {
        pending.yielded = false;
        pending.answer = undefined;
      }
      return;
    }
    await this.cancel(cause);
  }

  /** Cancels the provider session (best effort) and ends the flow with status `cancelled`. */
  async cancel(cause: CancelCause = 'cancelled'): Promise<void> {
    if (this.#closed) return;
    this.#closed = cause === 'aborted' ? 'aborted' : 'cancelled';
    this.#pending = undefined;
    await this.#cancelAtProvider(cause);
    this.#setStatus(errorStatus('cancelled'));
  }

  async #cancelAtProvider(cause: CancelCause): Promise<void> {
    const session = this.#session;
    const cancel = this.#host.adapter.cancel;
    if (!session || !cancel) return;
    try {
      await cancel.call(this.#host.adapter, this.#context(undefined, false), session, cause);
    } catch (error) {
      log(this.#host.logger, 'warn', { provider: this.#host.adapter.id, error: this.#host.secrets.redactString(String((error as Error)?.message ?? error)) }, 'polybank: provider-side cancel failed');
    }
  }

  #closedError(): Error {
    return this.#closed === 'aborted'
      ? new AbortedError('authentication was aborted', { provider: this.#host.adapter.id })
      : this.#connectionError('cancelled', 'authentication was cancelled');
  }

  #fail(error: unknown): unknown {
    const scrubbed = this.#host.secrets.scrubError(typed(this.#host.adapter.id, error));
    if (isConnectionError(scrubbed)) {
      this.#pending = undefined;
      this.#setStatus(statusOf(scrubbed));
    }
    return scrubbed;
  }

  /** Called by the generator on a thrown error: tells the provider the operation failed. */
  async failed(error: unknown): Promise<void> {
    if (this.#closed || this.#status.status === 'active') return;
    if (error instanceof AbortedError || (isPolybankError(error) && error.kind === 'AbortedError')) {
      await this.cancel('aborted');
      return;
    }
    // Misuse of the loop (not answering) is the app's bug, not a provider failure; the session is still cancelled.
    this.#closed = 'cancelled';
    this.#pending = undefined;
    await this.#cancelAtProvider('failed');
    if (this.#status.status !== 'error') this.#setStatus(errorStatus('cancelled'));
  }

  // ------------------------------------------------------------ accounts

  /**
   * Runs `use` on an active session. A stored link (`bank.connection()`) is opened first,
   * without a user: if it needs SCA, that is `sca_required` and the step is kept for
   * `authenticate()`.
   */
  async #withActiveSession<T>(signal: AbortSignal | undefined, use: (ctx: AdapterContext, session: Session<Json>) => Promise<T>): Promise<T> {
    if (this.#busy) throw new ChallengeStateError('the connection is busy: authenticate() or another call is in flight');
    if (this.#closed) throw this.#closedError();
    this.#busy = true;
    try {
      if (!this.#usable) {
        if (this.origin !== 'open' || this.#status.status !== 'new') {
          throw new ChallengeStateError(`the connection is ${this.#status.status}: finish authenticate() first`);
        }
        const step = await this.#begin(signal, false);
        if (step.kind !== 'active') {
          this.#session = { state: step.state, sealed: { ...step.sealed } };
          if (step.kind === 'challenge') {
            const data = this.#challengeData(step.challenge);
            this.#pending = { kind: 'challenge', data, poll: step.poll, handle: this.#handle(data), yielded: false };
          } else {
            this.#pending = { kind: 'pending', poll: step.poll };
          }
          this.#suspended = true;
          throw this.#connectionError('sca_required', 'the connection needs the user: run authenticate() first');
        }
        await this.#apply(step, signal);
      }
      return await use(this.#context(signal, false), this.#sessionOrThrow());
    } catch (error) {
      throw this.#failData(error);
    } finally {
      this.#busy = false;
    }
  }

  /**
   * A data call failed. A transient reason (rate limit, outage) says nothing about the
   * connection, which stays active; anything else (consent expired, SCA needed) is its
   * new status. Either way the next data call may try again.
   */
  #failData(error: unknown): unknown {
    const scrubbed = this.#host.secrets.scrubError(typed(this.#host.adapter.id, error));
    if (isConnectionError(scrubbed) && !scrubbed.retryable && this.#usable) this.#setStatus(statusOf(scrubbed));
    else if (isConnectionError(scrubbed) && !this.#usable) return this.#fail(scrubbed);
    return scrubbed;
  }

  accounts(signal: AbortSignal | undefined): Promise<Account[]> {
    return this.#withActiveSession(signal, async (ctx, session) =>
      validateList(this.#host.adapter.id, 'accounts', await this.#host.adapter.accounts(ctx, session), Account, checkAccount),
    );
  }

  holders(signal: AbortSignal | undefined): Promise<AccountHolder[]> {
    const holders = this.#capability('holders');
    return this.#withActiveSession(signal, async (ctx, session) =>
      validateList(this.#host.adapter.id, 'holders', await holders.call(this.#host.adapter, ctx, session), AccountHolder),
    );
  }

  /** One page at a time; the session is checked once, then pages are plain idempotent reads. */
  async *transactions(accountId: string, query: TransactionQuery, signal: AbortSignal | undefined): AsyncGenerator<Transaction> {
    const list = this.#capability('transactions');
    const pages = await this.#withActiveSession(signal, async (ctx, session) => list.call(this.#host.adapter, ctx, session, accountId, query));
    try {
      for await (const page of pages) {
        for (const transaction of validateList(this.#host.adapter.id, 'transactions', page, Transaction)) yield transaction;
      }
    } catch (error) {
      throw this.#failData(error);
    }
  }

  async remove(signal: AbortSignal | undefined): Promise<void> {
    const remove = this.#capability('remove');
    await this.#withActiveSession(signal, (ctx, session) => remove.call(this.#host.adapter, ctx, session));
    this.#closed = 'cancelled';
    this.#setStatus(errorStatus('cancelled', { message: 'the connection was deleted at the provider' }));
  }

  /** Refreshes where the provider can (without the user); a no-op for providers that always serve fresh data. */
  refresh(signal: AbortSignal | undefined): Promise<void> {
    const refresh = this.#host.adapter.refresh;
    return this.#withActiveSession(signal, async (ctx, session) => {
      if (refresh) await refresh.call(this.#host.adapter, ctx, session);
    });
  }

  #capability<K extends 'holders' | 'transactions' | 'remove'>(name: K): NonNullable<AnyProvider[K]> {
    const fn = this.#host.adapter[name];
    if (typeof fn !== 'function') throw new UnsupportedError(`${this.#host.adapter.id} does not support ${name}()`, { provider: this.#host.adapter.id });
    return fn as NonNullable<AnyProvider[K]>;
  }

  // ------------------------------------------------------------ checkpoint

  /** The checkpoint body (without MAC); marks the current step as suspended. */
  snapshot(): CheckpointBody & { sealedValues: Record<string, string> } {
    if (this.#busy) throw new ChallengeStateError('cannot checkpoint while a step is in flight; checkpoint when a challenge is yielded');
    if (this.#closed) throw this.#closedError();
    if (this.#session === undefined && this.#status.status !== 'active') {
      if (this.origin === 'connect') throw new ChallengeStateError('nothing to checkpoint yet: start authenticate() first');
    }
    const pending = this.#pending;
    // Secret fields of the reference (a refresh token) travel like sealed values: encrypted or not at all.
    const { ref, secrets: refSecrets } = splitRef(this.#ref);
    const body: CheckpointBody = {
      v: CHECKPOINT_VERSION,
      provider: this.#host.adapter.id,
      origin: this.origin,
      seq: this.#seq,
      status: this.#status,
      ...(ref !== undefined ? { ref: ref as Json } : {}),
      ...(this.#session ? { state: this.#session.state } : {}),
      ...(pending
        ? {
            pending:
              pending.kind === 'challenge'
                ? { challenge: pending.data, ...(pending.poll ? { poll: pending.poll } : {}) }
                : { poll: pending.poll },
          }
        : {}),
      createdAt: new Date().toISOString(),
    };
    // Defence in depth: whatever an adapter put in its state, no registered secret leaves in a checkpoint.
    if (this.#host.secrets.leaks(canonicalJson(body))) {
      throw new CheckpointError(`${this.#host.adapter.id} state would put a secret into the checkpoint; refusing to write it`);
    }
    if (pending) this.#suspended = true;
    return { ...body, sealedValues: { ...this.#session?.sealed, ...refSecrets } };
  }

  // ------------------------------------------------------------ helpers

  /** An adapter learned something during a call: a rotated token, a new state, consent dates. */
  #update(patch: SessionUpdate<Json, unknown>): void {
    if (patch.sealed) this.#host.secrets.add(...Object.values(patch.sealed));
    if (patch.state !== undefined || patch.sealed) {
      this.#session = { state: patch.state ?? this.#session?.state ?? null, sealed: { ...this.#session?.sealed, ...patch.sealed } };
    }
    if (patch.ref !== undefined) {
      this.#ref = patch.ref;
      this.#host.onRef(patch.ref);
    }
    if (patch.info && this.#status.status === 'active') this.#setStatus({ ...this.#status, ...patch.info });
  }

  #sessionOrThrow(): Session<Json> {
    if (!this.#session) throw new ChallengeStateError('the connection has no provider session yet');
    return this.#session;
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#host.onStatus(status);
  }

  #connectionError(reason: ErrorReason, message: string, options: ConnectionErrorOptions = {}): ConnectionError {
    return new ConnectionError(reason, `${this.#host.adapter.id}: ${message}`, { provider: this.#host.adapter.id, ...options });
  }

  #context(signal: AbortSignal | undefined, interactive: boolean): AdapterContext {
    const host = this.#host;
    const scope: CallScope = { secrets: host.secrets, onRequest: (event) => host.onRequest(event), ...(signal ? { signal } : {}) };
    return {
      provider: host.adapter.id,
      signal: signal ?? NEVER,
      secrets: host.secrets,
      log: host.logger,
      interactive,
      request: (req) => host.http.request(req, scope),
      paginate: (first, read) => paginate(host.adapter.id, host.adapter.http.baseUrl, (req) => host.http.request(req, scope), first, read),
      failure: (response, hint) => failureOf({ provider: host.adapter.id, retryAfter: (r) => r.retryAfter }, host.adapter.http.failures, response, hint),
      bestEffort: async (what, run) => {
        try {
          await run();
          return true;
        } catch (error) {
          const message = host.secrets.redactString(error instanceof Error ? error.message : String(error));
          log(host.logger, 'warn', { provider: host.adapter.id, error: message }, `polybank: ${what} failed`);
          return false;
        }
      },
      poll: (plan, attempt, onDeadline) =>
        pollUntil(host.clock, plan, signal, host.pollTimeoutMs, attempt, () =>
          onDeadline ? onDeadline() : this.#connectionError(plan.deadlineReason ?? 'provider_unavailable', 'the provider did not finish in time'),
        ),
      now: () => host.clock.now(),
      fail: (reason, message, options) => this.#connectionError(reason, message, options),
      update: (patch) => this.#update(patch),
    };
  }
}

/** The error status a ConnectionError stands for. */
function statusOf(error: ConnectionError): ConnectionStatus {
  return errorStatus(error.reason, {
    ...(error.providerCode !== undefined ? { providerState: error.providerCode } : {}),
    ...(error.userMessage !== undefined ? { message: error.userMessage } : {}),
    ...(error.retryAfter ? { retryAfter: error.retryAfter.toISOString() } : {}),
  });
}

const REF_PREFIX = 'ref.';

/** Splits secret-named fields (tokens) off a connection reference. */
export function splitRef(ref: unknown): { ref: unknown; secrets: Record<string, string> } {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) return { ref, secrets: {} };
  const plain: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(ref)) {
    if (typeof value === 'string' && isSecretKey(key)) secrets[`${REF_PREFIX}${key}`] = value;
    else plain[key] = value;
  }
  return { ref: plain, secrets };
}

/** Puts sealed reference fields back into the reference; returns the other sealed values. */
export function joinRef(ref: unknown, sealed: Record<string, string>): { ref: unknown; sealed: Record<string, string> } {
  const rest: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(sealed)) {
    if (key.startsWith(REF_PREFIX)) fields[key.slice(REF_PREFIX.length)] = value;
    else rest[key] = value;
  }
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref) || Object.keys(fields).length === 0) return { ref, sealed: rest };
  return { ref: { ...ref, ...fields }, sealed: rest };
}

/**
 * The safety net: whatever an adapter throws that is not ours (a RangeError from an
 * amount, a TypeError on a body it did not expect) reaches the user as a typed
 * ProviderResponseError, never as a bare TypeError.
 */
function typed(provider: string, error: unknown): unknown {
  if (isPolybankError(error)) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderResponseError(provider, 'response', '', `${name}: ${message}`, { cause: error });
}

function validateList<T>(
  provider: string,
  what: string,
  items: unknown,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } },
  check?: (item: T, index: number) => void,
): T[] {
  if (!Array.isArray(items)) throw new ProviderResponseError(provider, what, '', 'adapter did not return a list');
  return items.map((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProviderResponseError(provider, what, `${index}.${issue?.path.map(String).join('.') ?? ''}`, issue?.message ?? `invalid ${what}`);
    }
    check?.(parsed.data, index);
    return parsed.data;
  });
}

/** Balances in another currency than their account are a provider error, not data. */
function checkAccount(account: Account, index: number): void {
  for (const [kind, money] of Object.entries(account.balances)) {
    if (money && money.currency !== account.currency) {
      throw new ProviderResponseError(account.provider, 'accounts', `${index}.balances.${kind}.currency`, `${money.currency} differs from the account currency ${account.currency}`);
    }
  }
}
