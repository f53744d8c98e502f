/**
 * What the simulated Flinks instance knows: sessions (RequestIds), saved logins
 * (LoginIds), single-use authorize tokens, the clock, the scripted answers, and every
 * request it processed with its response (for tests to assert exact bodies).
 */
import { defaultAccounts, defaultHolder, type SimAccount, type SimHolder } from './data.js';
import { GREATDAY_LOGIN_ID, SANDBOX_PASSWORD, defaultAnswers, defaultChoices, defaultScenarios, type SimChallenge, type SimScenario, type SimStep } from './scenarios.js';

export interface FlinksSimulatorOptions {
  /** Your secret key: GenerateAuthorizeToken then requires it, and /Authorize a fresh single-use token. */
  authKey?: string;
  /** When set, data endpoints (GetAccountsDetail, …, DeleteCard) require this `x-api-key`. */
  apiKey?: string;
  /** RequestId lifetime without activity (default 8 minutes, as documented). */
  sessionIdleMs?: number;
  /** Authorize token lifetime (default 30 minutes). */
  tokenTtlMs?: number;
  /** The simulator's clock (default Date.now); `state.clockOffsetMs` moves it too. */
  now?: () => number;
  /** GetAccountsDetailAsync answers 202 this many times before the 200 (default 1). */
  asyncPollsUntilReady?: number;
  /** Trusted-device confirmations answered "still waiting" (203) before approval (default 1). */
  deviceApprovalAfterPolls?: number;
  /** INVALID_LOGIN is 401 in current docs, 400 in the oldest help article (default 401). */
  invalidLoginStatus?: 400 | 401;
  /** /DeleteCard answers like in 2018: plain-text bodies (default false). */
  legacyDeleteCard?: boolean;
  /** Bytes of padding in each PDF statement (default 0: a small one-page PDF). */
  statementPadding?: number;
}

/** One request the simulator processed, and what it answered. */
export interface FlinksExchange {
  endpoint: string;
  method: string;
  path: string;
  /** The authentication headers received (absent when not sent). */
  headers: { 'flinks-auth-key'?: string; 'x-api-key'?: string };
  /** The JSON body exactly as received (undefined for GET/DELETE). */
  body: unknown;
  status: number;
  /** The JSON body answered (or the text, when not JSON). */
  response: unknown;
  at: number;
}

export interface SimLogin {
  loginId: string;
  /** Flinks' nightly refresh (SetScheduledRefresh); shown as `Login.IsScheduledRefresh`. */
  scheduledRefresh?: boolean;
  institution: string;
  /** As first given (Flinks echoes it in `Login.Username`). */
  username: string;
  language: string;
  scenario: string;
  lastRefresh: string;
}

export type SimDataEndpoint = 'GetAccountsDetail' | 'GetAccountsSummary' | 'GetStatements';

/** A data request that answered 202: its RequestId answers it to every later data call. */
export interface SimDataOperation {
  endpoint: SimDataEndpoint;
  code: 'OPERATION_PENDING' | 'OPERATION_DISPATCHED';
  pollsLeft: number;
  /** The body of the request that started it (its With* flags apply to the result). */
  request: Record<string, unknown>;
}

export interface SimSession {
  requestId: string;
  scenario: string;
  institution: string;
  username: string;
  language: string;
  mode: 'live' | 'refresh' | 'cached';
  /** The `{customerId}` of the path that opened it (part of what identifies a LoginId). */
  customerId: string;
  /** Known from the start for a refresh or a cached session; given at authorization for a new link. */
  loginId?: string;
  tag?: string;
  steps: SimStep[];
  step: number;
  status: 'mfa' | 'authorized' | 'ended';
  /** The SecurityChallenges of the current 203. */
  pending: SimChallenge[];
  lastActivity: number;
  devicePolls: number;
  /** Security codes "sent" for this session (TextOrCall). */
  codeSends: Array<{ phone: string; method: string }>;
  /** Answers this session set (security-question resets), by the chosen question. */
  newQuestions: Record<string, string>;
  /** The data request that answered 202 on this RequestId, if any: Flinks keys its result by RequestId alone. */
  operation?: SimDataOperation;
  /** /AuthorizeAsync: the outcome of the last step, answered to the next poll (after `asyncPollsLeft` 202s). */
  deferred?: { status: number; body: unknown };
  asyncPollsLeft?: number;
}

