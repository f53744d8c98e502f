import type { CheckpointCodec, SealedBlob } from './checkpoint.js';
import type { ProviderHttp, RequestEvent } from './http.js';
import type { Logger } from './logger.js';
import type { Clock } from './polling.js';
import type { Secrets } from './redact.js';

/**
 * What a Polybank shares with its connections: settings normalized once, one HTTP
 * client and one secret registry per provider, the checkpoint codec. Internal.
 */
export interface BankRuntime {
  readonly logger: Logger;
  readonly pollTimeoutMs: number;
  readonly clock: Clock;
  readonly codec: CheckpointCodec;
  httpFor(provider: string): ProviderHttp;
  secretsFor(provider: string): Secrets;
  onRequest(event: RequestEvent): void;
  /** Encrypts sensitive session values for a checkpoint; undefined when no key is configured (they are then left out). */
  seal(values: Record<string, string>): Promise<SealedBlob | undefined>;
  unseal(blob: SealedBlob): Promise<Record<string, string>>;
}
