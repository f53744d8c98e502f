/**
 * polybank/testing: offline simulators of every provider, written once as msw
 * handlers. Use them in-process with msw (`setupServer(...sim.handlers())`) or on a
 * real loopback socket (`startSimulatorServer(sim)`), with faults and counters.
 *
 * @module polybank/testing
 */
export { Simulator } from './simulator.js';
export type { Route, RouteContext, SimulatorDefinition, RecordedRequest, SimMethod } from './simulator.js';
export { startSimulatorServer } from './server.js';
export type { SimulatorServer, StartOptions } from './server.js';
export { FaultInjector, resetResponse, htmlError } from './faults.js';
export type { FaultSpec, FaultKind } from './faults.js';

// Provider simulators, each in its own folder (the list is generated from the folders).
export * from './simulators.js';

// Drivers: each provider set up against its simulator, with scenarios and an autopilot.
export * from './drivers/index.js';
