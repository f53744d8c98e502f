/**
 * The harness of these tests: the simulator on a real loopback socket, a Polybank with the
 * GoCardless provider pointed at it, and a recorder of everything the SDK lets out (events,
 * logs, errors, checkpoints) for the secret searches.
 */
import { inspect } from 'node:util';
import { Polybank, simulatedClock, type Challenge, type Connection, type PolybankOptions, type RedirectChallenge } from 'polybank';
import { startSimulatorServer, type SimulatorServer } from 'polybank/testing';
import { expect } from 'vitest';
import { gocardless, type GoCardlessInput, type GoCardlessOptions } from '../src/index.js';
import { completeAtBank, gocardlessSimulator, type BankDecision, type GoCardlessSimulator, type GoCardlessSimulatorOptions } from '../src/simulator/index.js';

export const REDIRECT = 'https://app.example/gocardless/callback';

export type Provider = ReturnType<typeof gocardless>;
export type Bank = Polybank<Provider>;

export interface Harness {
  sim: GoCardlessSimulator;
  server: SimulatorServer;
  bank: Bank;
  /** Everything the SDK emitted or logged, serialized (for leak searches). */
  leaks: string[];
  provider(options?: Partial<GoCardlessOptions>): Provider;
  newBank(options?: Partial<PolybankOptions<Provider>>, provider?: Partial<GoCardlessOptions>): Bank;
  close(): Promise<void>;
}

export async function harness(simOptions: GoCardlessSimulatorOptions = {}, bankOptions: Partial<PolybankOptions<Provider>> = {}): Promise<Harness> {
  const sim = gocardlessSimulator(simOptions);
  const server = await startSimulatorServer(sim);
  const leaks: string[] = [];
  const provider = (options: Partial<GoCardlessOptions> = {}): Provider =>
    gocardless({ secretId: sim.state.secretId, secretKey: sim.state.secretKey, baseUrl: sim.apiUrl, pollIntervalMs: 50, ...options });
  const newBank = (options: Partial<PolybankOptions<Provider>> = {}, providerOptions: Partial<GoCardlessOptions> = {}): Bank => {
    const bank = new Polybank({
      providers: [provider(providerOptions)],
      clock: simulatedClock(),
      logger: { debug: (f, m) => leaks.push(`${m} ${JSON.stringify(f)}`), info: (f, m) => leaks.push(`${m} ${JSON.stringify(f)}`), warn: (f, m) => leaks.push(`${m} ${JSON.stringify(f)}`), error: (f, m) => leaks.push(`${m} ${JSON.stringify(f)}`) },
      ...bankOptions,
      ...options,
    });
    bank.on('request', (event) => leaks.push(JSON.stringify(event)));
    return bank;
  };
  return { sim, server, bank: newBank(), leaks, provider, newBank, close: () => server.close() };
}

/** Records a connection's events too. */
export function watch(h: Harness, conn: Connection<Provider>): Connection<Provider> {
  conn.on('status', (status) => h.leaks.push(JSON.stringify(status)));
  conn.on('challenge', (challenge) => h.leaks.push(JSON.stringify(challenge), inspect(challenge)));
  conn.on('ref', (ref) => h.leaks.push(JSON.stringify(ref)));
  return conn;
}

/** An error as every place it can show: message, JSON, inspect (stack and cause chain included). */
export function exposed(error: unknown): string {
  return [String(error), JSON.stringify(error), inspect(error, { depth: 10 }), (error as Error)?.stack ?? ''].join('\n');
}

export function input(extra: Partial<GoCardlessInput> = {}): GoCardlessInput {
  return { institutionId: 'SANDBOXFINANCE_SFIN0000', redirectUri: REDIRECT, ...extra };
}

/** Runs a link to the redirect challenge, lets the simulated user decide at the bank, answers with the callback. */
export async function link(h: Harness, decision: BankDecision = 'approve', extra: Partial<GoCardlessInput> = {}, bank: Bank = h.bank): Promise<{ conn: Connection<Provider>; challenge: RedirectChallenge; callback: string }> {
  const conn = watch(h, bank.connect('gocardless', input(extra)));
  let seen: RedirectChallenge | undefined;
  let callback = '';
  for await (const challenge of conn.authenticate()) {
    expect(challenge.type).toBe('redirect');
    seen = challenge as RedirectChallenge;
    callback = await completeAtBank(seen.url, decision);
    seen.answer({ callback });
  }
  if (!seen) throw new Error('no redirect challenge');
  return { conn, challenge: seen, callback };
}

/** The first challenge of a new link, left pending. */
export async function firstChallenge(h: Harness, extra: Partial<GoCardlessInput> = {}, bank: Bank = h.bank): Promise<{ conn: Connection<Provider>; challenge: Challenge; iterator: AsyncGenerator<Challenge> }> {
  const conn = watch(h, bank.connect('gocardless', input(extra)));
  const iterator = conn.authenticate();
  const first = await iterator.next();
  if (first.done) throw new Error('no challenge');
  return { conn, challenge: first.value, iterator };
}

/** Every secret of a run: the user secret and every token the simulator issued. */
export function secretsOf(h: Harness): string[] {
  return [h.sim.state.secretId, h.sim.state.secretKey, ...h.sim.state.issued];
}

/** The secrets found in `texts`. */
export function leaked(texts: readonly string[], secrets: readonly string[]): string[] {
  const all = texts.join('\n');
  return secrets.filter((secret) => all.includes(secret) || all.includes(encodeURIComponent(secret)));
}

