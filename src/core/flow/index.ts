/**
 * The loop behind one connection, composed of its parts: the pure state (`state.ts`), the
 * authentication driver (`auth.ts`), data calls (`data.ts`) and checkpoints
 * (`snapshot.ts`). Connection and the request/response backend talk to this facade only.
 */
import type { CheckpointBody } from '../checkpoint.js';
import { ChallengeStateError } from '../errors.js';
import type { Account } from '../model/account.js';
import type { Challenge } from '../model/challenge.js';
import type { ConnectionStatus } from '../model/status.js';
import type { AccountHolder, Transaction, TransactionQuery } from '../model/transaction.js';
import type { CancelCause, Json } from '../provider.js';
import { AuthLoop, type StepResult } from './auth.js';
import type { CallOptions } from './context.js';
import { FlowCore, type FlowHost } from './core.js';
import { DataCalls } from './data.js';
import { restore, snapshot, type SnapshotBody } from './snapshot.js';
import { FlowState } from './state.js';

export type { FlowHost } from './core.js';
export type { CallOptions } from './context.js';
export type { StepResult } from './auth.js';
export { splitRef, joinRef } from './snapshot.js';

export interface FlowSettings {
  /** Check adapter output against the model schemas (tests, third-party providers). */
  validateModel: boolean;
  /** Longest life of a checkpoint, in ms. */
  checkpointMaxAgeMs: number;
}

export class Flow {
  readonly #core: FlowCore;
  readonly #auth: AuthLoop;
  readonly #data: DataCalls;
  readonly #settings: FlowSettings;

  constructor(host: FlowHost, origin: 'connect' | 'open', input: unknown, settings: FlowSettings) {
    const state = new FlowState(origin, (status) => host.onStatus(status));
    if (origin === 'open') state.ref = input;
    this.#core = new FlowCore(host, state);
    this.#auth = new AuthLoop(this.#core, origin === 'connect' ? input : undefined);
    this.#data = new DataCalls(this.#core, this.#auth, settings.validateModel);
    this.#settings = settings;
  }

  /** A flow rebuilt from a verified checkpoint: the pending step is re-shown first, nothing re-sent. */
  static restore(host: FlowHost, settings: FlowSettings, body: CheckpointBody, ref: unknown, sealed: Record<string, string>, state: Json | undefined): Flow {
    const flow = new Flow(host, body.origin, undefined, settings);
    host.secrets.add(...Object.values(sealed));
    restore(flow.#core.state, body, ref, sealed, state);
    return flow;
  }

  get status(): ConnectionStatus {
    return this.#core.state.status;
  }

  get ref(): unknown {
    return this.#core.state.ref;
  }

  get busy(): boolean {
    return this.#core.busy;
  }

  get pendingChallenge(): Challenge | undefined {
    return this.#auth.pendingChallenge;
  }

  /** Runs until the next challenge to show (returned) or until active (undefined). */
  async advance(options: CallOptions): Promise<Challenge | undefined> {
    const result = await this.#auth.step(options);
    return result.kind === 'challenge' ? result.challenge : undefined;
  }

  /** One step with a poll budget, for request/response backends. */
  step(options: CallOptions, pollBudgetMs?: number): Promise<StepResult> {
    return this.#auth.step(options, pollBudgetMs);
  }

  /** Asks the provider for a new code for the pending OTP challenge (user-initiated). */
  resend(id: string, options: CallOptions = {}): Promise<void> {
    return this.#auth.resend(id, options);
  }

  answerPending(raw: unknown): void {
    this.#auth.answerPending(raw);
  }

  /** The pending challenge was shown by a backend's caller: the next step goes on from it (a decoupled one polls). */
  shown(): void {
    const { state } = this.#core;
    if (state.pending?.kind === 'challenge' && !state.pending.yielded) state.show(state.pending);
  }

  /** Keeps the current step for a later `authenticate()` (it is shown again there). */
  keep(): void {
    const { state } = this.#core;
    state.kept = true;
    state.suspend();
  }

  leave(cause: 'cancelled' | 'aborted'): Promise<void> {
    return this.#auth.leave(cause);
  }

  cancel(cause?: CancelCause): Promise<void> {
    return this.#auth.cancel(cause);
  }

  failed(error: unknown): Promise<void> {
    return this.#auth.failed(error);
  }

  accounts(options: CallOptions): Promise<Account[]> {
    return this.#data.accounts(options);
  }

  holders(options: CallOptions): Promise<AccountHolder[]> {
    return this.#data.holders(options);
  }

  transactions(accountId: string, query: TransactionQuery, options: CallOptions): AsyncGenerator<Transaction> {
    return this.#data.transactions(accountId, query, options);
  }

  remove(options: CallOptions): Promise<void> {
    return this.#data.remove(options);
  }

  refresh(options: CallOptions): Promise<void> {
    return this.#data.refresh(options);
  }

  action(name: string, args: unknown, options: CallOptions): Promise<unknown> {
    return this.#data.action(name, args, options);
  }

  /**
   * The checkpoint body (without MAC) and the values to seal. `keep` marks the current step
   * as kept, so that leaving the loop then suspends instead of cancelling.
   */
  snapshot(keep: boolean): { body: SnapshotBody; sealed: Record<string, string> } {
    const core = this.#core;
    if (core.busy) throw new ChallengeStateError('cannot checkpoint while a step is in flight; checkpoint when a challenge is yielded');
    const result = snapshot(core.state, core.adapter.id, core.secrets, Date.now(), this.#settings.checkpointMaxAgeMs);
    if (keep && core.state.pending) core.state.kept = true;
    return result;
  }
}
