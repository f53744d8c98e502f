/**
 * The Powens simulator class: the API 2.0 of a Powens domain with the official test
 * connector, plus scripting (states, outcomes) and signed (optionally gzipped) webhooks.
 */
import { signWebhook } from '../../providers/powens/webhooks.js';
import type { PowensWebhookEvent } from '../../providers/powens/webhooks.js';
import { Simulator } from '../simulator.js';
import { POWENS_ROUTES, advance, at, backgroundSync, connectionJson, notFoundPage, storeConnection } from './routes.js';
import { createPowensState, type PowensSimState, type PowensSimulatorOptions, type SimConnection, type SimField } from './state.js';

/** What a scripted state may carry. */
export interface ScriptedState {
  /** The connection's `error_message`, as Powens would word it. */
  errorMessage?: string | null;
  /** ISO or Date: when Powens retries (rateLimiting, websiteUnavailable, bug). */
  nextTry?: string | Date | null;
  /** The connection's `fields`: what the user is asked (an OTP, a question). */
  fields?: SimField[] | null;
  /** The expected answers of `fields` (default: the configured OTP). */
  expectedAnswer?: Record<string, string>;
  /** ISO or Date: the connection's `expire`. */
  expire?: string | Date | null;
}

export class PowensSimulator extends Simulator<PowensSimState> {
  constructor(options: PowensSimulatorOptions = {}) {
    super(
      { name: 'powens', defaultOrigin: 'https://polybank-sandbox.biapi.pro', basePath: '/2.0', routes: POWENS_ROUTES, notFound: () => notFoundPage() },
      () => createPowensState(options),
    );
  }

  /** A time as this simulated API writes it (`YYYY-MM-DD HH:MM:SS` in its `timeZone`). */
  sqlTime(value: number | string | Date): string {
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
    return at(this.state, ms);
  }

  #sql(value: string | Date | null | undefined): string | null {
    return value === null || value === undefined ? null : this.sqlTime(value);
  }

  /** The simulated client application, for `powens({ baseUrl: sim.baseUrl, ...sim.client })`. */
  get client(): {
    /** The simulated client id. */
    clientId: string;
    /** The simulated client secret. */
    clientSecret: string;
  } {
    return { clientId: this.state.options.clientId, clientSecret: this.state.options.clientSecret };
  }

  /** The simulated connection `id` (throws when there is none). */
  connection(id: number): SimConnection {
    const connection = this.state.connections.get(id);
    if (!connection) throw new Error(`powens simulator: no connection ${id}`);
    return connection;
  }

  /** The requests of one endpoint the simulated API processed (with their bodies). */
  received(endpoint: string): PowensSimState['received'] {
    return this.state.received.filter((r) => r.endpoint === endpoint);
  }

  /**
   * A connection "linked earlier" (a user, a permanent token, a synced connection and its
   * accounts), created without any request: the ref your database would hold. `state` leaves it in
   * another connection state, e.g. `SCARequired` (a stored link that needs the user).
   */
  storedConnection(options: { scenario?: string; state?: string | null } = {}): {
    /** The connection's id (the ref's `connectionId`). */
    connectionId: number;
    /** The user's id (the ref's `userId`). */
    userId: number;
    /** A permanent user token for that user, as an app that keeps its own would hold. */
    userToken: string;
  } {
    return storeConnection(this.state, options);
  }

  /** Runs the automatic (PSU-absent) sync Powens does every day: SCARequired scenarios end in SCARequired. */
  backgroundSync(id: number): void {
    backgroundSync(this.state, this.connection(id));
  }

  /** Scripts a connection state (any string, even one Powens never sent: mapping tests). */
  setConnectionState(id: number, state: string | null, extra: ScriptedState = {}): void {
    const connection = this.connection(id);
    if (state === null) {
      connection.steps = [];
      advance(this.state, connection);
      return;
    }
    connection.state = state;
    connection.errorMessage = extra.errorMessage ?? null;
    connection.fields = extra.fields ?? null;
    connection.nextTry = this.#sql(extra.nextTry);
    if (extra.expire !== undefined) connection.expire = this.#sql(extra.expire);
    if (extra.expectedAnswer) connection.expectedAnswer = extra.expectedAnswer;
    else delete connection.expectedAnswer;
    connection.polls = 0;
    connection.backgroundResume = false;
    if (state === 'additionalInformationNeeded') connection.steps = ['otp'];
    if (state === 'decoupled') connection.steps = ['decoupled'];
  }

  /** Enables (or disables) the connection's accounts, as `PUT …/accounts/{ids}?all {"disabled": false}` would. */
  setAccountsDisabled(connectionId: number, disabled: boolean): void {
    for (const account of this.state.accounts.values()) {
      if (account.id_connection === connectionId) account.disabled = disabled ? this.sqlTime(Date.now()) : null;
    }
  }

  /** The CONNECTION_SYNCED body Powens would post for a connection. */
  connectionSyncedBody(id: number): Record<string, unknown> {
    const connection = this.connection(id);
    const accounts = [...this.state.accounts.values()].filter((a) => a.id_connection === id);
    return {
      user: { id: connection.userId, signin: connection.created, platform: 'sharedAccess' },
      connection: { ...connectionJson(connection), accounts },
      id_webhook_data: Math.floor(Math.random() * 1_000_000),
    };
  }

  /**
   * A webhook request signed like Powens (`BI-Signature`, `BI-Signature-Date`), to feed
   * your handler. `gzip` compresses the body (`Content-Encoding: gzip`, the console's
   * `webhooks.compression.enabled`); Powens does not say which bytes it signs then, so
   * `signed` picks: the JSON (default) or the compressed bytes.
   */
  async webhook(url: string, body: unknown, options: { event?: PowensWebhookEvent; date?: Date; secret?: string; gzip?: boolean; signed?: 'json' | 'compressed' } = {}): Promise<Request> {
    const raw = new TextEncoder().encode(JSON.stringify(body));
    const date = (options.date ?? new Date()).toISOString();
    const sent = options.gzip ? await gzip(raw) : raw;
    const signedBody = options.gzip && options.signed === 'compressed' ? sent : raw;
    const signature = await signWebhook(options.secret ?? this.state.options.webhookSecret, { path: new URL(url).pathname, date, body: signedBody });
    return new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'bi-signature': signature, 'bi-signature-date': date, ...(options.gzip ? { 'content-encoding': 'gzip' } : {}) },
      body: sent,
    });
  }
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A Powens simulator (test connector, sandbox scenarios, scripting). */
export function powensSimulator(options: PowensSimulatorOptions = {}): PowensSimulator {
  return new PowensSimulator(options);
}
