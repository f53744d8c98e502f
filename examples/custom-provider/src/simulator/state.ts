/**
 * What the simulated GoCardless knows: the application's secrets and tokens, institutions,
 * agreements, requisitions and the accounts they link, the rate-limit windows, and a clock
 * that tests move forward (agreements last days; tests do not).
 */
import { defaultInstitutions, materialize, type SimAccountTemplate, type SimInstitution } from './data.js';

export type ShortStatus = 'CR' | 'GC' | 'UA' | 'RJ' | 'SA' | 'GA' | 'LN' | 'EX' | 'SU';
export const LONG_STATUS: Readonly<Record<ShortStatus, string>> = {
  CR: 'CREATED',
  GC: 'GIVING_CONSENT',
  UA: 'UNDERGOING_AUTHENTICATION',
  RJ: 'REJECTED',
  SA: 'SELECTING_ACCOUNTS',
  GA: 'GRANTING_ACCESS',
  LN: 'LINKED',
  EX: 'EXPIRED',
  SU: 'SUSPENDED',
};
export type AccountStatus = 'DISCOVERED' | 'PROCESSING' | 'READY' | 'ERROR' | 'EXPIRED' | 'SUSPENDED';
export type Scope = 'balances' | 'details' | 'transactions';
/** GoCardless's own per-company limits ([LIMITS] in RESEARCH.md), one window each. */
export type LimitGroup = 'accounts' | 'institutions' | 'create' | 'read' | 'accept' | 'delete' | 'tokenNew' | 'tokenRefresh';

export interface GoCardlessSimulatorOptions {
  /** The user secret the simulator accepts (portal "User secrets"). */
  secretId?: string;
  secretKey?: string;
  institutions?: SimInstitution[];
  /** Access token lifetime (documented: 86400 s). */
  accessTtlSeconds?: number;
  /** Refresh token lifetime (documented: 2592000 s). */
  refreshTtlSeconds?: number;
  /** Successful calls per account, per scope, per day (the banks' floor: 4). */
  dailyAccountLimit?: number;
  /** Overrides of GoCardless's own limits per window (documented defaults otherwise). */
  limits?: Partial<Record<LimitGroup, number>>;
  /** Statuses as the live API writes them (`LN`) or as the OpenAPI document does (`LINKED`). */
  statusForm?: 'short' | 'long';
  /** Rate-limit header names: as seen on the wire (`X-RateLimit-*`), as documented (`HTTP_X_RATELIMIT_*`), or none. */
  rateLimitHeaders?: 'wire' | 'documented' | 'none';
  /** Polls of a `slow` link (still granting access when the user is back) before it is linked. */
  pollsUntilLinked?: number;
}

const LIMITS: Readonly<Record<LimitGroup, { limit: number; windowMs: number }>> = {
  accounts: { limit: 100, windowMs: 60_000 },
  institutions: { limit: 300, windowMs: 60_000 },
  create: { limit: 100, windowMs: 60_000 },
  read: { limit: 300, windowMs: 60_000 },
  accept: { limit: 100, windowMs: 60_000 },
  delete: { limit: 100, windowMs: 60_000 },
  tokenNew: { limit: 100, windowMs: 3_600_000 },
  tokenRefresh: { limit: 100, windowMs: 60_000 },
};
const DAY_MS = 86_400_000;

export interface SimToken {
  value: string;
  kind: 'access' | 'refresh';
  expiresAt: number;
}

export interface SimAgreement {
  id: string;
  created: string;
  institution_id: string;
  max_historical_days: number;
  access_valid_for_days: number;
  access_scope: Scope[];
  accepted: string | null;
  deleted: boolean;
}

export interface SimRequisition {
  id: string;
  created: string;
  redirect: string;
  status: ShortStatus;
  institution_id: string;
  agreement: string;
  reference: string;
  accounts: string[];
  user_language: string;
  ssn: string | null;
  account_selection: boolean;
  redirect_immediate: boolean;
  /** Polls left before a `slow` link becomes LN. */
  pollsLeft?: number;
  deleted: boolean;
}

export interface SimAccount {
  id: string;
  requisitionId: string;
  institutionId: string;
  created: string;
  lastAccessed: string | null;
  status: AccountStatus;
  data: SimAccountTemplate;
}

interface Window {
  start: number;
  count: number;
}

