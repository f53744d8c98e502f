import type { Checkpoint } from './checkpoint.js';
import { flowOf, type Connection } from './connection.js';
import { ChallengeStateError, ConflictError, ConnectionError } from './errors.js';
import type { ChallengeData } from './model/challenge.js';
import type { ConnectionStatus } from './model/status.js';
import type { CheckpointStore } from './store.js';

/** Where a request/response authentication stands after `begin` or `continue`: plain JSON. */
export interface AuthProgress {
  /** The id to continue with (what your backend hands its client). */
  id: string;
  provider: string;
  status: ConnectionStatus;
  /** The challenge to show, while one waits for the user (a decoupled one while approval is pending). */
  challenge?: ChallengeData;
  /** The connection reference, once active: store it to open the connection later. */
  ref?: unknown;
}

export interface StepOptions {
  signal?: AbortSignal;
  /**
   * How long this call may poll (decoupled approval, validating) before it returns the
   * pending challenge for the next call. Default 20 s: under typical HTTP timeouts.
   */
  pollBudgetMs?: number;
}

export interface StoreTtl {
  /** TTL of a pending authentication whose challenge states no expiry. Default 15 minutes. */
  pendingMs: number;
  /** How long an active connection stays loadable by id. Default 1 hour. */
  activeMs: number;
}

/** What the request/response API needs from its Polybank. */
export interface BackendHost {
  store: CheckpointStore;
  ttl: StoreTtl;
  resume(checkpoint: Checkpoint): Promise<Connection>;
}

const DEFAULT_BUDGET_MS = 20_000;

function ttlFor(checkpoint: Checkpoint, ttl: StoreTtl, now: number): number {
  if (checkpoint.status.status === 'active') return ttl.activeMs;
  const expiry = checkpoint.pending?.challenge?.expiresAt ?? checkpoint.pending?.poll?.deadline;
  // A minute of grace past the provider's expiry, so the user gets the provider's own answer.
  if (expiry) return Math.max(1_000, Date.parse(expiry) - now + 60_000);
  return ttl.pendingMs;
}

function view(id: string, connection: Connection): AuthProgress {
  const pending = connection.pendingChallenge;
  const data = pending ? (JSON.parse(JSON.stringify(pending)) as ChallengeData) : undefined;
  return {
    id,
    provider: connection.provider,
    status: connection.status,
    ...(data ? { challenge: data } : {}),
    ...(connection.status.status === 'active' && connection.ref !== undefined ? { ref: connection.ref } : {}),
  };
}

/** Runs one step and stores where it ended, at `expectedVersion`. */
async function stepAndSave(host: BackendHost, id: string, connection: Connection, expectedVersion: number, options: StepOptions): Promise<AuthProgress> {
  const flow = flowOf(connection);
  try {
    await flow.step(options.signal, options.pollBudgetMs ?? DEFAULT_BUDGET_MS);
  } catch (error) {
    // Terminal: tell the provider (where it listens) and forget the authentication.
    await flow.failed(error);
    if (expectedVersion > 0) await host.store.delete(id, { expectedVersion });
    throw error;
  }
  const checkpoint = await connection.checkpoint();
  await host.store.save(id, { checkpoint }, { expectedVersion, ttlMs: ttlFor(checkpoint, host.ttl, Date.now()) });
  return view(id, connection);
}

/** Starts an authentication and stores it under `id` (new: the id must not exist). */
export async function beginAuth(host: BackendHost, id: string, connection: Connection, options: StepOptions): Promise<AuthProgress> {
  return stepAndSave(host, id, connection, 0, options);
}

/**
 * Continues the authentication stored under `id` with the user's answer (none for a
 * decoupled approval). The answer is validated before anything else; then this instance
 * claims the step with a compare-and-set, so that of two instances answering the same
 * challenge exactly one sends it and the other gets a ConflictError.
 */
export async function continueAuth(host: BackendHost, id: string, answer: unknown, options: StepOptions): Promise<AuthProgress> {
  const stored = await host.store.load(id);
  if (!stored) throw new ConnectionError('auth_expired', `authentication ${id} has expired or does not exist: start again`);
  if (stored.entry.inFlight) {
    throw new ConflictError(`authentication ${id} is being continued by another request (since ${stored.entry.inFlight.since})`);
  }
  const connection = await host.resume(stored.entry.checkpoint);
  if (connection.status.status === 'active') return view(id, connection);
  const pending = connection.pendingChallenge;
  if (pending && pending.type !== 'decoupled') {
    if (answer === undefined) throw new ChallengeStateError(`challenge ${pending.id} (${pending.type}) needs an answer`);
    // Throws InvalidAnswerError before anything is claimed or sent.
    (pending.answer as (raw: unknown) => void)(answer);
  } else if (answer !== undefined) {
    throw new ChallengeStateError(`authentication ${id} has nothing to answer now (${pending ? 'waiting for approval' : connection.status.status})`);
  }
  const ttlMs = ttlFor(stored.entry.checkpoint, host.ttl, Date.now());
  const claimed = await host.store.save(id, { checkpoint: stored.entry.checkpoint, inFlight: { since: new Date().toISOString() } }, { expectedVersion: stored.version, ttlMs });
  // The resumed loop first re-yields the pending challenge (nothing is sent by that).
  if (pending) await flowOf(connection).step(options.signal);
  return stepAndSave(host, id, connection, claimed, options);
}

/**
 * Asks the provider for a new code for the OTP challenge stored under `id` — because the user
 * asked: the SDK never resends on its own. Claimed like an answer (of two concurrent
 * requests, one sends and the other gets a ConflictError); the refreshed challenge is stored
 * and returned. A failed resend releases the claim and keeps the step: the code already sent
 * may still work.
 */
export async function resendAuth(host: BackendHost, id: string): Promise<AuthProgress> {
  const stored = await host.store.load(id);
  if (!stored) throw new ConnectionError('auth_expired', `authentication ${id} has expired or does not exist: start again`);
  if (stored.entry.inFlight) {
    throw new ConflictError(`authentication ${id} is being continued by another request (since ${stored.entry.inFlight.since})`);
  }
  const connection = await host.resume(stored.entry.checkpoint);
  const pending = connection.pendingChallenge;
  if (pending?.type !== 'otp' || !pending.resend) {
    throw new ChallengeStateError(`authentication ${id} has no code to resend now (${pending ? `a ${pending.type} challenge` : connection.status.status})`);
  }
  const ttlMs = ttlFor(stored.entry.checkpoint, host.ttl, Date.now());
  const claimed = await host.store.save(id, { checkpoint: stored.entry.checkpoint, inFlight: { since: new Date().toISOString() } }, { expectedVersion: stored.version, ttlMs });
  try {
    await pending.resend();
  } catch (error) {
    await host.store.save(id, { checkpoint: stored.entry.checkpoint }, { expectedVersion: claimed, ttlMs });
    throw error;
  }
  const checkpoint = await connection.checkpoint();
  await host.store.save(id, { checkpoint }, { expectedVersion: claimed, ttlMs: ttlFor(checkpoint, host.ttl, Date.now()) });
  return view(id, connection);
}

/** Cancels a stored authentication at the provider and forgets it. */
export async function abandonAuth(host: BackendHost, id: string): Promise<boolean> {
  const stored = await host.store.load(id);
  if (!stored) return false;
  const connection = await host.resume(stored.entry.checkpoint);
  if (connection.status.status !== 'active') await connection.cancel();
  return host.store.delete(id, { expectedVersion: stored.version });
}
