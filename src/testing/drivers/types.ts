import type { Challenge } from '../../core/model/challenge.js';
import type { ErrorReason } from '../../core/model/status.js';
import type { AnyProvider, InputOf, RefOf } from '../../core/provider.js';
import type { Simulator } from '../simulator.js';

/** One documented simulator scenario: what to connect with and how it ends when answered right. */
export interface DriverScenario<P extends AnyProvider = AnyProvider> {
  /** Its short name (`--scenario` of the demo). */
  name: string;
  /** What it shows, in a line. */
  description: string;
  /** What to pass to `bank.connect()`. */
  input: InputOf<P>;
  /** `active`, or the normalized reason it fails with. */
  outcome: 'active' | ErrorReason;
  /** What the simulated person knows (field values, which approval they give). */
  persona?: Record<string, string>;
}

/**
 * A provider driven end to end against its simulator: how to set both up, the scenario
 * catalog, and an autopilot that answers each challenge as the simulated person would
 * (reading the simulated SMS, following the simulated bank's redirect page). The demo,
 * the examples, the soak and fuzz runs, the benchmarks and the runtime matrix share it.
 */
export interface Driver<P extends AnyProvider = AnyProvider, S = unknown> {
  /** The provider id. */
  id: P['id'];
  /** The provider's name and what it covers, for menus. */
  label: string;
  /** A fresh simulator (scenarios preloaded). */
  simulator(): Simulator<S>;
  /** The provider configured against a simulator serving at `sim.baseUrl`. */
  provider(sim: Simulator<S>): P;
  /** The scenario catalog, the main one first. */
  scenarios: ReadonlyArray<DriverScenario<P>>;
  /** The simulated person's answer to a challenge (undefined for a decoupled approval). */
  answer(challenge: Challenge, sim: Simulator<S>, scenario: DriverScenario<P>): Promise<unknown>;
  /** What the person would see outside the app (the SMS text, the sandbox's documented answer). */
  hint(challenge: Challenge, sim: Simulator<S>, scenario: DriverScenario<P>): string | undefined;
  /** Endpoints that carry credentials, codes or answers (or trigger a send): never sent twice. */
  secretEndpoints: readonly string[];
  /**
   * A connection linked earlier, created in the simulator's state without any request:
   * the ref your database would hold for `bank.connection(id, ref)` (refresh jobs, bulk
   * tests). `refused`: one the provider turns down without the user (a non-retryable
   * reason, e.g. a lapsed consent or a link that needs SCA; see each setup page).
   */
  stored(sim: Simulator<S>, options?: StoredOptions): RefOf<P>;
}

/** Options of `driver.stored()`. */
export interface StoredOptions {
  /** The provider turns this connection down without the user (a non-retryable reason). */
  refused?: boolean;
}

/** Follows the simulated bank's redirect page the way a browser would, up to the app's callback. */
export async function followBankRedirect(url: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetchImpl(next, { redirect: 'manual' });
    const location = response.headers.get('location');
    await response.body?.cancel();
    if (!location) throw new Error(`the bank page ${new URL(next).pathname} did not redirect (HTTP ${response.status})`);
    const target = new URL(location, next);
    // Leaving the simulator's origin means we reached the app's callback.
    if (target.origin !== new URL(url).origin) return target.toString();
    next = target.toString();
  }
  throw new Error('too many redirects on the simulated bank page');
}
