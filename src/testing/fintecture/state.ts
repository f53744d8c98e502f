/** What the simulated Fintecture knows: banks, authorization sessions, customers, codes and tokens. */
import { accountsFor, defaultBanks, holdersFor, type AuthModel, type SimAccount, type SimBank, type SimHolder } from './data.js';

/** A decoupled request's status, as Fintecture reports it on a poll. */
export type DecoupledStatus = 'PENDING' | 'COMPLETED' | 'FAILED';
/** What a decoupled request ends in: approved, refused, or never answered. */
export type DecoupledOutcome = 'COMPLETED' | 'FAILED' | 'PENDING';
/** Which response shapes to serve: the official SDKs', the catalog's (seed workflow), or both at once. */
export type ShapeMode = 'official' | 'catalog' | 'both';

/** How to set up a Fintecture simulator; every option has a default. */
export interface FintectureSimulatorOptions {
  /** The app the simulator knows (Basic credentials, `app_id` header, signature keyId). */
  appId?: string;
  /** The app's secret (default `sim-app-secret`). */
  appSecret?: string;
  /** The app's public key (SPKI PEM or CryptoKey): signatures present are verified against it. */
  publicKey?: string | CryptoKey;
  /** Refuse unsigned API calls, as production does (default: true when `publicKey` is given). */
  requireSignatures?: boolean;
  /** Which response shapes to serve (default `both`). */
  shapes?: ShapeMode;
  /** Lifetime of access tokens, in seconds (default 3600). */
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

/** An authorization session: a decoupled request, a redirect, or a Connect page. */
export interface SimSession {
  /** The session (polling) id. */
  id: string;
  /** The bank; for a Connect session, the preselected one ('' until the PSU picks one). */
  bank: string;
  /** How the PSU authenticates. */
  model: AuthModel | 'connect';
  /** The PSU id of a decoupled request (`x-psu-id`): it scripts the outcome. */
  psuId?: string;
  /** Where the bank page sends the PSU back. */
  redirectUri?: string;
  /** The `state` the callback carries back. */
  state?: string;
  /** What the PSU will decide. */
  outcome: DecoupledOutcome;
  /** Polls answered PENDING before the outcome shows. */
  pollsUntilDecision: number;
  /** Polls so far. */
  polls: number;
  /** What the next poll reports. */
  status: DecoupledStatus;
  /** When it times out (epoch ms). */
  expiresAt: number;
  /** Set when authorized with a customer's AIS token: the session renews that connection. */
  renews?: string;
  /** The connection made once approved. */
  customerId?: string;
  /** The single-use code issued once approved. */
  code?: string;
  /** The `model` query parameter of the last poll. */
  pollModel?: string;
  /** What a Connect session was opened with (`x-psu-type`, `x-country`, `x-language`). */
  connect?: {
    /** `x-psu-type`. */
    psuType?: string;
    /** `x-country`. */
    country?: string;
    /** `x-language`. */
    language?: string;
  };
}

/** A connection (Fintecture's customer): its bank, accounts and holders. */
export interface SimCustomer {
  /** The customer id. */
  id: string;
  /** The bank's id. */
  bank: string;
  /** Its accounts and their transactions. */
  accounts: SimAccount[];
  /** Its account holders. */
  holders: SimHolder[];
  /** Consent days left (`meta.remaining_days`). */
  remainingDays: number;
  /** When the PSU last authenticated (ISO). */
  lastAuthentication: string;
  /** Deleted through the API: its data answers 404. */
  deleted: boolean;
}

/** An access token the simulator issued. */
export interface SimToken {
  /** The token. */
  value: string;
  /** `app` (client credentials) or `ais` (a customer's data). */
  kind: 'app' | 'ais';
  /** The customer an `ais` token reads. */
  customerId?: string;
  /** When it expires (epoch ms). */
  expiresAt: number;
  /** Revoked (the connection was deleted, or a refresh replaced it). */
  revoked: boolean;
}

/** A single-use authorization code, exchanged for an AIS token. */
export interface SimCode {
  /** The code. */
  value: string;
  /** The customer it authorizes. */
  customerId: string;
  /** When it expires (epoch ms). */
  expiresAt: number;
  /** Exchanged already: a second exchange fails. */
  used: boolean;
}

/** A refresh token the simulator issued. */
export interface SimRefreshToken {
  /** The token. */
  value: string;
  /** The customer it reads. */
  customerId: string;
  /** Revoked (rotated away, or the connection deleted). */
  revoked: boolean;
}

function hex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const CODE_TTL_MS = 10 * 60_000;

/** What the simulated Fintecture knows and how it behaves; tests read and change it (`sim.state`). */
export class FintectureSimState {
  /** The app id it accepts. */
  readonly appId: string;
  /** The app secret it accepts. */
  readonly appSecret: string;
  /** The app's public key, when signatures are verified. */
  readonly publicKey: string | CryptoKey | undefined;
  /** Refuse unsigned API calls. */
  requireSignatures: boolean;
  /** Which response shapes it serves. */
  shapes: ShapeMode;
  /** Lifetime of new access tokens, in seconds. */
  tokenTtlSeconds: number;
  /** Polls a decoupled request stays PENDING before its outcome. */
  pollsUntilDecision: number;
  /** How long a decoupled request waits before it fails, in ms. */
  decoupledTtlMs: number;
  /** Rotate refresh tokens on refresh. */
  rotateRefreshTokens: boolean;
  /** Transactions per page. */
  pageSize: number;
  /** Serve `links.next` as a path. */
  relativeNextLinks: boolean;
  /** Consent days left for new connections. */
  remainingDays: number;
  /** Outcome of decoupled requests that carry no scripted PSU id (the catalog's flow sends none). */
  defaultOutcome: DecoupledOutcome = 'COMPLETED';

