/** The bank a link goes to (a Fintecture "provider"): read it, and check it supports what is asked. */
import { UnsupportedError, type AdapterContext } from '../../provider.js';
import type { FintectureClient } from './client.js';
import { PROVIDER } from './mapping.js';
import type { BankInfo } from './schemas/wire.js';

/** The bank, read from Fintecture: what it is called and what it supports. */
export async function readBank(ctx: AdapterContext, client: FintectureClient, id: string): Promise<BankInfo> {
  const info = await client.getProvider(ctx, id);
  if (!info) throw new UnsupportedError(`Fintecture has no provider (bank) ${JSON.stringify(id)}`, { provider: PROVIDER, endpoint: 'GetProvider' });
  return info;
}

/** Where the bank lists what it supports, ask for nothing else (the attribute names are not confirmed: absent lists do not block). */
export function checkSupport(bank: BankInfo, model: 'decoupled' | 'redirect', psuType: string | undefined): void {
  const name = bank.name ? `${bank.name} (${bank.id})` : bank.id;
  if (bank.authModels && !bank.authModels.includes(model)) {
    const supported = bank.authModels.length ? bank.authModels.join(', ') : 'none';
    throw new UnsupportedError(`${name} does not support the ${model} authentication model; it supports: ${supported}`, { provider: PROVIDER, endpoint: 'GetProvider' });
  }
  if (bank.ais && !bank.ais.includes('accounts')) {
    throw new UnsupportedError(`${name} offers no account information through Fintecture (ais: ${bank.ais.join(', ') || 'none'})`, { provider: PROVIDER, endpoint: 'GetProvider' });
  }
  if (psuType && bank.psuTypes && !bank.psuTypes.includes(psuType)) {
    throw new UnsupportedError(`${name} does not serve ${psuType} customers; it serves: ${bank.psuTypes.join(', ') || 'none'}`, { provider: PROVIDER, endpoint: 'GetProvider' });
  }
}
