/**
 * The simulators for the concurrency benchmark, in their own process (the provider side is
 * another machine in production: its CPU and memory are not the SDK's). Decoupled
 * approvals never come: every authentication stays pending for as long as the benchmark
 * holds it. Answers the parent over IPC: `counts` (requests per provider and endpoint since
 * the last `reset`).
 */
import { flinksSimulator, fintectureSimulator, powensSimulator, startSimulatorServer } from 'polybank/testing';

const NEVER = 1e9;
const sims = {
  fintecture: fintectureSimulator({ decoupledTtlMs: 60 * 60_000 }),
  powens: powensSimulator({ newAccountsDisabled: false, decoupledPolls: NEVER }),
  flinks: flinksSimulator({ deviceApprovalAfterPolls: NEVER }),
};
for (const sim of Object.values(sims)) sim.maxLog = 16;
const server = await startSimulatorServer(Object.values(sims));

process.on('message', (message) => {
  if (message === 'reset') {
    for (const sim of Object.values(sims)) sim.resetCounts();
    process.send({ type: 'reset' });
  } else if (message === 'counts') {
    process.send({ type: 'counts', counts: Object.fromEntries(Object.entries(sims).map(([id, sim]) => [id, sim.counts])) });
  } else if (message === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
process.send({
  type: 'ready',
  baseUrls: Object.fromEntries(Object.entries(sims).map(([id, sim]) => [id, sim.baseUrl])),
  powensClient: sims.powens.client,
});
