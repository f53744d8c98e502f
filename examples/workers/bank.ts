/**
 * The worker's bank: the four providers, from the environment. Here their base URLs point
 * at the bundled simulators (started by run.ts); in production they are the providers' own.
 */
import { Polybank } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { powens } from 'polybank/powens';
import { powerauth } from 'polybank/powerauth';

export function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

export function createBank() {
  return new Polybank({
    providers: [
      fintecture({ appId: env('FINTECTURE_APP_ID', 'sim-app-id'), appSecret: env('FINTECTURE_APP_SECRET', 'sim-app-secret'), baseUrl: env('FINTECTURE_URL') }),
      powens({ baseUrl: env('POWENS_URL'), clientId: env('POWENS_CLIENT_ID', '98765432'), clientSecret: env('POWENS_CLIENT_SECRET', 'sim-client-secret') }),
      flinks({ customerId: env('FLINKS_CUSTOMER_ID', '43387ca6-0391-4c82-857d-70d95f087ecb'), baseUrl: env('FLINKS_URL') }),
      powerauth({ baseUrl: env('POWERAUTH_URL'), organizationId: 'RETAIL' }),
    ],
    // Quick blips are retried in the request; longer trouble becomes a job retry (with backoff).
    retry: { limit: Number(env('SDK_RETRIES', '1')), maxRetryAfterMs: 2_000 },
  });
}

export const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'] as const;
