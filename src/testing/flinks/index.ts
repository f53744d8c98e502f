/** The Flinks simulator: the sandbox's users and the seed's bank MFA cases, over msw or a real socket. */
export { flinksSimulator } from './simulator.js';
export { flinksDriver } from './driver.js';
export { createFlinksState, flinksTime } from './state.js';
export type {
  FlinksSimState,
  FlinksSimulatorOptions,
  FlinksExchange,
  SimLogin as FlinksSimLogin,
  SimSession as FlinksSimSession,
  SimDataOperation as FlinksSimDataOperation,
  SimDataEndpoint as FlinksSimDataEndpoint,
} from './state.js';
export { defaultScenarios as flinksScenarios, GREATDAY_LOGIN_ID, SANDBOX_PASSWORD as FLINKS_SANDBOX_PASSWORD } from './scenarios.js';
export type { SimScenario as FlinksScenario, SimChallenge as FlinksSimChallenge, SimStep as FlinksSimStep } from './scenarios.js';
export { LAURENTIENNE_IMAGES } from './images.js';
export type { SimAccount as FlinksSimAccount, SimHolder as FlinksSimHolder, SimTransaction as FlinksSimTransaction } from './data.js';
export { statementPdf as flinksStatementPdf } from './data.js';
