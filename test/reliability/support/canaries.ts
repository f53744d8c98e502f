/**
 * Every provider set up with canary secrets where the drivers use defaults: app
 * secrets, API and auth keys, client secrets, encryption keys, passwords, OTPs and
 * answers; plus the tokens and codes the simulators issue during a run. The driver's
 * autopilot still decides what to answer; its well-known sandbox values are swapped
 * for the canaries on the way out.
 */
import type { Challenge } from '../../../src/index.js';
import type { AnyProvider } from '../../../src/core/provider.js';
import { fintecture } from '../../../src/providers/fintecture/index.js';
import { flinks } from '../../../src/providers/flinks/index.js';
import { powens } from '../../../src/providers/powens/index.js';
import { powerauth } from '../../../src/providers/powerauth/index.js';
import {
  POWERAUTH_TEST_PASSWORD,
  drivers,
  fintectureSimulator,
  flinksSimulator,
  powensSimulator,
  powerauthSimulator,
  powerauthTestUsers,
  type Driver,
  type DriverScenario,
  type FintectureSimState,
  type FlinksSimState,
  type PowensSimState,
  type PowerAuthSimState,
} from '../../../src/testing/index.js';
import type { AnySim } from './flow.js';

export type ProviderId = 'fintecture' | 'powens' | 'flinks' | 'powerauth';

export interface CanarySetup {
  driver: Driver;
  /** A simulator that knows the canary credentials. */
  simulator(): AnySim;
  /** The provider configured with the canary credentials against `sim`. */
  provider(sim: AnySim): AnyProvider;
  /** Sets canary answers into the simulator's state (after every reset). */
  prepare(sim: AnySim): void;
  input(scenario: DriverScenario): unknown;
  /** Swaps the autopilot's sandbox values for canaries. */
  rewrite(answer: unknown, challenge: Challenge): unknown;
  /** Secrets the SDK is given before any request: provider credentials and input secrets. */
  known: readonly string[];
  /** Those of `known` the provider receives, so that it could quote them back (not a private key). */
  echoable: readonly string[];
  /** Tokens and codes the simulator issued to the SDK so far. */
  issued(sim: AnySim): string[];
  /** Every canary: the known ones, what the person knows (passwords, codes, answers) and what was issued. */
  all(sim: AnySim): string[];
}

// Canaries carry what defeats naive redaction: a quote and a backslash (JSON-escaped on the
// way back), mixed case (echoed upper-cased). What a person types (passwords, answers) also
// carries non-ASCII letters (\u-escaped by some servers); keys and cookies stay ASCII (headers).
const c = (what: string): string => `${what}-Canary"\\${Math.random().toString(36).slice(2, 8)}`;
const typed = (what: string): string => `${what}-Cänäry"\\${Math.random().toString(36).slice(2, 8)}`;

/** Replaces string values equal to a key of `map`, deeply. */
function swap(value: unknown, map: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return map[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => swap(v, map));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, swap(v, map)]));
  return value;
}

/** A PKCS#8 PEM and its SPKI public key, made with WebCrypto for this run only. */
async function rsaPem(): Promise<{ privatePem: string; publicPem: string }> {
  const pair = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const pem = (label: string, der: ArrayBuffer): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;
  return { privatePem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)), publicPem: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)) };
}

async function fintectureSetup(): Promise<CanarySetup> {
  const appId = 'sim-app-id';
  const appSecret = c('app-secret');
  const keys = await rsaPem();
  const keyLines = keys.privatePem.split('\n').filter((l) => l.length > 40);
  const basic = Buffer.from(`${appId}:${appSecret}`).toString('base64');
  const known = [appSecret, basic, ...keyLines];
  const issued = (sim: AnySim): string[] => {
    const state = sim.state as FintectureSimState;
    return [...state.tokens.keys(), ...state.refreshTokens.keys(), ...state.codes.keys()];
  };
  return {
    driver: drivers.fintecture,
    simulator: () => fintectureSimulator({ appId, appSecret, publicKey: keys.publicPem }) as unknown as AnySim,
    provider: (sim) => fintecture({ appId, appSecret, privateKey: keys.privatePem, baseUrl: sim.baseUrl, pollIntervalMs: 200 }),
    prepare: () => undefined,
    input: (scenario) => scenario.input,
    rewrite: (answer) => answer,
    known,
    echoable: [appSecret, basic],
    issued,
    all: (sim) => [...known, ...issued(sim)],
  };
}

