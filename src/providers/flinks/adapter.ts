/**
 * The Flinks adapter: /Authorize in live mode (new link, every MFA type), live refresh
 * or cached mode for a stored LoginId, the data endpoints, and Flinks' own operations
 * (statements, the nightly refresh). The core owns the loop, validation, retries,
 * polling and checkpoints; this file only maps Flinks steps.
 */
import {
  ChallengeStateError,
  ProviderResponseError,
  ValidationError,
  isoTimestamp,
  type AdapterContext,
  type HttpResponse,
  type PollPlan,
  type ProviderAdapter,
  type Step,
} from '../../provider.js';
import { toAccount, toHolders, toTransactions } from './accounts.js';
import { chosenMethod, deviceConfirmation, securityResponses, toChallenge, toPrompts, type CodeMethod } from './challenges.js';
import { flinksClient } from './client.js';
import { DEFAULTS, type ResolvedOptions } from './config.js';
import { DURING_AUTHENTICATION, flinksFailures, requestIdOf } from './mapping.js';
import {
  Accepted,
  Authorized,
  FlinksInput,
  FlinksRef,
  FlinksState,
  MfaPrompt,
  type ActiveState,
  type FlinksInput as FlinksInputIn,
  type FlinksRefInput,
  type ParsedFlinksInput,
} from './schemas.js';
import { DataSessions, activeOf } from './sessions.js';
import { flinksActions, type FlinksActions } from './statements.js';

/** The Flinks provider as `flinks({...})` returns it: typed input, reference, state and actions. */
export type FlinksAdapter = ProviderAdapter<'flinks', ParsedFlinksInput, FlinksRef, FlinksState, FlinksInputIn, FlinksRefInput, FlinksActions>;
type FlinksStep = Step<FlinksState, FlinksRef>;
type Link = { loginId?: string; institution?: string };

const DAY_MS = 86_400_000;

