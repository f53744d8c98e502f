/**
 * The Fintecture simulator: OAuth tokens (expiry, single-use codes), banks, redirect,
 * decoupled and Connect authorization (PENDING for a few polls, then COMPLETED or FAILED,
 * scripted by `x-psu-id`), accounts (current, savings, a deferred-debit card, a home loan),
 * paginated transactions, holders, delete, the error envelope with its `log_id`, and
 * HTTP-signature verification when given the app's public key. Official routes first;
 * the seed workflow's (api-evangelist catalog) routes and shapes as aliases.
 */
import { Simulator } from '../simulator.js';
import { aisRoutes } from './ais.js';
import { authorizeRoutes } from './authorize.js';
import { connectRoutes } from './connect.js';
import { fail } from './envelope.js';
import { oauthRoutes } from './oauth.js';
import { FintectureSimState, type FintectureSimulatorOptions } from './state.js';

/** A Fintecture simulator (its state: banks, customers, pending authorizations). */
export type FintectureSimulator = Simulator<FintectureSimState>;

export function fintectureSimulator(options: FintectureSimulatorOptions = {}): FintectureSimulator {
  return new Simulator<FintectureSimState>(
    {
      name: 'fintecture',
      defaultOrigin: 'https://api-sandbox.fintecture.com',
      routes: [...oauthRoutes, ...authorizeRoutes, ...connectRoutes, ...aisRoutes],
      notFound: () => fail(404, 'not_found', 'Not Found', 'The requested resource either does not exist or is temporarily down'),
    },
    () => new FintectureSimState(options),
  );
}
