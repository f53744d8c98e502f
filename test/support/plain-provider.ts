import { z } from 'zod';
import { defineProvider, failureTable, money, WireAmount, type ProviderAdapter, type ProviderHttpConfig } from 'polybank/provider';

/**
 * The smallest real provider: a stored connection whose accounts are `GET /accounts`, for
 * tests that play a hostile server by hand. Written through the public authoring API only.
 */
const Ref = z.strictObject({ id: z.string().min(1) });
const Accounts = z.object({ accounts: z.array(z.object({ id: z.string(), balance: WireAmount, currency: z.string() })), next: z.string().optional() });

export type PlainAdapter = ProviderAdapter<'plain', { id: string }, { id: string }, null>;

export const plain = defineProvider({
  id: 'plain',
  options: z.strictObject({ baseUrl: z.string(), apiKey: z.string().optional(), http: z.custom<Partial<ProviderHttpConfig>>().optional() }),
  secrets: (o) => [o.apiKey],
  create: (o): Omit<PlainAdapter, 'id' | 'secrets'> => ({
    schemas: { input: Ref, ref: Ref, state: z.null() },
    http: {
      baseUrl: o.baseUrl,
      headers: o.apiKey ? { 'x-api-key': o.apiKey } : {},
      failures: failureTable({ read: (res) => (typeof res.body === 'object' && res.body !== null && 'code' in res.body ? { code: String(res.body.code) } : undefined), codes: {} }),
      ...o.http,
    },
    start: async (_ctx, input) => ({ kind: 'active', state: null, ref: input }),
    open: async (_ctx, ref) => ({ kind: 'active', state: null, ref }),
    answer: async (ctx) => {
      throw ctx.fail('unknown', 'plain has no challenges');
    },
    poll: async () => ({ kind: 'still_pending' }),
    accounts: async (ctx, session) => {
      const accounts: z.infer<typeof Accounts>['accounts'] = [];
      for await (const page of ctx.paginate({ endpoint: 'ListAccounts', method: 'GET', path: 'accounts' }, (res) => {
        const body = res.parse(Accounts);
        return { items: body.accounts, next: body.next };
      })) accounts.push(...page);
      void session;
      return accounts.map((a, i) => {
        const balance = money({ provider: 'plain', endpoint: 'ListAccounts', field: `accounts.${i}.balance` }, a.balance, a.currency);
        return { id: a.id, provider: 'plain', connectionId: 'c', name: a.id, type: 'checking' as const, currency: balance.currency, balances: { current: balance }, raw: a };
      });
    },
  }),
});
