/**
 * Every requisition status, short and long, where it can be met (at the callback, on a
 * stored link, while waiting for the bank), every documented callback error, and the
 * access running out.
 */
import { isConnectionError, isInvalidAnswerError, type ConnectionError } from 'polybank';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeAtBank, type BankDecision, type ShortStatus } from '../src/simulator/index.js';
import { REDIRECT, firstChallenge, harness, link, type Harness } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

async function failure(run: () => Promise<unknown>): Promise<ConnectionError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectionError(error)) throw new Error(`expected a ConnectionError, got ${String(error)}`);
  return error;
}

/** A linked connection's stored ref, its requisition then set to `status`. */
async function storedWith(status: ShortStatus): Promise<{ requisitionId: string }> {
  const { conn } = await link(h);
  const ref = conn.ref as { requisitionId: string };
  h.sim.state.setStatus(ref.requisitionId, status);
  return ref;
}

describe.each(['short', 'long'] as const)('requisition statuses (%s form)', (form) => {
  beforeEach(() => {
    h.sim.state.statusForm = form;
  });

  it('LN at the callback: active', async () => {
    const { conn } = await link(h, 'LN');
    expect(conn.status.status).toBe('active');
  });

  it.each([
    ['RJ', 'auth_rejected'],
    ['EX', 'auth_expired'],
    ['SU', 'consent_expired'],
  ] as const)('%s at the callback: %s, and the requisition is deleted', async (status, reason) => {
    const error = await failure(() => link(h, status));
    expect(error.reason).toBe(reason);
    expect(error.providerCode).toBe(form === 'short' ? status : { RJ: 'REJECTED', EX: 'EXPIRED', SU: 'SUSPENDED' }[status]);
    expect(h.sim.state.latestRequisition?.deleted).toBe(true);
  });

  it.each(['CR', 'GC', 'UA', 'SA', 'GA'] as const)('%s at the callback: polled until the deadline, then auth_expired', async (status) => {
    const error = await failure(() => link(h, status));
    expect(error.reason).toBe('auth_expired');
    expect(h.sim.count('Requisition')).toBeGreaterThan(3);
  });

  it('GA at the callback, linked a few reads later: active after polling', async () => {
    h.sim.state.pollsUntilLinked = 3;
    const { conn } = await link(h, 'slow');
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('Requisition')).toBe(4);
  });

  it.each([
    ['EX', 'consent_expired'],
    ['RJ', 'auth_rejected'],
    ['SU', 'consent_expired'],
  ] as const)('%s on a stored link: %s', async (status, reason) => {
    const ref = await storedWith(status);
    const error = await failure(() => h.bank.connection('gocardless', ref).accounts());
    expect(error.reason).toBe(reason);
  });

  it('CR on a stored link: the bank link again for the user, sca_required without one', async () => {
    const { conn, iterator } = await firstChallenge(h);
    await conn.checkpoint(); // keep the link pending
    await iterator.return(undefined);
    const requisitionId = h.sim.state.latestRequisition?.id ?? '';
    const background = await failure(() => h.bank.connection('gocardless', { requisitionId }).accounts());
    expect(background.reason).toBe('sca_required');
    const stored = h.bank.connection('gocardless', { requisitionId });
    for await (const challenge of stored.authenticate()) {
      if (challenge.type !== 'redirect') throw new Error(challenge.type);
      expect(challenge.url).toContain(requisitionId);
      challenge.answer({ callback: await completeAtBank(challenge.url) });
    }
    expect(stored.status.status).toBe('active');
  });

  it('GA on a stored link: polled until linked', async () => {
    const ref = await storedWith('GA');
    const requisition = h.sim.state.requisitions.get(ref.requisitionId);
    if (requisition) requisition.pollsLeft = 1;
    const stored = h.bank.connection('gocardless', ref);
    for await (const challenge of stored.authenticate()) throw new Error(`unexpected ${challenge.type}`);
    expect(stored.status.status).toBe('active');
  });
});

describe('a status nobody documented', () => {
  it('is unknown, never a loop and never a crash', async () => {
    const { challenge, iterator } = await firstChallenge(h);
    const requisition = h.sim.state.latestRequisition;
    if (!requisition || challenge.type !== 'redirect') throw new Error('no link');
    const callback = await completeAtBank(challenge.url, 'UA');
    (requisition as { status: string }).status = 'ZZ';
    challenge.answer({ callback });
    const error = await failure(() => iterator.next());
    expect(error.reason).toBe('unknown');
    expect(error.providerCode).toBe('ZZ');
  });
});

