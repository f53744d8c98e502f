/**
 * This process's view of the Redis clock, on which rate slots are given. Each script round
 * trip brackets Redis' `TIME` between the local send and reply times (as NTP does); the
 * fastest recent trips give tight bounds on the offset. A job sleeps until its slot has surely
 * come (never early), and its lateness is measured from the earliest its slot may have come
 * (a slow round trip is not lateness, a stall of this process is).
 */
const SAMPLES = 64;

export class RedisClock {
  /** `redisNow - sentAt` per trip: each is at least the true offset. */
  readonly #upper: number[] = [];
  /** `redisNow - repliedAt` per trip: each is at most the true offset. */
  readonly #lower: number[] = [];

  /** One round trip: sent and replied on this clock, Redis' time in between. */
  sample(sentAt: number, redisNow: number, repliedAt: number): void {
    if (!Number.isFinite(redisNow) || repliedAt < sentAt) return;
    this.#upper.push(redisNow - sentAt);
    this.#lower.push(redisNow - repliedAt);
    if (this.#upper.length > SAMPLES) {
      this.#upper.shift();
      this.#lower.shift();
    }
  }

  /** Local time by which the Redis instant `at` has surely passed. */
  surelyAt(at: number): number {
    return this.#lower.length === 0 ? at : at - Math.max(...this.#lower);
  }

  /** The earliest local time the Redis instant `at` may have passed. */
  earliestAt(at: number): number {
    return this.#upper.length === 0 ? at : at - Math.min(...this.#upper);
  }
}
