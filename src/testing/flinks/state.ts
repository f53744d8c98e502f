/**
 * What the simulated Flinks instance knows: sessions (RequestIds), saved logins
 * (LoginIds), single-use authorize tokens, the clock, the scripted answers, and every
 * request it processed with its response (for tests to assert exact bodies).
 */
import { defaultAccounts, defaultHolder, type SimAccount, type SimHolder } from './data.js';
import { GREATDAY_LOGIN_ID, SANDBOX_PASSWORD, defaultAnswers, defaultChoices, defaultScenarios, type SimChallenge, type SimScenario, type SimStep } from './scenarios.js';

/** How to set up a Flinks simulator; every option has a default. */
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
  /** The endpoint name (`Authorize`, `GetAccountsDetail`, …). */
  endpoint: string;
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The authentication headers received (absent when not sent). */
  headers: {
    /** The single-use authorize token. */
    'flinks-auth-key'?: string;
    /** The data endpoints' API key. */
    'x-api-key'?: string;
  };
  /** The JSON body exactly as received (undefined for GET/DELETE). */
  body: unknown;
  /** The HTTP status answered. */
  status: number;
  /** The JSON body answered (or the text, when not JSON). */
  response: unknown;
  /** When (the simulator's clock, epoch ms). */
  at: number;
}

/** A saved login (a LoginId) and what reopens it. */
export interface SimLogin {
  /** Its LoginId. */
  loginId: string;
  /** Flinks' nightly refresh (SetScheduledRefresh); shown as `Login.IsScheduledRefresh`. */
  scheduledRefresh?: boolean;
  /** The institution name. */
  institution: string;
  /** As first given (Flinks echoes it in `Login.Username`). */
  username: string;
  /** The MFA prompts' language. */
  language: string;
  /** The scenario key (`institution/username`) it replays. */
  scenario: string;
  /** `Login.LastRefresh`, in Flinks' time format. */
  lastRefresh: string;
}

/** The data endpoints that can answer 202 and be polled. */
export type SimDataEndpoint = 'GetAccountsDetail' | 'GetAccountsSummary' | 'GetStatements';

/** A data request that answered 202: its RequestId answers it to every later data call. */
export interface SimDataOperation {
  /** The endpoint that started it. */
  endpoint: SimDataEndpoint;
  /** What the 202 says. */
  code: 'OPERATION_PENDING' | 'OPERATION_DISPATCHED';
  /** 202s left before the result. */
  pollsLeft: number;
  /** The body of the request that started it (its With* flags apply to the result). */
  request: Record<string, unknown>;
}

/** A session (a RequestId): an authorization in progress, or an open data session. */
export interface SimSession {
  /** Its RequestId. */
  requestId: string;
  /** The scenario key (`institution/username`) it plays. */
  scenario: string;
  /** The institution name. */
  institution: string;
  /** The user name given. */
  username: string;
  /** The MFA prompts' language. */
  language: string;
  /** A new link with credentials (`live`), a live refresh by LoginId (`refresh`), or cached data (`cached`). */
  mode: 'live' | 'refresh' | 'cached';
  /** The `{customerId}` of the path that opened it (part of what identifies a LoginId). */
  customerId: string;
  /** Known from the start for a refresh or a cached session; given at authorization for a new link. */
  loginId?: string;
  /** The `Tag` given, echoed back. */
  tag?: string;
  /** The MFA steps it plays. */
  steps: SimStep[];
  /** The index of the current step. */
  step: number;
  /** MFA pending, authorized, or ended. */
  status: 'mfa' | 'authorized' | 'ended';
  /** The SecurityChallenges of the current 203. */
  pending: SimChallenge[];
  /** When it was last used (its idle lifetime counts from then), epoch ms. */
  lastActivity: number;
  /** Trusted-device confirmations asked so far. */
  devicePolls: number;
  /** Security codes "sent" for this session (TextOrCall). */
  codeSends: Array<{
    /** The phone number it went to. */
    phone: string;
    /** `Text` or `Call`. */
    method: string;
  }>;
  /** Answers this session set (security-question resets), by the chosen question. */
  newQuestions: Record<string, string>;
  /** The data request that answered 202 on this RequestId, if any: Flinks keys its result by RequestId alone. */
  operation?: SimDataOperation;
  /** /AuthorizeAsync: the outcome of the last step, answered to the next poll (after `asyncPollsLeft` 202s). */
  deferred?: {
    /** The status to answer. */
    status: number;
    /** The body to answer. */
    body: unknown;
  };
  /** 202s left before `deferred` is answered. */
  asyncPollsLeft?: number;
}

/** What the simulated Flinks knows and how it behaves; tests read and change it (`sim.state`). */
export interface FlinksSimState {
  /** The secret key authorize tokens require, when set. */
  authKey?: string;
  /** The `x-api-key` data endpoints require, when set. */
  apiKey?: string;
  /** RequestId lifetime without activity, in ms. */
  sessionIdleMs: number;
  /** Authorize token lifetime, in ms. */
  tokenTtlMs: number;
  /** Added to the clock: advance it to make RequestIds and tokens expire. */
  clockOffsetMs: number;
  /** The simulator's current time (its clock plus `clockOffsetMs`), epoch ms. */
  now(): number;
  /** 202s an async data request answers before its result. */
  asyncPollsUntilReady: number;
  /** Trusted-device confirmations answered "still waiting" before the decision. */
  deviceApprovalAfterPolls: number;
  /** What the trusted-device user does. */
  deviceDecision: 'approve' | 'refuse';
  /** The status of INVALID_LOGIN. */
  invalidLoginStatus: 400 | 401;
  /** /DeleteCard answers plain text, as in 2018. */
  legacyDeleteCard: boolean;
  /** Bytes of padding in each PDF statement (to try the SDK's size bound). */
  statementPadding: number;
  /** Sandbox users by `institution/username` (lower case); add your own scenarios here. */
  scenarios: Record<string, SimScenario>;
  /** The password every sandbox user has. */
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
  /** The accounts every link holds. */
  accounts: SimAccount[];
  /** The holder every link has. */
  holder: SimHolder;
  /** Authorize tokens issued, by value. */
  tokens: Map<
    string,
    {
      /** When it was issued (epoch ms). */
      issuedAt: number;
      /** Used already: single-use tokens are refused the second time. */
      used: boolean;
    }
  >;
  /** Sessions by RequestId. */
  sessions: Map<string, SimSession>;
  /** Saved logins by LoginId. */
  logins: Map<string, SimLogin>;
  /** Pin the next RequestIds (to reproduce documented examples verbatim); random otherwise. */
  nextRequestIds: string[];
  /** Pin the next LoginIds; derived from the link otherwise. */
  nextLoginIds: string[];
  /** Pin `Login.LastRefresh` (Flinks format, UTC without offset); the clock otherwise. */
  lastRefresh?: string;
  /** Every processed request with its response, oldest first. */
  exchanges: FlinksExchange[];
  /** Every security code sent by text or call. */
  codeSends: Array<{
    /** The session it was sent for. */
    requestId: string;
    /** The phone number it went to. */
    phone: string;
    /** `Text` or `Call`. */
    method: string;
  }>;
}

export const DEFAULT_SESSION_IDLE_MS = 8 * 60_000;

/** `2020-04-15T22:46:03.1690585`: how Flinks writes times (UTC, no offset, 7 decimals). */
export function flinksTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000');
}

/** A fresh simulator state: the sandbox's users, answers and accounts, Greatday already linked. */
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