function powensSetup(): CanarySetup {
  const clientSecret = c('client-secret');
  const password = typed('pw');
  const otp = c('otp');
  const known = [clientSecret];
  return {
    driver: drivers.powens,
    simulator: () =>
      // The sandbox's second doubleotp prompt quotes the first code (on by default): the core redacts it.
      powensSimulator({ newAccountsDisabled: false, decoupledPolls: 2, clientSecret, password, otp, otpLabel: 'Enter the code your bank sent you' }) as unknown as AnySim,
    provider: (sim) => {
      const { clientId } = (sim as unknown as { client: { clientId: string } }).client;
      return powens({ baseUrl: sim.baseUrl, clientId, clientSecret, redirectUri: 'https://app.polybank.test/powens/callback', polling: { intervalMs: 200 } });
    },
    prepare: () => undefined,
    input: (scenario) => scenario.input,
    // The test connector's password and code as the driver knows them.
    rewrite: (answer) => swap(answer, { '1234': password, abcd: otp }),
    known,
    echoable: known,
    // Not `state.codes`: the webauth URL carries a single-use token for the user's browser (the redirect challenge shows it on purpose).
    issued: (sim) => [...(sim.state as PowensSimState).issuedTokens],
    all: (sim) => [clientSecret, password, otp, ...(sim.state as PowensSimState).issuedTokens],
  };
}

function flinksSetup(): CanarySetup {
  const authKey = c('auth-key');
  const apiKey = c('api-key');
  const password = typed('pw');
  const newAnswer = typed('new-answer');
  // Short on purpose: codes are digits of a fixed length; they are searched as whole tokens.
  const securId = '739152';
  const securityCode = '864203';
  const answers: Record<string, string> = {};
  return {
    driver: drivers.flinks,
    simulator: () => flinksSimulator({ authKey, apiKey }) as unknown as AnySim,
    provider: (sim) =>
      flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: sim.baseUrl, authKey, apiKey, asyncPollIntervalMs: 200, decoupledPollIntervalMs: 200 }),
    prepare: (sim) => {
      const state = sim.state as FlinksSimState;
      state.password = password;
      state.securId = securId;
      state.securityCode = securityCode;
      for (const [i, prompt] of Object.keys(state.answers).entries()) {
        answers[prompt] ??= `${state.answers[prompt]}-Cänäry"\\${i}`;
        state.answers[prompt] = answers[prompt] as string;
      }
    },
    input: (scenario) => ({ ...(scenario.input as object), password }),
    // New answers a reset asks the person to choose.
    rewrite: (answer) => swap(answer, { Rex: newAnswer }),
    known: [authKey, apiKey, password],
    echoable: [authKey, apiKey, password],
    issued: (sim) => [...(sim.state as FlinksSimState).tokens.keys()],
    all: (sim) => [authKey, apiKey, password, newAnswer, securId, securityCode, ...Object.values(answers), ...(sim.state as FlinksSimState).tokens.keys()],
  };
}

