/** What `gocardless({...})` accepts: the user secret from the portal, and where the API lives. */
import { z } from 'zod';

export const DEFAULT_BASE_URL = 'https://bankaccountdata.gocardless.com/api/v2';

const HttpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !new URL(value).search && !new URL(value).hash, 'must not carry a query or fragment');

export const Options = z.strictObject({
  /** `secret_id` of a user secret (GoCardless Bank Account Data portal, "User secrets"). */
  secretId: z.string().trim().min(1),
  /** `secret_key` of that user secret (redacted everywhere). */
  secretKey: z.string().min(1),
  /** The API root the documented paths hang from (the official SDKs' `baseUrl`, `/api/v2` included). */
  baseUrl: HttpUrl.default(DEFAULT_BASE_URL),
  /** How often the requisition is read while the bank finishes after the user came back. */
  pollIntervalMs: z.number().int().positive().default(2000),
  /** How long, after the callback, the requisition may take to be linked before `auth_expired`. */
  linkTimeoutMs: z.number().int().positive().default(5 * 60_000),
});

export type GoCardlessOptions = z.input<typeof Options>;
export type GoCardlessConfig = z.output<typeof Options>;
