/**
 * The Flinks adapter: /Authorize in live mode (new link, every MFA type), live refresh
 * or cached mode for a stored LoginId, and the data endpoints. The core owns the loop,
 * validation, retries, polling and checkpoints; this file only maps Flinks steps.
 */
import { ChallengeStateError, ProviderResponseError, ValidationError } from '../../core/errors.js';
import type { HttpResponse } from '../../core/http.js';
import { isoTimestamp } from '../../core/kit.js';
import type { AdapterContext, PollPlan, ProviderAdapter, Step } from '../../core/provider.js';
import { toAccount, toHolders, toTransactions } from './accounts.js';
import { chosenMethod, deviceConfirmation, kindOf, securityResponses, toChallenge, type CodeMethod } from './challenges.js';
import { flinksClient, type DataEndpoint } from './client.js';
import { flinksFailure } from './codes.js';
import { DEFAULTS, type ResolvedOptions } from './config.js';
import { Accepted, Authorized, FlinksInput, FlinksRef, FlinksState, MfaPrompt } from './schemas.js';

export type FlinksAdapter = ProviderAdapter<'flinks', FlinksInput, FlinksRef, FlinksState>;
type FlinksStep = Step<FlinksState, FlinksRef>;

const DAY_MS = 86_400_000;

export function createAdapter(options: ResolvedOptions): FlinksAdapter {
  const client = flinksClient(options);

  function asyncPlan(ctx: AdapterContext): PollPlan {
    return {
      intervalMs: options.asyncPollIntervalMs,
      factor: 1,
      deadline: new Date(ctx.now() + options.asyncTimeoutMs).toISOString(),
      deadlineReason: 'provider_unavailable',
    };
  }

  /** What an /Authorize answer leads to: active (200), MFA (203), still processing (202), or a typed failure. */
  function afterAuthorize(ctx: AdapterContext, res: HttpResponse, prev: FlinksState, codeMethod?: CodeMethod): FlinksStep {
    const keep = { ...(prev.loginId ? { loginId: prev.loginId } : {}), ...(prev.institution ? { institution: prev.institution } : {}) };
    switch (res.status) {
      case 200: {
        const body = res.parse(Authorized);
        const loginId = body.Login.Id;
        const institution = body.Institution ?? body.InstitutionName ?? prev.institution;
        const lastSyncedAt = isoTimestamp(body.Login.LastRefresh);
        return {
          kind: 'active',
          state: { requestId: body.RequestId, loginId, ...(institution ? { institution } : {}) },
          ref: { loginId },
          ...(lastSyncedAt ? { info: { lastSyncedAt } } : {}),
        };
      }
      case 203: {
        const body = res.parse(MfaPrompt);
        const requestId = body.RequestId ?? prev.requestId;
        if (!requestId) throw new ProviderResponseError('flinks', 'Authorize', 'RequestId', 'a 203 without a RequestId cannot be answered', { status: 203 });
        const state: FlinksState = { ...keep, requestId, challenges: body.SecurityChallenges };
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
      case 202: {
        // /Authorize still working (AuthorizeAsync-style): poll it with the RequestId alone.
        const body = res.parse(Accepted);
        const requestId = body.RequestId ?? prev.requestId;
        if (!requestId) throw new ProviderResponseError('flinks', 'Authorize', 'RequestId', 'a 202 without a RequestId cannot be polled', { status: 202 });
        return { kind: 'pending', state: { ...keep, requestId }, poll: asyncPlan(ctx) };
      }
      default:
        throw flinksFailure(ctx, res);
    }
  }

  /**
   * The session data calls run on: the one authenticate() opened, or — for a stored
   * LoginId read in the background — a fresh cached-mode /Authorize (no SCA, no bank login).
   */
  async function dataSession(ctx: AdapterContext, state: FlinksState): Promise<{ requestId: string; loginId: string }> {
    if (state.requestId && state.loginId) return { requestId: state.requestId, loginId: state.loginId };
    if (!state.loginId) throw new ChallengeStateError('flinks: the connection has no LoginId yet', { provider: 'flinks' });
    const loginId = state.loginId;
    const res = await client.authorize(ctx, { LoginId: loginId, MostRecentCached: true });
    let step = afterAuthorize(ctx, res, { loginId });
    if (step.kind === 'pending') {
      const requestId = step.state.requestId as string;
      step = await ctx.poll<FlinksStep>(step.poll, async () => {
        const again = await client.authorize(ctx, { RequestId: requestId });
        if (again.status === 202) return { kind: 'still_pending' as const };
        return afterAuthorize(ctx, again, { loginId, requestId });
      });
    }
    if (step.kind !== 'active') {
      throw ctx.fail('sca_required', 'Flinks asks for MFA on this LoginId: run authenticate() with the user present', { endpoint: 'Authorize' });
    }
    // The connection stays known by the LoginId it was opened with.
    return { requestId: step.state.requestId as string, loginId };
  }

  const accountsEndpoint: DataEndpoint = options.accounts === 'summary' ? 'GetAccountsSummary' : 'GetAccountsDetail';

  return {
    id: 'flinks',
    schemas: { input: FlinksInput, ref: FlinksRef, state: FlinksState },
    http: { baseUrl: options.servicesUrl },
    secrets: [options.authKey, options.apiKey].filter((s): s is string => s !== undefined),

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
      return afterAuthorize(ctx, await client.authorize(ctx, body), { institution: input.institution });
    },

    async open(ctx, ref) {
      // Background (accounts(), delete()): nothing to do yet; data calls open a cached session when needed.
      if (!ctx.interactive) return { kind: 'active', state: { loginId: ref.loginId }, ref };
      // With the user present: a live refresh, which may ask for MFA (trusted device, SecurID, TD code, …).
      const res = await client.authorize(ctx, { LoginId: ref.loginId, MostRecentCached: false, Save: true });
      return afterAuthorize(ctx, res, { loginId: ref.loginId });
    },

    async answer(ctx, session, challenge, answer) {
      const { requestId, challenges } = session.state;
      if (!requestId || !challenges) throw new ChallengeStateError('flinks: no MFA prompt is pending', { provider: 'flinks' });
      const responses = securityResponses(challenges, challenge, answer);
      const res = await client.authorize(ctx, { RequestId: requestId, SecurityResponses: responses });
      return afterAuthorize(ctx, res, session.state, chosenMethod(challenge, answer));
    },

    async poll(ctx, session, challenge) {
      const { requestId, challenges } = session.state;
      if (!requestId) throw new ChallengeStateError('flinks: nothing to poll', { provider: 'flinks' });
      if (challenge?.type === 'decoupled') {
        // The user approves on the trusted device; each poll confirms it, as the seed shows (case 7).
        const res = await client.authorize(ctx, { RequestId: requestId, SecurityResponses: deviceConfirmation(challenges ?? []) });
        if (res.status === 203) {
          const prompt = res.parse(MfaPrompt);
          if (prompt.SecurityChallenges.every((c) => kindOf(c) === 'device')) {
            return { kind: 'still_pending', state: { ...session.state, requestId: prompt.RequestId ?? requestId, challenges: prompt.SecurityChallenges } };
          }
        }
        return afterAuthorize(ctx, res, session.state);
      }
      const res = await client.authorize(ctx, { RequestId: requestId });
      if (res.status === 202) return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
      return afterAuthorize(ctx, res, session.state);
    },

    async accounts(ctx, session) {
      const { requestId, loginId } = await dataSession(ctx, session.state);
      const body =
        accountsEndpoint === 'GetAccountsDetail'
          ? { RequestId: requestId, WithAccountIdentity: true, WithKYC: true, WithTransactions: false, WithBalance: true }
          : { RequestId: requestId, WithBalance: true, WithAccountIdentity: true };
      const data = await client.data(ctx, accountsEndpoint, body);
      return (data.Accounts ?? []).map((a, i) => toAccount(a, { endpoint: accountsEndpoint, path: `Accounts.${i}` }, loginId));
    },

    async *transactions(ctx, session, accountId, query) {
      const { requestId } = await dataSession(ctx, session.state);
      // Flinks offers 90 or 365 days of history.
      const longAgo = query.from !== undefined && ctx.now() - Date.parse(query.from) > 90 * DAY_MS;
      const data = await client.data(ctx, 'GetAccountsDetail', {
        RequestId: requestId,
        WithAccountIdentity: false,
        WithKYC: false,
        WithTransactions: true,
        WithBalance: false,
        DaysOfTransactions: longAgo ? 'Days365' : 'Days90',
        AccountsFilter: [accountId],
      });
      const accounts = data.Accounts ?? [];
      const index = accounts.findIndex((a) => a.Id === accountId);
      if (index < 0) throw new ValidationError('flinks transactions', [{ path: 'accountId', message: 'not an account of this connection' }], { provider: 'flinks' });
      const list = toTransactions(accounts[index] as (typeof accounts)[number], { endpoint: 'GetAccountsDetail', path: `Accounts.${index}` });
      yield list.filter((t) => (!query.from || (t.bookingDate ?? '') >= query.from) && (!query.to || (t.bookingDate ?? '') <= query.to));
    },

    async holders(ctx, session) {
      const { requestId } = await dataSession(ctx, session.state);
      const data = await client.data(ctx, 'GetAccountsDetail', { RequestId: requestId, WithAccountIdentity: false, WithKYC: true, WithTransactions: false, WithBalance: false });
      return toHolders(data.Accounts ?? []);
    },

    async remove(ctx, session) {
      const loginId = session.state.loginId;
      if (!loginId) throw new ChallengeStateError('flinks: the connection has no LoginId to delete', { provider: 'flinks' });
      await client.deleteCard(ctx, loginId);
    },
    // No cancel(): Flinks has no endpoint to end an /Authorize session; an unanswered RequestId lapses after 8 minutes.
  };
}
