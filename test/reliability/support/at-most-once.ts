/**
 * At most once for secret-bearing requests, proven by comparing what the simulator
 * received on those endpoints with what the SDK says it sent (its request events:
 * a retry has `attempt > 1`). Identical bodies alone prove nothing: two OTPs can both
 * be "abcd", and a Flinks trusted-device poll re-sends "VERIFIED".
 */
import type { RequestEvent } from '../../../src/index.js';
import type { DriverScenario } from '../../../src/testing/index.js';
import type { AnyDriver, AnySim } from './flow.js';

/**
 * The endpoints whose requests carry credentials, a code or an answer, or make the
 * provider send something to the user, for one scenario: the driver's list, plus
 * Fintecture's decoupled `Authorize` (it pushes to the bank app; the redirect one is a
 * plain read) and its `RefreshToken` (carries the refresh token and the app secret).
 */
export function secretEndpoints(driver: AnyDriver, scenario: DriverScenario): string[] {
  const list = [...driver.secretEndpoints];
  if (driver.id === 'fintecture') {
    list.push('RefreshToken');
    if ((scenario.input as { model?: string }).model === 'decoupled') list.push('Authorize');
  }
  return [...new Set(list)];
}

export interface Resent {
  /** Requests the simulator received on secret endpoints. */
  received: number;
  /** First attempts the SDK reported on them. */
  sent: number;
  /** Retries the SDK reported on them (must be 0). */
  retried: number;
  /** Per endpoint: received beyond what the SDK sent as first attempts (must be 0). */
  extra: Record<string, number>;
  /** Total duplicates: retries plus requests received beyond first attempts. */
  duplicates: number;
}

/** Counts since the simulator's last reset; `endpoints` defaults to the scenario's secret endpoints. */
export function resent(sim: AnySim, events: readonly RequestEvent[], endpoints: readonly string[]): Resent {
  let received = 0;
  let sent = 0;
  let retried = 0;
  const extra: Record<string, number> = {};
  for (const endpoint of endpoints) {
    const got = sim.count(endpoint);
    const first = events.filter((e) => e.endpoint === endpoint && e.attempt === 1).length;
    const again = events.filter((e) => e.endpoint === endpoint && e.attempt > 1).length;
    received += got;
    sent += first;
    retried += again;
    if (got > first) extra[endpoint] = got - first;
  }
  const duplicates = retried + Object.values(extra).reduce((a, b) => a + b, 0);
  return { received, sent, retried, extra, duplicates };
}
