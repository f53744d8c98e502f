/**
 * The test: examples/workers as deployed, at scale. 10,000 stored connections over the
 * four simulators, one scheduler process and three worker processes on one real Redis; one
 * worker is SIGKILLed mid-run and restarted, another restarted gracefully (SIGTERM). 10% of the
 * attempts get a retryable fault (503, or 429 with Retry-After), 2% of the connections are
 * refused by their provider (non-retryable). Everything is measured at the simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/testing/index.js';
import type { FintectureSimState } from '../../src/testing/index.js';
import type { FlinksSimState } from '../../src/testing/flinks/index.js';
import type { ResultRow } from '../../examples/workers/db.js';
import { appDb, bundleExample, run, type Proc } from './processes.js';
import { PROVIDERS, busiestWindow, prefixFor, queueOf, startRig, store, watchStalls, type ProviderId, type Rig } from './support.js';

const CONNECTIONS = Number(process.env.SCALE_CONNECTIONS ?? 10_000);
const PER_PROVIDER = CONNECTIONS / PROVIDERS.length;
const REFUSED_EVERY = 50; // 2% of each provider's connections
const RATE = { requests: 75, perSeconds: 1 };
const ATTEMPTS = 5;
/** The request every attempt of a job makes once (where faults go and where attempts are counted). */
const ATTEMPT: Record<ProviderId, string> = { fintecture: 'ListAccounts', powens: 'GetConnection', flinks: 'Authorize', powerauth: 'operation/formdata/decorate' };
/** The last read of a job: one 2xx of it per connection is one refresh done. */
const FINAL: Record<ProviderId, string> = { fintecture: 'ListAccounts', powens: 'ListAccounts', flinks: 'GetAccountsDetail', powerauth: 'operation/formdata/decorate' };

let rig: Rig;
let scripts: Awaited<ReturnType<typeof bundleExample>>;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  [rig, scripts] = await Promise.all([startRig(), bundleExample()]);
  timings.setupMs = Date.now() - started;
}, 60_000);
afterAll(async () => {
  await rig?.stop();
});

/** The provider-side id of a stored connection, from its ref. */
function idOfRef(provider: ProviderId, ref: unknown): string {
  const r = ref as Record<string, unknown>;
  return String(provider === 'fintecture' ? r.customerId : provider === 'powens' ? r.connectionId : provider === 'flinks' ? r.loginId : r.operationId);
}

/** Which stored connection a simulator request was for. */
function idOfRequest(provider: ProviderId, request: RecordedRequest): string | undefined {
  switch (provider) {
    case 'fintecture':
      if (request.endpoint === 'RefreshToken') {
        const token = new URLSearchParams(request.body ?? '').get('refresh_token') ?? '';
        return (rig.sims.fintecture.state as FintectureSimState).refreshTokens.get(token)?.customerId;
      }
      return /\/customer\/([^/]+)\//.exec(request.path)?.[1];
    case 'powens':
      return /\/connections\/(\d+)/.exec(request.path)?.[1];
    case 'flinks': {
      const body = JSON.parse(request.body ?? '{}') as { LoginId?: string; RequestId?: string };
      if (body.LoginId) return body.LoginId;
      return body.RequestId ? (rig.sims.flinks.state as FlinksSimState).sessions.get(body.RequestId.toLowerCase())?.loginId : undefined;
    }
    case 'powerauth':
      return (JSON.parse(request.body ?? '{}') as { requestObject?: { operationContext?: { id?: string } } }).requestObject?.operationContext?.id;
  }
}

