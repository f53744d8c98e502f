import type { Driver } from './types.js';
import { registered } from './registry.js';

export * from './registry.js';
export { followBankRedirect } from './types.js';
export type { Driver, DriverScenario, StoredOptions } from './types.js';

/** The id of a provider that has a driver (one per provider folder). */
export type DriverId = keyof typeof registered;

/** Every provider's driver, by id: the registry generated from the provider folders. */
// Each driver is typed for its own provider; here they are the common Driver.
export const drivers: Readonly<Record<DriverId, Driver>> = registered as unknown as Readonly<Record<DriverId, Driver>>;
