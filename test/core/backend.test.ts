import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, isChallengeStateError, isConflictError, isConnectionError, isInvalidAnswerError } from '../../src/index.js';
import { TOY_PASSWORD } from '../support/toy-simulator.js';
import { startToy } from '../support/toy.js';

let toy: Awaited<ReturnType<typeof startToy>>;
beforeAll(async () => {
  toy = await startToy();
});
afterAll(async () => {
  await toy.server.close();
});
beforeEach(() => {
  toy.sim.reset();
});

const KEY = 'backend-test-signing-key-0123456789';

/** Two "instances": separate Polybank objects sharing one store, as two processes would. */
function instances(store = new MemoryStore()) {
  return { store, a: toy.bank({ store, checkpoints: { signingKey: KEY } }), b: toy.bank({ store, checkpoints: { signingKey: KEY } }) };
}

describe('begin / continue across instances', () => {
  it('starts on A, answers on B, finishes on A; each step stored', async () => {
    const { a, b } = instances();
    const first = await a.begin('toybank', { username: 'questions-otp', password: TOY_PASSWORD });
    expect(first.status.status).toBe('challenge');
    expect(first.challenge?.type).toBe('questions');
    expect(JSON.parse(JSON.stringify(first))).toEqual(first); // plain JSON for an HTTP response

    const second = await b.continue(first.id, { q1: 'Montreal', q2: { question: 'Favourite colour?', answer: 'Blue' } });
    expect(second.challenge?.type).toBe('otp');
    const done = await a.continue(first.id, { code: '123456' });
    expect(done.status.status).toBe('active');
    expect(done).not.toHaveProperty('ref'); // browser-safe: the reference is read server-side
    expect((await a.load(first.id)).ref).toEqual({ connectionId: 'conn-s1' });
    expect(toy.sim.count('Answer')).toBe(2);
    const accounts = await (await b.load(first.id)).accounts();
    expect(accounts).toHaveLength(3);
  });

  it('two concurrent answers to the same challenge: one wins, one ConflictError, one provider request', async () => {
    const { a, b } = instances();
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    toy.sim.latency = 250; // keep the winner in flight while the other arrives, even on a loaded machine
    const results = await Promise.allSettled([a.continue(id, { code: '123456' }), b.continue(id, { code: '123456' })]);
    toy.sim.latency = 0;
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(isConflictError(failed[0]?.reason)).toBe(true);
    expect(toy.sim.count('Answer')).toBe(1);
  });

  it('a bad answer changes nothing: no claim, nothing sent, the right answer still works', async () => {
    const { a, b } = instances();
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    await expect(b.continue(id, { code: '12' })).rejects.toSatisfy(isInvalidAnswerError);
    await expect(b.continue(id)).rejects.toSatisfy(isChallengeStateError);
    expect(toy.sim.count('Answer')).toBe(0);
    expect((await a.continue(id, { code: '123456' })).status.status).toBe('active');
  });

  it('a decoupled approval returns within the poll budget and completes on a later call', async () => {
    const { a, b } = instances();
    toy.sim.state.pollsUntilDecision = 4;
    const first = await a.begin('toybank', { username: 'decoupled-approve', password: TOY_PASSWORD });
    expect(first.challenge?.type).toBe('decoupled');
    const waiting = await b.continue(first.id, undefined, { pollBudgetMs: 60 });
    expect(waiting.status.status).toBe('challenge');
    expect(waiting.challenge?.type).toBe('decoupled');
    const polled = toy.sim.count('PollSession');
    expect(polled).toBeGreaterThanOrEqual(1);
    expect(polled).toBeLessThan(4);
    const done = await a.continue(first.id, undefined, { pollBudgetMs: 5_000 });
    expect(done.status.status).toBe('active');
    expect(toy.sim.count('CreateSession')).toBe(1);
  });

  it('an expired authentication is a typed auth_expired error', async () => {
    let now = Date.now();
    const store = new MemoryStore({ now: () => now });
    const { a } = instances(store);
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    now += 16 * 60_000; // past the default 15-minute TTL of a challenge without expiry
    const error = await a.continue(id, { code: '123456' }).catch((e: unknown) => e);
    expect(isConnectionError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'auth_expired' });
    expect(toy.sim.count('Answer')).toBe(0);
  });

  it('a terminal failure forgets the authentication', async () => {
    const { a, store } = instances();
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    await expect(a.continue(id, { code: '000000' })).rejects.toMatchObject({ reason: 'auth_rejected' });
    expect(await store.load(id)).toBeUndefined();
  });

  it('abandon cancels at the provider and forgets', async () => {
    const { a, store } = instances();
    const { id } = await a.begin('toybank', { username: 'otp', password: TOY_PASSWORD });
    expect(await a.abandon(id)).toBe(true);
    expect(toy.sim.count('CancelSession')).toBe(1);
    expect(await store.load(id)).toBeUndefined();
  });
});

describe('refreshAll in one process', () => {
  it('keeps each provider within its rate, in order, and reports each result', async () => {
    const refs = Array.from({ length: 5 }, (_, i) => ({ provider: 'toybank' as const, ref: { connectionId: `c${i}` } }));
    const started = Date.now();
    const results = await toy.bank().refreshAll(refs, { concurrency: 5, perProviderRate: { toybank: { requests: 2, perSeconds: 0.5 } } });
    // 5 connections, 2 per 500 ms: the 5th starts after two full windows.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect(results.map((r) => r.ref)).toEqual(refs.map((r) => r.ref));
    expect(toy.sim.count('ListAccounts')).toBe(5);
  });
});
