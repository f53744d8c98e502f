/**
 * Powens operations beyond the common API, on `conn.actions`:
 *
 * - `reconnectUrl({ redirectUri, state?, lang?, resetCredentials? })`: the Reconnect
 *   webview URL of this connection, in one call (the temporary code is fetched with the
 *   user token polybank holds or renews), and the `state` its callback must carry back.
 * - `completeReconnect({ callback, state })`: the way back, in any process: checks the
 *   callback's `state` and `error`, then reads the connection and returns its status.
 *   Between the two calls a backend stores the connection's `ref` and the `state`:
 *   neither is a secret.
 * - `enableAccounts({ accountIds })` / `disableAccounts({ accountIds })`: new accounts are
 *   disabled at Powens until enabled (GDPR); disabling one purges its data.
 * - `deleteUser()`: deletes the Powens user, with all its connections and data.
 */
import {
  ValidationError,
  callbackParams,
  errorStatus,
  randomId,
  type Account,
  type ActionTarget,
  type AdapterContext,
  type ConnectionStatus,
  type Issue,
} from '../../provider.js';
import type { PowensClient } from './client.js';
import type { PowensConfig } from './config.js';
import { PROVIDER, callbackReason, own } from './mapping.js';
import { AccountsArgs, CompleteReconnectArgs, ReconnectUrlArgs, type PowensRef, type PowensState } from './schemas/model.js';
import { connectionStatus } from './status.js';
import { tokenOf, targetIds } from './users.js';
import { reconnectWebviewUrl } from './webview.js';

type Target = ActionTarget<PowensRef, PowensState>;

/** What `reconnectUrl` returns: where to send the user, and what to keep for the way back. */
export interface ReconnectLink {
  /** The webview URL (it carries a single-use temporary code: send it to the user's browser only). */
  url: string;
  /** Keep it with the connection's ref: `completeReconnect` refuses a callback without it. */
  state: string;
  /** Powens' id of the connection to reconnect. */
  connectionId: number;
  /** When the temporary code expires, if Powens says. */
  expiresAt?: string;
}

interface Dependencies {
  api: PowensClient;
  config: PowensConfig;
  accountsOf(ctx: AdapterContext, token: string, connectionId: number): Promise<Account[]>;
}

function parsed<T>(what: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } } }, args: unknown): T {
  const result = schema.safeParse(args);
  if (result.success) return result.data;
  throw new ValidationError(what, result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })), { provider: PROVIDER });
}

/** Powens' operations on `conn.actions` (see the module comment). */
export type PowensActions = {
  /** The Reconnect webview URL of this connection, and the `state` its callback must carry back. */
  readonly reconnectUrl: (ctx: AdapterContext, target: ActionTarget<PowensRef, PowensState>, args: ReconnectUrlArgs) => Promise<ReconnectLink>;
  /** Checks the webview's callback (its `state`, its `error`), then returns the connection's status. */
  readonly completeReconnect: (ctx: AdapterContext, target: ActionTarget<PowensRef, PowensState>, args: CompleteReconnectArgs) => Promise<ConnectionStatus>;
  /** Enables accounts Powens found (new accounts are disabled until enabled); returns them. */
  readonly enableAccounts: (ctx: AdapterContext, target: ActionTarget<PowensRef, PowensState>, args: AccountsArgs) => Promise<Account[]>;
  /** Disables accounts (Powens purges their data); returns them. */
  readonly disableAccounts: (ctx: AdapterContext, target: ActionTarget<PowensRef, PowensState>, args: AccountsArgs) => Promise<Account[]>;
  /** Deletes the Powens user, with all its connections and data. */
  readonly deleteUser: (ctx: AdapterContext, target: ActionTarget<PowensRef, PowensState>, args: void) => Promise<void>;
};

