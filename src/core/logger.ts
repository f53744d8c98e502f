/**
 * The logger option: anything with pino's or console's methods. polybank calls
 * `logger.debug(fields, message)`, which both print sensibly; fields are already redacted.
 */
export interface Logger {
  /** Every request and step: for development. */
  debug?(fields: Record<string, unknown>, message: string): void;
  /** Milestones: a connection became active, a checkpoint was resumed. */
  info?(fields: Record<string, unknown>, message: string): void;
  /** Something was skipped or degraded (a best-effort cleanup failed); the flow went on. */
  warn?(fields: Record<string, unknown>, message: string): void;
  /** Something failed (a listener threw, a call failed). */
  error?(fields: Record<string, unknown>, message: string): void;
}

/** A log level, least severe first; a minimum level passes it and the ones after it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export const silentLogger: Logger = {};

/**
 * The logger seen through a minimum level (`off` silences it). An unknown level name is
 * `warn`: a typo in POLYBANK_LOG must not turn on debug output of every request.
 */
export function levelled(logger: Logger | undefined, level: string): Logger {
  if (!logger || level === 'off') return silentLogger;
  const min = Object.hasOwn(ORDER, level) ? ORDER[level as LogLevel] : ORDER.warn;
  const out: Logger = {};
  for (const name of ['debug', 'info', 'warn', 'error'] as const) {
    const fn = logger[name];
    if (ORDER[name] >= min && typeof fn === 'function') out[name] = (fields, message) => fn.call(logger, fields, message);
  }
  return out;
}

/** Calls a level if the logger has it; a throwing logger never breaks a flow. */
export function log(logger: Logger, level: LogLevel, fields: Record<string, unknown>, message: string): void {
  const fn = logger[level];
  if (typeof fn !== 'function') return;
  try {
    fn.call(logger, fields, message);
  } catch {
    // Logging must not change the outcome of a bank flow.
  }
}
