/**
 * polybank: one typed Connection over several open-banking providers.
 * Providers live in their own entries (`polybank/flinks`, …); simulators in `polybank/testing`.
 *
 * @module polybank
 */
export { Polybank } from './core/polybank.js';
export type { PolybankOptions, BankEvents, ResumeOptions } from './core/polybank.js';
export { Connection } from './core/connection.js';
export type { ConnectionEvents, AuthenticateOptions } from './core/connection.js';
export type { Checkpoint } from './core/checkpoint.js';
export type { Logger } from './core/logger.js';
export type { RequestEvent, RetryPolicy, FetchLike, HttpMethod } from './core/http.js';
export type { AnyProvider, InputOf, RefOf, ProviderById, Json } from './core/provider.js';
// For provider authors: the interface a provider folder implements (see src/providers/*).
export type {
  ProviderAdapter,
  AdapterContext,
  Step,
  StillPending,
  Session,
  SessionUpdate,
  PollPlan,
  ChallengeSpec,
  ActiveInfo,
  CancelCause,
} from './core/provider.js';
export type { HttpRequest, HttpResponse, BeforeRequestHook, QueryValue } from './core/http.js';
export type { Secrets } from './core/redact.js';
export type { EncryptionOptions } from './core/sealer.js';
export { MemoryStore, versionConflict } from './core/store.js';
export type { CheckpointStore, StoreEntry, StoredEntry, SaveOptions } from './core/store.js';
export type { AuthProgress, StepOptions, StoreTtl } from './core/backend.js';
export { memoryRateLimiters } from './core/refresh.js';
export { simulatedClock, realClock } from './core/polling.js';
export type { Clock } from './core/polling.js';
export type { RateLimiter, RateLimiterFactory, Rate, RefreshOptions, RefreshResult } from './core/refresh.js';

// The normalized model: zod schemas are the source of the types.
export { Money, CurrencyCode, DecimalString, toMoney, toDecimalString, minorUnits, addDecimals, subtractDecimals, addMoney } from './core/model/money.js';
export { Account, AccountType, Balances } from './core/model/account.js';
export { Transaction, AccountHolder } from './core/model/transaction.js';
export type { TransactionQuery } from './core/model/transaction.js';
export {
  ConnectionStatus,
  ErrorReason,
  UserAction,
  REASONS,
  errorStatus,
} from './core/model/status.js';
export type { ReasonInfo, ErrorStatus, ActiveStatus } from './core/model/status.js';
export {
  ChallengeData,
  CredentialField,
  QuestionPrompt,
  ChoiceOption,
  ConsentOption,
  CredentialsAnswer,
  OtpAnswer,
  QuestionsAnswer,
  ChoiceAnswer,
  RedirectAnswer,
  ConsentAnswer,
} from './core/model/challenge.js';
export type {
  Challenge,
  ChallengeType,
  CredentialsChallenge,
  OtpChallenge,
  QuestionsChallenge,
  ChoiceChallenge,
  DecoupledChallenge,
  RedirectChallenge,
  ConsentChallenge,
  AnswerByType,
  ChallengeDataOf,
  ChallengeDataInput,
  NormalizedAnswer,
  NormalizedAnswerOf,
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
