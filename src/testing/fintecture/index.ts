/**
 * The Fintecture simulator: OAuth tokens (expiry, single-use codes), banks, redirect and
 * decoupled authorization (PENDING for a few polls, then COMPLETED or FAILED, scripted by
 * `x-psu-id`), accounts, paginated transactions, holders, delete, the error envelope, and
 * HTTP-signature verification when given the app's public key. Official routes first;
 * the seed workflow's (api-evangelist catalog) routes and shapes as aliases.
 */
import { Simulator } from '../simulator.js';
import { aisRoutes } from './ais.js';
import { authorizeRoutes } from './authorize.js';
import { fail } from './envelope.js';
import { oauthRoutes } from './oauth.js';
import { FintectureSimState, type FintectureSimulatorOptions } from './state.js';

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

export type FintectureSimulator = Simulator<FintectureSimState>;

export function fintectureSimulator(options: FintectureSimulatorOptions = {}): FintectureSimulator {
  return new Simulator<FintectureSimState>(
    {
      name: 'fintecture',
      defaultOrigin: 'https://api-sandbox.fintecture.com',
      routes: [...oauthRoutes, ...authorizeRoutes, ...aisRoutes],
      notFound: () => fail(404, 'not_found', 'Not Found', 'The requested resource either does not exist or is temporarily down'),
    },
    () => new FintectureSimState(options),
  );
}
