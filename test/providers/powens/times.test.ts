import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConfigurationError, type Challenge } from '../../../src/index.js';
import { powens, verifyWebhook } from '../../../src/providers/powens/index.js';
import { sqlTime } from '../../../src/testing/powens/state.js';
import { POWENS_TEST_CONNECTOR, drive, fields, otp, startPowens, type PowensHarness } from './helpers.js';

/**
 * Powens writes `YYYY-MM-DD HH:MM:SS` with no offset. The simulator plays both readings
 * (`timeZone: 'Europe/Paris'`, the default, and `'UTC'`); the provider reads them in
 * `powens({ timeZone })` (default Europe/Paris).
 */
const variants = [
  { name: 'Paris wall clock (the default on both sides)', sim: 'Europe/Paris', provider: undefined },
  { name: 'UTC, with powens({ timeZone: "UTC" })', sim: 'UTC', provider: 'UTC' },
] as const;

describe.each(variants)('zone-less times: $name', ({ sim: simZone, provider: providerZone }) => {
  let h: PowensHarness;
  const bank = () => h.bank(providerZone ? { powens: { timeZone: providerZone } } : {});
  beforeAll(async () => {
    h = await startPowens({ timeZone: simZone });
  });
  afterAll(async () => {
    await h.server.close();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  async function linked(): Promise<{ connectionId: number; userId: number }> {
    const conn = bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') });
    await drive(conn);
    if (!conn.ref) throw new Error('not linked');
    return conn.ref;
  }

  it('the simulator writes its times in its zone', () => {
    const now = Date.UTC(2021, 6, 1, 10, 0, 0); // summer: Paris is UTC+2
    expect(h.sim.sqlTime(now)).toBe(simZone === 'UTC' ? '2021-07-01 10:00:00' : '2021-07-01 12:00:00');
  });

  it('a consent that expired 30 minutes ago is not reported active', async () => {
    const ref = await linked();
    h.sim.connection(ref.connectionId).expire = h.sim.sqlTime(Date.now() - 30 * 60_000);
    const conn = bank().connection('powens', ref);
    await expect(conn.accounts()).rejects.toMatchObject({ reason: 'consent_expired', providerCode: 'expire', userAction: 'reconsent' });
    expect(conn.status).toMatchObject({ status: 'error', reason: 'consent_expired' });
  });

  it('a consent that expires in 30 minutes is active, with the exact instant', async () => {
    const ref = await linked();
    const expire = Math.floor((Date.now() + 30 * 60_000) / 1000) * 1000;
    const connection = h.sim.connection(ref.connectionId);
    connection.expire = h.sim.sqlTime(expire);
    connection.lastUpdate = '2021-01-15 09:30:00'; // winter: Paris is UTC+1
    const conn = bank().connection('powens', ref);
    expect(await drive(conn)).toEqual([]);
    expect(conn.status).toEqual({
      status: 'active',
      consentExpiresAt: new Date(expire).toISOString(),
      lastSyncedAt: simZone === 'UTC' ? '2021-01-15T09:30:00.000Z' : '2021-01-15T08:30:00.000Z',
    });
  });

  it('next_try (the retry time of rateLimiting) and an OTP window (expire) are read in the zone', async () => {
    const ref = await linked();
    const nextTry = new Date(Math.floor((Date.now() + 45 * 60_000) / 1000) * 1000);
    h.sim.setConnectionState(ref.connectionId, 'rateLimiting', { nextTry });
    await expect(bank().connection('powens', ref).accounts()).rejects.toMatchObject({ reason: 'rate_limited', retryAfter: nextTry });

    const conn = bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('additionalInformationNeeded') });
    const seen: Challenge[] = [];
    await drive(conn, (c) => {
      seen.push(c);
      otp()(c);
    });
    const window = Date.parse(seen[0]?.expiresAt as string) - Date.now();
    // Two hours (the sandbox's window), not one or three: the zone was read right.
    expect(window).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(window).toBeLessThanOrEqual(2 * 3600_000);
  });

  it('a CONNECTION_SYNCED webhook whose consent lapsed 30 minutes ago is consent_expired', async () => {
    const ref = await linked();
    h.sim.connection(ref.connectionId).expire = h.sim.sqlTime(Date.now() - 30 * 60_000);
    const request = await h.sim.webhook('https://app.example/webhooks/powens', h.sim.connectionSyncedBody(ref.connectionId));
    const webhook = await verifyWebhook(request, { secret: 'sim-webhook-secret', event: 'CONNECTION_SYNCED', ...(providerZone ? { timeZone: providerZone } : {}) });
    expect(webhook.status).toMatchObject({ status: 'error', reason: 'consent_expired' });
  });
});

describe('the time zone option', () => {
  it('is honoured: the same wall clock read in UTC is 1 to 2 hours later than in Paris', async () => {
    const h = await startPowens({ timeZone: 'Europe/Paris' });
    try {
      const conn = h.bank({ powens: { timeZone: 'UTC' } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') });
      await drive(conn);
      const ref = conn.ref as { connectionId: number; userId: number };
      const expire = Date.now() + 3 * 3600_000;
      h.sim.connection(ref.connectionId).expire = h.sim.sqlTime(expire);
      const utc = h.bank({ powens: { timeZone: 'UTC' } }).connection('powens', ref);
      const paris = h.bank().connection('powens', ref);
      await drive(utc);
      await drive(paris);
      const shift = Date.parse((utc.status as { consentExpiresAt: string }).consentExpiresAt) - Date.parse((paris.status as { consentExpiresAt: string }).consentExpiresAt);
      expect([3600_000, 7200_000]).toContain(shift);
    } finally {
      await h.server.close();
    }
  });

  it('reads a Paris time across daylight saving: UTC+1 in winter, UTC+2 in summer', () => {
    expect(sqlTime(Date.UTC(2021, 0, 15, 8, 30), 'Europe/Paris')).toBe('2021-01-15 09:30:00');
    expect(sqlTime(Date.UTC(2021, 6, 15, 8, 30), 'Europe/Paris')).toBe('2021-07-15 10:30:00');
  });

  it('an unknown time zone is a ConfigurationError at construction', () => {
    let error: unknown;
    try {
      powens({ domain: 'acme', clientId: '1', clientSecret: 's', timeZone: 'Mars/Olympus' });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/timeZone: must be an IANA time zone/);
    expect(() => powens({ domain: 'acme', clientId: '1', clientSecret: 's', timeZone: 'America/New_York' })).not.toThrow();
  });
});
