import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isAbortedError, isConnectionError, isUnsupportedError, type ConnectionStatus } from '../../../src/index.js';
import { PSU_IP, caught, drive, startFintecture, type Harness } from './support.js';

/** The seed's decoupled flow through the adapter, on the official routes with the SDKs' shapes only. */
let h: Harness;
beforeAll(async () => {
  h = await startFintecture({ shapes: 'official' });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

describe('decoupled authentication (official routes)', () => {
  it('reads the bank, authorizes with the PSU headers, polls PENDING → COMPLETED, exchanges the code and lists accounts', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const statuses: ConnectionStatus['status'][] = [];
    conn.on('status', (s) => statuses.push(s.status));
    const seen = await drive(conn);

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'decoupled', channel: 'app', provider: 'fintecture', message: expect.stringContaining('Crédit Agricole') });
    const challenge = seen[0] as { expiresAt: string; qrCode?: string; appUrl?: string };
    expect(Date.parse(challenge.expiresAt)).toBeGreaterThan(Date.now());
    expect(challenge.qrCode).toContain('channel=qr');
    expect(challenge.appUrl).toContain('channel=a2a');
    expect(statuses).toEqual(['authenticating', 'challenge', 'active']);

    // The seed's steps, in order, on the official endpoints: getProvider → startAuthorization → pollDecoupled* → (token) → listAccounts.
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['GetProvider', 'Authorize', 'PollDecoupled', 'PollDecoupled', 'AccessToken', 'ListAccounts']);
    const session = [...h.sim.state.sessions.values()][0];
    expect(session).toMatchObject({ model: 'decoupled', psuId: 'approve-1', status: 'COMPLETED' });

    const customerId = session?.customerId as string;
    expect(conn.ref).toEqual({ customerId, refreshToken: expect.stringMatching(/^sim-rt-/) });
    // remaining_days (90) → consentExpiresAt on the active status.
    const status = conn.status as { status: string; consentExpiresAt?: string };
    expect(status.status).toBe('active');
    const days = (Date.parse(status.consentExpiresAt as string) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);

    const accounts = await conn.accounts();
    expect(accounts.map((a) => [a.name, a.type, a.iban, a.balances.current])).toEqual([
      ['Compte de dépôt', 'checking', 'FR7630006000011234567890189', { amount: '1284.32', currency: 'EUR' }],
      ['Livret A', 'savings', 'FR7610096000301234567890137', { amount: '15000.50', currency: 'EUR' }],
    ]);
    expect(accounts.every((a) => a.connectionId === customerId && a.provider === 'fintecture')).toBe(true);
  });

  it('polls at the configured fixed cadence (factor 1), never faster', async () => {
    h.sim.state.pollsUntilDecision = 4;
    const conn = h.bank({ fintecture: { pollIntervalMs: 60 } }).connect('fintecture', { provider: 'handse', psuId: 'approve-2', psuIpAddress: PSU_IP });
    const iterator = conn.authenticate();
    await iterator.next();
    const checkpoint = await conn.checkpoint();
    // The plan the core follows: the provider's fixed cadence up to the approval window, no backoff.
    expect(checkpoint.pending?.poll).toEqual({ intervalMs: 60, factor: 1, deadline: (checkpoint.pending?.challenge as { expiresAt: string }).expiresAt });
    while (!(await iterator.next()).done);
    const polls = h.sim.requests.filter((r) => r.endpoint === 'PollDecoupled').map((r) => r.at);
    expect(polls).toHaveLength(4);
    for (let i = 1; i < polls.length; i++) expect((polls[i] as number) - (polls[i - 1] as number)).toBeGreaterThanOrEqual(58);
    expect(conn.status.status).toBe('active');
  });

  it('a refusal in the bank app (FAILED) is auth_rejected', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'refuse-1', psuIpAddress: PSU_IP });
    const error = await caught(() => drive(conn));
    expect(isConnectionError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'auth_rejected', providerCode: 'FAILED', userAction: 'authenticate', retryable: false });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'auth_rejected', providerState: 'FAILED' });
    expect(h.sim.count('AccessToken')).toBe(0);
  });

  it('a session the bank times out (FAILED) is auth_rejected too', async () => {
    h.sim.state.decoupledTtlMs = 30;
    h.sim.state.pollsUntilDecision = 1000;
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-slow', psuIpAddress: PSU_IP });
    await expect(drive(conn)).rejects.toMatchObject({ reason: 'auth_rejected', providerCode: 'FAILED' });
  });

  it('stops polling at its deadline with auth_expired', async () => {
    const conn = h.bank({ fintecture: { decoupledTimeoutMs: 250 } }).connect('fintecture', { provider: 'agfbfr', psuId: 'pending-1', psuIpAddress: PSU_IP });
    const started = Date.now();
    const error = await caught(() => drive(conn));
    expect(error).toMatchObject({ reason: 'auth_expired', userAction: 'authenticate' });
    expect(Date.now() - started).toBeLessThan(3000);
    const polls = h.sim.count('PollDecoupled');
    // 250 ms at a 20 ms cadence: a handful of polls, then nothing more.
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(14);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.sim.count('PollDecoupled')).toBe(polls);
  });

  it('refuses a bank without the decoupled model, naming the models it supports, before authorizing', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'cmcifrpp', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const error = await caught(() => drive(conn));
    expect(isUnsupportedError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/CIC \(cmcifrpp\) does not support the decoupled authentication model; it supports: redirect/);
    expect(h.sim.counts).toEqual({ GetProvider: 1 });
  });

  it('refuses an unknown bank and a PSU type the bank does not serve', async () => {
    await expect(drive(h.bank().connect('fintecture', { provider: 'nobank', psuId: 'a', psuIpAddress: PSU_IP }))).rejects.toMatchObject({
      kind: 'UnsupportedError',
      message: expect.stringMatching(/no provider \(bank\) "nobank"/),
    });
    await expect(
      drive(h.bank().connect('fintecture', { provider: 'handse', psuId: 'a', psuIpAddress: PSU_IP, psuType: 'corporate' })),
    ).rejects.toMatchObject({ kind: 'UnsupportedError', message: expect.stringMatching(/does not serve corporate customers; it serves: retail/) });
    expect(h.sim.count('Authorize')).toBe(0);
  });

  it('the simulator is strict: the official decoupled form needs both PSU headers and response_type', async () => {
    const base = `${h.sim.baseUrl}/ais/v1/provider/agfbfr/authorize`;
    const headers = { app_id: 'sim-app-id' };
    const noIp = await fetch(`${base}?response_type=code&model=decoupled`, { headers: { ...headers, 'x-psu-id': 'approve-1' } });
    expect(noIp.status).toBe(400);
    expect(await noIp.json()).toMatchObject({ code: 'bad_request', errors: [{ code: 'mandatory_field_missing', message: 'x-psu-ip-address is required.' }] });
    const noType = await fetch(`${base}?model=decoupled`, { headers: { ...headers, 'x-psu-id': 'a', 'x-psu-ip-address': PSU_IP } });
    expect(noType.status).toBe(400);
    const noApp = await fetch(`${base}?response_type=code&model=decoupled`, { headers: { 'x-psu-id': 'a', 'x-psu-ip-address': PSU_IP } });
    expect(noApp.status).toBe(401);
    expect(h.sim.state.sessions.size).toBe(0);
  });

  it('break at the decoupled challenge ends the link without further requests (Fintecture has no cancel endpoint)', async () => {
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'pending-2', psuIpAddress: PSU_IP });
    for await (const c of conn.authenticate()) {
      expect(c.type).toBe('decoupled');
      break;
    }
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
    const sent = { ...h.sim.counts };
    await new Promise((r) => setTimeout(r, 80));
    expect(h.sim.counts).toEqual(sent);
    expect(sent.PollDecoupled ?? 0).toBe(0);
  });

  it('aborting while polling stops at once', async () => {
    const controller = new AbortController();
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'pending-3', psuIpAddress: PSU_IP });
    setTimeout(() => controller.abort(), 90);
    const error = await caught(async () => {
      for await (const c of conn.authenticate({ signal: controller.signal })) void c;
    });
    expect(isAbortedError(error)).toBe(true);
    // A poll already on the wire may still land; after that, nothing more is scheduled.
    await new Promise((r) => setTimeout(r, 50));
    const polls = h.sim.count('PollDecoupled');
    await new Promise((r) => setTimeout(r, 150));
    expect(h.sim.count('PollDecoupled')).toBe(polls);
  });

  it('a checkpoint resumes in a fresh Polybank: the challenge is re-yielded without a second push, then polled to the end', async () => {
    const key = 'a-checkpoint-signing-key-of-32-bytes!';
    const encryption = { keys: { k1: Buffer.alloc(32, 7).toString('base64') }, currentKeyId: 'k1' };
    const conn = h.bank({ checkpoints: { signingKey: key, encryption } }).connect('fintecture', { provider: 'agfbfr', psuId: 'approve-3', psuIpAddress: PSU_IP });
    const iterator = conn.authenticate();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'decoupled' });
    const checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
    await iterator.return(undefined);
    expect(checkpoint.state).toMatchObject({ phase: 'decoupled', bank: 'agfbfr', pollStyle: 'path' });
    const before = { ...h.sim.counts };

    const resumed = await h.bank({ checkpoints: { signingKey: key, encryption } }).resume(checkpoint);
    expect(h.sim.counts).toEqual(before);
    const seen = await drive(resumed);
    expect(seen.map((c) => [c.type, c.id])).toEqual([['decoupled', checkpoint.pending.challenge.id]]);
    expect(resumed.status.status).toBe('active');
    expect(h.sim.count('Authorize')).toBe(1);
    expect(h.sim.state.sessions.size).toBe(1);
    expect((await resumed.accounts()).length).toBe(2);

    // An active connection's checkpoint carries the refresh token only encrypted; reopened, it refreshes and reads.
    const active = JSON.stringify(await resumed.checkpoint());
    expect(active).not.toContain(String((resumed.ref as { refreshToken: string }).refreshToken));
    h.sim.state.expireAccessTokens();
    const again = await h.bank({ checkpoints: { signingKey: key, encryption } }).resume(JSON.parse(active));
    expect((await again.accounts()).length).toBe(2);
    expect(h.sim.count('RefreshToken')).toBe(1);
  });

  it('takes connection_id where a server answers it instead of customer_id', async () => {
    h.sim.inject({
      endpoint: 'PollDecoupled',
      kind: 'mutate',
      times: Infinity,
      mutate: (body) => {
        const { customer_id: _drop, ...rest } = body as Record<string, unknown>;
        return rest;
      },
    });
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-4', psuIpAddress: PSU_IP });
    await drive(conn);
    expect(conn.ref?.customerId).toBe([...h.sim.state.sessions.values()][0]?.customerId);
  });

  it('takes the polling id from the url where a server gives no polling_id (Python SDK example)', async () => {
    h.sim.inject({
      endpoint: 'Authorize',
      kind: 'mutate',
      mutate: (body) => {
        const { polling_id: _drop, ...rest } = body as Record<string, unknown>;
        return rest;
      },
    });
    const conn = h.bank().connect('fintecture', { provider: 'agfbfr', psuId: 'approve-5', psuIpAddress: PSU_IP });
    await drive(conn);
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('PollDecoupled')).toBe(2);
  });
});
