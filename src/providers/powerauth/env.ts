/** What every step of the flow works with: the call's context, the settings, the sealed values. */
import type { AdapterContext, Step } from '../../provider.js';
import type { Settings } from './config.js';
import type { PowerAuthRef, State } from './model.js';

export type PowerAuthStep = Step<State, PowerAuthRef>;

export interface Env {
  ctx: AdapterContext;
  settings: Settings;
  /** ThreatMark cookies for the AFS (sealed: they are bearer values). */
  afsExtras: Record<string, string>;
  /** The SMS code polybank generated (`otpGeneration: 'polybank'`), sealed. */
  code?: string;
}

/** Sealed keys. */
export const SEALED = { afsExtras: 'afs.extras', code: 'otp.code' } as const;

/** How long a cancel or a logout notification may take: the caller waits for it before the loop ends. */
export const CANCEL_TIMEOUT_MS = 3000;
