import { readFileSync } from 'node:fs';
import { Polybank, realClock, type Challenge, type Clock, type PolybankOptions } from '../../../src/index.js';
import { powerauth, type PowerAuthInput, type PowerAuthOptions } from '../../../src/providers/powerauth/index.js';
import { startSimulatorServer, type SimulatorServer } from '../../../src/testing/index.js';
import { powerauthSimulator, type PowerAuthSimulatorOptions } from '../../../src/testing/powerauth/index.js';

export type PowerAuthProvider = ReturnType<typeof powerauth>;
export type Sim = ReturnType<typeof powerauthSimulator>;

export interface Harness {
  sim: Sim;
  server: SimulatorServer;
  bank(options?: Partial<PolybankOptions<PowerAuthProvider>> & { powerauth?: Partial<PowerAuthOptions> }): Polybank<PowerAuthProvider>;
}

/** A Data Adapter simulator on a real loopback socket, and a bank factory pointed at it. */
export async function startPowerAuth(simOptions: PowerAuthSimulatorOptions = {}): Promise<Harness> {
  const sim = powerauthSimulator(simOptions);
  const server = await startSimulatorServer(sim);
  return {
    sim,
    server,
    bank(options = {}) {
      const { powerauth: extra, ...rest } = options;
      return new Polybank({
        providers: [powerauth({ baseUrl: sim.baseUrl, ...(simOptions.version ? { version: simOptions.version } : {}), ...extra })],
        retry: { limit: 2, backoffLimitMs: 20 },
        ...rest,
      });
    },
  };
}

export const PASSWORD = 's3cret';

/** Answers with the right values: username, password, the SMS code the simulator sent, every consent option. */
export function answerRight(sim: Sim, c: Challenge, username = 'user1234', password = PASSWORD): void {
  switch (c.type) {
    case 'credentials': {
      const values: Record<string, string> = {};
      for (const f of c.fields) values[f.name] = f.name === 'username' ? username : password;
      c.answer(values);
      break;
    }
    case 'otp': {
      const code = sim.state.lastCode() ?? '00000000';
      c.answer(c.passwordRequired ? { code, password } : { code });
      break;
    }
    case 'consent':
      c.answer({ options: Object.fromEntries(c.options.map((o) => [o.id, true])) });
      break;
    default:
      throw new Error(`unexpected challenge ${c.type}`);
  }
}

/** Endpoints hit, in order (the status check and notifications included). */
export function endpoints(sim: Sim): string[] {
  return sim.state.requests.map((r) => r.endpoint);
}

/** The `requestObject` of the n-th request to an endpoint. */
export function requestOf(sim: Sim, endpoint: string, index = 0): Record<string, unknown> {
  const body = sim.state.bodies(endpoint)[index] as { requestObject?: Record<string, unknown> } | undefined;
  if (!body?.requestObject) throw new Error(`no request #${index} to ${endpoint}`);
  return body.requestObject;
}

/** A fixture copied from the research specs (`fixtures/…`) or extracted verbatim from the seed (`fixtures/seed/…`). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** The seed's payment operation (`authorize_payment`, 100 CZK to 238400856/0300), from its sms/create request. */
export type SeedOperation = NonNullable<PowerAuthInput['operation']> & { id: string; name: string; data: string };
export function seedPaymentOperation(): SeedOperation {
  const body = fixture<{ requestObject: { operationContext: SeedOperation } }>('seed/sms-create.request');
  return body.requestObject.operationContext;
}

/** polybank's clock, moving with the simulated bank's (`sim.state.clockOffsetMs`): the user and the bank share the time. */
export function sharedClock(sim: Sim): Clock {
  return { now: () => Date.now() + sim.state.clockOffsetMs, sleep: (ms, signal) => realClock.sleep(ms, signal) };
}
