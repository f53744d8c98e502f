/**
 * polybank/provider: the public API for provider authors. Everything a provider needs,
 * whether it lives in this repository (`src/providers/*` import only from here) or in your
 * own package: `defineProvider`, the adapter interface and its context, the failure table,
 * pagination, single-flight token caches, exact money and the other helpers.
 *
 * Stability: this entry follows semver like the root entry. A minor release may add
 * optional members to `ProviderAdapter`, `AdapterContext` and the hook types; it never
 * removes or changes one (that is a major release).
 *
 * ```ts
 * import { defineProvider, failureTable } from 'polybank/provider';
 * export const mybank = defineProvider({
 *   id: 'mybank',
 *   options: z.object({ apiKey: z.string() }),
 *   secrets: (o) => [o.apiKey],
 *   create: (o) => ({ schemas, http: { baseUrl, failures }, start, open, answer, poll, accounts }),
 * });
 * ```
 *
 * @module polybank/provider
 */
export { defineProvider } from './core/define.js';
export type { ProviderDefinition, ProviderFactory, AdapterBody } from './core/define.js';

export type {
  ProviderAdapter,
  ProviderSchemas,
  ProviderActions,
  ProviderAction,
  ActionTarget,
  AdapterContext,
  Step,
  StillPending,
  Session,
  SessionUpdate,
  PollPlan,
  Page,
  ChallengeSpec,
  ActiveInfo,
  CancelCause,
  Json,
  AnyProvider,
} from './core/provider.js';
export type {
  HttpRequest,
  HttpResponse,
  HttpMethod,
  QueryValue,
  ProviderHttpConfig,
  BeforeRequestHook,
  AfterResponseHook,
  HookContext,
  CallScope,
} from './core/http.js';
export type { Secrets } from './core/redact.js';
export type { Logger, LogLevel } from './core/logger.js';
export { log } from './core/logger.js';
export { isSecretKey, REDACTED } from './core/redact.js';
export type { StandardSchemaV1, SchemaInput, SchemaOutput, SchemaIssue } from './core/schema.js';

// Failures: the provider's code table, one HTTP-status fallback for all.
export { failureTable, codeRow } from './core/failures.js';
export type { FailureTable, ProviderFailure, CodeRow, FailureHint } from './core/failures.js';

// Shared requests and values that expire.
export { SingleFlight, TokenCache } from './core/single-flight.js';
export type { Expiring, TokenCacheOptions } from './core/single-flight.js';

// Values read from the wire.
export { money, WireAmount, isoTimestamp, randomId, uuid } from './core/kit.js';
export { parseRetryAfter, parseResetHeader, parseCountHeader, MAX_HEADER_WAIT_MS } from './core/headers.js';
export { accountTypeOf } from './core/model/account-types.js';
export {
  toMoney,
  toDecimalString,
  minorUnits,
  addDecimals,
  subtractDecimals,
  addMoney,
  negateDecimal,
  owedBalance,
  InvalidAmountError,
} from './core/model/money.js';

// The normalized model an adapter produces.
export type { Account, AccountType } from './core/model/account.js';
export type { Transaction, AccountHolder, TransactionQuery } from './core/model/transaction.js';
export type { Money } from './core/model/money.js';
export type {
  ChallengeData,
  ChallengeDataOf,
  ChallengeDataInput,
  ChallengeType,
  CredentialField,
  QuestionPrompt,
  NormalizedAnswer,
  NormalizedAnswerOf,
} from './core/model/challenge.js';
export type { ErrorReason, UserAction, ConnectionStatus } from './core/model/status.js';
export { REASONS, errorStatus } from './core/model/status.js';

// Answers and callbacks, checked the way the core checks them (a provider that takes the
// same values in its connect input, or a callback outside the challenge loop).
export { validateAnswer, callbackParams } from './core/answers.js';

// Errors an adapter throws (the core types everything else it sees).
export {
  PolybankError,
  ConfigurationError,
  ValidationError,
  ChallengeStateError,
  ProviderResponseError,
  ConnectionError,
  UnsupportedError,
  AbortedError,
  InvalidAnswerError,
  isPolybankError,
  isConnectionError,
  isInvalidAnswerError,
  isAbortedError,
  isProviderResponseError,
} from './core/errors.js';
export type { PolybankErrorOptions, ConnectionErrorOptions, Issue } from './core/errors.js';
