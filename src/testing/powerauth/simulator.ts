/** The simulated Data Adapter: its routes over its state, at the sample's default origin and context path. */
import { Simulator } from '../simulator.js';
import { routes } from './routes.js';
import { createState, type PowerAuthSimState, type PowerAuthSimulatorOptions } from './state.js';

export function powerauthSimulator(options: PowerAuthSimulatorOptions = {}): Simulator<PowerAuthSimState> {
  return new Simulator<PowerAuthSimState>(
    {
      name: 'powerauth',
      defaultOrigin: 'https://dataadapter.bank.test',
      basePath: '/powerauth-data-adapter',
      routes,
      // Spring's 404 for a path the adapter does not serve.
      notFound: (request) => Response.json({ timestamp: new Date().toISOString(), status: 404, error: 'Not Found', path: new URL(request.url).pathname }, { status: 404 }),
    },
    () => createState(options),
  );
}
