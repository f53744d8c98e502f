import { Polybank, type Challenge, type PolybankOptions } from '../../../src/index.js';
import { POWENS_TEST_CONNECTOR, powens, type PowensOptions } from '../../../src/providers/powens/index.js';
import { powensSimulator, startSimulatorServer, type PowensSimulator, type PowensSimulatorOptions, type SimulatorServer } from '../../../src/testing/index.js';

export type PowensProvider = ReturnType<typeof powens>;
export { POWENS_TEST_CONNECTOR };

export interface PowensHarness {
  sim: PowensSimulator;
  server: SimulatorServer;
  bank: (options?: Partial<PolybankOptions<PowensProvider>> & { powens?: Partial<PowensOptions> }) => Polybank<PowensProvider>;
}

/** A Powens simulator on a real loopback socket, and a bank factory pointed at it (fast polling). */
export async function startPowens(options: PowensSimulatorOptions = {}): Promise<PowensHarness> {
  const sim = powensSimulator(options);
  const server = await startSimulatorServer(sim);
  const bank = (settings: Partial<PolybankOptions<PowensProvider>> & { powens?: Partial<PowensOptions> } = {}): Polybank<PowensProvider> => {
    const { powens: extra, ...rest } = settings;
    return new Polybank({
      providers: [powens({ baseUrl: sim.baseUrl, ...sim.client, polling: { intervalMs: 20, maxIntervalMs: 40 }, ...extra })],
      retry: { limit: 2, backoffLimitMs: 20 },
      ...rest,
    });
  };
  return { sim, server, bank };
}

/** The test connector's credentials for a scenario. */
export function fields(scenario: string, password = '1234'): Record<string, string> {
  return { login: 'Identifiant', password, openapiwebsite: scenario };
}

/** Runs a loop to its end, answering with `answer`; returns the challenge types seen. */
export async function drive(conn: { authenticate(): AsyncGenerator<Challenge> }, answer: (c: Challenge) => unknown = () => undefined): Promise<string[]> {
  const seen: string[] = [];
  for await (const challenge of conn.authenticate()) {
    seen.push(challenge.type);
    await answer(challenge);
  }
  return seen;
}

/** The error a loop ends with (fails the test if it ends well). */
export async function failure(conn: { authenticate(): AsyncGenerator<Challenge> }, answer: (c: Challenge) => void = () => undefined): Promise<Record<string, unknown>> {
  try {
    await drive(conn, answer);
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the authentication to fail');
}

/** Answers the test connector's OTP ("Dites abcd"). */
export function otp(code = 'abcd'): (c: Challenge) => void {
  return (c) => {
    if (c.type === 'otp') c.answer({ code });
  };
}
