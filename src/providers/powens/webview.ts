/**
 * The Reconnect webview: Powens' hosted page that brings a connection waiting for the
 * user back to sync. `conn.actions.reconnectUrl()` fetches the temporary code and builds
 * the URL in one call; this builder stays public for apps that hold a code themselves.
 */
import { ValidationError } from '../../provider.js';
import { redirectUriProblem } from './config.js';

/** The webview's languages (docs): `webview.powens.com/{lang}/reconnect`; without one, CloudFront answers 503 (pypowens). */
export const WEBVIEW_LANGUAGES = ['en', 'fr', 'de', 'nl', 'pt', 'it', 'es'] as const;
/** A language of Powens' webview. */
export type WebviewLanguage = (typeof WEBVIEW_LANGUAGES)[number];

/** What `reconnectWebviewUrl` needs: where the webview lives, the connection, the temporary code and the way back. */
export interface ReconnectWebviewOptions {
  /** Your Powens domain (`acme-sandbox`): builds the current `webview.powens.com` URL. */
  domain?: string;
  /** Or the API root (`https://acme-sandbox.biapi.pro/2.0`): builds the legacy `{root}/auth/webview/{lang}/reconnect` URL. */
  baseUrl?: string;
  /** Your Powens client id. */
  clientId: string | number;
  /** The temporary code (`/auth/token/code`), valid a few minutes; `singleAccess` codes are usable once. */
  code: string;
  /** Powens' id of the connection to reconnect. */
  connectionId: number;
  /** Where the webview sends the user back (no query string). */
  redirectUri: string;
  /** Returned as is on the callback. */
  state?: string;
  /** Default `en`. */
  lang?: WebviewLanguage;
  /** Ask for the credentials again (wrongpass). */
  resetCredentials?: boolean;
}

/**
 * The URL of the Reconnect webview for a connection waiting for the user
 * (SCARequired, webauthRequired, additionalInformationNeeded, decoupled, wrongpass).
 * The callback carries `state` on success, `error` (`access_denied`, `server_error`,
 * `tos_declined`, `session_expired`) and `error_description` otherwise.
 */
export function reconnectWebviewUrl(options: ReconnectWebviewOptions): string {
  const issues: Array<{ path: string; message: string }> = [];
  if (!/^\d+$/.test(String(options.clientId))) issues.push({ path: 'clientId', message: 'digits only' });
  if (!options.code) issues.push({ path: 'code', message: 'required' });
  if (!Number.isInteger(options.connectionId) || options.connectionId <= 0) issues.push({ path: 'connectionId', message: 'a Powens connection id' });
  const problem = redirectUriProblem(options.redirectUri ?? '');
  if (problem) issues.push({ path: 'redirectUri', message: problem });
  if (!options.domain && !options.baseUrl) issues.push({ path: 'domain', message: 'give domain or baseUrl' });
  if (options.domain && !/^[a-z\d]+(-[a-z\d]+)*$/.test(options.domain)) issues.push({ path: 'domain', message: 'a Powens domain name' });
  if (options.lang !== undefined && !(WEBVIEW_LANGUAGES as readonly string[]).includes(options.lang)) issues.push({ path: 'lang', message: `one of ${WEBVIEW_LANGUAGES.join(', ')}` });
  if (issues.length) throw new ValidationError('powens reconnect webview', issues, { provider: 'powens' });

  const lang = options.lang ?? 'en';
  const params = new URLSearchParams();
  let url: string;
  if (options.domain) {
    url = `https://webview.powens.com/${lang}/reconnect`;
    params.set('domain', `${options.domain}.biapi.pro`);
  } else {
    url = `${(options.baseUrl as string).replace(/\/+$/, '')}/auth/webview/${lang}/reconnect`;
  }
  params.set('client_id', String(options.clientId));
  params.set('redirect_uri', options.redirectUri);
  params.set('code', options.code);
  params.set('connection_id', String(options.connectionId));
  if (options.state !== undefined) params.set('state', options.state);
  if (options.resetCredentials) params.set('reset_credentials', 'true');
  return `${url}?${params.toString()}`;
}
