import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/index.js';

describe('simulatedClock on a runtime without setImmediate (workerd, browsers)', () => {
  it('sleeps and advances time with only web timers', async () => {
    const saved = globalThis.setImmediate;
    // workerd without nodejs_compat and browsers have no setImmediate.
    Reflect.deleteProperty(globalThis, 'setImmediate');
    try {
      const clock = simulatedClock(0);
      await clock.sleep(1_000);
      await clock.sleep(500);
      expect(clock.now()).toBe(1_500);
    } finally {
      globalThis.setImmediate = saved;
    }
  });
});