  /** The banks it reaches (the providers catalog). */
  readonly banks: SimBank[] = defaultBanks();
  /** Authorization sessions by id. */
  readonly sessions = new Map<string, SimSession>();
  /** Connections by customer id. */
  readonly customers = new Map<string, SimCustomer>();
  /** Access tokens by value. */
  readonly tokens = new Map<string, SimToken>();
  /** Authorization codes by value. */
  readonly codes = new Map<string, SimCode>();
  /** Refresh tokens by value. */
  readonly refreshTokens = new Map<string, SimRefreshToken>();
  /** Scripted outcomes by `x-psu-id` (besides the prefixes `refuse…` and `pending…`). */
  readonly scripts = new Map<
    string,
    {
      /** What the PSU decides. */
      outcome: DecoupledOutcome;
      /** Polls before it shows (default `pollsUntilDecision`). */
      polls?: number;
    }
  >();
  /** The query string of every transactions page asked for (the filters the client sent). */
  readonly transactionQueries: string[] = [];
  /** Signature checks: how many passed and failed. */
  readonly signatures = {
    /** Signatures that verified. */
    verified: 0,
    /** Signatures that did not. */
    rejected: 0,
    /** Requests without one. */
    unsigned: 0,
  };
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

  /** The bank of this id (case-insensitive), if it is in the catalog. */
  bank(id: string): SimBank | undefined {
    return this.banks.find((b) => b.id === id.toLowerCase());
  }

  /** The scripted outcome of a decoupled request by PSU id: `refuse…` fails, `pending…` never decides. */
  outcomeFor(psuId: string | undefined): {
    /** What the PSU decides. */
    outcome: DecoupledOutcome;
    /** Polls before it shows. */
    polls: number;
  } {
    const scripted = psuId !== undefined ? this.scripts.get(psuId) : undefined;
    if (scripted) return { outcome: scripted.outcome, polls: scripted.polls ?? this.pollsUntilDecision };
    if (psuId?.startsWith('refuse')) return { outcome: 'FAILED', polls: this.pollsUntilDecision };
    if (psuId?.startsWith('pending')) return { outcome: 'PENDING', polls: this.pollsUntilDecision };
    return { outcome: psuId === undefined ? this.defaultOutcome : 'COMPLETED', polls: this.pollsUntilDecision };
  }

  /** Opens an authorization session (PENDING, expiring after `decoupledTtlMs`). */
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

  /** Makes a connection at a bank, with that bank's accounts and holders. */
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

  /** Issues a single-use authorization code for a customer (valid 10 minutes). */
  issueCode(customerId: string): string {
    const code: SimCode = { value: hex(16), customerId, expiresAt: Date.now() + CODE_TTL_MS, used: false };
    this.codes.set(code.value, code);
    return code.value;
  }

  /** Issues an access token (`tokenTtlSeconds`). */
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

  /** Issues a refresh token for a customer. */
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

  /** Revokes every access token of a customer. */
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
  seedConnection(bankId: string): {
    /** The new connection's customer id. */
    customerId: string;
    /** An AIS access token for it. */
    accessToken: string;
    /** A refresh token for it. */
    refreshToken: string;
  } {
    const customer = this.createCustomer(bankId);
    return {
      customerId: customer.id,
      accessToken: this.issueAccessToken('ais', customer.id).value,
      refreshToken: this.issueRefreshToken(customer.id).value,
    };
  }

  /** The app's public key as a CryptoKey (imported once), or undefined when signatures are not verified. */
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
