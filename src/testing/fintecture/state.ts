/** What the simulated Fintecture knows: banks, authorization sessions, customers, codes and tokens. */
import { accountsFor, defaultBanks, holdersFor, type AuthModel, type SimAccount, type SimBank, type SimHolder } from './data.js';

export type DecoupledStatus = 'PENDING' | 'COMPLETED' | 'FAILED';
/** What a decoupled request ends in: approved, refused, or never answered. */
export type DecoupledOutcome = 'COMPLETED' | 'FAILED' | 'PENDING';
/** Which response shapes to serve: the official SDKs', the catalog's (seed workflow), or both at once. */
export type ShapeMode = 'official' | 'catalog' | 'both';

export interface FintectureSimulatorOptions {
  /** The app the simulator knows (Basic credentials, `app_id` header, signature keyId). */
  appId?: string;
  appSecret?: string;
  /** The app's public key (SPKI PEM or CryptoKey): signatures present are verified against it. */
  publicKey?: string | CryptoKey;
  /** Refuse unsigned API calls, as production does (default: true when `publicKey` is given). */
  requireSignatures?: boolean;
  shapes?: ShapeMode;
  tokenTtlSeconds?: number;
  /** Decoupled requests stay PENDING for this many polls before their outcome. */
  pollsUntilDecision?: number;
  /** A decoupled request not decided after this long becomes FAILED (doc: "times out"). */
  decoupledTtlMs?: number;
  /** Return a new refresh token on refresh and revoke the old one (Fintecture does not say whether it does). */
  rotateRefreshTokens?: boolean;
  /** Transactions per page. */
  pageSize?: number;
  /** `links.next` as a path instead of an absolute URL. */
  relativeNextLinks?: boolean;
  /** Consent days left for new connections (`meta.remaining_days`). */
  remainingDays?: number;
}

export interface SimSession {
  id: string;
  /** The bank; for a Connect session, the preselected one ('' until the PSU picks one). */
  bank: string;
  model: AuthModel | 'connect';
  psuId?: string;
  redirectUri?: string;
  state?: string;
  outcome: DecoupledOutcome;
  pollsUntilDecision: number;
  polls: number;
  status: DecoupledStatus;
  expiresAt: number;
  /** Set when authorized with a customer's AIS token: the session renews that connection. */
  renews?: string;
  customerId?: string;
  code?: string;
  /** The `model` query parameter of the last poll. */
  pollModel?: string;
  /** What a Connect session was opened with (`x-psu-type`, `x-country`, `x-language`). */
  connect?: { psuType?: string; country?: string; language?: string };
}

export interface SimCustomer {
  id: string;
  bank: string;
  accounts: SimAccount[];
  holders: SimHolder[];
  remainingDays: number;
  lastAuthentication: string;
  deleted: boolean;
}

export interface SimToken {
  value: string;
  kind: 'app' | 'ais';
  customerId?: string;
  expiresAt: number;
  revoked: boolean;
}

export interface SimCode {
  value: string;
  customerId: string;
  expiresAt: number;
  used: boolean;
}

export interface SimRefreshToken {
  value: string;
  customerId: string;
  revoked: boolean;
}

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const CODE_TTL_MS = 10 * 60_000;

export class FintectureSimState {
  readonly appId: string;
  readonly appSecret: string;
  readonly publicKey: string | CryptoKey | undefined;
  requireSignatures: boolean;
  shapes: ShapeMode;
  tokenTtlSeconds: number;
  pollsUntilDecision: number;
  decoupledTtlMs: number;
  rotateRefreshTokens: boolean;
  pageSize: number;
  relativeNextLinks: boolean;
  remainingDays: number;
  /** Outcome of decoupled requests that carry no scripted PSU id (the catalog's flow sends none). */
  defaultOutcome: DecoupledOutcome = 'COMPLETED';

  readonly banks: SimBank[] = defaultBanks();
  readonly sessions = new Map<string, SimSession>();
  readonly customers = new Map<string, SimCustomer>();
  readonly tokens = new Map<string, SimToken>();
  readonly codes = new Map<string, SimCode>();
  readonly refreshTokens = new Map<string, SimRefreshToken>();
  /** Scripted outcomes by `x-psu-id` (besides the prefixes `refuse…` and `pending…`). */
  readonly scripts = new Map<string, { outcome: DecoupledOutcome; polls?: number }>();
  /** The query string of every transactions page asked for (the filters the client sent). */
  readonly transactionQueries: string[] = [];
  /** Signature checks: how many passed and failed. */
  readonly signatures = { verified: 0, rejected: 0, unsigned: 0 };
  #publicKey: Promise<CryptoKey> | undefined;

