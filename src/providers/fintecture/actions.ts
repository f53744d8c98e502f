/**
 * Fintecture's operations beyond the common API, on `conn.actions`: the banks it reaches
 * (`GET /res/v1/providers[/{id}]`), the sandbox's test accounts, and one account of the
 * connection (`GET …/accounts/{account_id}`, with or without its balance).
 */
import { ChallengeStateError, type AdapterContext, type Account, type ActionTarget, type Session } from '../../provider.js';
import { readBank } from './banks.js';
import { activeState, checked } from './guards.js';
import type { FintectureClient } from './client.js';
import { toAccount } from './mapping.js';
import {
  AccountArgsSchema,
  BankArgsSchema,
  ProviderFiltersSchema,
  TestAccountsArgsSchema,
  type FintectureProviderFilters,
  type FintectureRef,
  type FintectureState,
} from './schemas/model.js';
import type { BankInfo } from './schemas/wire.js';
import type { AisTokens } from './tokens.js';

/**
 * What an action runs on: the connection's reference and its session.
 *
 * @inline
 */
type Target = ActionTarget<FintectureRef, FintectureState>;

/** A sandbox test account, as Fintecture lists it (the shape is not documented: `raw` has it all). */
export interface FintectureTestAccount {
  /** The test account's id (the PSU id to use in the sandbox). */
  id: string;
  /** The bank it belongs to, when the answer says. */
  provider?: string;
  /** Fintecture's object, untouched. */
  raw: unknown;
}

/** The session of an active connection: the open one, or the stored reference's (its refresh token mints the access token). */
function dataSession(target: Target): Session<FintectureState> {
  if (target.session?.state.phase === 'active') return target.session;
  if (target.ref?.refreshToken) return { state: { phase: 'active', customerId: target.ref.customerId }, sealed: { refreshToken: target.ref.refreshToken } };
  throw new ChallengeStateError('this Fintecture connection is not active yet: authenticate it, or open it from a reference with its refresh token');
}

export function fintectureActions(client: FintectureClient, tokens: AisTokens) {
  return {
    /** The banks Fintecture reaches, filtered (`filter[country]`, `filter[ais]`, …): what to offer before `bank.connect()`. */
    async providers(ctx: AdapterContext, _target: Target, filters?: FintectureProviderFilters): Promise<BankInfo[]> {
      return client.listProviders(ctx, checked(ProviderFiltersSchema, filters, 'fintecture providers'));
    },

    /** One bank: its name, country, authentication models, AIS services and PSU types. */
    async provider(ctx: AdapterContext, _target: Target, args: { provider: string }): Promise<BankInfo> {
      return readBank(ctx, client, checked(BankArgsSchema, args, 'fintecture provider').provider);
    },

    /** The sandbox's test accounts (PSU ids to approve or refuse with), optionally of one bank. */
    async testAccounts(ctx: AdapterContext, _target: Target, args?: { provider?: string }): Promise<FintectureTestAccount[]> {
      const { provider } = checked(TestAccountsArgsSchema, args, 'fintecture testAccounts') ?? {};
      const items = await client.testAccounts(ctx, provider);
      return items.map((item) => {
        const attributes = item.attributes ?? {};
        const bank = typeof attributes.provider_id === 'string' ? attributes.provider_id : (item.provider_id ?? undefined);
        return { id: item.id, ...(bank ? { provider: bank } : {}), raw: item };
      });
    },

    /** One account of the connection, by id, with its balance unless `withBalances: false`. */
    async account(ctx: AdapterContext, target: Target, args: { accountId: string; withBalances?: boolean }): Promise<Account> {
      const { accountId, withBalances } = checked(AccountArgsSchema, args, 'fintecture account');
      const session = dataSession(target);
      const { customerId } = activeState(session);
      const { item, field } = await client.getAccount(ctx, customerId, accountId, await tokens.headers(ctx, session), withBalances ?? true);
      return toAccount(item, customerId, 0, 'GetAccount', field);
    },
  };
}

/** Fintecture's actions, on `conn.actions` when `conn.provider === 'fintecture'`. */
export type FintectureActions = ReturnType<typeof fintectureActions>;