describe('callback errors', () => {
  it.each([
    ['cancel', 'auth_rejected', 'UserCancelledSession', 'User cancelled the session.'],
    ['ssn', 'auth_rejected', 'SSNVerificationFailed', 'SSN Verification has failed'],
    ['bank_error', 'provider_unavailable', 'InstitutionTechnicalError', 'A technical error occurred while trying to connect to the institution, please try again.'],
    ['gc_error', 'provider_bug', 'GoCardlessTechnicalError', 'An unexpected error occurred in the GoCardless system. If this error persists, please contact support.'],
  ] as const)('%s: %s (%s)', async (decision, reason, code, details) => {
    const error = await failure(() => link(h, decision as BankDecision));
    expect({ reason: error.reason, providerCode: error.providerCode, userMessage: error.userMessage }).toEqual({ reason, providerCode: code, userMessage: details });
    // The error says it all: the requisition is not even read.
    expect(h.sim.count('Requisition')).toBe(0);
  });

  it('a reused link: auth_expired (RequisitionLinkReused)', async () => {
    const { challenge } = await link(h);
    const callback = await completeAtBank(challenge.url);
    expect(new URL(callback).searchParams.get('error')).toBe('RequisitionLinkReused');
    const { challenge: second, iterator } = await firstChallenge(h);
    const reference = h.sim.state.latestRequisition?.reference ?? '';
    if (second.type !== 'redirect') throw new Error(second.type);
    second.answer({ callback: `${REDIRECT}?ref=${reference}&error=RequisitionLinkReused&details=This+link+has+already+been+used` });
    expect((await failure(() => iterator.next())).reason).toBe('auth_expired');
  });

  it('an error nobody documented: unknown, its value kept only when it is a plain word', async () => {
    for (const [code, expected] of [['SomethingNew', 'SomethingNew'], ['<script>', 'invalid']] as const) {
      const { challenge, iterator } = await firstChallenge(h);
      const reference = h.sim.state.latestRequisition?.reference ?? '';
      if (challenge.type !== 'redirect') throw new Error(challenge.type);
      challenge.answer({ callback: { ref: reference, error: code } });
      const error = await failure(() => iterator.next());
      expect([error.reason, error.providerCode]).toEqual(['unknown', expected]);
    }
  });

  it('a callback without this link’s ref is refused at once: nothing asked of GoCardless, the link still pending', async () => {
    for (const callback of [`${REDIRECT}?ref=someone-else`, REDIRECT + '?foo=1']) {
      const { challenge, iterator } = await firstChallenge(h);
      if (challenge.type !== 'redirect') throw new Error(challenge.type);
      h.sim.resetCounts();
      let error: unknown;
      try {
        challenge.answer({ callback });
      } catch (e) {
        error = e;
      }
      expect(isInvalidAnswerError(error) && error.issues[0]?.path).toBe('callback.ref');
      expect(h.sim.count('Requisition')).toBe(0);
      // A forged callback cannot cancel the user's link: the requisition is still there, the right callback works.
      expect(h.sim.state.latestRequisition?.deleted).not.toBe(true);
      await iterator.return(undefined);
    }
  });
});

describe('access running out', () => {
  it('after access_valid_for_days the accounts say EXPIRED: consent_expired, and the connection says so', async () => {
    const { conn } = await link(h);
    h.sim.state.advance(90 * 86_400_000 + 1000);
    const error = await failure(() => conn.accounts());
    expect([error.reason, error.providerCode, error.userAction]).toEqual(['consent_expired', 'EXPIRED', 'reconsent']);
    expect(conn.status).toMatchObject({ status: 'error', reason: 'consent_expired' });
  });

  it('an account call refused as AccessExpiredError: consent_expired too', async () => {
    const { conn } = await link(h);
    h.sim.inject({
      endpoint: 'AccountBalances',
      kind: 'status',
      status: 401,
      body: JSON.stringify({ summary: "Couldn't update account balances", detail: 'Access has expired or it has been revoked. To restore access reconnect the account.', type: 'AccessExpiredError', status_code: 401 }),
    });
    const error = await failure(() => conn.accounts());
    expect([error.reason, error.providerCode]).toEqual(['consent_expired', 'AccessExpiredError']);
  });
});
