/**
 * One job on a worker: take the connection's lease and a start in its provider's rate window,
 * open the stored connection through the public Connection API (never asking for SCA), read
 * it, report the outcome once, and tell BullMQ what happens next: done, retried later, failed
 * for good, or handed back untouched (shutdown).
 */
import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Connection } from '../core/connection.js';
import { AbortedError, ConnectionError, PolybankError, ValidationError, isPolybankError, isUnsupportedError } from '../core/errors.js';
import type { Account } from '../core/model/account.js';
import type { Transaction } from '../core/model/transaction.js';
import { sleep } from '../core/polling.js';
import { JobData, JobKind, type JobSummary } from './data.js';
import type { RedisClock } from './clock.js';
import { acquire, renew, type AcquireOptions, type EvalClient, type Grant, type LimitKeys } from './limits.js';
import type { DeferredReleases } from './releases.js';
import type { QueueRefreshResult, RateLimitedEvent, StartedEvent } from './types.js';

const DAY_MS = 86_400_000;
/** How soon a job whose connection is busy elsewhere looks again (sooner if the lease ends sooner). */
const BUSY_RETRY_MS = 250;
const MIN_DELAY_MS = 50;
/**
 * A job that starts later than its reserved slot (its process stalled: GC, a busy CPU) would
 * land in the next window together with the jobs reserved there, a burst at the provider. Past
 * this lateness it gives its slot up and reserves a new one at the end of the window's log.
 */
const LATE_START_MS = 50;
/** New slots a late job takes at most; late again, it goes back to the queue untouched (a process this starved should not start requests). */
const LATE_RESERVATIONS = 2;

export interface ProcessHost {
  /** Opens a stored connection (`bank.connection(provider, ref)`). */
  open(provider: string, ref: unknown): Connection;
  client: EvalClient;
  limitKeys(provider: string, key: string): LimitKeys;
  releases: DeferredReleases;
  rate(provider: string): { requests: number; perSeconds: number } | undefined;
  /** The Redis clock as this process sees it (rate slots are on it). */
  clock: RedisClock;
  leaseMs: number;
  maxRateWaitMs: number;
  /** Days of history on a connection's first run, when transactions are asked for. */
  transactions: false | { firstDays: number };
  loadRef(provider: string, key: string): Promise<unknown>;
  saveRef?(provider: string, key: string, ref: unknown): Promise<void> | void;
  /** The final outcome: counted, emitted and handed to `onResult` (which may throw: the job is retried). */
  report(result: QueueRefreshResult): Promise<void>;
  rateLimited(event: RateLimitedEvent): void;
  started(event: StartedEvent): void;
  error(error: Error): void;
  /** Aborted when the worker closes: jobs still waiting for their rate slot go back at once. */
  closing: AbortSignal;
  /** Aborted when the close deadline passes: in-flight provider calls stop and their jobs go back. */
  stop: AbortSignal;
}

/** Thrown inside a job to hand it back to the queue untouched (no attempt spent). */
class HandBack extends Error {}