export interface FlinksSimState {
  authKey?: string;
  apiKey?: string;
  sessionIdleMs: number;
  tokenTtlMs: number;
  /** Added to the clock: advance it to make RequestIds and tokens expire. */
  clockOffsetMs: number;
  now(): number;
  asyncPollsUntilReady: number;
  deviceApprovalAfterPolls: number;
  /** What the trusted-device user does. */
  deviceDecision: 'approve' | 'refuse';
  invalidLoginStatus: 400 | 401;
  legacyDeleteCard: boolean;
  /** Bytes of padding in each PDF statement (to try the SDK's size bound). */
  statementPadding: number;
  /** Sandbox users by `institution/username` (lower case); add your own scenarios here. */
  scenarios: Record<string, SimScenario>;
  password: string;
  /** The FlinksCapital question (one of the three documented ones). */
  flinksQuestion: string;
  /** QuestionAndAnswer prompt → expected answer (case-insensitive). */
  answers: Record<string, string>;
  /** MultipleChoice(MultipleAnswers) prompt → expected picks; any offered pick when absent. */
  choices: Record<string, string[]>;
  /** Index (0-based) of the user's personal image among the 16. */
  imageIndex: number;
  /** The SecurID token value. */
  securId: string;
  /** The code a TextOrCall sends. */
  securityCode: string;
  accounts: SimAccount[];
  holder: SimHolder;
  tokens: Map<string, { issuedAt: number; used: boolean }>;
  sessions: Map<string, SimSession>;
  logins: Map<string, SimLogin>;
  /** Pin the next RequestIds / LoginIds (to reproduce documented examples verbatim); random/derived otherwise. */
  nextRequestIds: string[];
  nextLoginIds: string[];
  /** Pin `Login.LastRefresh` (Flinks format, UTC without offset); the clock otherwise. */
  lastRefresh?: string;
  /** Every processed request with its response, oldest first. */
  exchanges: FlinksExchange[];
  /** Every security code sent by text or call. */
  codeSends: Array<{ requestId: string; phone: string; method: string }>;
}

export const DEFAULT_SESSION_IDLE_MS = 8 * 60_000;

/** `2020-04-15T22:46:03.1690585`: how Flinks writes times (UTC, no offset, 7 decimals). */
export function flinksTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

export function createFlinksState(options: FlinksSimulatorOptions = {}): FlinksSimState {
  const clock = options.now ?? (() => Date.now());
  const state: FlinksSimState = {
    ...(options.authKey !== undefined ? { authKey: options.authKey } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    sessionIdleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    tokenTtlMs: options.tokenTtlMs ?? 30 * 60_000,
    clockOffsetMs: 0,
    now: () => clock() + state.clockOffsetMs,
    asyncPollsUntilReady: options.asyncPollsUntilReady ?? 1,
    deviceApprovalAfterPolls: options.deviceApprovalAfterPolls ?? 1,
    deviceDecision: 'approve',
    invalidLoginStatus: options.invalidLoginStatus ?? 401,
    legacyDeleteCard: options.legacyDeleteCard ?? false,
    statementPadding: options.statementPadding ?? 0,
    scenarios: defaultScenarios(),
    password: SANDBOX_PASSWORD,
    flinksQuestion: 'What shape do people like most?',
    answers: defaultAnswers(),
    choices: defaultChoices(),
    imageIndex: 5,
    securId: '123456',
    securityCode: '123456',
    accounts: defaultAccounts(),
    holder: defaultHolder(),
    tokens: new Map(),
    sessions: new Map(),
    logins: new Map(),
    nextRequestIds: [],
    nextLoginIds: [],
    exchanges: [],
    codeSends: [],
  };
  // Greatday is already linked in the sandbox: cached mode works on its documented LoginId.
  state.logins.set(GREATDAY_LOGIN_ID, {
    loginId: GREATDAY_LOGIN_ID,
    institution: 'FlinksCapital',
    username: 'Greatday',
    language: 'en',
    scenario: 'flinkscapital/greatday',
    lastRefresh: '2019-05-09T13:47:46.5227901',
  });
  return state;
}
