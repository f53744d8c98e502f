/** What a step's answer leads to: the next page of the same step, or the step passed (with the factors used). */
import type { Factor } from './afs.js';
import type { PowerAuthStep } from './env.js';
import { common, type State, type StateIn } from './model.js';

export interface Passed {
  kind: 'passed';
  state: State;
  factors: Factor[];
}

export type Outcome = PowerAuthStep | Passed;

export function passed(state: State, factors: Factor[]): Passed {
  return { kind: 'passed', state, factors };
}

/** The state in another phase without phase-specific fields. */
export function toPhase<P extends 'start' | 'identify' | 'password'>(state: State, phase: P): StateIn<P> {
  return { ...common(state), phase } as StateIn<P>;
}
