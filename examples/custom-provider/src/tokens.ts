/**
 * The application's access token: one for every connection (tokens belong to the user
 * secret, not to an end user), kept in memory only, renewed by the refresh token before
 * it expires, and fetched once for all concurrent callers.
 */
import { SingleFlight, isAbortedError, type AdapterContext } from 'polybank/provider';
import type { GoCardlessClient } from './client.js';
import { RefreshedToken, TokenPair } from './schemas.js';

/** Renew this long before expiry, so that a token never dies in flight. */
const SKEW_MS = 60_000;
const DAY_S = 86_400;
/** Lifetimes are provider input: bounded to [1 minute, 30 days], 24 h / 30 days when absent. */
function lifetime(seconds: number | null | undefined, fallback: number): number {
  if (seconds === undefined || seconds === null) return fallback * 1000;
  return Math.min(30 * DAY_S, Math.max(60, seconds)) * 1000;
}

interface Held {
  access: string;
  accessUntil: number;
  refresh?: string;
  refreshUntil?: number;
}

export class AppTokens {
  readonly #client: GoCardlessClient;
  readonly #flight = new SingleFlight<'token', string>();
  #held: Held | undefined;

  constructor(client: GoCardlessClient) {
    this.#client = client;
  }

  /**
   * A usable access token. `stale` is one GoCardless just refused: it is never handed
   * out again, and a renewal another caller already made is reused.
   */
  async access(ctx: AdapterContext, stale?: string): Promise<string> {
    const held = this.#held;
    if (held && held.access !== stale && held.accessUntil - SKEW_MS > ctx.now()) {
      ctx.secrets.add(held.access);
      return held.access;
    }
    let token: string;
    try {
      token = await this.#flight.run('token', ctx.signal, () => this.#renew(ctx, stale));
    } catch (error) {
      // The shared renewal belonged to a caller that gave up (its request was bound to its
      // signal); this caller did not: it renews itself.
      if (!isAbortedError(error) || ctx.signal.aborted) throw error;
      token = await this.#renew(ctx, stale);
    }
    ctx.secrets.add(token);
    return token;
  }

  /** Refresh while the refresh token lives; a new pair from the user secret otherwise, or when refused. */
  async #renew(ctx: AdapterContext, stale: string | undefined): Promise<string> {
    const held = this.#held;
    if (held && held.access !== stale && held.accessUntil - SKEW_MS > ctx.now()) return held.access;
    if (held?.refresh && (held.refreshUntil ?? 0) - SKEW_MS > ctx.now()) {
      ctx.secrets.add(held.refresh);
      const res = await this.#client.refreshToken(ctx, held.refresh);
      if (res.ok) {
        const body = res.parse(RefreshedToken);
        ctx.secrets.add(body.access);
        this.#held = { ...held, access: body.access, accessUntil: ctx.now() + lifetime(body.access_expires, DAY_S) };
        return body.access;
      }
      // A refused refresh token is a reason for a new pair, not a failure of the call.
    }
    const res = await this.#client.newToken(ctx);
    const body = res.parse(TokenPair);
    ctx.secrets.add(body.access, body.refresh);
    const now = ctx.now();
    this.#held = {
      access: body.access,
      accessUntil: now + lifetime(body.access_expires, DAY_S),
      refresh: body.refresh,
      refreshUntil: now + lifetime(body.refresh_expires, 30 * DAY_S),
    };
    return body.access;
  }
}
