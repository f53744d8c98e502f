/**
 * What a checkpoint holds of a flow, and a flow rebuilt from one. Provider state is JSON
 * and secret-free; sensitive values travel sealed. Display text in a challenge was redacted
 * when the challenge was made, so the leak guard stays strict: a registered secret
 * anywhere in the body refuses the checkpoint.
 */
import type { CheckpointBody } from '../checkpoint.js';
import { CHECKPOINT_VERSION } from '../checkpoint.js';
import { canonicalJson } from '../checkpoint.js';
import { ChallengeStateError, CheckpointError } from '../errors.js';
import { randomId } from '../kit.js';
import { ChallengeData } from '../model/challenge.js';
import { isSecretKey, type Secrets } from '../redact.js';
import type { Json } from '../provider.js';
import type { FlowState } from './state.js';

/** A minute of grace past the provider's expiry, so the user gets the provider's own answer. */
const EXPIRY_GRACE_MS = 60_000;

export type SnapshotBody = Omit<CheckpointBody, 'sealed' | 'dropped'>;

/** The body of a checkpoint (without MAC and sealing) and the values to seal. */
export function snapshot(state: FlowState, provider: string, secrets: Secrets, now: number, maxAgeMs: number): { body: SnapshotBody; sealed: Record<string, string> } {
  if (state.closed) throw new ChallengeStateError(`cannot checkpoint: the authentication was ${state.closed}`);
  if (state.session === undefined && state.status.status !== 'active' && state.origin === 'connect') {
    throw new ChallengeStateError('nothing to checkpoint yet: start authenticate() first');
  }
  const pending = state.pending;
  // Secret fields of the reference (a refresh token) travel like sealed values: encrypted or not at all.
  const { ref, secrets: refSecrets } = splitRef(state.ref);
  const providerExpiry = pending?.kind === 'challenge' ? (pending.data.expiresAt ?? pending.poll?.deadline) : pending?.poll.deadline;
  const expiresAt = Math.min(now + maxAgeMs, providerExpiry ? Date.parse(providerExpiry) + EXPIRY_GRACE_MS : Infinity);
  const body: SnapshotBody = {
    v: CHECKPOINT_VERSION,
    id: randomId(16),
    provider,
    origin: state.origin,
    seq: state.seq,
    status: state.status,
    ...(ref !== undefined ? { ref: ref as Json } : {}),
    ...(state.session ? { state: state.session.state } : {}),
    ...(pending
      ? {
          pending:
            pending.kind === 'challenge'
              ? { challenge: pending.data, ...(pending.poll ? { poll: pending.poll } : {}) }
              : { poll: pending.poll },
        }
      : {}),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(Number.isFinite(expiresAt) ? expiresAt : now + maxAgeMs).toISOString(),
  };
  // Defence in depth: whatever an adapter put in its state, no registered secret leaves in a checkpoint.
  if (secrets.leaks(canonicalJson(body))) {
    throw new CheckpointError(`${provider} state would put a secret into the checkpoint; refusing to write it`);
  }
  return { body, sealed: { ...state.session?.sealed, ...refSecrets } };
}

/** Rebuilds a flow's state from a verified checkpoint body and its unsealed values. */
export function restore(state: FlowState, body: CheckpointBody, ref: unknown, sealed: Record<string, string>, stateValue: Json | undefined): void {
  state.seq = body.seq;
  state.status = body.status;
  state.ref = ref;
  if (stateValue !== undefined) state.session = { state: stateValue, sealed: { ...sealed } };
  state.usable = body.status.status === 'active';
  state.resumedFrom = { id: body.id, expiresAt: body.expiresAt };
  const challenge = body.pending?.challenge;
  if (challenge) {
    state.pending = { kind: 'challenge', data: ChallengeData.parse(challenge), ...(body.pending?.poll ? { poll: body.pending.poll } : {}), yielded: false };
    state.kept = true;
  } else if (body.pending?.poll) {
    state.pending = { kind: 'poll', poll: body.pending.poll };
    state.kept = true;
  }
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
