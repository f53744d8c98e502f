/**
 * Flinks' own operations, beyond the common API, on `conn.actions`:
 * - `statements({ accounts?, period? })`: the bank's PDF statements (POST /GetStatements,
 *   polled on GET /GetStatementsAsync/{RequestId} while Flinks answers 202), as base64
 *   with their media type and decoded size, each bounded by `maxStatementBytes`;
 * - `scheduledRefresh({ enabled })`: Flinks' nightly refresh of the link (PATCH /SetScheduledRefresh).
 */
import { ChallengeStateError, ProviderResponseError, ValidationError, type ActionTarget, type AdapterContext } from '../../provider.js';
import type * as z from 'zod/mini';
import type { FlinksClient } from './client.js';
import type { ResolvedOptions } from './config.js';
import { ScheduledRefreshArgs, StatementsArgs, type FlinksRef, type FlinksState } from './schemas.js';
import type { DataSessions } from './sessions.js';

/** One PDF statement. */
export interface FlinksStatement {
  /** Flinks' `UniqueId` of the document. */
  id: string;
  /** `application/pdf` for Flinks' `FileType: "PDF"`. */
  mediaType: string;
  /** The file, base64-encoded (as Flinks sends it). */
  data: string;
  /** Decoded size in bytes. */
  size: number;
}

/** The statements of one account, by the account number Flinks gives them. */
export interface FlinksAccountStatements {
  /** The account number, as Flinks gives it with the statements. */
  accountNumber?: string;
  /** Its statements. */
  statements: FlinksStatement[];
}

const MEDIA_TYPES: Readonly<Record<string, string>> = { pdf: 'application/pdf' };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Target = ActionTarget<FlinksRef, FlinksState>;

/** The user's arguments, or a ValidationError naming each wrong field (nothing is sent). */
function argsOf<S extends z.ZodMiniType>(schema: S, args: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data as z.output<S>;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  throw new ValidationError(what, issues, { provider: 'flinks' });
}

/** What the action runs on: the open session, or the stored link's LoginId. */
function stateOf(target: Target): FlinksState {
  const state = target.session?.state;
  if (state?.phase === 'active') return state;
  if (target.ref) return { phase: 'active', loginId: target.ref.loginId };
  throw new ChallengeStateError('flinks: the connection has no LoginId yet: finish authenticate() first', { provider: 'flinks' });
}

function decodedSize(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/** Flinks' operations on `conn.actions` (each receives the call's context and the connection's link). */
/** Flinks' actions, on `conn.actions` when `conn.provider === 'flinks'`. */
export type FlinksActions = {
  /** PDF statements: `conn.actions.statements({ accounts?, period? })`. */
  statements(ctx: AdapterContext, target: ActionTarget<FlinksRef, FlinksState>, args?: StatementsArgs): Promise<FlinksAccountStatements[]>;
  /** Flinks' nightly refresh of the link: `conn.actions.scheduledRefresh({ enabled })`. */
  scheduledRefresh(
    ctx: AdapterContext,
    target: ActionTarget<FlinksRef, FlinksState>,
    args: ScheduledRefreshArgs,
  ): Promise<{
    /** Whether the nightly refresh is now on. */
    enabled: boolean;
  }>;
};

export function flinksActions(client: FlinksClient, sessions: DataSessions, options: Pick<ResolvedOptions, 'maxStatementBytes'>): FlinksActions {
  return {
    async statements(ctx, target, args = {}) {
      const { accounts, period = 'MostRecent' } = argsOf(StatementsArgs, args, 'flinks statements');
      // Flinks serves a year of statements for one account at a time (sdk-csharp checks it too).
      if (period === 'Months12' && accounts?.length !== 1) {
        throw new ValidationError('flinks statements', [{ path: 'accounts', message: 'Months12 needs exactly one account id' }], { provider: 'flinks' });
      }
      const body = await sessions.other(ctx, stateOf(target), { endpoint: 'GetStatements', period, ...(accounts ? { accounts } : {}) });
      return (body.StatementsByAccount ?? []).map((group, i) => ({
        ...(group.AccountNumber ? { accountNumber: group.AccountNumber } : {}),
        statements: (group.Statements ?? []).map((s, j) => {
          const field = `StatementsByAccount.${i}.Statements.${j}.Base64Bytes`;
          const data = s.Base64Bytes.replace(/\s+/g, '');
          if (data.length % 4 !== 0 || !BASE64.test(data)) throw new ProviderResponseError('flinks', 'GetStatements', field, 'not base64');
          const size = decodedSize(data);
          if (size > options.maxStatementBytes) {
            throw new ProviderResponseError('flinks', 'GetStatements', field, `a statement of ${size} bytes exceeds maxStatementBytes (${options.maxStatementBytes})`);
          }
          const type = (s.FileType ?? '').trim().toLowerCase();
          return { id: s.UniqueId, mediaType: Object.hasOwn(MEDIA_TYPES, type) ? (MEDIA_TYPES[type] ?? 'application/octet-stream') : 'application/octet-stream', data, size };
        }),
      }));
    },

    async scheduledRefresh(ctx, target, args) {
      const { enabled } = argsOf(ScheduledRefreshArgs, args, 'flinks scheduledRefresh');
      const { loginId } = stateOf(target);
      if (!loginId) throw new ChallengeStateError('flinks: the connection has no LoginId yet', { provider: 'flinks' });
      const said = await client.setScheduledRefresh(ctx, loginId, enabled);
      // "… has now been activated|deactivated for automatic refresh": it must say what was asked.
      const now = /\bdeactivated\b/i.test(said) ? false : /\bactivated\b/i.test(said) ? true : undefined;
      if (now !== enabled) throw new ProviderResponseError('flinks', 'SetScheduledRefresh', '', `Flinks did not confirm the scheduled refresh was ${enabled ? 'activated' : 'deactivated'}`);
      return { enabled };
    },
  };
}

