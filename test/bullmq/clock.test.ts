import { describe, expect, it } from 'vitest';
import { RedisClock } from '../../src/bullmq/clock.js';

describe('the Redis clock as a worker sees it', () => {
  it('brackets a slot between the earliest it may have come and when it surely has, from the fastest trips', () => {
    // Redis is 5 s ahead of this process; each trip takes what it takes.
    const offset = 5_000;
    const clock = new RedisClock();
    const trip = (sentAt: number, travelOut: number, travelBack: number) => clock.sample(sentAt, sentAt + travelOut + offset, sentAt + travelOut + travelBack);
    trip(1_000, 40, 60); // a slow trip first: loose bounds
    const slot = 10_000 + offset; // local 10 000
    expect(clock.surelyAt(slot)).toBe(10_060);
    expect(clock.earliestAt(slot)).toBe(9_960);
    trip(2_000, 1, 2); // a fast one tightens both
    trip(3_000, 300, 300); // a stalled one changes nothing
    expect(clock.surelyAt(slot)).toBe(10_002);
    expect(clock.earliestAt(slot)).toBe(9_999);
    // Never early, never blind to lateness: the true local instant lies between.
    expect(clock.surelyAt(slot)).toBeGreaterThanOrEqual(10_000);
    expect(clock.earliestAt(slot)).toBeLessThanOrEqual(10_000);
  });

  it('without a trip, the slot is taken on this clock; an absurd sample is ignored', () => {
    const clock = new RedisClock();
    clock.sample(2_000, Number.NaN, 2_001);
    clock.sample(2_000, 7_000, 1_999);
    expect(clock.surelyAt(5_000)).toBe(5_000);
    expect(clock.earliestAt(5_000)).toBe(5_000);
  });
});
