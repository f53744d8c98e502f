import { inspect } from 'node:util';
import type { Logger } from '../../src/index.js';

/** A logger (pino/console signature) that keeps everything it is given, as text, for leak searches. */
export function recordingLogger(sink: string[]): Logger {
  const record = (fields: Record<string, unknown>, message: string): void => {
    sink.push(`${message} ${inspect(fields, { depth: 10 })}`);
  };
  return { debug: record, info: record, warn: record, error: record };
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `(JSON failed: ${(error as Error).message})`;
  }
}

/** Everything an error shows: message, stack, JSON, util.inspect and String(), down the whole cause chain. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const e = current as Error & { cause?: unknown };
    parts.push(String(e.message), String(e.stack), json(e), inspect(e, { depth: 10, showHidden: true }), String(e));
    current = e.cause;
  }
  return parts.join('\n');
}
