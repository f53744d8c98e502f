/**
 * AIS access tokens: one per connection, from the code exchange, refreshed with the
 * refresh token shortly before expiry (the core's TokenCache) or once after a 401 (the
 * provider's `afterResponse` hook). Concurrent callers share one refresh. Tokens are
 * cached per refresh token, never per customer id: only a caller holding the refresh
 * token gets the access token minted with it. A refresh that rotates the refresh token is
 * followed, and the connection learns the new one (a new `ref`).
 */
import {
  TokenCache,
  isAbortedError,
  type AdapterContext,
  type AfterResponseHook,
  type Expiring,
  type Session,
} from '../../provider.js';
import type { FintectureState } from './schemas/model.js';
import type { TokenResponse } from './schemas/wire.js';

/** Refresh this long before the server's expiry, so a token never dies in flight. */
export const EXPIRY_SKEW_MS = 60_000;
const DEFAULT_LIFETIME_S = 3600; // "validity of access token is 1h" (doc.fintecture.com)
const CACHE_LIMIT = 1000;

export interface TokenSet {
  accessToken: string;
  /** Epoch ms (wall clock: the server's expiry). */
  expiresAt: number;
  /** The refresh token to use next (the rotated one when the server rotates). */
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

type FSession = Session<FintectureState>;
type Refresh = (ctx: AdapterContext, refreshToken: string) => Promise<TokenResponse>;

/** What a request carrying a bearer token was made for: the call (its signal, events) and the session. */
interface Binding {
  ctx: AdapterContext;
  session: FSession;
}

export class AisTokens {
  readonly #refresh: Refresh;
  readonly #cache: TokenCache<string, TokenSet>;
  /** The call whose caller starts a refresh flight: the refresh is sent on its context. */
  readonly #senders = new Map<string, AdapterContext>();
  /** Bearer headers → the call they were made for (weak: they live as long as the request). */
  readonly #bindings = new WeakMap<object, Binding>();

  constructor(refresh: Refresh) {
    this.#refresh = refresh;
    this.#cache = new TokenCache<string, TokenSet>({ fetch: (key) => this.#fetch(key), skewMs: EXPIRY_SKEW_MS, limit: CACHE_LIMIT });
  }

  /** Remembers the tokens of a fresh code exchange, so a reopened link in this process reuses them. */
  remember(tokens: TokenSet): void {
    if (tokens.refreshToken) this.#cache.set(tokens.refreshToken, { value: tokens, expiresAt: tokens.expiresAt });
  }

  /** Forgets everything known under this session's refresh token (after a delete). */
  forget(session: FSession): void {
    const key = session.sealed.refreshToken;
    if (!key) return;
    const rotated = this.#cache.peek(key)?.value.refreshToken;
    this.#cache.delete(key);
    if (rotated) this.#cache.delete(rotated);
  }

  /** The `authorization` header of a data call, bound to the call so that a 401 on it can be refreshed. */
  async headers(ctx: AdapterContext, session: FSession): Promise<Record<string, string | undefined>> {
    const token = await this.bearer(ctx, session);
    const headers: Record<string, string | undefined> = { authorization: `Bearer ${token}` };
    this.#bindings.set(headers, { ctx, session });
    return headers;
  }

  /**
   * The `afterResponse` hook: a 401 on a bearer call gets a token other than the refused
   * one (a refresh, or the one another caller just got) and the request to send once more
   * (the core sends it at most once, never for a sensitive request). The new token is
   * written into the call's own headers, so the next pages of a list carry it too.
   */
  readonly afterResponse: AfterResponseHook = async (response, request) => {
    if (response.status !== 401 || !request.headers) return undefined;
    const binding = this.#bindings.get(request.headers);
    const stale = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!binding || stale === undefined) return undefined;
    const fresh = await this.bearer(binding.ctx, binding.session, stale);
    if (fresh === stale) return undefined;
    request.headers.authorization = `Bearer ${fresh}`;
    return request;
  };

