/**
 * Everything an app could print or store from the SDK, as text: thrown errors (message,
 * cause chain, stack, JSON, util.inspect), events, logger calls, checkpoints, and
 * util.inspect / JSON of connections and challenges.
 */
import { inspect } from 'node:util';
import type { Connection, Logger, Polybank } from '../../../src/index.js';
import type { AnyProvider } from '../../../src/core/provider.js';
import { errorText } from '../../support/leaks.js';

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch (error) {
    return `(JSON failed: ${(error as Error).message})`;
  }
}

// One error search for every canary test (the provider and core ones too).
export { errorText } from '../../support/leaks.js';

export class Recorder {
  readonly outputs: string[] = [];
  /** Problems of the SDK itself met while recording (a checkpoint it refused to write). */
  readonly problems: string[] = [];

  readonly logger: Logger = {
    debug: (fields, message) => this.push('log.debug', { fields, message }),
    info: (fields, message) => this.push('log.info', { fields, message }),
    warn: (fields, message) => this.push('log.warn', { fields, message }),
    error: (fields, message) => this.push('log.error', { fields, message }),
  };

  push(label: string, value: unknown): void {
    this.outputs.push(`${label} ${typeof value === 'string' ? value : json(value)} ${inspect(value, { depth: 10, showHidden: true })}`);
  }

  error(label: string, error: unknown): void {
    this.outputs.push(`${label} ${errorText(error)}`);
  }

  /** Every event of the connection and the bank. */
  watch(connection: Connection, bank: Polybank<AnyProvider>): void {
    bank.on('request', (e) => this.push('bank.request', e));
    connection.on('request', (e) => this.push('request', e));
    connection.on('status', (s) => this.push('status', s));
    connection.on('challenge', (c) => this.push('challenge', c));
    connection.on('ref', (r) => this.push('ref', r));
  }

  /** util.inspect and JSON of the connection, its pending challenge and a checkpoint. */
  async snapshot(label: string, connection: Connection, options: { checkpoint?: boolean } = {}): Promise<void> {
    this.outputs.push(`${label}.inspect ${inspect(connection, { depth: 10, showHidden: true })} ${json(connection)} ${String(connection)}`);
    this.push(`${label}.status`, connection.status);
    if (connection.pendingChallenge) this.push(`${label}.pending`, connection.pendingChallenge);
    if (options.checkpoint === false) return;
    try {
      const checkpoint = await connection.checkpoint();
      this.push(`${label}.checkpoint`, checkpoint);
    } catch (error) {
      const kind = (error as { kind?: string }).kind;
      // Nothing to checkpoint (closed, busy) is fine; refusing because of a secret in the state is a finding.
      if (kind === 'CheckpointError') this.problems.push(`${label}: checkpoint refused: ${(error as Error).message}`);
      this.error(`${label}.checkpoint-error`, error);
    }
  }

  get text(): string {
    return this.outputs.join('\n');
  }
}