function powerauthSetup(): CanarySetup {
  const password = typed('pw');
  const key = Buffer.from(c('aes-key').padEnd(32, 'k').slice(0, 32)).toString('base64');
  const cookie = c('tm-session');
  return {
    driver: drivers.powerauth,
    simulator: () => powerauthSimulator({ users: powerauthTestUsers().map((u) => ({ ...u, password })), passwordEncryptionKey: key }) as unknown as AnySim,
    provider: (sim) => powerauth({ baseUrl: sim.baseUrl, organizationId: 'RETAIL', passwordEncryption: { key }, afs: true }),
    prepare: () => undefined,
    input: (scenario) => ({ ...(scenario.input as object), afs: { clientIpAddress: '203.0.113.7', extras: { tm_session_sid: cookie } } }),
    rewrite: (answer) => swap(answer, { [POWERAUTH_TEST_PASSWORD]: password }),
    known: [key, cookie],
    // The AES key encrypts the password for the bank but is never sent; the AFS cookies are.
    echoable: [cookie],
    issued: () => [],
    // The SMS codes are what the person's phone received.
    all: (sim) => [password, key, cookie, ...(sim.state as PowerAuthSimState).outbox.map((m) => m.code)],
  };
}

export async function canarySetup(id: ProviderId): Promise<CanarySetup> {
  switch (id) {
    case 'fintecture':
      return fintectureSetup();
    case 'powens':
      return powensSetup();
    case 'flinks':
      return flinksSetup();
    case 'powerauth':
      return powerauthSetup();
  }
}

/** The canaries found in `text`: long ones anywhere (also URL- and base64-encoded), short ones as whole tokens. */
export function leaked(text: string, canaries: readonly string[]): string[] {
  const found: string[] = [];
  for (const canary of new Set(canaries)) {
    if (canary.length < 3) continue;
    if (canary.length < 8) {
      if (new RegExp(`(?<![A-Za-z0-9])${canary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`).test(text)) found.push(canary);
      continue;
    }
    const json = JSON.stringify(canary).slice(1, -1);
    const forms = [
      canary,
      encodeURIComponent(canary),
      Buffer.from(canary).toString('base64'),
      json,
      json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
      canary.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
      JSON.stringify(json).slice(1, -1),
    ];
    // Any letter case: a provider may echo a secret upper-cased.
    const lower = text.toLowerCase();
    if (forms.some((f) => lower.includes(f.toLowerCase()))) found.push(canary);
  }
  return found;
}

/** Error answers in each provider's own envelope whose text echoes `text` (what a provider that quotes the request does). */
export function echoFaults(id: ProviderId, text: () => string): Array<{ name: string; status: number; body: () => string; headers?: Record<string, string> }> {
  const envelope = (): string => {
    const t = text();
    switch (id) {
      case 'fintecture':
        return JSON.stringify({ status: 400, code: 'bad_request', log_id: 'e9b1', errors: [{ code: 'invalid_request', title: t, message: t, detail: t }], meta: { message: t } });
      case 'powens':
        return JSON.stringify({ code: 'invalidValue', message: t, description: t });
      case 'flinks':
        return JSON.stringify({ HttpStatusCode: 400, Message: t, FlinksCode: 'INVALID_REQUEST', ValidationDetails: { Password: [t] } });
      case 'powerauth':
        return JSON.stringify({ status: 'ERROR', responseObject: { code: 'ERROR_GENERIC', message: t, validationErrors: [t] } });
    }
  };
  // The same envelope, with the quoted text transformed the ways servers do: upper-cased, or
  // JSON-encoded once more (a string inside a string), or non-ASCII escaped.
  const transformed = (how: (t: string) => string): (() => string) => {
    const inner = text;
    return () => {
      const saved = text;
      text = () => how(inner());
      try {
        return envelope();
      } finally {
        text = saved;
      }
    };
  };
  return [
    { name: 'echo-400', status: 400, body: envelope },
    { name: 'echo-400-upper', status: 400, body: transformed((t) => t.toUpperCase()) },
    { name: 'echo-400-json-in-json', status: 400, body: transformed((t) => JSON.stringify(t)) },
    { name: 'echo-400-ascii-escaped', status: 400, body: transformed((t) => t.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)) },
    { name: 'echo-500', status: 500, body: envelope },
    { name: 'echo-html-502', status: 502, body: () => `<html><body><h1>Bad gateway</h1><pre>${text()}</pre></body></html>`, headers: { 'content-type': 'text/html' } },
  ];
}