export async function processJob(host: ProcessHost, job: Job, token: string | undefined, signal?: AbortSignal): Promise<JobSummary> {
  const parsed = JobData.safeParse(job.data);
  const kind = JobKind.safeParse(job.name);
  if (!parsed.success || !kind.success || job.id === undefined || token === undefined) {
    host.error(new Error(`polybank/bullmq: job ${job.id ?? '?'} has data this worker cannot read; failed without retry`));
    throw new UnrecoverableError('polybank: unreadable job data');
  }
  const data = parsed.data;
  const base = { provider: data.provider, key: data.key, jobId: job.id, kind: kind.data, attempt: job.attemptsMade + 1, takenOver: job.stalledCounter ?? 0 };

  if (kind.data === 'report' || data.report) {
    const report = data.report ?? { reason: 'unknown' as const };
    const error = new ConnectionError(report.reason, report.message ?? `${data.provider} reported the connection as ${report.reason}`, {
      provider: data.provider,
      ...(report.providerState ? { providerCode: report.providerState } : {}),
      ...(report.retryAfter ? { retryAfter: new Date(report.retryAfter) } : {}),
    });
    await host.report({ ...base, ref: undefined, ok: false, error });
    throw new UnrecoverableError(`${error.code}: ${error.message}`);
  }

  const keys = host.limitKeys(data.provider, data.key);
  const leaseToken = `${job.id}:${token}`;
  const releasing = host.releases.take(data.provider);
  const acquireOptions = { token: leaseToken, key: data.key, leaseMs: host.leaseMs, maxWaitMs: host.maxRateWaitMs, ...rateOption(host.rate(data.provider)) };
  let grant: Grant;
  try {
    grant = await timedAcquire(host, keys, acquireOptions, releasing);
  } catch (error) {
    host.releases.giveBack(data.provider, releasing);
    throw error;
  }
  if (grant.kind === 'busy') {
    // Another job of this connection runs on some worker: look again once its lease is likely gone.
    await job.moveToDelayed(Date.now() + Math.max(MIN_DELAY_MS, Math.min(BUSY_RETRY_MS, grant.retryInMs)), token);
    throw new DelayedError();
  }
  if (grant.kind === 'too-far') {
    host.rateLimited({ provider: data.provider, key: data.key, jobId: job.id, waitMs: grant.waitMs });
    // Not worth holding a worker slot for: back to the queue until the window has room.
    await job.moveToDelayed(Date.now() + Math.max(MIN_DELAY_MS, grant.waitMs - host.maxRateWaitMs / 2), token);
    throw new DelayedError();
  }

  const leaseLost = new AbortController();
  const renewal = setInterval(() => {
    renew(host.client, keys.lease, leaseToken, host.leaseMs).then(
      (ours) => ours || leaseLost.abort(),
      (error: unknown) => host.error(error instanceof Error ? error : new Error(String(error))),
    );
  }, host.leaseMs / 2);
  let succeeded = false;
  let result: QueueRefreshResult | undefined;
  let startsAt = grant.startsAt;
  try {
    // Read the stored connection while the slot is not yet due: nothing local between the slot and the first request.
    const ref = await host.loadRef(data.provider, data.key);
    if (grant.waitMs > 0) host.rateLimited({ provider: data.provider, key: data.key, jobId: job.id, waitMs: grant.waitMs });
    for (let late = 0; ; late++) {
      // Never before the slot: sleep until it has surely come on the Redis clock.
      const wakeAt = host.clock.surelyAt(startsAt);
      if (wakeAt > Date.now()) {
        try {
          await sleep(wakeAt - Date.now(), AbortSignal.any([host.closing, host.stop, leaseLost.signal, ...(signal ? [signal] : [])]));
        } catch {
          throw new HandBack();
        }
      }
      if (!host.rate(data.provider) || Date.now() - host.clock.earliestAt(startsAt) <= LATE_START_MS) break;
      if (late === LATE_RESERVATIONS) throw new HandBack();
      const again = await timedAcquire(host, keys, acquireOptions);
      // Busy cannot happen (the lease is ours); too far off: back to the queue, which looks again.
      if (again.kind !== 'granted') throw new HandBack();
      startsAt = again.startsAt;
    }
    const stop = AbortSignal.any([host.stop, leaseLost.signal, ...(signal ? [signal] : [])]);
    host.started({ provider: data.provider, key: data.key, jobId: job.id, attempt: base.attempt, slotAt: startsAt, at: Date.now() });
    result = await refreshOne(host, data, ref, kind.data, grant.lastRunAt, stop, base);
    succeeded = result.ok;
  } catch (error) {
    if (error instanceof HandBack || host.stop.aborted || leaseLost.signal.aborted || (signal?.aborted && isAbort(error))) {
      await job.moveToWait(token);
      throw new WaitingError();
    }
    // Not the provider's answer: your loadRef/saveRef threw, or Redis did. Retried like a
    // retryable failure; out of attempts, it is reported (without its message: it is not ours to show).
    host.error(error instanceof Error ? error : new Error(String(error)));
    if (base.attempt < (job.opts.attempts ?? 1)) throw error;
    result = {
      ...base,
      ref: undefined,
      ok: false,
      error: new PolybankError('worker_error', 'the job failed outside polybank (loadRef or saveRef threw, or Redis failed); the error event has it', { provider: data.provider, retryable: true, cause: error }),
    };
  } finally {
    clearInterval(renewal);
    host.releases.defer(data.provider, { lease: keys.lease, token: leaseToken, key: data.key, ...(succeeded ? { startedAt: startsAt } : {}) });
  }
  return settle(host, job, result);
}

