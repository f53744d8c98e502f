/** The Fintecture simulator and its driver (scenario catalog and autopilot). */
export { fintectureSimulator } from './simulator.js';
export type { FintectureSimulator } from './simulator.js';
export { fintectureDriver } from './driver.js';
export { FintectureSimState } from './state.js';
// Prefixed names: polybank/testing re-exports every provider's simulator side by side.
export type {
  FintectureSimulatorOptions,
  DecoupledOutcome as FintectureDecoupledOutcome,
  DecoupledStatus as FintectureDecoupledStatus,
  ShapeMode as FintectureShapeMode,
  SimSession as FintectureSimSession,
  SimCustomer as FintectureSimCustomer,
  SimToken as FintectureSimToken,
  SimCode as FintectureSimCode,
  SimRefreshToken as FintectureSimRefreshToken,
} from './state.js';
export type {
  SimBank as FintectureSimBank,
  SimAccount as FintectureSimAccount,
  SimTransaction as FintectureSimTransaction,
  SimHolder as FintectureSimHolder,
  AuthModel as FintectureAuthModel,
} from './data.js';