function uuid(): string {
  return crypto.randomUUID();
}

function token(): string {
  // JWT-shaped, as GoCardless's are; the payload is random (the simulator keeps the expiry itself).
  const part = (bytes: number): string => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes)))).replace(/[+/=]/g, '');
  return `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${part(48)}.${part(32)}`;
}

export class GoCardlessSimState {
  readonly secretId: string;
  readonly secretKey: string;
  readonly institutions: Map<string, SimInstitution>;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  dailyAccountLimit: number;
  statusForm: 'short' | 'long';
  rateLimitHeaders: 'wire' | 'documented' | 'none';
  pollsUntilLinked: number;
  readonly limits: Record<LimitGroup, { limit: number; windowMs: number }>;
  readonly tokens = new Map<string, SimToken>();
  readonly agreements = new Map<string, SimAgreement>();
  readonly requisitions = new Map<string, SimRequisition>();
  readonly accounts = new Map<string, SimAccount>();
  /** Every token ever issued (access and refresh), for secret-leak searches in tests. */
  readonly issued: string[] = [];
  readonly #windows = new Map<string, Window>();
  #offsetMs = 0;

  constructor(options: GoCardlessSimulatorOptions = {}) {
    this.secretId = options.secretId ?? 'sandbox-secret-id-0f8d2c';
    this.secretKey = options.secretKey ?? 'sandbox-secret-key-6b1e0c9a4d7f';
    this.institutions = new Map((options.institutions ?? defaultInstitutions()).map((i) => [i.id, i]));
    this.accessTtlSeconds = options.accessTtlSeconds ?? 86_400;
    this.refreshTtlSeconds = options.refreshTtlSeconds ?? 2_592_000;
    this.dailyAccountLimit = options.dailyAccountLimit ?? 4;
    this.statusForm = options.statusForm ?? 'short';
    this.rateLimitHeaders = options.rateLimitHeaders ?? 'wire';
    this.pollsUntilLinked = options.pollsUntilLinked ?? 2;
    this.limits = Object.fromEntries(
      Object.entries(LIMITS).map(([group, spec]) => [group, { ...spec, limit: options.limits?.[group as LimitGroup] ?? spec.limit }]),
    ) as Record<LimitGroup, { limit: number; windowMs: number }>;
  }

  // ------------------------------------------------------------ time

  /** The simulator's clock: real time plus what tests advanced. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Moves the simulator's clock forward (tokens, agreements and rate-limit windows expire). */
  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  iso(time = this.now()): string {
    return new Date(time).toISOString();
  }

  // ------------------------------------------------------------ tokens

  issue(kind: 'access' | 'refresh'): SimToken {
    const ttl = kind === 'access' ? this.accessTtlSeconds : this.refreshTtlSeconds;
    const issued: SimToken = { value: token(), kind, expiresAt: this.now() + ttl * 1000 };
    this.tokens.set(issued.value, issued);
    this.issued.push(issued.value);
    return issued;
  }

  valid(value: string | undefined, kind: 'access' | 'refresh'): boolean {
    const known = value === undefined ? undefined : this.tokens.get(value);
    return known !== undefined && known.kind === kind && known.expiresAt > this.now();
  }

  /** Makes every access token issued so far invalid (as a key rotation at GoCardless would). */
  revokeAccessTokens(): void {
    for (const [value, t] of this.tokens) if (t.kind === 'access') this.tokens.delete(value);
  }

  // ------------------------------------------------------------ agreements and requisitions

  createAgreement(fields: Omit<SimAgreement, 'id' | 'created' | 'accepted' | 'deleted'>): SimAgreement {
    const agreement: SimAgreement = { ...fields, id: uuid(), created: this.iso(), accepted: null, deleted: false };
    this.agreements.set(agreement.id, agreement);
    return agreement;
  }

  createRequisition(fields: Omit<SimRequisition, 'id' | 'created' | 'status' | 'accounts' | 'deleted'>): SimRequisition {
    const requisition: SimRequisition = { ...fields, id: uuid(), created: this.iso(), status: 'CR', accounts: [], deleted: false };
    this.requisitions.set(requisition.id, requisition);
    return requisition;
  }

