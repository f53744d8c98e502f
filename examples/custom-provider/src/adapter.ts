/**
 * The GoCardless adapter: an end-user agreement and a requisition, a redirect to its link,
 * the callback's `ref` checked and its `error` mapped, the requisition's status read until
 * linked; then accounts (metadata, details, balances), transactions, holders and deletion.
 */
import { ProviderResponseError, UnsupportedError, ValidationError, randomId, type AdapterContext, type ProviderAdapter, type Session, type Step } from 'polybank/provider';
import { toAccount, toHolders, toTransactions } from './accounts.js';
import type { GoCardlessClient } from './client.js';
import type { GoCardlessConfig } from './config.js';
import { PROVIDER, failures, retryAfter } from './failures.js';
import { CALLBACK_ERRORS, UNREADABLE_ACCOUNT, statusMeaning } from './mapping.js';
import { Input, Ref, SCOPES, State, type ActiveState, type GoCardlessInput, type GoCardlessRef, type GoCardlessState, type ParsedInput, type Scope } from './model.js';
import { AccountDetails, AccountMetadata, Agreement, Balances, Institution, Requisition, Transactions, type AccountDetail } from './schemas.js';

type GStep = Step<GoCardlessState, GoCardlessRef>;
type Phase = GoCardlessState['phase'];
type LinkState = Omit<Extract<GoCardlessState, { phase: 'redirect' }>, 'phase' | 'reference'>;

export type GoCardlessAdapter = Omit<ProviderAdapter<'gocardless', ParsedInput, GoCardlessRef, GoCardlessState, GoCardlessInput>, 'id' | 'secrets'>;

const DAY_MS = 86_400_000;

function inPhase<P extends Phase>(session: Session<GoCardlessState>, phase: P): Extract<GoCardlessState, { phase: P }> {
  const state = session.state;
  if (state.phase !== phase) throw new ProviderResponseError(PROVIDER, 'session', 'phase', `expected phase ${phase}, got ${state.phase}`);
  return state as Extract<GoCardlessState, { phase: P }>;
}

function scopesOf(agreement: Agreement): Scope[] {
  const listed = (agreement.access_scope ?? []).filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope));
  return listed.length ? listed : [...SCOPES];
}

function need(scopes: readonly Scope[], scope: Scope, what: string): void {
  if (!scopes.includes(scope)) throw new UnsupportedError(`gocardless: this connection's agreement does not cover ${scope}, which ${what} needs`, { provider: PROVIDER });
}

/** The days asked for, checked against what the institution allows, before anything is created. */
function agreementDays(input: ParsedInput, institution: Institution): { history: number; access: number } {
  const totalDays = institution.transaction_total_days ?? 90;
  const maxAccess = Math.min(180, institution.max_access_valid_for_days ?? 90);
  const issues = [];
  if (input.maxHistoricalDays !== undefined && input.maxHistoricalDays > totalDays) {
    issues.push({ path: 'maxHistoricalDays', message: `${institution.id} gives at most ${totalDays} days of history` });
  }
  if (input.accessValidForDays !== undefined && input.accessValidForDays > maxAccess) {
    issues.push({ path: 'accessValidForDays', message: `${institution.id} grants access for at most ${maxAccess} days` });
  }
  const features = institution.supported_features;
  if (input.accountSelection && features && !features.includes('account_selection')) {
    issues.push({ path: 'accountSelection', message: `${institution.id} does not offer account selection` });
  }
  if (issues.length) throw new ValidationError('gocardless connect input', issues, { provider: PROVIDER });
  return { history: input.maxHistoricalDays ?? Math.min(90, totalDays), access: input.accessValidForDays ?? Math.min(90, maxAccess) };
}

