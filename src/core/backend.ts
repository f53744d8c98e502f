/**
 * The request/response API (`bank.begin`, `bank.continue`, `bank.load`, `bank.abandon`):
 * one step per HTTP request, the authentication kept in a CheckpointStore between them,
 * on whichever instance serves the next request.
 *
 * Rules: an answer is claimed with a compare-and-set and a lease before it is sent, so of
 * two instances answering the same challenge exactly one sends it; a claim whose holder
 * died (a crash between claim and save) is never re-sent — after its lease, the
 * authentication fails cleanly, or continues where nothing was being sent (a decoupled
 * approval); a step whose result cannot be stored is cancelled and forgotten, never left
 * "in flight".
 */
import type { Checkpoint } from './checkpoint.js';
import { flowOf, validateCallOptions, writeCheckpoint, type Connection } from './connection.js';
import { ChallengeStateError, ConflictError, ConnectionError, isConflictError } from './errors.js';
import type { CallOptions } from './flow/index.js';
import type { ChallengeData } from './model/challenge.js';
import type { ConnectionStatus } from './model/status.js';
import type { BankRuntime } from './runtime.js';
import type { CheckpointStore, StoredEntry } from './store.js';

/**
 * Where a request/response authentication stands after `begin` or `continue`: plain JSON,
 * safe to send to a browser — it never holds a secret nor the connection reference. Once
 * `status` is active, read the reference server-side: `(await bank.load(id)).ref`.
 */
export interface AuthProgress {
  /** The id to continue with (what your backend hands its client). */
  id: string;
  /** The provider id. */
  provider: string;
  /** Where it stands: `challenge`, `authenticating` (still waiting), `active` or `error`. */
  status: ConnectionStatus;
  /** The challenge to show, while one waits for the user (a decoupled one while approval is pending). */
  challenge?: ChallengeData;
}

export interface StepOptions extends CallOptions {
  /**
   * How long this call may poll (decoupled approval, validating) before it returns the
   * pending challenge for the next call. Default 20 s: under typical HTTP timeouts.
   */
  pollBudgetMs?: number;
}

/** How long a CheckpointStore keeps request/response authentications (the `ttl` option). */
export interface StoreTtl {
  /** TTL of a pending authentication whose challenge states no expiry. Default 15 minutes. */
  pendingMs: number;
  /** How long an active connection stays loadable by id. Default 1 hour. */
  activeMs: number;
  /**
   * How long one `continue()` may hold its claim before others presume it dead. Default
   * 2 minutes: longer than a step (the poll budget plus request timeouts).
   */
  leaseMs: number;
}

/** What the request/response API needs from its Polybank. */
export interface BackendHost {
  store: CheckpointStore;
  ttl: StoreTtl;
  runtime: BankRuntime;
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
  // The handle's data without its functions.
  const data = pending ? (JSON.parse(JSON.stringify(pending)) as ChallengeData) : undefined;
  return { id, provider: connection.provider, status: connection.status, ...(data ? { challenge: data } : {}) };
}

/** Runs one step and stores where it ended, at `expectedVersion`. */
async function stepAndSave(host: BackendHost, id: string, connection: Connection, expectedVersion: number, options: StepOptions): Promise<AuthProgress> {
  const flow = flowOf(connection);
  const forget = async (): Promise<void> => {
    if (expectedVersion > 0) await host.store.delete(id, { expectedVersion }).catch(() => false);
  };
  try {
    await flow.step(options, options.pollBudgetMs ?? DEFAULT_BUDGET_MS);
  } catch (error) {
    // Terminal: tell the provider (where it listens) and forget the authentication.
    await flow.failed(error);
    await forget();
    throw error;
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = await writeCheckpoint(host.runtime, flow, false);
    await host.store.save(id, { checkpoint }, { expectedVersion, ttlMs: ttlFor(checkpoint, host.ttl, Date.now()) });
  } catch (error) {
    // Another instance took over after our lease: the authentication is theirs now.
    if (isConflictError(error)) throw error;
    // Unstorable: never leave it in flight. Cancel at the provider, forget it, say so.
    await flow.cancel('failed');
    await forget();
    throw error;
  }
  return view(id, connection);
}

/** Starts an authentication and stores it under `id` (new: the id must not exist). */
export async function beginAuth(host: BackendHost, id: string, connection: Connection, options: StepOptions): Promise<AuthProgress> {
  validateCallOptions(options);
  return stepAndSave(host, id, connection, 0, options);
}

/** The lease of a stored entry, if one is held: its end. */
function leaseEnd(stored: StoredEntry, leaseMs: number): number | undefined {
  const lease = stored.entry.inFlight;
  if (!lease) return undefined;
  const until = lease.until ? Date.parse(lease.until) : Date.parse(lease.since) + leaseMs;
  return Number.isNaN(until) ? 0 : until;
}

