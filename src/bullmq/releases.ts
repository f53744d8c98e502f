/**
 * Leases of finished jobs, ended late: with this worker's next acquire of the same provider
 * (one script call instead of two per job), or after a few milliseconds when no job follows.
 * Meanwhile another job of the same connection finds it busy and looks again shortly.
 */
import { release, type EvalClient, type Release } from './limits.js';

const FLUSH_MS = 20;
const MAX_PER_CALL = 32;

export class DeferredReleases {
  readonly #client: EvalClient;
  readonly #lastRunKey: (provider: string) => string;
  readonly #onError: (error: Error) => void;
  readonly #pending = new Map<string, Release[]>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(client: EvalClient, lastRunKey: (provider: string) => string, onError: (error: Error) => void) {
    this.#client = client;
    this.#lastRunKey = lastRunKey;
    this.#onError = onError;
  }

  defer(provider: string, ended: Release): void {
    const list = this.#pending.get(provider) ?? [];
    list.push(ended);
    this.#pending.set(provider, list);
    if (!this.#timers.has(provider)) this.#timers.set(provider, setTimeout(() => void this.flush(provider), FLUSH_MS));
  }

  /** The leases to end with the next script call of this provider (given back if that call fails). */
  take(provider: string): Release[] {
    const list = this.#pending.get(provider);
    if (!list?.length) return [];
    return list.splice(0, MAX_PER_CALL);
  }

  giveBack(provider: string, releases: readonly Release[]): void {
    for (const ended of releases) this.defer(provider, ended);
  }

  async flush(provider: string): Promise<void> {
    clearTimeout(this.#timers.get(provider));
    this.#timers.delete(provider);
    for (let batch = this.take(provider); batch.length > 0; batch = this.take(provider)) {
      try {
        await release(this.#client, this.#lastRunKey(provider), batch);
      } catch (error) {
        // Redis is away: the leases end by themselves at their TTL.
        this.#onError(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((provider) => this.flush(provider)));
  }
}
