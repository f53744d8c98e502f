import { AbortedError } from './errors.js';

/** A counting semaphore: `acquire` waits (in order, abortably) until fewer than `limit` are held. */
export class Slots {
  #held = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}

  acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.#held < this.limit) {
      this.#held++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(new AbortedError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    // The slot passes straight to the next waiter; it is never free in between.
    if (next) next();
    else this.#held--;
  }
}
