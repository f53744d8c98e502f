/**
 * The Powens simulator: the API 2.0 of a Powens domain with the official test
 * connector (password `1234`, OTP `abcd`, every `openapiwebsite` scenario), recorded
 * bodies served verbatim, `expire` windows in the API's zone, background validation,
 * webauth (also for new connections), the Reconnect webview, account ownerships,
 * enabling accounts, plus scripting (states, outcomes) and signed webhooks.
 */
export { PowensSimulator, powensSimulator } from './simulator.js';
export type { ScriptedState } from './simulator.js';
export { POWENS_SCENARIOS, ACCEPTED_SCENARIOS, createPowensState, sqlTime, parseSqlTime } from './state.js';
export type { PowensScenario, PowensSimState, PowensSimulatorOptions, SimConnection, SimField, SimStep, SimUser, ReceivedRequest, SimCode as PowensSimCode } from './state.js';
export { TEST_CONNECTOR_UUID, TEST_CONNECTOR_ID, WEBAUTH_CONNECTOR_UUID, WEBAUTH_CONNECTOR_ID, HTML_404 } from './routes.js';
export { powensDriver } from './driver.js';
