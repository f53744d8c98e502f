import type { Checkpoint } from './checkpoint.js';
import { ConflictError } from './errors.js';

/** What a store keeps under an authentication id. */
export interface StoreEntry {
  /** The authentication's signed checkpoint, as its last step left it. */
  checkpoint: Checkpoint;
  /**
   * A lease, set while one instance sends this step to the provider: any other instance
   * that loads it before `until` gets a ConflictError instead of sending the same answer
   * again. Past `until`, the holder is presumed dead (a crash between claim and save).
   */
  inFlight?: {
    /** When the step was claimed (ISO date-time). */
    since: string;
    /** When the claim lapses (ISO date-time); absent: it does not. */
    until?: string;
  };
}

/** An entry as a store loads it, with its version. */
export interface StoredEntry {
  /** The entry. */
  entry: StoreEntry;
  /** Increases by one on every save: the optimistic-concurrency token. */
  version: number;
}

/** How `save` writes: at which version, for how long. */
export interface SaveOptions {
  /** The version the caller loaded (0: the id must not exist yet). */
  expectedVersion: number;
  /** Time to live in ms: the entry disappears after it (the challenge has expired by then). */
  ttlMs: number;
}

/**
 * Where request/response backends keep authentications between requests and
 * instances. Implementations must make `save` an atomic compare-and-set on the version.
 */
export interface CheckpointStore {
  /** The entry under `id` and its version, or undefined when there is none (or it expired). */
  load(id: string): Promise<StoredEntry | undefined>;
  /** Saves when the stored version equals `expectedVersion`; returns the new version; else throws ConflictError. */
  save(id: string, entry: StoreEntry, options: SaveOptions): Promise<number>;
  /** Deletes (only at `expectedVersion` when given); true when something was deleted. */
  delete(id: string, options?: { expectedVersion?: number }): Promise<boolean>;
  /**
   * Records `key` if it is not recorded yet (for `ttlMs`); false when it already was. The
   * core records a checkpoint's id before the first answer sent from it, so that a
   * checkpoint is used once across every instance sharing the store. Optional: without it,
   * a second use is detected within one process only.
   */
  claimOnce?(key: string, ttlMs: number): Promise<boolean>;
}

/** Throws the ConflictError every store uses for a lost compare-and-set. */
export function versionConflict(id: string, expected: number, actual: number | undefined): never {
  const now = actual === undefined ? 'it no longer exists' : `it is at version ${actual}`;
  throw new ConflictError(`authentication ${id} changed concurrently: expected version ${expected}, but ${now}`);
}

/**
 * The default store: in this process's memory. Right for one instance; use
 * `polybank/redis` when several instances serve the same users. Expiry is checked on
 * access, so no timer keeps the process alive.
 */
export class MemoryStore implements CheckpointStore {
  readonly #entries = new Map<string, { entry: StoreEntry; version: number; expiresAt: number }>();
  readonly #claims = new Map<string, number>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  #live(id: string): { entry: StoreEntry; version: number; expiresAt: number } | undefined {
    const found = this.#entries.get(id);
    if (found && found.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return found;
  }

  async load(id: string): Promise<StoredEntry | undefined> {
    const found = this.#live(id);
    // A copy, so that callers cannot change what is stored without saving.
    return found ? { entry: structuredClone(found.entry), version: found.version } : undefined;
  }

  async save(id: string, entry: StoreEntry, options: SaveOptions): Promise<number> {
    const current = this.#live(id);
    const actual = current?.version ?? 0;
    if (actual !== options.expectedVersion) versionConflict(id, options.expectedVersion, current?.version);
    const version = actual + 1;
    this.#entries.set(id, { entry: structuredClone(entry), version, expiresAt: this.#now() + Math.max(1, options.ttlMs) });
    this.#sweep();
    return version;
  }

  async delete(id: string, options: { expectedVersion?: number } = {}): Promise<boolean> {
    const current = this.#live(id);
    if (!current) return false;
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) return false;
    return this.#entries.delete(id);
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const until = this.#claims.get(key);
    if (until !== undefined && until > now) return false;
    this.#claims.set(key, now + Math.max(1, ttlMs));
    this.#sweep();
    return true;
  }

  /** Drops expired entries now and then, so abandoned authentications do not pile up. */
  #sweep(): void {
    if ((this.#entries.size + this.#claims.size) % 256 !== 0) return;
    const now = this.#now();
    for (const [id, value] of this.#entries) if (value.expiresAt <= now) this.#entries.delete(id);
    for (const [key, until] of this.#claims) if (until <= now) this.#claims.delete(key);
  }

  /** How many entries are held (expired ones included until swept): for tests and metrics. */
  get size(): number {
    return this.#entries.size;
  }
}
