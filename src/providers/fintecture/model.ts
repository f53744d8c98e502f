/** What users pass to polybank for Fintecture, and what the adapter keeps between steps. */
import { z } from 'zod';

const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'expected the PSU’s IPv4 or IPv6 address' });

/**
 * `bank.connect('fintecture', input)`. `provider` is Fintecture's id of the bank
 * (`agfbfr`, `handse`, …). Decoupled needs the PSU's id at the bank and IP address
 * (headers `x-psu-id`, `x-psu-ip-address`); redirect needs the `redirectUri`
 * registered for the application in the Fintecture Console. Without `model`,
 * `psuId` chooses decoupled and `redirectUri` alone chooses redirect.
 */
export const InputSchema = z
  .strictObject({
    provider: z.string().trim().min(1).regex(/^[A-Za-z0-9_-]+$/, 'expected a Fintecture provider id such as "agfbfr"'),
    model: z.enum(['decoupled', 'redirect']).optional(),
    psuId: z.string().trim().min(1).optional(),
    psuIpAddress: IpAddress.optional(),
    /** PSU segment, checked against the bank's `psu_types` when it lists them. */
    psuType: z.enum(['retail', 'corporate']).optional(),
    redirectUri: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((input, ctx) => {
    const model = input.model ?? (input.psuId !== undefined ? 'decoupled' : input.redirectUri !== undefined ? 'redirect' : undefined);
    if (model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'give psuId and psuIpAddress (decoupled) or redirectUri (redirect)' });
    } else if (model === 'decoupled') {
      if (input.psuId === undefined) ctx.addIssue({ code: 'custom', path: ['psuId'], message: 'required for the decoupled model (x-psu-id)' });
      if (input.psuIpAddress === undefined) {
        ctx.addIssue({ code: 'custom', path: ['psuIpAddress'], message: 'required for the decoupled model (x-psu-ip-address)' });
      }
    } else if (input.redirectUri === undefined) {
      ctx.addIssue({ code: 'custom', path: ['redirectUri'], message: 'required for the redirect model' });
    }
  });
export type FintectureInput = z.input<typeof InputSchema>;

/** What to store to reopen the link: the customer (connection) id and the AIS refresh token. */
export const RefSchema = z.strictObject({
  customerId: z.string().trim().min(1),
  refreshToken: z.string().min(1).optional(),
});
export type FintectureRef = z.infer<typeof RefSchema>;

/** The adapter's checkpointable memory: ids and times only, never a token or a code. */
export const StateSchema = z.discriminatedUnion('phase', [
  z.object({
    phase: z.literal('decoupled'),
    bank: z.string(),
    pollingId: z.string(),
    /** `path`: official `/authorize/decoupled/{polling_id}`; `session`: the catalog's `?session_id=`. */
    pollStyle: z.enum(['path', 'session']),
    deadline: z.iso.datetime({ offset: true }),
  }),
  z.object({ phase: z.literal('redirect'), bank: z.string() }),
  z.object({
    phase: z.literal('active'),
    customerId: z.string(),
    /** When the sealed access token stops being valid. */
    tokenExpiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
]);
export type FintectureState = z.infer<typeof StateSchema>;

export function chosenModel(input: z.output<typeof InputSchema>): 'decoupled' | 'redirect' {
  return input.model ?? (input.psuId !== undefined ? 'decoupled' : 'redirect');
}
