/**
 * The logger option: anything with pino's or console's methods. polybank calls
 * `logger.debug(fields, message)`, which both print sensibly; fields are already redacted.
 */
export interface Logger {
  debug?(fields: Record<string, unknown>, message: string): void;
  info?(fields: Record<string, unknown>, message: string): void;
  warn?(fields: Record<string, unknown>, message: string): void;
  error?(fields: Record<string, unknown>, message: string): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const silentLogger: Logger = {};

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