export function createAdapter(config: GoCardlessConfig, client: GoCardlessClient): GoCardlessAdapter {
  const pollPlan = (deadline: string) => ({ intervalMs: config.pollIntervalMs, factor: 1.5, maxIntervalMs: 10_000, deadline, deadlineReason: 'auth_expired' as const });

  async function readRequisition(ctx: AdapterContext, id: string): Promise<Requisition> {
    return (await client.requisition(ctx, id)).parse(Requisition);
  }

  /** Linked: the accounts, and when the access ends (the agreement's acceptance plus its days). */
  async function activate(ctx: AdapterContext, link: LinkState, requisition: Requisition): Promise<GStep> {
    const agreement = (await client.agreement(ctx, link.agreementId)).parse(Agreement);
    const accepted = agreement.accepted ? Date.parse(agreement.accepted) : Number.NaN;
    const days = agreement.access_valid_for_days;
    const consentExpiresAt = !Number.isNaN(accepted) && days ? new Date(accepted + days * DAY_MS).toISOString() : undefined;
    const state: ActiveState = {
      phase: 'active',
      ...link,
      accessScope: scopesOf(agreement),
      accounts: requisition.accounts ?? [],
      ...(consentExpiresAt ? { consentExpiresAt } : {}),
    };
    return { kind: 'active', state, ref: { requisitionId: link.requisitionId }, ...(consentExpiresAt ? { info: { consentExpiresAt } } : {}) };
  }

  /** What a requisition status leads to while the user is back from the bank. */
  async function settle(ctx: AdapterContext, link: LinkState, requisition: Requisition, pending: () => GStep): Promise<GStep> {
    const meaning = statusMeaning(requisition.status, true);
    if (meaning.kind === 'linked') return activate(ctx, link, requisition);
    if (meaning.kind === 'pending') return pending();
    throw ctx.fail(meaning.reason, `gocardless requisition ${requisition.status.slice(0, 40)}: ${meaning.explain}`, { providerCode: requisition.status.slice(0, 40), endpoint: 'Requisition' });
  }

  function linking(link: LinkState, deadline: string): GStep {
    return { kind: 'pending', state: { phase: 'linking', ...link, deadline }, poll: pollPlan(deadline) };
  }

  async function linkOf(ctx: AdapterContext, requisition: Requisition): Promise<LinkState> {
    if (!requisition.agreement) throw new ProviderResponseError(PROVIDER, 'Requisition', 'agreement', 'the requisition names no end-user agreement');
    const agreement = (await client.agreement(ctx, requisition.agreement)).parse(Agreement);
    return { requisitionId: requisition.id, agreementId: agreement.id, institutionId: requisition.institution_id ?? '', accessScope: scopesOf(agreement) };
  }

  return {
    schemas: { input: Input, ref: Ref, state: State },
    http: { baseUrl: config.baseUrl, failures, retryAfter },

    async start(ctx, input) {
      if (input.ssn) ctx.secrets.add(input.ssn);
      const institution = (await client.institution(ctx, input.institutionId)).parse(Institution);
      const days = agreementDays(input, institution);
      const accessScope = input.accessScope ?? [...SCOPES];
      const agreement = (
        await client.createAgreement(ctx, { institution_id: institution.id, max_historical_days: days.history, access_valid_for_days: days.access, access_scope: accessScope })
      ).parse(Agreement);
      const reference = randomId(16);
      let requisition: Requisition;
      try {
        requisition = (
          await client.createRequisition(ctx, {
            redirect: input.redirectUri,
            institution_id: institution.id,
            reference,
            agreement: agreement.id,
            ...(input.userLanguage ? { user_language: input.userLanguage.toUpperCase() } : {}),
            ...(input.accountSelection !== undefined ? { account_selection: input.accountSelection } : {}),
            ...(input.redirectImmediate !== undefined ? { redirect_immediate: input.redirectImmediate } : {}),
            ...(input.ssn ? { ssn: input.ssn } : {}),
          })
        ).parse(Requisition);
      } catch (error) {
        // Not accepted yet, so deletable: leave nothing behind at GoCardless.
        await ctx.bestEffort('deleting the unused end-user agreement', () => client.deleteAgreement(ctx, agreement.id));
        throw error;
      }
      return {
        kind: 'challenge',
        state: { phase: 'redirect', requisitionId: requisition.id, agreementId: agreement.id, institutionId: institution.id, accessScope, reference },
        // GoCardless sends the reference back as `ref`: polybank checks it before anything is sent.
        challenge: { type: 'redirect', url: requisition.link, state: reference, stateParam: 'ref', message: `Connect your ${institution.name ?? institution.id} account at your bank` },
      };
    },

    async open(ctx, ref) {
      const requisition = await readRequisition(ctx, ref.requisitionId);
      const meaning = statusMeaning(requisition.status, false);
      if (meaning.kind === 'failed') {
        throw ctx.fail(meaning.reason, `gocardless requisition ${requisition.status.slice(0, 40)}: ${meaning.explain}`, { providerCode: requisition.status.slice(0, 40), endpoint: 'Requisition' });
      }
      const link = await linkOf(ctx, requisition);
      if (meaning.kind === 'linked') return activate(ctx, link, requisition);
      // Never finished. Before the bank (CR, GC) the link still works: send the user there again.
      const status = requisition.status.trim().toUpperCase();
      if (['CR', 'GC', 'CREATED', 'GIVING_CONSENT'].includes(status)) {
        if (!requisition.reference) throw new ProviderResponseError(PROVIDER, 'Requisition', 'reference', 'the requisition has no reference to check the callback against');
        return {
          kind: 'challenge',
          state: { phase: 'redirect', ...link, reference: requisition.reference },
          challenge: { type: 'redirect', url: requisition.link, state: requisition.reference, stateParam: 'ref' },
        };
      }
      return linking(link, new Date(ctx.now() + config.linkTimeoutMs).toISOString());
    },

    async answer(ctx, session, challenge, answer) {
      const state = inPhase(session, 'redirect');
      if (answer.type !== 'redirect') throw ctx.fail('unknown', `gocardless cannot answer a ${challenge.type} challenge`);
      // The anti-forgery check (`ref` against the reference) is polybank's: `stateParam: 'ref'` on the challenge.
      const { error, details, error_description: description } = answer.params;
      const { reference: _reference, phase: _phase, ...link } = state;
      if (error !== undefined) {
        const code = /^\w{1,64}$/.test(error) ? error : 'invalid';
        const reason = Object.hasOwn(CALLBACK_ERRORS, code) ? (CALLBACK_ERRORS[code] ?? 'unknown') : 'unknown';
        const text = (details ?? description)?.slice(0, 200);
        throw ctx.fail(reason, `the bank sent the user back with ${code}${text ? `: ${text}` : ''}`, { providerCode: code, endpoint: 'callback', ...(text ? { userMessage: text } : {}) });
      }
      const requisition = await readRequisition(ctx, state.requisitionId);
      return settle(ctx, link, requisition, () => linking(link, new Date(ctx.now() + config.linkTimeoutMs).toISOString()));
    },

    async poll(ctx, session) {
      const { phase: _phase, deadline, ...link } = inPhase(session, 'linking');
      const res = await client.requisition(ctx, link.requisitionId);
      const requisition = res.parse(Requisition);
      const step = await settle(ctx, link, requisition, () => linking(link, deadline));
      if (step.kind === 'pending') return { kind: 'still_pending', ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}) };
      return step;
    },

    async accounts(ctx, session) {
      const state = inPhase(session, 'active');
      if (!state.accessScope.includes('details') && !state.accessScope.includes('balances')) {
        throw new UnsupportedError("gocardless: this connection's agreement covers neither details nor balances, which accounts() needs", { provider: PROVIDER });
      }
      const accounts = [];
      for (const id of state.accounts) {
        // Metadata first: the bank does not limit it, and it says when no data call can succeed.
        const metadata = (await client.account(ctx, id)).parse(AccountMetadata);
        const unreadable = metadata.status ? UNREADABLE_ACCOUNT[metadata.status.toUpperCase()] : undefined;
        if (unreadable) throw ctx.fail(unreadable.reason, `gocardless account ${id}: ${unreadable.explain}`, { providerCode: metadata.status ?? '', endpoint: 'Account' });
        const details = state.accessScope.includes('details') ? (await client.details(ctx, id)).parse(AccountDetails).account : undefined;
        const balances = state.accessScope.includes('balances') ? (await client.balances(ctx, id)).parse(Balances).balances : undefined;
        accounts.push(toAccount({ id, requisitionId: state.requisitionId, metadata, ...(details ? { details } : {}), ...(balances ? { balances } : {}) }));
      }
      return accounts;
    },

    async *transactions(ctx, session, accountId, query) {
      const state = inPhase(session, 'active');
      if (!state.accounts.includes(accountId)) {
        throw new ValidationError('gocardless transactions', [{ path: 'accountId', message: 'not an account of this connection' }], { provider: PROVIDER });
      }
      need(state.accessScope, 'transactions', 'transactions()');
      const res = await client.transactions(ctx, accountId, { date_from: query.from, date_to: query.to });
      const { booked, pending } = res.parse(Transactions).transactions;
      yield toTransactions(accountId, booked ?? [], pending ?? []);
    },

    async holders(ctx, session) {
      const state = inPhase(session, 'active');
      need(state.accessScope, 'details', 'holders()');
      const details: AccountDetail[] = [];
      for (const id of state.accounts) details.push((await client.details(ctx, id)).parse(AccountDetails).account);
      return toHolders(details);
    },

    async remove(ctx, session) {
      // Deletes the agreement with it. A 404 is an earlier delete whose answer was lost.
      await client.deleteRequisition(ctx, inPhase(session, 'active').requisitionId);
    },

    async cancel(ctx, session) {
      // Leaving before the link is made: nothing should stay at GoCardless.
      await client.deleteRequisition(ctx, session.state.requisitionId);
    },
  };
}
