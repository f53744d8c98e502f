/**
 * AIS access tokens: one per connection, from the code exchange, refreshed with the
 * refresh token shortly before expiry or once after a 401. The adapter instance keeps
 * the newest token per refresh token in memory, and concurrent callers share one refresh
 * request. A rotated refresh token also goes back to the connection (its `ref` event): the
 * old one is revoked, and another process holding the stored ref needs the new one.
 */
import { isAbortedError } from '../../core/errors.js';
import type { AdapterContext, Session } from '../../core/provider.js';
import type { FintectureClient } from './client.js';
import { failure } from './mapping.js';
import { TokenResponse } from './schemas.js';

/** Refresh this long before the server's expiry, so a token never dies in flight. */
export const EXPIRY_SKEW_MS = 60_000;
const DEFAULT_LIFETIME_S = 3600; // "validity of access token is 1h" (doc.fintecture.com)
const CACHE_LIMIT = 1000;

export interface TokenSet {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
}

export function tokenSet(body: TokenResponse, now: number, previousRefreshToken?: string): TokenSet {
  const refreshToken = body.refresh_token ?? previousRefreshToken;
  return {
    accessToken: body.access_token,
    expiresAt: now + (body.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
    ...(refreshToken ? { refreshToken } : {}),
  };
}

type SessionLike = Session<unknown>;

export class AisTokens {
  readonly #client: FintectureClient;
  /** Keyed by a refresh token a session presents (the original, and the rotated one if the server rotates). */
  readonly #byRefreshToken = new Map<string, TokenSet>();
  readonly #inflight = new Map<string, Promise<TokenSet>>();

  constructor(client: FintectureClient) {
    this.#client = client;
  }

  /** Remembers the tokens of a fresh code exchange, so a reopened link in this process reuses them. */
  remember(tokens: TokenSet): void {
    if (tokens.refreshToken) this.#store(tokens.refreshToken, tokens);
  }

  /** Forgets everything known under this session's refresh token (after a delete). */
  forget(session: SessionLike): void {
    const key = session.sealed.refreshToken;
    if (!key) return;
    const entry = this.#byRefreshToken.get(key);
    for (const [k, v] of this.#byRefreshToken) if (k === key || v === entry) this.#byRefreshToken.delete(k);
  }

  /**
   * A bearer token for this session: the newest known one while it has more than a minute
   * left, else a refreshed one. `stale` is a token the server just refused (401): it is never
   * returned again, and a refresh another caller already made is reused.
   */
  async bearer(ctx: AdapterContext, session: SessionLike, tokenExpiresAt: string | undefined, stale?: string): Promise<string> {
    const refreshKey = session.sealed.refreshToken;
    const now = ctx.now();
    const usable = (t: TokenSet | undefined): t is TokenSet => !!t && t.accessToken !== stale && t.expiresAt - EXPIRY_SKEW_MS > now;
    const cached = refreshKey ? this.#byRefreshToken.get(refreshKey) : undefined;
    const sealedToken = session.sealed.accessToken;
    const fromSession = sealedToken && tokenExpiresAt ? { accessToken: sealedToken, expiresAt: Date.parse(tokenExpiresAt) } : undefined;
    const known = usable(cached) ? cached : usable(fromSession) ? fromSession : undefined;
    if (known) {
      ctx.secrets.add(known.accessToken);
      return known.accessToken;
    }
    if (!refreshKey) {
      throw ctx.fail('consent_expired', 'the AIS access token expired and this connection has no refresh token: link it again with bank.connect()');
    }
    let fresh: TokenSet;
    try {
      fresh = await this.#refresh(ctx, refreshKey, cached?.refreshToken ?? refreshKey);
    } catch (error) {
      // The shared refresh belonged to a caller that aborted: this caller did not, so it asks itself.
      if (!isAbortedError(error) || ctx.signal.aborted) throw error;
      fresh = await this.#refresh(ctx, refreshKey, this.#byRefreshToken.get(refreshKey)?.refreshToken ?? refreshKey);
    }
    ctx.secrets.add(fresh.accessToken, fresh.refreshToken);
    const customerId = (session.state as { customerId?: unknown } | null)?.customerId;
    if (fresh.refreshToken && fresh.refreshToken !== refreshKey && typeof customerId === 'string') {
      ctx.update({ sealed: { refreshToken: fresh.refreshToken }, ref: { customerId, refreshToken: fresh.refreshToken } });
    }
    return fresh.accessToken;
  }

  #refresh(ctx: AdapterContext, key: string, refreshToken: string): Promise<TokenSet> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const request = (async () => {
      const res = await this.#client.refresh(ctx, refreshToken);
      if (!res.ok) throw failure(ctx, res);
      const tokens = tokenSet(res.parse(TokenResponse), ctx.now(), refreshToken);
      ctx.secrets.add(tokens.accessToken, tokens.refreshToken);
      this.#store(key, tokens);
      if (tokens.refreshToken && tokens.refreshToken !== key) this.#store(tokens.refreshToken, tokens);
      return tokens;
    })();
    this.#inflight.set(key, request);
    const clear = (): void => {
      if (this.#inflight.get(key) === request) this.#inflight.delete(key);
    };
    request.then(clear, clear);
    return request;
  }

  #store(key: string, tokens: TokenSet): void {
    this.#byRefreshToken.delete(key);
    this.#byRefreshToken.set(key, tokens);
    // Bounded: the oldest entries go first (a server process may link many users).
    while (this.#byRefreshToken.size > CACHE_LIMIT) {
      const oldest = this.#byRefreshToken.keys().next().value;
      if (oldest === undefined) break;
      this.#byRefreshToken.delete(oldest);
    }
  }
}