async function waitForResults(db: { resultCount(): number }, count: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Not too often: the count reads the whole table, and the workers write to it.
  while (db.resultCount() < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${db.resultCount()} of ${count})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`scale-out: ${CONNECTIONS} connections, 3 worker processes, a crash and a restart`, () => {
  it('every connection refreshed exactly once (or reported), rates held across workers, faults retried, refusals reported once', async () => {
    const prefix = prefixFor();
    const refused = new Set<string>();
    for (const provider of PROVIDERS) {
      for (let i = 0; i < PER_PROVIDER; i++) {
        const isRefused = i % REFUSED_EVERY === REFUSED_EVERY - 1;
        const [key] = store(rig, provider, 1, { refused: isRefused });
        if (isRefused) refused.add(key as string);
      }
    }
    const { path, db } = appDb(rig, scripts.dir);
    const keyOfId = new Map<string, string>();
    for (const [key, { provider, ref }] of rig.db) keyOfId.set(`${provider}:${idOfRef(provider, ref)}`, key);
    for (const provider of PROVIDERS) {
      const endpoint = ATTEMPT[provider];
      rig.sims[provider].inject({ endpoint, kind: 'status', status: 503, probability: 0.05, times: Infinity });
      rig.sims[provider].inject({ endpoint, kind: 'status', status: 429, retryAfter: 1, probability: 0.0527, times: Infinity });
    }

    const env = {
      REDIS_PREFIX: prefix,
      DB_PATH: path,
      CONCURRENCY: '12',
      RATES: JSON.stringify(Object.fromEntries(PROVIDERS.map((p) => [p, RATE]))),
      LOCK_MS: '4000',
      STALLED_MS: '1000',
      ATTEMPTS: String(ATTEMPTS),
      BACKOFF_MS: '200',
      LOG_RETRIES: '1',
      LOG_STARTS: '1',
    };
    // The simulators run in this process: when its event loop stalls, requests wait in the socket
    // and reach the simulators' log together. That stall is the instrument's error, measured here.
    const stalls = watchStalls();
    let stallMs: number | undefined;
    // The simulators' own request journals (bodies and answers kept for other tests) are not
    // needed here (sim.requests is): emptied as the run goes, less for the GC to walk.
    const journals = setInterval(() => {
      (rig.sims.flinks.state as FlinksSimState).exchanges.length = 0;
      (rig.sims.powens.state as { received: unknown[] }).received.length = 0;
      (rig.sims.powerauth.state as { requests: unknown[] }).requests.length = 0;
    }, 1_000);
    const procs: Proc[] = [];
    const worker = (name: string): Proc => {
      const proc = run(scripts.worker, rig, { ...env, WORKER_NAME: name });
      procs.push(proc);
      return proc;
    };
    try {
      const w1 = worker('w1');
      const w2 = worker('w2');
      worker('w3');
      await Promise.all(procs.map((p) => p.ready));
      const cycleStarted = Date.now();
      const scheduler = run(scripts.scheduler, rig, { ...env, EVERY_MS: String(3_600_000) });
      procs.push(scheduler);
      await scheduler.ready;
      timings.scheduleMs = Date.now() - cycleStarted;

      // A crash at a quarter of the cycle, its restart a little later; a deploy (SIGTERM) at 60%.
      await waitForResults(db, CONNECTIONS * 0.25, 120_000, 'a quarter of the cycle');
      w1.child.kill('SIGKILL');
      await w1.exited;
      await waitForResults(db, CONNECTIONS * 0.4, 120_000, '40% of the cycle');
      await worker('w1-restarted').ready;
      await waitForResults(db, CONNECTIONS * 0.6, 120_000, '60% of the cycle');
      w2.child.kill('SIGTERM');
      expect(await w2.exited).toEqual({ code: 0, signal: null });
      await worker('w2-restarted').ready;
      await waitForResults(db, CONNECTIONS, 150_000, 'every connection');
      timings.cycleMs = Date.now() - cycleStarted;
      stallMs = stalls.stop();
      clearInterval(journals);
      // Late duplicates (a takeover finishing) would land now.
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      clearInterval(journals);
      for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
    }

    // Retries the workers announced: `retry <key> <attempt> <code> <delay>`.
    const retries = procs.flatMap((p) => p.output).filter((l) => l.startsWith('retry ')).map((l) => l.split(' '));
    const lostResponse = new Set(retries.filter(([, , , code]) => code === 'timeout' || code === 'network').map(([, key]) => key as string));
    const results = db.results();
    const byKey = new Map<string, ResultRow[]>();
    for (const row of results) byKey.set(row.key, [...(byKey.get(row.key) ?? []), row]);

    // ------------------------------------------------------------ every connection, once
    expect(byKey.size).toBe(CONNECTIONS);
    const takenOver = new Set(results.filter((r) => r.takenOver > 0).map((r) => r.key));
    const reportedTwice = [...byKey].filter(([, rows]) => rows.length > 1).map(([key]) => key);
    // A second report only for a job a dead worker held (reported just before the kill).
    for (const key of reportedTwice) expect(takenOver.has(key), `${key} reported twice without a takeover`).toBe(true);
    // The killed worker's jobs (up to 4 queues × 12), plus any whose lock a starved worker failed to renew in time.
    expect(takenOver.size).toBeGreaterThan(0);
    expect(takenOver.size).toBeLessThanOrEqual(4 * 13 + CONNECTIONS * 0.01);
    expect(results.filter((r) => r.worker === 'w1-restarted').length).toBeGreaterThan(0);

    // At the simulators: one successful final read per connection; two only where a takeover re-ran it.
    const finals = new Map<string, number>();
    const attempts = new Map<string, RecordedRequest[]>();
    // A job attempt starts with its first request: what the rate limits. (Fintecture's first is
    // RefreshToken, unless this worker still holds the customer's access token: then ListAccounts.)
    const startsOf: Record<string, number[]> = {};
    const previous = new Map<string, RecordedRequest>();
    for (const provider of PROVIDERS) {
      for (const request of rig.sims[provider].requests) {
        const id = idOfRequest(provider, request);
        const key = id ? keyOfId.get(`${provider}:${id}`) : undefined;
        if (!key) continue;
        if (request.endpoint === FINAL[provider] && request.status !== undefined && request.status < 300) finals.set(key, (finals.get(key) ?? 0) + 1);
        if (request.endpoint === ATTEMPT[provider] || (provider === 'fintecture' && request.endpoint === 'RefreshToken' && request.status === 401)) {
          attempts.set(key, [...(attempts.get(key) ?? []), request]);
        }
        const before = previous.get(key);
        const continues = provider === 'fintecture' && request.endpoint === 'ListAccounts' && before?.endpoint === 'RefreshToken' && before.status === 200;
        const first = provider === 'powens' ? request.endpoint === 'GetConnection' : provider === 'flinks' ? request.endpoint === 'Authorize' : provider === 'powerauth' ? true : !continues;
        if (first) (startsOf[provider] ??= []).push(request.at);
        previous.set(key, request);
      }
    }
    const finalRow = (key: string) => (byKey.get(key) ?? []).at(-1) as ResultRow;
    // A connection whose every attempt drew a fault (10% each: 10^-5 for five in a row, about one
    // in ten runs of 10,000) is reported once, out of attempts, and never refreshed: that is the rule too.
    const exhausted = (key: string): boolean => {
      const row = finalRow(key);
      return row !== undefined && !row.ok && row.attempt === ATTEMPTS && (row.reason === 'provider_unavailable' || row.reason === 'rate_limited');
    };
    let outOfAttempts = 0;
    const doubles: string[] = [];
    for (const [key] of rig.db) {
      const count = finals.get(key) ?? 0;
      if (refused.has(key)) expect(count, key).toBe(0);
      else if (takenOver.has(key) || lostResponse.has(key)) expect(count, key).toBeGreaterThanOrEqual(1);
      else if (exhausted(key)) {
        outOfAttempts++;
        expect(count, key).toBe(0);
        expect((attempts.get(key) ?? []).filter((r) => r.status === 503 || r.status === 429).length, `${key}: every attempt faulted`).toBeGreaterThanOrEqual(ATTEMPTS);
      }
      else expect(count, `${key}: ${count} refreshes at the provider (${JSON.stringify(byKey.get(key))}, retries ${JSON.stringify(retries.filter((r) => r[1] === key))})`).toBe(1);
      if (count > 1) doubles.push(key);
      expect(count).toBeLessThanOrEqual(3);
    }
    // Twice only where a dead worker's job was taken over, or where a response was lost on the way (a timeout: the provider answered, the worker never read it).
    for (const key of doubles) expect(takenOver.has(key) || lostResponse.has(key)).toBe(true);

    // Rare by the odds above; many would mean retries that do not happen.
    expect(outOfAttempts).toBeLessThanOrEqual(5);

    // ------------------------------------------------------------ faults and refusals
    let faulted = 0;
    for (const [key, list] of attempts) {
      const faults = list.filter((r) => r.status === 503 || r.status === 429);
      if (faults.length === 0) continue;
      faulted++;
      const row = finalRow(key);
      // Retried until refreshed, or reported once out of attempts; never silently dropped.
      if (refused.has(key)) expect(row.ok).toBe(false);
      else expect(row.ok || row.attempt === ATTEMPTS, `${key}: ${JSON.stringify(row)}`).toBe(true);
      // After a 429 with Retry-After: 1, the next attempt came at least a second later.
      for (const fault of list.filter((r) => r.status === 429)) {
        const next = list.find((r) => r.at > fault.at);
        if (next) expect(next.at - (fault.answeredAt ?? fault.at), key).toBeGreaterThanOrEqual(950);
      }
    }
    expect(faulted).toBeGreaterThan(CONNECTIONS * 0.07);
    for (const key of refused) {
      const rows = byKey.get(key) ?? [];
      expect(rows.length === 1 || takenOver.has(key), key).toBe(true);
      expect(rows.every((r) => !r.ok && r.userAction !== 'none' && r.userAction !== null)).toBe(true);
      // The refusal itself came once: no attempt after it.
      const list = attempts.get(key) ?? [];
      const refusals = list.filter((r) => r.status !== 503 && r.status !== 429);
      expect(refusals.length === 1 || takenOver.has(key), `${key}: ${refusals.length} refusals`).toBe(true);
    }

    // ------------------------------------------------------------ per-provider rate across workers
    // What the workers did, exactly: every start they made (printed by examples/workers), by its
    // slot on the Redis clock (the limiter itself: never more than the limit in any window) and by
    // when it really started on the machine's clock (a late wake gives its slot up, never bunches).
    const started = procs.flatMap((p) => p.output).filter((l) => l.startsWith('start ')).map((l) => l.split(' '));
    const slotWindows: Record<string, number> = {};
    const startWindows: Record<string, number> = {};
    for (const provider of PROVIDERS) {
      const mine = started.filter((l) => l[1] === provider);
      slotWindows[provider] = busiestWindow(mine.map((l) => Number(l[3])), RATE.perSeconds * 1000);
      startWindows[provider] = busiestWindow(mine.map((l) => Number(l[4])), RATE.perSeconds * 1000 - 100);
      expect(mine.length, provider).toBeGreaterThanOrEqual(PER_PROVIDER);
    }
    expect(Object.values(slotWindows).every((n) => n <= RATE.requests), `busiest slot windows ${JSON.stringify(slotWindows)}, limit ${RATE.requests}`).toBe(true);
    expect(Object.values(startWindows).every((n) => n <= RATE.requests), `busiest start windows ${JSON.stringify(startWindows)}, limit ${RATE.requests}`).toBe(true);
    // What the simulators logged lags the starts by the request's travel and, on a loaded
    // machine, by this process's stalls (several of them, each up to the longest measured): the
    // windows are shorter by 100 ms and by the longest stall, and a margin remains for the
    // stalls that pile up. A limiter per worker process (3×) or none is far above it.
    const windowMs = Math.max(RATE.perSeconds * 500, RATE.perSeconds * 1000 - 100 - (stallMs ?? 0));
    const windows: Record<string, number> = {};
    for (const provider of PROVIDERS) windows[provider] = busiestWindow(startsOf[provider] ?? [], windowMs);
    expect(Object.values(windows).every((n) => n <= RATE.requests * 1.5), `busiest windows at the simulators ${JSON.stringify(windows)}, limit ${RATE.requests}`).toBe(true);
    // Each provider's starts are all there (one per attempt), so the check counted what it should.
    for (const provider of PROVIDERS) expect(startsOf[provider]?.length ?? 0).toBeGreaterThanOrEqual(PER_PROVIDER);

    // BullMQ: every first iteration finished exactly once (completed or failed), none left over.
    const queue = queueOf(rig, prefix);
    const counts = await queue.counts();
    await queue.close();
    for (const provider of PROVIDERS) {
      expect(counts[provider].completed + counts[provider].failed, provider).toBe(PER_PROVIDER);
      expect(counts[provider]).toMatchObject({ waiting: 0, active: 0, schedulers: PER_PROVIDER });
    }
    process.stdout.write(
      `scale-out: ${CONNECTIONS} connections in ${(timings.cycleMs / 1000).toFixed(1)} s (${((CONNECTIONS / timings.cycleMs) * 1000).toFixed(0)}/s), ` +
        `scheduling ${timings.scheduleMs} ms, setup ${timings.setupMs} ms; ${faulted} faulted, ${retries.length} retries, ${takenOver.size} taken over, ${lostResponse.size} lost responses, ${doubles.length} refreshed twice; ` +
        `busiest window of slots ${JSON.stringify(slotWindows)}, of starts ${JSON.stringify(startWindows)}; simulators' longest stall ${stallMs} ms, their busiest ${windowMs} ms window ${JSON.stringify(windows)} (limit ${RATE.requests} per ${RATE.perSeconds * 1000} ms)\n`,
    );
  }, 300_000);
});
