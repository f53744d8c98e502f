/**
 * The GoCardless Bank Account Data simulator, written with polybank/testing's public
 * framework: the documented endpoints under `/api/v2`, the consent and bank pages behind
 * each requisition's link, the rate limits and their headers, and a clock tests advance.
 *
 * ```ts
 * const sim = gocardlessSimulator();
 * const server = await startSimulatorServer(sim);
 * const provider = gocardless({ secretId: sim.state.secretId, secretKey: sim.state.secretKey, baseUrl: sim.apiUrl });
 * ```
 */
import { Simulator } from 'polybank/testing';
import { json } from './http.js';
import { accountRoutes } from './routes/accounts.js';
import { agreementRoutes } from './routes/agreements.js';
import { bankRoutes, type BankDecision } from './routes/bank.js';
import { institutionRoutes } from './routes/institutions.js';
import { requisitionRoutes } from './routes/requisitions.js';
import { tokenRoutes } from './routes/tokens.js';
import { GoCardlessSimState, type GoCardlessSimulatorOptions } from './state.js';

export { GoCardlessSimState, LONG_STATUS } from './state.js';
export type { GoCardlessSimulatorOptions, ShortStatus, AccountStatus, Scope, LimitGroup, SimAgreement, SimRequisition, SimAccount, SimToken } from './state.js';
export type { SimInstitution, SimAccountTemplate } from './data.js';
export { defaultInstitutions } from './data.js';
export type { BankDecision } from './routes/bank.js';

export class GoCardlessSimulator extends Simulator<GoCardlessSimState> {
  /** What the provider's `baseUrl` should be: the origin plus `/api/v2`. */
  get apiUrl(): string {
    return `${this.origin}/api/v2`;
  }
}

export function gocardlessSimulator(options: GoCardlessSimulatorOptions = {}): GoCardlessSimulator {
  return new GoCardlessSimulator(
    {
      name: 'gocardless',
      defaultOrigin: 'https://bankaccountdata.gocardless.com',
      routes: [...tokenRoutes, ...institutionRoutes, ...agreementRoutes, ...requisitionRoutes, ...accountRoutes, ...bankRoutes],
      notFound: () => json(404, { summary: 'Not found.', detail: 'Not found.', status_code: 404 }),
    },
    () => new GoCardlessSimState(options),
  );
}

/**
 * Plays the end user: follows a requisition link, decides at the bank, and returns the
 * callback URL the bank sends the browser back to (the 302's Location).
 */
export async function completeAtBank(link: string, decision: BankDecision = 'approve'): Promise<string> {
  const url = new URL(link);
  url.searchParams.set('decision', decision);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  await response.body?.cancel();
  if (response.status !== 302 || !location) throw new Error(`the bank page answered HTTP ${response.status}, not a redirect`);
  return location;
}
