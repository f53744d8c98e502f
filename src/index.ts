/**
 * polybank: one typed Connection over several open-banking providers — what an application
 * needs. Providers live in their own entries (`polybank/flinks`, …); simulators in
 * `polybank/testing`; the API for writing a provider in `polybank/provider`.
 *
 * Stability: semver. A minor release may add exports, options and optional fields; it never
 * removes or changes one (that is a major release). Anything not exported here is internal.
 *
 * @module polybank
 */
export { Polybank } from './core/polybank.js';
export type { PolybankOptions, BankEvents, ResumeOptions, ConnectionOf } from './core/polybank.js';
export { Connection } from './core/connection.js';
export type { ConnectionEvents, AuthenticateOptions } from './core/connection.js';
export type { CallOptions } from './core/flow/index.js';
export type { Listener } from './core/emitter.js';
export type { Checkpoint } from './core/checkpoint.js';
export type { EncryptionOptions } from './core/sealer.js';
export type { Logger, LogLevel } from './core/logger.js';
export type { RequestEvent, RetryPolicy, FetchLike, HttpMethod } from './core/http.js';
export type { AnyProvider, InputOf, RefOf, RefInputOf, ProviderById, ActionsOf, Json } from './core/provider.js';

// The request/response API and where it keeps authentications.
export type { AuthProgress, StepOptions, StoreTtl } from './core/backend.js';
export { MemoryStore, versionConflict } from './core/store.js';
export type { CheckpointStore, StoreEntry, StoredEntry, SaveOptions } from './core/store.js';

// Many stored connections in one process (polybank/bullmq for many workers).
export { memoryRateLimiters } from './core/refresh.js';
export type { RateLimiter, RateLimiterFactory, Rate, RefreshOptions, RefreshResult } from './core/refresh.js';
export { simulatedClock, realClock } from './core/polling.js';
export type { Clock } from './core/polling.js';

// The normalized model: zod schemas are the source of the types.
export { Money, CurrencyCode, DecimalString, addMoney } from './core/model/money.js';
export { Account, AccountType, Balances } from './core/model/account.js';
export { Transaction, AccountHolder } from './core/model/transaction.js';
export type { TransactionQuery } from './core/model/transaction.js';
export { ConnectionStatus, ErrorReason, UserAction, REASONS } from './core/model/status.js';
export type { ReasonInfo, ErrorStatus, ActiveStatus } from './core/model/status.js';
export { ChallengeData } from './core/model/challenge.js';
export type {
  Challenge,
  ChallengeType,
  ChallengeDataOf,
  CredentialsChallenge,
  OtpChallenge,
  QuestionsChallenge,
  ChoiceChallenge,
  DecoupledChallenge,
  RedirectChallenge,
  ConsentChallenge,
  CredentialField,
  QuestionPrompt,
  AnswerByType,
  CredentialsAnswer,
  OtpAnswer,
  QuestionsAnswer,
  ChoiceAnswer,
  RedirectAnswer,
  ConsentAnswer,
} from './core/model/challenge.js';

export {
  PolybankError,
  ConfigurationError,
  ValidationError,
  InvalidAnswerError,
  ChallengeStateError,
  ProviderResponseError,
  NetworkError,
  TimeoutError,
  AbortedError,
  CheckpointError,
  UnsupportedError,
  ConflictError,
  ConnectionError,
  isPolybankError,
  isConfigurationError,
  isValidationError,
  isInvalidAnswerError,
  isChallengeStateError,
  isProviderResponseError,
  isNetworkError,
  isTimeoutError,
  isAbortedError,
  isCheckpointError,
  isUnsupportedError,
  isConflictError,
  isConnectionError,
} from './core/errors.js';
export type { Issue, PolybankErrorOptions, ConnectionErrorOptions } from './core/errors.js';
