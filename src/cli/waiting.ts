import * as p from '@clack/prompts';
import type { DecoupledChallenge } from '../core/model/challenge.js';
import { clockTime } from './describe.js';

export interface Waiting {
  /** Ends the wait on screen: "approved after 3 s". */
  stop(outcome: string): void;
}

function seconds(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** "3 s elapsed · expires at 14:05:12 (4 min 57 s left)": what a pending approval shows. */
export function waitingText(startedAt: number, now: number, expiresAt: string | undefined): string {
  const elapsed = `${seconds(now - startedAt)} elapsed`;
  if (!expiresAt) return elapsed;
  const left = Date.parse(expiresAt) - now;
  return `${elapsed} · expires at ${clockTime(expiresAt)}${left > 0 ? ` (${seconds(left)} left)` : ''}`;
}

/**
 * A spinner while the loop polls for a decoupled approval, with the elapsed time and the
 * deadline, refreshed every second. Ctrl-C during the wait calls `onCancel` (the demo aborts
 * the loop, which cancels the approval at the provider).
 */
export function waitAtTerminal(challenge: DecoupledChallenge, onCancel: () => void): Waiting {
  const startedAt = Date.now();
  const what = challenge.channel === 'device' ? 'on the trusted device' : challenge.channel === 'app' ? 'in the bank app' : 'at the bank';
  const spinner = p.spinner({ onCancel, cancelMessage: 'cancelled while waiting for the approval' });
  const text = (): string => `Waiting for the approval ${what}… ${waitingText(startedAt, Date.now(), challenge.expiresAt)}`;
  spinner.start(text());
  const timer = setInterval(() => spinner.message(text()), 1000);
  timer.unref();
  return {
    stop(outcome) {
      clearInterval(timer);
      if (!spinner.isCancelled) spinner.stop(`${outcome} after ${seconds(Date.now() - startedAt)}`);
    },
  };
}

/** Without a terminal: one line before, one after. */
export function waitInLog(out: (line: string) => void): Waiting {
  const startedAt = Date.now();
  // The deadline is on the challenge's own line already.
  out('  … waiting for the approval (the loop polls)');
  return {
    stop(outcome) {
      out(`  ${outcome} after ${seconds(Date.now() - startedAt)}`);
    },
  };
}
