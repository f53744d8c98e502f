import { Polybank, type PolybankOptions } from '../../src/index.js';
import { startSimulatorServer, type SimulatorServer } from '../../src/testing/index.js';
import { toybank, type ToyOptions } from './toy-provider.js';
import { toySimulator } from './toy-simulator.js';

export type ToyProvider = ReturnType<typeof toybank>;

/** A Toybank simulator on a real loopback socket, and a bank factory pointed at it. */
export async function startToy(): Promise<{
  sim: ReturnType<typeof toySimulator>;
  server: SimulatorServer;
  bank: (options?: Partial<PolybankOptions<ToyProvider>> & { toy?: Partial<ToyOptions> }) => Polybank<ToyProvider>;
}> {
  const sim = toySimulator();
  const server = await startSimulatorServer(sim);
  const bank = (options: Partial<PolybankOptions<ToyProvider>> & { toy?: Partial<ToyOptions> } = {}): Polybank<ToyProvider> => {
    const { toy, ...rest } = options;
    return new Polybank({ providers: [toybank({ baseUrl: sim.baseUrl, ...toy })], retry: { limit: 2, backoffLimitMs: 20 }, ...rest });
  };
  return { sim, server, bank };
}
