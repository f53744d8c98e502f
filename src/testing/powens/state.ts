import { isoTimestamp } from '../../core/kit.js';

/**
 * What the simulated Powens domain knows: users and tokens, connections with their
 * state, scenario progress and `expire` windows, accounts, transactions, single-use
 * codes, and every request it processed (with its body) for tests to assert on.
 */

/** The test connector's `openapiwebsite` / `directaccesswebsite` scenario values. */
export const POWENS_SCENARIOS = [
  'par',
  'pro',
  'wrongpass',
  'additionalInformationNeeded',
  'websiteUnavailable',
  'actionNeeded',
  'bug',
  'shortDecoupled',
  'doubleotp',
  'SCARequired',
  'webauthRequired',
  'passwordExpired',
  'longDecoupled',
  'SCARequiredAndDecoupled',
  'SCARequiredAndOTP',
  'notSupported',
  'otp_transfer',
  'AppValidationCancelled',
  'AppValidationExpired',
] as const;
/** A scenario value of the test connector (`par`, `wrongpass`, `SCARequired`, …). */
export type PowensScenario = (typeof POWENS_SCENARIOS)[number];

/**
 * What the test connector's backend (woob's `example_openapi`) accepts: its advertised
 * list plus `ping`, which only its own error text names (recorded `config` error).
 */
export const ACCEPTED_SCENARIOS = [
  'par', 'pro', 'wrongpass', 'additionalInformationNeeded', 'websiteUnavailable', 'actionNeeded', 'bug', 'ping', 'otp_transfer', 'shortDecoupled',
  'doubleotp', 'webauthRequired', 'SCARequired', 'passwordExpired', 'longDecoupled', 'SCARequiredAndDecoupled', 'SCARequiredAndOTP',
  'AppValidationCancelled', 'AppValidationExpired', 'notSupported',
] as const;

/** The interactive steps a connection still has to go through. */
export type SimStep = 'otp' | 'decoupled' | 'webauth';

/** A connector or connection field, in Powens' wire names. */
export interface SimField {
  /** The field's name: the key of its value when answering. */
  name: string;
  /** What to show next to the input. */
  label: string;
  /** Help text. */
  description?: string | null;
  /** A regular expression the value must match. */
  regex?: string | null;
  /** A preset value. */
  value?: string | null;
  /** `text`, `password`, `list`, `date`, … */
  type: string;
  /** For `list` fields: the values offered. */
  values?: Array<{
    /** What the user sees. */
    label: string;
    /** What the answer gives. */
    value: string;
  }>;
  /** Whether a value must be given. */
  required?: boolean;
}

/** A simulated connection and its progress through its scenario. */
export interface SimConnection {
  /** Its id. */
  id: number;
  /** The user it belongs to. */
  userId: number;
  /** The scenario it plays (the test connector's scenario field). */
  scenario: string;
  /** The connector source targeted, if any. */
  source?: string;
  /** The login given. */
  login: string;
  /** Its state (`null` when synced, `SCARequired`, `wrongpass`, …). */
  state: string | null;
  /** Its `error_message`. */
  errorMessage: string | null;
  /** What the user is asked now (an OTP, a question), if anything. */
  fields: SimField[] | null;
  /** When it was created (Powens' zone-less format). */
  created: string;
  /** When it last synced. */
  lastUpdate: string | null;
  /** Until when it waits for the user, before it is purged. */
  expire: string | null;
  /** When Powens retries, for the automatic-retry states. */
  nextTry: string | null;
  /** Interactive steps left before the connection syncs. */
  steps: SimStep[];
  /** `resume: true` was posted with `?background=true` for the current approval. */
  backgroundResume: boolean;
  /** GETs seen while validating. */
  polls: number;
  /** OTPs sent (SMS) and app pushes sent to the user. */
  otpSends: number;
  /** App pushes sent (decoupled approvals). */
  pushes: number;
  /** Syncs forced with the user present (SCA triggered). */
  forcedSyncs: number;
  /** The expected answer of the current `fields` (null: the configured OTP). */
  expectedAnswer?: Record<string, string>;
  /** The last answer the user gave to an OTP (the test connector's second doubleotp prompt quotes it). */
  previousAnswer?: string;
  /** Created through the bank's page (webauth), not with credentials. */
  webauth?: boolean;
  /** Its connector, when not the test connector. */
  connector?: {
    /** Its numeric id. */
    id: number;
    /** Its UUID. */
    uuid: string;
  };
}

