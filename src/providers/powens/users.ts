/**
 * Powens users and their tokens. A token is sealed (kept in memory, in a checkpoint only
 * encrypted); without one (a stored reference, a checkpoint without encryption) it is
 * renewed from the user id with the client credentials. Nothing here is ever in state.
 */
import { ChallengeStateError, ProviderResponseError, log, type ActionTarget, type AdapterContext } from '../../provider.js';
import type { PowensClient } from './client.js';
import { PROVIDER } from './mapping.js';
import type { PowensRef, PowensState } from './schemas/model.js';

export type Sealed = Record<string, string>;
export const TOKEN = 'userToken';

/** The user token of a session: sealed, or renewed from the user id. */
export async function tokenOf(ctx: AdapterContext, api: PowensClient, userId: number | undefined, sealed: Readonly<Sealed>): Promise<string> {
  const token = Object.hasOwn(sealed, TOKEN) ? sealed[TOKEN] : undefined;
  if (token) {
    ctx.secrets.add(token);
    return token;
  }
  if (userId === undefined) throw new ProviderResponseError(PROVIDER, 'session', 'userId', 'no Powens user for this session');
  return api.renewToken(ctx, userId);
}

/** The user the connection belongs to: the given one, or a new one (created once credentials are known). Updates `state` and `sealed`. */
export async function ensureUser(ctx: AdapterContext, api: PowensClient, state: { userId?: number; userCreated?: boolean }, sealed: Sealed): Promise<string> {
  if (sealed[TOKEN] || state.userId !== undefined) {
    const token = await tokenOf(ctx, api, state.userId, sealed);
    sealed[TOKEN] = token;
    return token;
  }
  const user = await api.initUser(ctx);
  if (!user.permanent) log(ctx.log, 'warn', { provider: PROVIDER, userId: user.userId }, 'powens: /auth/init returned a temporary user; check clientId/clientSecret');
  state.userId = user.userId;
  state.userCreated = true;
  sealed[TOKEN] = user.token;
  return user.token;
}

/** The connection and user an action or a data call is about: the open session's, else the stored reference's. */
export function targetIds(target: ActionTarget<PowensRef, PowensState>): { connectionId: number; userId: number; sealed: Sealed } {
  const state = target.session?.state;
  const sealed: Sealed = { ...target.session?.sealed };
  if (target.ref?.userToken && !sealed[TOKEN]) sealed[TOKEN] = target.ref.userToken;
  if (state && (state.phase === 'connection' || state.phase === 'active')) return { connectionId: state.connectionId, userId: state.userId, sealed };
  if (target.ref) return { connectionId: target.ref.connectionId, userId: target.ref.userId, sealed };
  throw new ChallengeStateError('powens: no connection yet: run authenticate() until the connection is active', { provider: PROVIDER });
}
