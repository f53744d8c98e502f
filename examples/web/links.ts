/**
 * One browser session's bank link, over polybank's request/response API: `bank.begin()` on
 * start, `bank.continue()` with each answer (or none, to poll a decoupled approval),
 * `bank.resend()` for a new code, `bank.abandon()` on cancel, `bank.load()` for the accounts.
 * The authentication id stays here, keyed by the session; the page only ever gets a View.
 */
import { isPolybankError, type AuthProgress, type Polybank } from 'polybank';
import { PROVIDER_IDS, type ProviderId, type Sandbox } from './sandbox.js';
import { accountsView, errorView, progressView, type View } from './view.js';

/** How long one poll request may wait for a decoupled approval before the page asks again. */
const POLL_BUDGET_MS = 2_000;

export interface LinkSession {
  /** The polybank authentication id: server-side only. */
  authId?: string;
  provider?: ProviderId;
  caseName?: string;
  view: View;
  /** The poll in flight, aborted by a cancel. */
  polling?: AbortController;
}

export interface Reply {
  status: number;
  view: View;
}

export class Links {
  readonly #bank: Polybank;
  readonly #sandbox: Sandbox;

  constructor(bank: Polybank, sandbox: Sandbox) {
    this.#bank = bank;
    this.#sandbox = sandbox;
  }

  /** Runs one polybank call and turns its outcome (or typed error) into the session's new view. */
  async #step(session: LinkSession, call: () => Promise<AuthProgress>, notice?: string, signal?: AbortSignal): Promise<Reply> {
    try {
      const progress = await call();
      if (signal?.aborted) return { status: 200, view: session.view };
      const view = progressView(progress);
      if (view.state === 'active') view.accounts = accountsView(await (await this.#bank.load(progress.id)).accounts());
      return this.#show(session, view, 200, notice);
    } catch (error) {
      // Cancelled while polling: cancel() has said what happened.
      if (signal?.aborted) return { status: 200, view: session.view };
      // polybank errors say what happened without a secret; anything else is a bug of this app: log it whole.
      if (!isPolybankError(error)) console.error(error);
      const { status, view } = errorView(error, session.view);
      // A refused answer or a conflict keeps the step; anything else ends the link.
      if (view.state === 'failed' || view.state === 'cancelled') session.authId = undefined;
      return this.#show(session, view, status);
    }
  }

  async #show(session: LinkSession, view: View, status: number, notice?: string): Promise<Reply> {
    const shown: View = { ...view, ...(session.provider ? { provider: session.provider } : {}), ...(session.caseName ? { case: session.caseName } : {}), ...(notice ? { notice } : {}) };
    if (session.provider && session.caseName && (shown.state === 'challenge' || shown.state === 'waiting' || shown.state === 'redirect' || shown.state === 'idle')) {
      const notes = await this.#sandbox.notes(session.provider, session.caseName, shown.challenge);
      if (notes.hint || notes.preset) shown.sandbox = notes;
    }
    // What the page sees next time it loads (after the bank's redirect back, or a reload).
    session.view = { ...shown, invalid: undefined, notice: undefined };
    return { status, view: shown };
  }

  async start(session: LinkSession, body: { provider?: unknown; case?: unknown; fields?: unknown }, context: { clientIp: string; callbackUrl: string }): Promise<Reply> {
    const provider = PROVIDER_IDS.find((id) => id === body.provider);
    const choice = this.#sandbox.choices().find((c) => c.id === provider);
    const caseName = choice?.cases.find((c) => c.name === body.case)?.name;
    if (!provider || !choice || !caseName) return { status: 400, view: { ...session.view, notice: 'Pick a provider and a case.' } };
    const fields = isStringRecord(body.fields) ? body.fields : {};
    const missing = choice.startFields.filter((f) => f.required && !fields[f.name]?.trim());
    if (missing.length) return { status: 422, view: { state: 'idle', provider, case: caseName, invalid: missing.map((f) => ({ path: f.name, message: 'required' })) } };
    await this.cancel(session);
    session.provider = provider;
    session.caseName = caseName;
    session.view = { state: 'idle' };
    return this.#step(session, async () => {
      const input = this.#sandbox.input(provider, caseName, fields, context);
      const progress = await this.#bank.begin(provider, input as never);
      session.authId = progress.id;
      return progress;
    });
  }

  answer(session: LinkSession, answer: unknown): Promise<Reply> {
    const id = session.authId;
    if (!id || session.view.state !== 'challenge') return Promise.resolve(this.#nothing(session));
    return this.#step(session, () => this.#bank.continue(id, answer));
  }

  /** A decoupled approval: waits up to POLL_BUDGET_MS, then the page asks again. */
  async poll(session: LinkSession): Promise<Reply> {
    const id = session.authId;
    if (!id || session.view.state !== 'waiting') return this.#nothing(session);
    session.polling?.abort();
    const polling = new AbortController();
    session.polling = polling;
    try {
      return await this.#step(session, () => this.#bank.continue(id, undefined, { pollBudgetMs: POLL_BUDGET_MS, signal: polling.signal }), undefined, polling.signal);
    } finally {
      if (session.polling === polling) session.polling = undefined;
    }
  }

  resend(session: LinkSession): Promise<Reply> {
    const id = session.authId;
    if (!id || session.view.challenge?.type !== 'otp') return Promise.resolve(this.#nothing(session));
    return this.#step(session, () => this.#bank.resend(id), 'A new code was sent. The previous one no longer works.');
  }

  /** The bank sent the browser back here: the callback URL is the redirect challenge's answer. */
  callback(session: LinkSession, url: string): Promise<Reply> {
    const id = session.authId;
    if (!id || session.view.state !== 'redirect') {
      return this.#show(session, { state: 'failed', error: { message: 'This bank link has expired or was already used. Start again.', reason: 'auth_expired', userAction: 'authenticate', retryable: false } }, 410);
    }
    return this.#step(session, () => this.#bank.continue(id, { callback: url }));
  }

  /** Cancels at the provider (where it allows) and forgets the link; a poll in flight is stopped first. */
  async cancel(session: LinkSession): Promise<Reply> {
    const id = session.authId;
    session.authId = undefined;
    session.polling?.abort();
    if (id && session.view.state !== 'active') {
      try {
        await this.#bank.abandon(id);
      } catch {
        // Already gone (the aborted poll cancelled it) or expired: nothing left to cancel.
      }
    }
    const cancelled: View = id && session.view.state !== 'active' ? { state: 'cancelled' } : { state: 'idle' };
    return this.#show(session, cancelled, 200);
  }

  #nothing(session: LinkSession): Reply {
    return { status: 409, view: { ...session.view, notice: 'Nothing to do at this step.' } };
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}