/** A simulated Powens user. */
export interface SimUser {
  /** Its id. */
  id: number;
  /** Created with the client's credentials (a permanent token), not anonymously. */
  permanent: boolean;
  /** Deleted: its tokens are refused. */
  deleted: boolean;
}

/** A temporary code (`/auth/token/code`, a webauth token). */
export interface SimCode {
  /** The user it is for. */
  userId: number;
  /** Usable once (`singleAccess`). */
  single: boolean;
  /** Used already. */
  used: boolean;
  /** When it expires (epoch ms). */
  expiresAt: number;
}

/** One request the simulated API processed. */
export interface ReceivedRequest {
  /** The endpoint name. */
  endpoint: string;
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The parsed body (the simulator is the provider: it sees credentials, as Powens would). */
  body: unknown;
  /** The bearer token's user, when one was sent and valid. */
  userId?: number;
}

/** How to set up a Powens simulator; every option has a default. */
export interface PowensSimulatorOptions {
  /** The client application the simulator accepts. Default `98765432` / `sim-client-secret` (no digits of the test password `1234`: a registered secret is redacted wherever it appears). */
  clientId?: string;
  /** The client secret it accepts (see `clientId`). */
  clientSecret?: string;
  /** The test connector's valid password. Default `1234`. */
  password?: string;
  /** The OTP the test connector asks for. Default `abcd` ("Dites abcd"). */
  otp?: string;
  /** The OTP field's label. Default `Dites <otp>`: the test connector tells the code (set another for canary tests). */
  otpLabel?: string;
  /** `secret_key` of the simulated hmac_signature webhook auth provider. */
  webhookSecret?: string;
  /** GETs while validating before a short decoupled approval (or a validating sync) settles. Default 2. */
  decoupledPolls?: number;
  /** The same for `longDecoupled`. Default 6. */
  longDecoupledPolls?: number;
  /** How long a connection waiting for the user lives (`expire`); then it is purged. Default 2 hours. */
  expireMs?: number;
  /** New accounts are disabled (recorded sandbox behaviour); disabled accounts have no transactions. Default true. */
  newAccountsDisabled?: boolean;
  /** Status of a successful create: 200 (SPEC, recorded) or 201 (docs). Default 200. */
  createStatus?: 200 | 201;
  /** Delete answers 200 `{}` (recorded) or 204 (SPEC). Default 200. */
  deleteStatus?: 200 | 204;
  /** How the wrong-password code is spelled: `wrongpass` (SPEC, recorded) or `wrongPass` (docs). */
  wrongpassCode?: 'wrongpass' | 'wrongPass';
  /** Largest transactions page served (the API's maximum is 1000). */
  maxPageSize?: number;
  /** Serve transactions the 2021 way: no `_links`, a `total`, offset paging. */
  legacyTransactions?: boolean;
  /** What the bank's webauth page does with the user. Default `approve`. */
  webauthOutcome?: 'approve' | 'access_denied' | 'session_expired' | 'tos_declined' | 'server_error';
  /**
   * The zone of the API's zone-less date-times (`created`, `last_update`, `expire`,
   * `next_try`, …): `Europe/Paris` (default, as polybank reads them) or `UTC`.
   */
  timeZone?: string;
  /** The second OTP prompt of `doubleotp` quotes the first answer, as the sandbox's does. Default true. */
  echoPreviousAnswer?: boolean;
  /** Serve account ownerships (Powens Check). Default true; false answers 404 as a domain without Check. */
  accountOwnerships?: boolean;
}

