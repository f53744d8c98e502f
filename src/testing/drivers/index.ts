import { fintectureDriver } from './fintecture.js';
import { flinksDriver } from './flinks.js';
import { powensDriver } from './powens.js';
import { powerauthDriver } from './powerauth.js';
import type { Driver } from './types.js';

export { fintectureDriver, flinksDriver, powensDriver, powerauthDriver };
export { followBankRedirect } from './types.js';
export type { Driver, DriverScenario, StoredOptions } from './types.js';

/** Every provider's driver, by id. */
export const drivers: Readonly<Record<'fintecture' | 'powens' | 'flinks' | 'powerauth', Driver>> = {
  fintecture: fintectureDriver as unknown as Driver,
  powens: powensDriver as unknown as Driver,
  flinks: flinksDriver as unknown as Driver,
  powerauth: powerauthDriver as unknown as Driver,
};