/** acquire(), its round trip sampled for the Redis clock. */
async function timedAcquire(host: ProcessHost, keys: LimitKeys, options: AcquireOptions, releasing?: Parameters<typeof acquire>[3]): Promise<Grant> {
  const sentAt = Date.now();
  const grant = await acquire(host.client, keys, options, releasing);
  if (grant.kind === 'granted') host.clock.sample(sentAt, grant.startsAt - grant.waitMs, Date.now());
  return grant;
}

function rateOption(rate: { requests: number; perSeconds: number } | undefined): { rate?: { requests: number; perSeconds: number } } {
  return rate ? { rate } : {};
}

function isAbort(error: unknown): boolean {
  return error instanceof AbortedError || (isPolybankError(error) && error.code === 'aborted');
}

type Base = Omit<QueueRefreshResult, 'ok' | 'ref' | 'accounts' | 'error' | 'transactions'>;

/**
 * The refresh itself, through the Connection API a user would call. Typed failures become
 * an `ok: false` result; anything else (your loadRef failing, a bug) is thrown for BullMQ.
 */
async function refreshOne(host: ProcessHost, data: JobData, ref: unknown, kind: JobKind, lastRunAt: number | undefined, signal: AbortSignal, base: Base): Promise<QueueRefreshResult> {
  if (ref === undefined || ref === null) {
    const error = new ValidationError('stored connection', [{ path: 'key', message: `loadRef found no stored ${data.provider} connection for this key` }], { provider: data.provider });
    return { ...base, ref: undefined, ok: false, error };
  }
  let connection: Connection;
  try {
    connection = host.open(data.provider, ref);
  } catch (error) {
    if (isPolybankError(error)) return { ...base, ref: undefined, ok: false, error };
    throw error;
  }
  let rotated = false;
  connection.on('ref', () => {
    rotated = true;
  });
  // The ref as results and events show it: its secrets (a refresh token) redacted.
  const shown = (connection.toJSON() as { ref?: unknown }).ref ?? undefined;
  try {
    if (kind === 'refresh') await connection.refresh({ signal });
    const accounts = await connection.accounts({ signal });
    const transactions = host.transactions ? await newTransactions(connection, accounts, lastRunAt, host.transactions.firstDays, signal) : undefined;
    if (rotated && host.saveRef) await host.saveRef(data.provider, data.key, connection.ref);
    return { ...base, ref: shown, ok: true, accounts, ...(transactions ? { transactions } : {}) };
  } catch (error) {
    if (rotated && host.saveRef && connection.ref !== undefined) await host.saveRef(data.provider, data.key, connection.ref);
    if (isPolybankError(error) && !isAbort(error)) return { ...base, ref: shown, ok: false, error };
    throw error;
  }
}

/** Every account's transactions booked since the day of the last successful run (that day included: dedupe by id). */
async function newTransactions(connection: Connection, accounts: Account[], lastRunAt: number | undefined, firstDays: number, signal: AbortSignal): Promise<Transaction[] | undefined> {
  const from = new Date(lastRunAt ?? Date.now() - firstDays * DAY_MS).toISOString().slice(0, 10);
  const out: Transaction[] = [];
  for (const account of accounts) {
    try {
      for await (const transaction of connection.transactions(account.id, { from, signal })) out.push(transaction);
    } catch (error) {
      // A provider without transactions (PowerAuth's Data Adapter): accounts only.
      if (isUnsupportedError(error)) return undefined;
      throw error;
    }
  }
  return out;
}

/** Reports a final outcome and tells BullMQ: done, retry later (thrown as is), or failed for good. */
async function settle(host: ProcessHost, job: Job, result: QueueRefreshResult | undefined): Promise<JobSummary> {
  if (!result) throw new UnrecoverableError('polybank: no result');
  if (result.ok) {
    await host.report(result);
    return { accounts: result.accounts.length, ...(result.transactions ? { transactions: result.transactions.length } : {}) };
  }
  const attemptsLeft = result.attempt < (job.opts.attempts ?? 1);
  // Retried by BullMQ with the polybank backoff (never sooner than retryAfter), not reported yet.
  if (result.error.retryable && attemptsLeft) throw result.error;
  await host.report(result);
  throw new UnrecoverableError(`${result.error.code}: ${result.error.message}`);
}
