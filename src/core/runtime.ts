import type { Checkpoint, CheckpointCodec, SealedBlob } from './checkpoint.js';
import type { RequestEvent } from './http.js';
import type { ProviderHttp } from './transport.js';
import type { Logger } from './logger.js';
import type { Clock } from './polling.js';
import type { Secrets } from './redact.js';

/**
 * What a Polybank shares with its connections: settings normalized once, one HTTP client
 * and one secret registry per provider, the checkpoint codec and sealer. Internal.
 */
export interface BankRuntime {
  readonly logger: Logger;
  readonly pollTimeoutMs: number;
  readonly clock: Clock;
  readonly codec: CheckpointCodec;
  /** Check adapter output against the model schemas. */
  validateModel(provider: string): boolean;
  readonly checkpointMaxAgeMs: number;
  readonly cancelTimeoutMs: number;
  httpFor(provider: string): ProviderHttp;
  secretsFor(provider: string): Secrets;
  onRequest(event: RequestEvent): void;
  /** Encrypts sensitive values for the checkpoint `binding`; undefined when they are to be left out. */
  seal(values: Record<string, string>, binding: string): Promise<SealedBlob | undefined>;
  unseal(blob: SealedBlob, binding: string): Promise<Record<string, string>>;
  /** Records a checkpoint id as used; false when it already was (on any instance sharing the store). */
  claim(id: string, ttlMs: number): Promise<boolean>;
}

export type { Checkpoint };
