/** Per-provider counters of one worker process (queue counts come from Redis at read time). */
export interface Counters {
  done: number;
  failed: Record<string, number>;
  retried: Record<string, number>;
  rateLimited: number;
}

export class WorkerCounters {
  readonly #byProvider = new Map<string, Counters>();

  #of(provider: string): Counters {
    let counters = this.#byProvider.get(provider);
    if (!counters) {
      counters = { done: 0, failed: {}, retried: {}, rateLimited: 0 };
      this.#byProvider.set(provider, counters);
    }
    return counters;
  }

  done(provider: string): void {
    this.#of(provider).done++;
  }

  failed(provider: string, reason: string): void {
    const failed = this.#of(provider).failed;
    failed[reason] = (failed[reason] ?? 0) + 1;
  }

  retried(provider: string, reason: string): void {
    const retried = this.#of(provider).retried;
    retried[reason] = (retried[reason] ?? 0) + 1;
  }

  rateLimited(provider: string): void {
    this.#of(provider).rateLimited++;
  }

  /** A copy, so that callers cannot change the counts. */
  snapshot(provider: string): Counters {
    const counters = this.#of(provider);
    return { done: counters.done, failed: { ...counters.failed }, retried: { ...counters.retried }, rateLimited: counters.rateLimited };
  }
}