/**
 * The stored authentication, unless another request holds its lease (a ConflictError with
 * `retryAfter` at the lease's end). `until` is set when a lease was held and has run out.
 */
async function loadUnleased(host: BackendHost, id: string): Promise<{ stored: StoredEntry; now: number; until: number | undefined }> {
  const stored = await host.store.load(id);
  if (!stored) throw new ConnectionError('auth_expired', `authentication ${id} has expired or does not exist: start again`);
  const now = Date.now();
  const until = leaseEnd(stored, host.ttl.leaseMs);
  if (until !== undefined && until > now) {
    throw new ConflictError(`authentication ${id} is being continued by another request (until ${new Date(until).toISOString()}); try again then`, {
      retryable: true,
      retryAfter: new Date(until),
    });
  }
  return { stored, now, until };
}

/** Claims a step: the stored entry with a lease, at the loaded version (a lost race is a ConflictError). */
function claim(host: BackendHost, id: string, stored: StoredEntry, now: number): Promise<number> {
  const ttlMs = ttlFor(stored.entry.checkpoint, host.ttl, now);
  const lease = { since: new Date(now).toISOString(), until: new Date(now + host.ttl.leaseMs).toISOString() };
  return host.store.save(id, { checkpoint: stored.entry.checkpoint, inFlight: lease }, { expectedVersion: stored.version, ttlMs: Math.max(ttlMs, host.ttl.leaseMs) });
}

/**
 * Continues the authentication stored under `id` with the user's answer (none for a
 * decoupled approval). The answer is validated before anything else; then this instance
 * claims the step (compare-and-set with a lease), so that of two instances answering the
 * same challenge exactly one sends it and the other gets a ConflictError.
 */
export async function continueAuth(host: BackendHost, id: string, answer: unknown, options: StepOptions): Promise<AuthProgress> {
  validateCallOptions(options);
  const { stored, now, until } = await loadUnleased(host, id);
  const connection = await host.resume(stored.entry.checkpoint);
  const flow = flowOf(connection);
  if (connection.status.status === 'active') return view(id, connection);
  const pending = connection.pendingChallenge;
  if (until !== undefined && pending && pending.type !== 'decoupled') {
    // The instance that claimed this answer died before it stored the outcome. Whether the
    // provider received it is unknown: it is never sent again.
    await flow.cancel('failed');
    await host.store.delete(id, { expectedVersion: stored.version }).catch(() => false);
    throw new ConnectionError(
      'auth_expired',
      `authentication ${id} was interrupted while its answer was being sent (the outcome was never stored); it is not sent twice: start the authentication again`,
    );
  }
  if (pending && pending.type !== 'decoupled') {
    if (answer === undefined) throw new ChallengeStateError(`challenge ${pending.id} (${pending.type}) needs an answer`);
    // Throws InvalidAnswerError before anything is claimed or sent.
    flow.answerPending(answer);
  } else if (answer !== undefined) {
    throw new ChallengeStateError(`authentication ${id} has nothing to answer now (${pending ? 'waiting for approval' : connection.status.status})`);
  } else {
    flow.shown();
  }
  const claimed = await claim(host, id, stored, now);
  return stepAndSave(host, id, connection, claimed, options);
}

/**
 * Asks the provider for a new code for the OTP challenge stored under `id` — because the user
 * asked: the SDK never resends on its own. Claimed like an answer (of two concurrent
 * requests, one sends and the other gets a ConflictError); the refreshed challenge is stored
 * and returned. A failed resend stores the step as it was (under a new checkpoint: the old
 * one was used) and releases the claim: the code already sent may still work.
 */
export async function resendAuth(host: BackendHost, id: string, options: CallOptions = {}): Promise<AuthProgress> {
  validateCallOptions(options);
  const { stored, now } = await loadUnleased(host, id);
  const connection = await host.resume(stored.entry.checkpoint);
  const flow = flowOf(connection);
  const pending = connection.pendingChallenge;
  if (pending?.type !== 'otp' || !pending.resend) {
    throw new ChallengeStateError(`authentication ${id} has no code to resend now (${pending ? `a ${pending.type} challenge` : connection.status.status})`);
  }
  const claimed = await claim(host, id, stored, now);
  let failure: unknown;
  try {
    await flow.resend(pending.id, options);
  } catch (error) {
    failure = error;
  }
  const checkpoint = await writeCheckpoint(host.runtime, flow, false);
  await host.store.save(id, { checkpoint }, { expectedVersion: claimed, ttlMs: ttlFor(checkpoint, host.ttl, Date.now()) });
  if (failure !== undefined) throw failure;
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