export function powensActions({ api, config, accountsOf }: Dependencies): PowensActions {
  async function setDisabled(ctx: AdapterContext, target: Target, args: AccountsArgs, disabled: boolean): Promise<Account[]> {
    const { accountIds } = parsed(`powens ${disabled ? 'disableAccounts' : 'enableAccounts'}`, AccountsArgs, args);
    const { connectionId, userId, sealed } = targetIds(target);
    const token = await tokenOf(ctx, api, userId, sealed);
    // Only this connection's accounts: the same user's other connections are not this link's business.
    const known = new Map((await accountsOf(ctx, token, connectionId)).map((account) => [account.id, account]));
    const issues: Issue[] = accountIds.flatMap((id, index) => (known.has(id) ? [] : [{ path: `accountIds.${index}`, message: `account ${id} does not belong to connection ${connectionId}` }]));
    if (issues.length) throw new ValidationError('powens accounts', issues, { provider: PROVIDER });
    for (const id of new Set(accountIds)) await api.updateAccount(ctx, token, id, disabled);
    const after = await accountsOf(ctx, token, connectionId);
    return after.filter((account) => accountIds.includes(account.id));
  }

  return {
    async reconnectUrl(ctx: AdapterContext, target: Target, args: ReconnectUrlArgs): Promise<ReconnectLink> {
      const options = parsed('powens reconnectUrl', ReconnectUrlArgs, args);
      const { connectionId, userId, sealed } = targetIds(target);
      const token = await tokenOf(ctx, api, userId, sealed);
      const { code, expiresIn } = await api.temporaryCode(ctx, token);
      const state = options.state ?? randomId(16);
      const url = reconnectWebviewUrl({
        // The current webview when the domain is known; under a baseUrl (a proxy, a simulator) the API root's legacy path.
        ...(config.domain ? { domain: config.domain } : { baseUrl: config.baseUrl }),
        clientId: config.clientId,
        code,
        connectionId,
        redirectUri: options.redirectUri,
        state,
        ...(options.lang ? { lang: options.lang } : {}),
        ...(options.resetCredentials ? { resetCredentials: true } : {}),
      });
      return { url, state, connectionId, ...(expiresIn ? { expiresAt: new Date(ctx.now() + expiresIn * 1000).toISOString() } : {}) };
    },

    async completeReconnect(ctx: AdapterContext, target: Target, args: CompleteReconnectArgs): Promise<ConnectionStatus> {
      const options = parsed('powens completeReconnect', CompleteReconnectArgs, args);
      const params = callbackParams(options.callback);
      if (!params) throw new ValidationError('powens completeReconnect', [{ path: 'callback', message: 'not a callback URL or query string' }], { provider: PROVIDER });
      const state = own(params, 'state');
      // The anti-forgery check: a callback this link did not start is never acted on.
      if (state !== options.state) {
        throw new ValidationError('powens completeReconnect', [{ path: 'callback.state', message: state === undefined ? 'missing state' : 'state does not match the one reconnectUrl issued' }], { provider: PROVIDER });
      }
      const { connectionId, userId, sealed } = targetIds(target);
      const back = own(params, 'connection_id') ?? own(params, 'id_connection');
      if (back !== undefined && back !== String(connectionId)) {
        throw new ValidationError('powens completeReconnect', [{ path: 'callback.connection_id', message: `the callback is for connection ${back}, not ${connectionId}` }], { provider: PROVIDER });
      }
      const error = own(params, 'error');
      if (error !== undefined) {
        const description = own(params, 'error_description');
        return errorStatus(callbackReason(error), { providerState: error, ...(description ? { message: description } : {}) });
      }
      const token = await tokenOf(ctx, api, userId, sealed);
      return connectionStatus(await api.getConnection(ctx, token, connectionId), config.timeZone, ctx.now());
    },

    enableAccounts(ctx: AdapterContext, target: Target, args: AccountsArgs): Promise<Account[]> {
      return setDisabled(ctx, target, args, false);
    },

    disableAccounts(ctx: AdapterContext, target: Target, args: AccountsArgs): Promise<Account[]> {
      return setDisabled(ctx, target, args, true);
    },

    async deleteUser(ctx: AdapterContext, target: Target, _args: void): Promise<void> {
      const { userId, sealed } = targetIds(target);
      await api.deleteUser(ctx, await tokenOf(ctx, api, userId, sealed));
    },
  };
}