export function createAdapter(options: ResolvedOptions): Omit<FlinksAdapter, 'id' | 'secrets'> {
  const client = flinksClient(options);

  function asyncPlan(ctx: AdapterContext): PollPlan {
    return {
      intervalMs: options.asyncPollIntervalMs,
      factor: 1,
      deadline: new Date(ctx.now() + options.asyncTimeoutMs).toISOString(),
      deadlineReason: 'provider_unavailable',
    };
  }

  /** Inside authenticate(), a session that lapses is an expired authentication (the failure table's special rule). */
  const hintOf = (ctx: AdapterContext) => (ctx.interactive ? DURING_AUTHENTICATION : undefined);

  /** What an /Authorize answer leads to: active (200), MFA (203), still processing (202); other statuses are typed errors already. */
  function afterAuthorize(ctx: AdapterContext, res: HttpResponse, prev: Link & { requestId?: string }, codeMethod?: CodeMethod): FlinksStep {
    const link: Link = { ...(prev.loginId ? { loginId: prev.loginId } : {}), ...(prev.institution ? { institution: prev.institution } : {}) };
    if (res.status === 200) {
      const body = res.parse(Authorized);
      const loginId = body.Login.Id;
      const institution = body.Institution ?? body.InstitutionName ?? prev.institution;
      const lastSyncedAt = isoTimestamp(body.Login.LastRefresh);
      const state: ActiveState = {
        phase: 'active',
        loginId,
        ...(institution ? { institution } : {}),
        session: { requestId: body.RequestId, usedAt: new Date(ctx.now()).toISOString() },
      };
      return { kind: 'active', state, ref: { loginId }, ...(lastSyncedAt ? { info: { lastSyncedAt } } : {}) };
    }
    if (res.status === 202) {
      // /Authorize still working (AuthorizeAsync-style): poll it with the RequestId alone.
      const body = res.parse(Accepted);
      const requestId = body.RequestId ?? prev.requestId;
      if (!requestId) throw new ProviderResponseError('flinks', res.endpoint, 'RequestId', 'a 202 without a RequestId cannot be polled', { status: 202 });
      return { kind: 'pending', state: { phase: 'pending', requestId, ...link, ...(codeMethod ? { codeMethod } : {}) }, poll: asyncPlan(ctx) };
    }
    const body = res.parse(MfaPrompt);
    const requestId = body.RequestId ?? prev.requestId;
    if (!requestId) throw new ProviderResponseError('flinks', res.endpoint, 'RequestId', 'a 203 without a RequestId cannot be answered', { status: 203 });
    const state: FlinksState = { phase: 'mfa', requestId, prompts: toPrompts(body.SecurityChallenges), ...link };
    const mapped = toChallenge(body.SecurityChallenges, {
      ...(codeMethod ? { codeMethod } : {}),
      expiresAt: new Date(ctx.now() + DEFAULTS.sessionIdleMs).toISOString(),
    });
    if (mapped.kind === 'decoupled') {
      const deadline = new Date(ctx.now() + options.decoupledTimeoutMs).toISOString();
      return {
        kind: 'challenge',
        state,
        challenge: { type: 'decoupled', channel: 'device', message: mapped.message, expiresAt: deadline },
        poll: { intervalMs: options.decoupledPollIntervalMs, factor: 1, deadline },
      };
    }
    return { kind: 'challenge', state, challenge: mapped.challenge };
  }

  /** A new data session for a stored LoginId, without the user: cached mode (no SCA, no bank login). */
  async function openCached(ctx: AdapterContext, loginId: string): Promise<string> {
    const res = await client.authorize(ctx, { LoginId: loginId, MostRecentCached: true });
    let step = afterAuthorize(ctx, res, { loginId });
    if (step.kind === 'pending' && step.state.phase === 'pending') {
      const { requestId } = step.state;
      step = await ctx.poll<FlinksStep>(step.poll, async () => {
        const again = await client.authorize(ctx, { RequestId: requestId });
        if (again.status === 202) return { kind: 'still_pending' as const };
        return afterAuthorize(ctx, again, { loginId, requestId });
      });
    }
    if (step.kind !== 'active' || step.state.phase !== 'active' || !step.state.session) {
      throw ctx.fail('sca_required', 'Flinks asks for MFA on this LoginId: run authenticate() with the user present', { endpoint: options.authorizeEndpoint });
    }
    return step.state.session.requestId;
  }

  const sessions = new DataSessions(client, options, openCached);

  return {
    schemas: { input: FlinksInput, ref: FlinksRef, state: FlinksState },
    // Wire schemas validate every body and the mapping is typed: the core's model pass is for tests.
    typedOutput: true,
    http: { baseUrl: options.servicesUrl, failures: flinksFailures, requestId: requestIdOf },
    actions: flinksActions(client, sessions, options),

    async start(ctx, input) {
      const body: Record<string, unknown> = {
        Institution: input.institution,
        Username: input.username,
        Password: input.password,
        MostRecentCached: false,
        Save: input.save ?? true,
        ...(input.language ? { Language: input.language } : {}),
        ...(input.tag !== undefined ? { Tag: input.tag } : {}),
      };
      return afterAuthorize(ctx, await client.authorize(ctx, body, hintOf(ctx)), { institution: input.institution });
    },

    async open(ctx, ref) {
      // Background (accounts(), delete()): nothing to do yet; data calls open a cached session when needed.
      if (!ctx.interactive) return { kind: 'active', state: { phase: 'active', loginId: ref.loginId }, ref };
      // With the user present: a live refresh, which may ask for MFA (trusted device, SecurID, TD code, …).
      const res = await client.authorize(ctx, { LoginId: ref.loginId, MostRecentCached: false, Save: true }, hintOf(ctx));
      return afterAuthorize(ctx, res, { loginId: ref.loginId });
    },

    async answer(ctx, session, challenge, answer) {
      const state = session.state;
      if (state.phase !== 'mfa') throw new ChallengeStateError('flinks: no MFA prompt is pending', { provider: 'flinks' });
      const responses = securityResponses(state.prompts, challenge, answer);
      const res = await client.authorize(ctx, { RequestId: state.requestId, SecurityResponses: responses }, hintOf(ctx));
      return afterAuthorize(ctx, res, state, chosenMethod(challenge, answer));
    },

    async poll(ctx, session, challenge) {
      const state = session.state;
      if (state.phase === 'active') throw new ChallengeStateError('flinks: nothing to poll', { provider: 'flinks' });
      if (challenge?.type === 'decoupled' && state.phase === 'mfa') {
        // The user approves on the trusted device; each poll confirms it, as the seed shows (case 7).
        // After an /AuthorizeAsync 202, the next poll asks for that confirmation's outcome instead.
        const body = state.processing ? { RequestId: state.requestId } : { RequestId: state.requestId, SecurityResponses: deviceConfirmation(state.prompts) };
        const res = await client.authorize(ctx, body, hintOf(ctx));
        if (res.status === 202) return { kind: 'still_pending', state: { ...state, processing: true } };
        const step = afterAuthorize(ctx, res, state);
        // Still waiting: the same trusted-device prompt again.
        if (step.kind === 'challenge' && step.challenge.type === 'decoupled' && step.state.phase === 'mfa') return { kind: 'still_pending', state: step.state };
        return step;
      }
      const res = await client.authorize(ctx, { RequestId: state.requestId }, hintOf(ctx));
      if (res.status === 202) return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
      return afterAuthorize(ctx, res, state, state.phase === 'pending' ? state.codeMethod : undefined);
    },

    async accounts(ctx, session) {
      const ask = options.accounts === 'summary' ? ({ endpoint: 'GetAccountsSummary' } as const) : ({ endpoint: 'GetAccountsDetail', days: 'Days90' } as const);
      const { loginId } = activeOf(session.state);
      const data = await sessions.accounts(ctx, session.state, ask);
      return (data.Accounts ?? []).map((a, i) => toAccount(a, { endpoint: ask.endpoint, path: `Accounts.${i}` }, loginId));
    },

    async *transactions(ctx, session, accountId, query) {
      // Flinks offers 90 or 365 days of history.
      const longAgo = query.from !== undefined && ctx.now() - Date.parse(query.from) > 90 * DAY_MS;
      const data = await sessions.accounts(ctx, session.state, { endpoint: 'GetAccountsDetail', days: longAgo ? 'Days365' : 'Days90' });
      const accounts = data.Accounts ?? [];
      const index = accounts.findIndex((a) => a.Id === accountId);
      const account = accounts[index];
      if (!account) throw new ValidationError('flinks transactions', [{ path: 'accountId', message: 'not an account of this connection' }], { provider: 'flinks' });
      const list = toTransactions(account, { endpoint: 'GetAccountsDetail', path: `Accounts.${index}` });
      yield list.filter((t) => (!query.from || (t.bookingDate ?? '') >= query.from) && (!query.to || (t.bookingDate ?? '') <= query.to));
    },

    async holders(ctx, session) {
      const data = await sessions.accounts(ctx, session.state, { endpoint: 'GetAccountsDetail', days: 'Days90' });
      return toHolders(data.Accounts ?? []);
    },

    async remove(ctx, session) {
      const { loginId } = session.state;
      if (!loginId) throw new ChallengeStateError('flinks: the connection has no LoginId to delete', { provider: 'flinks' });
      await client.deleteCard(ctx, loginId);
    },
    // No cancel(): Flinks has no endpoint to end an /Authorize session; an unanswered RequestId lapses after 8 minutes.
  };
}