/** What the simulated Powens knows and how it behaves; tests read and change it (`sim.state`). */
export interface PowensSimState {
  /** The options, defaults applied. */
  readonly options: Required<Omit<PowensSimulatorOptions, 'webauthOutcome'>> & {
    /** What the bank's webauth page does with the user. */
    webauthOutcome: NonNullable<PowensSimulatorOptions['webauthOutcome']>;
  };

  /** Users by id. */
  users: Map<number, SimUser>;
  /** Token → user id. */
  tokens: Map<string, number>;
  /** Every token ever issued (also those of deleted users), for secret-canary tests. */
  issuedTokens: string[];
  /** Connections by id. */
  connections: Map<number, SimConnection>;
  /** Account id → the account object (wire shape). */
  accounts: Map<number, Record<string, unknown>>;
  /** Account id → its transactions (wire shape). */
  transactions: Map<number, Array<Record<string, unknown>>>;
  /** Temporary codes (`/auth/token/code`, webauth tokens). */
  codes: Map<string, SimCode>;
  /** The last id issued, per kind. */
  seq: {
    /** Users. */
    user: number;
    /** Connections. */
    connection: number;
    /** Accounts. */
    account: number;
    /** Transactions. */
    transaction: number;
    /** Tokens. */
    token: number;
    /** Requests. */
    request: number;
  };
  /** Every request the simulated API processed, oldest first. */
  received: ReceivedRequest[];
}

/** A fresh simulator state with the options' defaults applied. */
export function createPowensState(options: PowensSimulatorOptions = {}): PowensSimState {
  return {
    options: {
      clientId: options.clientId ?? '98765432',
      clientSecret: options.clientSecret ?? 'sim-client-secret',
      password: options.password ?? '1234',
      otp: options.otp ?? 'abcd',
      otpLabel: options.otpLabel ?? `Dites ${options.otp ?? 'abcd'}`,
      webhookSecret: options.webhookSecret ?? 'sim-webhook-secret',
      decoupledPolls: options.decoupledPolls ?? 2,
      longDecoupledPolls: options.longDecoupledPolls ?? 6,
      expireMs: options.expireMs ?? 2 * 60 * 60_000,
      newAccountsDisabled: options.newAccountsDisabled ?? true,
      createStatus: options.createStatus ?? 200,
      deleteStatus: options.deleteStatus ?? 200,
      wrongpassCode: options.wrongpassCode ?? 'wrongpass',
      maxPageSize: options.maxPageSize ?? 1000,
      legacyTransactions: options.legacyTransactions ?? false,
      webauthOutcome: options.webauthOutcome ?? 'approve',
      timeZone: options.timeZone ?? 'Europe/Paris',
      echoPreviousAnswer: options.echoPreviousAnswer ?? true,
      accountOwnerships: options.accountOwnerships ?? true,
    },

    users: new Map(),
    tokens: new Map(),
    issuedTokens: [],
    connections: new Map(),
    accounts: new Map(),
    transactions: new Map(),
    codes: new Map(),
    seq: { user: 2000, connection: 1300, account: 17500, transaction: 119600, token: 0, request: 0 },
    received: [],
  };
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM:SS`, the API's date-time format, in `timeZone` (default UTC). */
export function sqlTime(ms: number, timeZone = 'UTC'): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** An API date-time read back in `timeZone` (default UTC), as epoch ms. */
export function parseSqlTime(value: string | null, timeZone = 'UTC'): number | undefined {
  if (!value) return undefined;
  const iso = isoTimestamp(value, timeZone === 'UTC' ? 'Z' : { timeZone });
  return iso === undefined ? undefined : Date.parse(iso);
}
