/**
 * A connection's normalized status from its state alone, with no user present (a
 * webhook, the way back from the reconnect webview): SCA states are `sca_required`.
 */
import { errorStatus, type ConnectionStatus } from '../../provider.js';
import { stateAction } from './mapping.js';
import { connectionState, type Connection } from './schemas/wire.js';
import { powensTime } from './times.js';

export function connectionStatus(connection: Connection, timeZone: string, now: number): ConnectionStatus {
  const state = connectionState(connection);
  const action = stateAction(state);
  const message = connection.error_message ?? undefined;
  const extra = { providerState: state ?? 'null', ...(message ? { message } : {}) };
  switch (action.kind) {
    case 'active': {
      const expire = powensTime(connection.expire, timeZone);
      const lastSyncedAt = powensTime(connection.last_update, timeZone);
      if (expire && Date.parse(expire) <= now) return errorStatus('consent_expired', { providerState: 'expire' });
      return { status: 'active', ...(expire ? { consentExpiresAt: expire } : {}), ...(lastSyncedAt ? { lastSyncedAt } : {}) };
    }
    case 'pending':
      return { status: 'authenticating' };
    case 'sca':
      return errorStatus('sca_required', extra);
    case 'fail': {
      const retryAfter = action.retryAfter ? powensTime(connection.next_try, timeZone) : undefined;
      return errorStatus(action.reason, { ...extra, ...(retryAfter ? { retryAfter } : {}) });
    }
  }
}
