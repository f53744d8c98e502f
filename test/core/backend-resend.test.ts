/**
 * `bank.resend(id)`: a new code for a stored OTP challenge, in a request/response backend.
 * Against the PowerAuth simulator on a real socket: its Data Adapter sends SMS codes and
 * honours `resend: true`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, Polybank, isChallengeStateError, isConflictError, isConnectionError } from '../../src/index.js';
import { POWERAUTH_TEST_PASSWORD, drivers, startSimulatorServer, type PowerAuthSimState, type Simulator, type SimulatorServer } from '../../src/testing/index.js';

const driver = drivers.powerauth;
let sim: Simulator<PowerAuthSimState>;
let server: SimulatorServer;
beforeAll(async () => {
  sim = driver.simulator() as Simulator<PowerAuthSimState>;
  server = await startSimulatorServer(sim);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => sim.reset());

const KEY = 'backend-resend-signing-key-0123456789';
const scenario = driver.scenarios.find((s) => s.name === 'login_sca')!;

function instances(store = new MemoryStore()) {
  const make = () => new Polybank({ providers: [driver.provider(sim as Simulator<unknown>)], store, checkpoints: { signingKey: KEY } });
  return { a: make(), b: make() };
}

/** Begins login_sca and answers the username: the OTP challenge is stored. */
async function atOtp(bank: Polybank) {
  const first = await bank.begin('powerauth', scenario.input as never);
  expect(first.challenge?.type).toBe('credentials');
  const otp = await bank.continue(first.id, { username: 'user1234' });
  expect(otp.challenge).toMatchObject({ type: 'otp', canResend: true });
  return otp;
}

describe('bank.resend(id)', () => {
  it('sends one new SMS, stores the refreshed challenge, and the new code (from another instance) completes the step', async () => {
    const { a, b } = instances();
    const otp = await atOtp(a);
    expect(sim.state.outbox).toHaveLength(1);
    const resent = await b.resend(otp.id);
    expect(resent.challenge).toMatchObject({ id: otp.challenge?.id, type: 'otp' });
    expect(sim.state.outbox).toHaveLength(2);
    expect(sim.count('sms/create')).toBe(2);
    const [old, fresh] = sim.state.outbox.map((m) => m.code) as [string, string];
    expect(fresh).not.toBe(old);
    // The first code no longer works: the step stored after the resend verifies the new message.
    const refused = await a.continue(otp.id, { code: old, password: POWERAUTH_TEST_PASSWORD });
    expect(refused.challenge).toMatchObject({ type: 'otp', message: 'Authentication failed.' });
    const consent = await b.continue(otp.id, { code: fresh, password: POWERAUTH_TEST_PASSWORD });
    expect(consent.challenge?.type).toBe('consent');
  });

  it('two concurrent resends: one SMS, one ConflictError', async () => {
    const { a, b } = instances();
    const otp = await atOtp(a);
    sim.inject({ endpoint: 'sms/create', kind: 'latency', ms: 250 });
    const results = await Promise.allSettled([a.resend(otp.id), b.resend(otp.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(isConflictError(failed?.reason)).toBe(true);
    expect(sim.state.outbox).toHaveLength(2);
  });

  it('a failed resend keeps the step: the code already sent still works', async () => {
    const { a } = instances();
    const otp = await atOtp(a);
    sim.inject({ endpoint: 'sms/create', kind: 'status', status: 503 });
    await expect(a.resend(otp.id)).rejects.toThrow();
    const [code] = sim.state.outbox.map((m) => m.code) as [string];
    const consent = await a.continue(otp.id, { code, password: POWERAUTH_TEST_PASSWORD });
    expect(consent.challenge?.type).toBe('consent');
  });

  it('is refused when no code is pending, and for an unknown id', async () => {
    const { a } = instances();
    const first = await a.begin('powerauth', scenario.input as never);
    await expect(a.resend(first.id)).rejects.toSatisfy(isChallengeStateError);
    expect(sim.count('sms/create')).toBe(0);
    await expect(a.resend('nope')).rejects.toSatisfy((e: unknown) => isConnectionError(e) && e.reason === 'auth_expired');
  });
});
