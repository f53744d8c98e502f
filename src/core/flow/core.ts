/**
 * What the drivers of one connection share: its host (adapter, HTTP, secrets, events),
 * its state, the one-call-at-a-time rule, and the helpers every driver needs (typed
 * errors, challenge data built from an adapter's spec, call contexts).
 */
import { AbortedError, ChallengeStateError, ConnectionError, ProviderResponseError, isPolybankError, type ConnectionErrorOptions } from '../errors.js';
import type { RequestEvent } from '../http.js';
import { ChallengeData, type Challenge } from '../model/challenge.js';
import { errorStatus, type ConnectionStatus, type ErrorReason } from '../model/status.js';
import type { Json, SessionUpdate } from '../provider.js';
import { check } from '../schema.js';
import { CallContext, type CallOptions, type ContextHost } from './context.js';
import { challengeHandle, type HandleActions } from './handles.js';
import type { FlowState, PendingChallenge } from './state.js';

/** What a flow needs from its Connection: where events go and the bank-wide settings. */
export interface FlowHost extends Omit<ContextHost, 'update'> {
  onStatus(status: ConnectionStatus): void;
  onChallenge(challenge: Challenge): void;
  onRequest(event: RequestEvent): void;
  /** The connection reference changed (a rotated token): the user should store it again. */
  onRef(ref: unknown): void;
  /** Records a checkpoint id as used (false when it already was): a checkpoint is resumed once. */
  claim(id: string, ttlMs: number): Promise<boolean>;
  /** The bound on a provider-side cancel, so that leaving never hangs. */
  readonly cancelTimeoutMs: number;
}

export class FlowCore implements ContextHost {
  readonly host: FlowHost;
  readonly state: FlowState;
  /** One step or data call at a time. */
  busy = false;
  /** A provider-side cancel in flight (after an abort while the user held a challenge). */
  leaving: Promise<void> | undefined;
  /** The handle the user holds for the pending challenge. */
  handle: Challenge | undefined;
  #actions: HandleActions | undefined;

  constructor(host: FlowHost, state: FlowState) {
    this.host = host;
    this.state = state;
  }

  get adapter(): FlowHost['adapter'] {
    return this.host.adapter;
  }
  get http(): FlowHost['http'] {
    return this.host.http;
  }
  get secrets(): FlowHost['secrets'] {
    return this.host.secrets;
  }
  get logger(): FlowHost['logger'] {
    return this.host.logger;
  }
  get pollTimeoutMs(): number {
    return this.host.pollTimeoutMs;
  }
  get clock(): FlowHost['clock'] {
    return this.host.clock;
  }

  onRequest(event: RequestEvent): void {
    this.host.onRequest(event);
  }

  context(options: CallOptions, interactive: boolean): CallContext {
    return new CallContext(this, options, interactive);
  }

  /** An adapter learned something during a call: a rotated token, a new state, consent dates. */
  update(patch: SessionUpdate<Json, unknown>): void {
    const { state } = this;
    if (patch.sealed) this.secrets.add(...Object.values(patch.sealed));
    if (patch.state !== undefined || patch.sealed) {
      state.session = { state: patch.state ?? state.session?.state ?? null, sealed: { ...state.session?.sealed, ...patch.sealed } };
    }
    if (patch.ref !== undefined) {
      state.ref = patch.ref;
      this.host.onRef(patch.ref);
    }
    if (patch.info && state.status.status === 'active') state.setStatus({ ...state.status, ...patch.info });
  }

  /**
   * The challenge data of an adapter's spec, with its id and provider. Provider-sent
   * display text is redacted here, before it reaches the user, an event or a checkpoint:
   * a label that quotes a previous answer never carries it further. The redirect `url` is
   * the one thing kept as is: the user's browser must follow it.
   */
  challengeData(spec: object, id = this.state.nextChallengeId(this.adapter.id)): ChallengeData {
    const { url, ...display } = spec as { url?: unknown };
    const candidate = { ...this.secrets.redactValues(display), ...(url !== undefined ? { url } : {}), id, provider: this.adapter.id };
    const parsed = check(ChallengeData, candidate);
    if (!parsed.ok) {
      const issue = parsed.issues[0];
      throw new ProviderResponseError(this.adapter.id, 'challenge', issue?.path ?? '', issue?.message ?? 'invalid challenge');
    }
    return parsed.value;
  }

  /** The handle for a pending challenge (made once per challenge). */
  handleFor(pending: PendingChallenge, actions: HandleActions): Challenge {
    if (this.handle?.id !== pending.data.id || this.#actions !== actions) {
      this.handle = challengeHandle(pending.data, actions);
      this.#actions = actions;
    }
    return this.handle;
  }

  /** Renews the handle after its data changed (a resent code: same id, new attempts and expiry). */
  renewHandle(pending: PendingChallenge, actions: HandleActions): Challenge {
    this.handle = undefined;
    return this.handleFor(pending, actions);
  }

  connectionError(reason: ErrorReason, message: string, options: ConnectionErrorOptions = {}): ConnectionError {
    return new ConnectionError(reason, `${this.adapter.id}: ${message}`, { provider: this.adapter.id, ...options });
  }

  closedError(): Error {
    return this.state.closed === 'aborted'
      ? new AbortedError('authentication was aborted', { provider: this.adapter.id })
      : this.connectionError('cancelled', 'authentication was cancelled');
  }

  /** Runs `work` as the one call in flight. */
  async exclusive<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.busy) throw new ChallengeStateError(`${what}: the connection is busy (authenticate() or another call is in flight)`);
    if (this.state.closed) throw this.closedError();
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  /**
   * The safety net: whatever an adapter throws that is not ours (a RangeError from an
   * amount, a TypeError on a body it did not expect) reaches the user as a typed, redacted
   * error carrying the request id of the call.
   */
  typed(error: unknown, ctx?: CallContext): unknown {
    let out: unknown = error;
    if (!isPolybankError(error)) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      out = new ProviderResponseError(this.adapter.id, 'response', '', `${name}: ${message}`, { cause: error });
    }
    if (ctx) ctx.stamp(out);
    return this.secrets.scrubError(out);
  }
}

/** The error status a ConnectionError stands for. */
export function statusOf(error: ConnectionError): ConnectionStatus {
  return errorStatus(error.reason, {
    ...(error.providerCode !== undefined ? { providerState: error.providerCode } : {}),
    ...(error.userMessage !== undefined ? { message: error.userMessage } : {}),
    ...(error.retryAfter ? { retryAfter: error.retryAfter.toISOString() } : {}),
  });
}

