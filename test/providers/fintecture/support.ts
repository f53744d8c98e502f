import { Polybank, type Challenge, type Connection, type PolybankOptions } from '../../../src/index.js';
import { fintecture, type FintectureOptions, type FintectureProvider } from '../../../src/providers/fintecture/index.js';
import { fintectureSimulator, startSimulatorServer, type FintectureSimulator, type FintectureSimulatorOptions, type SimulatorServer } from '../../../src/testing/index.js';

export const APP_ID = 'sim-app-id';
export const APP_SECRET = 'sim-app-secret';
export const PSU_IP = '203.0.113.7';

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`;
}

export interface KeyPair {
  privatePem: string;
  publicPem: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** An RSA key pair made with WebCrypto, for the test only (the app's key from the Fintecture Console). */
export async function rsaKeyPair(modulusLength = 2048): Promise<KeyPair> {
  const pair = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  return {
    privatePem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
    publicPem: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)),
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
  };
}

export interface BankOptions extends Partial<PolybankOptions<FintectureProvider>> {
  fintecture?: Partial<FintectureOptions>;
}

export interface Harness {
  sim: FintectureSimulator;
  server: SimulatorServer;
  /** A fresh Polybank (another process, as far as the SDK is concerned) pointed at the simulator. */
  bank(options?: BankOptions): Polybank<FintectureProvider>;
  provider(options?: Partial<FintectureOptions>): FintectureProvider;
}

export async function startFintecture(options: FintectureSimulatorOptions = {}): Promise<Harness> {
  const sim = fintectureSimulator(options);
  const server = await startSimulatorServer(sim);
  const provider = (extra: Partial<FintectureOptions> = {}): FintectureProvider =>
    fintecture({ appId: APP_ID, appSecret: APP_SECRET, baseUrl: sim.baseUrl, pollIntervalMs: 20, decoupledTimeoutMs: 5000, ...extra });
  const bank = (opts: BankOptions = {}): Polybank<FintectureProvider> => {
    const { fintecture: extra, ...rest } = opts;
    return new Polybank({ providers: [provider(extra)], retry: { limit: 2, backoffLimitMs: 20 }, ...rest });
  };
  return { sim, server, bank, provider };
}

/** Runs the loop to the end, recording each challenge; redirect challenges are not answered. */
export async function drive(conn: Connection, onChallenge: (c: Challenge) => void = () => undefined): Promise<Challenge[]> {
  const seen: Challenge[] = [];
  for await (const challenge of conn.authenticate()) {
    seen.push(challenge);
    onChallenge(challenge);
  }
  return seen;
}

export async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Follows the simulated bank page of a redirect challenge and returns the callback URL it redirects to. */
export async function followBank(url: string, decision: 'approve' | 'deny' = 'approve'): Promise<string> {
  const target = new URL(url);
  if (decision === 'deny') target.searchParams.set('decision', 'deny');
  const res = await fetch(target, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`bank page answered ${res.status}`);
  return location;
}

/** The Fintecture error envelope, for injected faults. */
export function envelope(status: number, code: string, top?: string): string {
  return JSON.stringify({ status, code: top ?? 'error', log_id: '3006ddbf-2f97-44d8-9f63-35711b78e8a6', errors: [{ code, title: code, message: `${code} happened` }] });
}