  constructor(options: FintectureSimulatorOptions = {}) {
    this.appId = options.appId ?? 'sim-app-id';
    this.appSecret = options.appSecret ?? 'sim-app-secret';
    this.publicKey = options.publicKey;
    this.requireSignatures = options.requireSignatures ?? options.publicKey !== undefined;
    this.shapes = options.shapes ?? 'both';
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
    this.pollsUntilDecision = options.pollsUntilDecision ?? 2;
    this.decoupledTtlMs = options.decoupledTtlMs ?? 5 * 60_000;
    this.rotateRefreshTokens = options.rotateRefreshTokens ?? false;
    this.pageSize = options.pageSize ?? 3;
    this.relativeNextLinks = options.relativeNextLinks ?? false;
    this.remainingDays = options.remainingDays ?? 90;
  }

  bank(id: string): SimBank | undefined {
    return this.banks.find((b) => b.id === id.toLowerCase());
  }

  /** The scripted outcome of a decoupled request by PSU id: `refuse…` fails, `pending…` never decides. */
  outcomeFor(psuId: string | undefined): { outcome: DecoupledOutcome; polls: number } {
    const scripted = psuId !== undefined ? this.scripts.get(psuId) : undefined;
    if (scripted) return { outcome: scripted.outcome, polls: scripted.polls ?? this.pollsUntilDecision };
    if (psuId?.startsWith('refuse')) return { outcome: 'FAILED', polls: this.pollsUntilDecision };
    if (psuId?.startsWith('pending')) return { outcome: 'PENDING', polls: this.pollsUntilDecision };
    return { outcome: psuId === undefined ? this.defaultOutcome : 'COMPLETED', polls: this.pollsUntilDecision };
  }

  newSession(fields: Omit<SimSession, 'id' | 'polls' | 'status' | 'expiresAt'>): SimSession {
    const session: SimSession = { ...fields, id: hex(16), polls: 0, status: 'PENDING', expiresAt: Date.now() + this.decoupledTtlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A session the PSU approved: its connection (new, or the renewed one) and a single-use code. */
  approve(session: SimSession): void {
    const customer = (session.renews && this.customers.get(session.renews)) || this.createCustomer(session.bank);
    customer.remainingDays = this.remainingDays;
    customer.lastAuthentication = new Date().toISOString();
    session.status = 'COMPLETED';
    session.customerId = customer.id;
    session.code = this.issueCode(customer.id);
  }

  createCustomer(bankId: string): SimCustomer {
    const bank = this.bank(bankId);
    if (!bank) throw new Error(`no simulated bank ${bankId}`);
    const customer: SimCustomer = {
      id: hex(16),
      bank: bank.id,
      accounts: accountsFor(bank, () => hex(32)),
      holders: holdersFor(bank, () => hex(8)),
      remainingDays: this.remainingDays,
      lastAuthentication: new Date().toISOString(),
      deleted: false,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  issueCode(customerId: string): string {
    const code: SimCode = { value: hex(16), customerId, expiresAt: Date.now() + CODE_TTL_MS, used: false };
    this.codes.set(code.value, code);
    return code.value;
  }

  issueAccessToken(kind: 'app' | 'ais', customerId?: string): SimToken {
    const token: SimToken = {
      value: `sim-at-${hex(20)}`,
      kind,
      ...(customerId ? { customerId } : {}),
      expiresAt: Date.now() + this.tokenTtlSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  issueRefreshToken(customerId: string): SimRefreshToken {
    const token: SimRefreshToken = { value: `sim-rt-${hex(20)}`, customerId, revoked: false };
    this.refreshTokens.set(token.value, token);
    return token;
  }

  /** A live access token, or undefined when unknown, revoked or expired. */
  liveToken(value: string | undefined): SimToken | undefined {
    const token = value ? this.tokens.get(value) : undefined;
    return token && !token.revoked && token.expiresAt > Date.now() ? token : undefined;
  }

  revokeAccessTokens(customerId: string): void {
    for (const token of this.tokens.values()) if (token.customerId === customerId) token.revoked = true;
  }

  /** Expires every access token now (the adapter still believes they are valid): "token expiry mid-flow". */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = Date.now() - 1;
  }

  /**
   * A connection that already exists at the sandbox, with an AIS token: what the seed
   * workflow takes as inputs (`accessToken`, `customerId`).
   */
  seedConnection(bankId: string): { customerId: string; accessToken: string; refreshToken: string } {
    const customer = this.createCustomer(bankId);
    return {
      customerId: customer.id,
      accessToken: this.issueAccessToken('ais', customer.id).value,
      refreshToken: this.issueRefreshToken(customer.id).value,
    };
  }

  verifyingKey(): Promise<CryptoKey> | undefined {
    if (this.publicKey === undefined) return undefined;
    if (typeof this.publicKey !== 'string') return Promise.resolve(this.publicKey);
    this.#publicKey ??= crypto.subtle.importKey('spki', pemBytes(this.publicKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    return this.#publicKey;
  }
}

function pemBytes(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const binary = atob(body);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