  /** The requisition as it is now: a linked one whose access ran out has expired, with its accounts. */
  requisition(id: string): SimRequisition | undefined {
    const requisition = this.requisitions.get(id);
    if (!requisition || requisition.deleted) return undefined;
    if (requisition.status === 'LN' && this.accessEnded(requisition)) this.expire(requisition.id);
    return requisition;
  }

  accessEnded(requisition: SimRequisition): boolean {
    const agreement = this.agreements.get(requisition.agreement);
    if (!agreement?.accepted) return false;
    return this.now() >= Date.parse(agreement.accepted) + agreement.access_valid_for_days * DAY_MS;
  }

  /** Links the requisition: the agreement is accepted now, and the bank's accounts get fresh ids. */
  link(id: string): void {
    const requisition = this.requisitions.get(id);
    if (!requisition) return;
    const agreement = this.agreements.get(requisition.agreement);
    if (agreement && !agreement.accepted) agreement.accepted = this.iso();
    if (requisition.accounts.length === 0) {
      const institution = this.institutions.get(requisition.institution_id);
      for (const template of institution?.accounts ?? []) {
        const account: SimAccount = {
          id: uuid(),
          requisitionId: id,
          institutionId: requisition.institution_id,
          created: this.iso(),
          lastAccessed: null,
          status: 'READY',
          data: materialize(template, this.now()),
        };
        this.accounts.set(account.id, account);
        requisition.accounts.push(account.id);
      }
    }
    requisition.status = 'LN';
  }

  /** Sets any status (scripting a test); EX and SU carry over to the accounts, as at GoCardless. */
  setStatus(id: string, status: ShortStatus): void {
    if (status === 'EX') return this.expire(id);
    if (status === 'SU') return this.suspend(id);
    const requisition = this.requisitions.get(id);
    if (requisition) requisition.status = status;
  }

  expire(id: string): void {
    const requisition = this.requisitions.get(id);
    if (!requisition) return;
    requisition.status = 'EX';
    for (const accountId of requisition.accounts) {
      const account = this.accounts.get(accountId);
      if (account) account.status = 'EXPIRED';
    }
  }

  suspend(id: string): void {
    const requisition = this.requisitions.get(id);
    if (!requisition) return;
    requisition.status = 'SU';
    for (const accountId of requisition.accounts) {
      const account = this.accounts.get(accountId);
      if (account) account.status = 'SUSPENDED';
    }
  }

  /** Deletes the requisition and its agreement (what `DELETE /requisitions/{id}/` does). */
  deleteRequisition(id: string): boolean {
    const requisition = this.requisitions.get(id);
    if (!requisition || requisition.deleted) return false;
    requisition.deleted = true;
    const agreement = this.agreements.get(requisition.agreement);
    if (agreement) agreement.deleted = true;
    return true;
  }

  statusText(status: ShortStatus): string {
    return this.statusForm === 'long' ? LONG_STATUS[status] : status;
  }

  /** The one requisition the tests usually care about: the latest created. */
  get latestRequisition(): SimRequisition | undefined {
    return [...this.requisitions.values()].at(-1);
  }

  // ------------------------------------------------------------ rate limits

  /** Counts one call in the group's window; returns what the headers say, and whether it is over. */
  hit(group: LimitGroup): { limit: number; remaining: number; resetSeconds: number; over: boolean } {
    const { limit, windowMs } = this.limits[group];
    const window = this.#window(`group:${group}`, windowMs);
    window.count++;
    const over = window.count > limit;
    return { limit, remaining: Math.max(0, limit - window.count), resetSeconds: this.#secondsLeft(window, windowMs), over };
  }

  /** The bank's daily budget of one account's scope: `peek` before, `spend` after a success. */
  accountBudget(accountId: string, scope: Scope): { limit: number; remaining: number; resetSeconds: number } {
    const window = this.#window(`account:${accountId}:${scope}`, DAY_MS);
    const limit = this.dailyAccountLimit;
    return { limit, remaining: Math.max(0, limit - window.count), resetSeconds: this.#secondsLeft(window, DAY_MS) };
  }

  spendAccountBudget(accountId: string, scope: Scope): void {
    this.#window(`account:${accountId}:${scope}`, DAY_MS).count++;
  }

  #window(key: string, windowMs: number): Window {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    return window;
  }

  #secondsLeft(window: Window, windowMs: number): number {
    return Math.max(0, Math.ceil((window.start + windowMs - this.now()) / 1000));
  }
}