  /**
   * A bearer token for this session: the newest known one while it has more than a minute
   * left, else a refreshed one. `stale` is a token the server just refused: it is never
   * returned again, and a refresh another caller already made is reused.
   */
  async bearer(ctx: AdapterContext, session: FSession, stale?: string): Promise<string> {
    const key = session.sealed.refreshToken;
    const sealed = this.#sealed(session, stale);
    if (!key) {
      if (sealed) return this.#known(ctx, sealed.accessToken);
      throw ctx.fail('consent_expired', 'the AIS access token expired and this connection has no refresh token: link it again with bank.connect()');
    }
    // A session fresh from a checkpoint brings its token: it seeds an empty cache.
    if (sealed && !this.#cache.peek(key)) this.#cache.set(key, { value: sealed, expiresAt: sealed.expiresAt });
    let set: TokenSet;
    try {
      set = await this.#get(ctx, key, stale);
    } catch (error) {
      // The shared refresh belonged to a caller that aborted: this caller did not, so it asks itself.
      if (!isAbortedError(error) || ctx.signal.aborted) throw error;
      set = await this.#get(ctx, key, stale);
    }
    this.#learn(ctx, session, set);
    return this.#known(ctx, set.accessToken);
  }

  /** The session's sealed token while it is still good (and not the refused one). */
  #sealed(session: FSession, stale: string | undefined): TokenSet | undefined {
    const token = session.sealed.accessToken;
    const expires = session.state.phase === 'active' && session.state.accessExpiresAt ? Date.parse(session.state.accessExpiresAt) : Number.NaN;
    if (!token || token === stale || !(expires - EXPIRY_SKEW_MS > Date.now())) return undefined;
    return { accessToken: token, expiresAt: expires, ...(session.sealed.refreshToken ? { refreshToken: session.sealed.refreshToken } : {}) };
  }

  #get(ctx: AdapterContext, key: string, stale: string | undefined): Promise<TokenSet> {
    const cached = this.#cache.peek(key)?.value;
    // The cache's fetch sends the refresh on this caller's context (it starts the flight, if one starts).
    this.#senders.set(key, ctx);
    const done = (): void => {
      if (this.#senders.get(key) === ctx) this.#senders.delete(key);
    };
    const pending = this.#cache.get(key, ctx.signal, cached && cached.accessToken === stale ? cached : undefined);
    pending.then(done, done);
    return pending;
  }

  async #fetch(key: string): Promise<Expiring<TokenSet>> {
    const ctx = this.#senders.get(key);
    if (!ctx) throw new Error('fintecture: a token refresh started without a caller');
    // After a rotation the newest refresh token is the one to present.
    const current = this.#cache.peek(key)?.value.refreshToken ?? key;
    const set = tokenSet(await this.#refresh(ctx, current), Date.now(), current);
    ctx.secrets.add(set.accessToken, set.refreshToken);
    // A session that already presents the rotated token finds the same tokens.
    if (set.refreshToken && set.refreshToken !== key) this.#cache.set(set.refreshToken, { value: set, expiresAt: set.expiresAt });
    return { value: set, expiresAt: set.expiresAt };
  }

  /** The connection learns what a refresh gave: the token for its checkpoints, a rotated refresh token as its new `ref`. */
  #learn(ctx: AdapterContext, session: FSession, set: TokenSet): void {
    if (session.state.phase !== 'active' || set.accessToken === session.sealed.accessToken) return;
    const { customerId } = session.state;
    const rotated = set.refreshToken !== undefined && set.refreshToken !== session.sealed.refreshToken;
    ctx.update({
      state: { phase: 'active', customerId, accessExpiresAt: new Date(set.expiresAt).toISOString() },
      sealed: { accessToken: set.accessToken, ...(set.refreshToken ? { refreshToken: set.refreshToken } : {}) },
      ...(rotated ? { ref: { customerId, refreshToken: set.refreshToken } } : {}),
    });
  }

  #known(ctx: AdapterContext, token: string): string {
    ctx.secrets.add(token);
    return token;
  }
}
