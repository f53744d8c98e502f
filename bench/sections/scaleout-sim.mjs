/**
 * The simulators for the scale-out benchmark, in their own process (the provider side is
 * another machine in production). Over IPC: `store` (stored connections made straight in the
 * simulators' state, their refs returned), `arrivals` (when the requests of some connections
 * reached one endpoint), `stop`.
 */
import { drivers, startSimulatorServer } from 'polybank/testing';

const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'];
const sims = Object.fromEntries(PROVIDERS.map((id) => [id, drivers[id].simulator()]));
for (const sim of Object.values(sims)) sim.maxLog = 200_000;
const server = await startSimulatorServer(Object.values(sims));

process.on('message', (message) => {
  if (message.type === 'store') {
    const refs = [];
    for (let i = 0; i < message.count; i++) {
      const provider = message.providers[i % message.providers.length];
      refs.push({ provider, ref: drivers[provider].stored(sims[provider]) });
    }
    process.send({ type: 'store', refs });
  } else if (message.type === 'arrivals') {
    const sim = sims[message.provider];
    const wanted = new Set(message.ids);
    const at = sim.requests.filter((r) => r.endpoint === message.endpoint && [...wanted].some((id) => r.body?.includes(id))).map((r) => r.at);
    process.send({ type: 'arrivals', at });
  } else if (message.type === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({
  type: 'ready',
  sims: Object.fromEntries(Object.entries(sims).map(([id, sim]) => [id, { baseUrl: sim.baseUrl, ...(id === 'powens' ? { client: sim.client } : {}) }])),
});
