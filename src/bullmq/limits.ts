/**
 * What keeps workers apart, in one Lua script per job start: a lease per connection (its
 * refresh never runs on two workers at once, whatever job asked for it) and a sliding-window
 * reservation per provider (at most `requests` starts in any `perSeconds` window, across every
 * worker on this Redis). The window is a log of the last `requests` reserved start times:
 * a new start goes at `max(now, latest, n-th latest + window)`, on the Redis clock, and the
 * caller sleeps until then. One round trip grants both, and also ends the leases of the jobs
 * this worker finished since (released late by milliseconds, a round trip saved per job).
 */
import { createHash } from 'node:crypto';
import { normalizeRate, type Rate } from '../core/refresh.js';

/** The two ioredis methods used here. */
export interface EvalClient {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

const shas = new Map<string, string>();

/** EVALSHA (the script is sent once per Redis, not with every job); EVAL when Redis does not know it yet. */
async function run(client: EvalClient, script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await client.evalsha(sha, numKeys, ...args);
  } catch (error) {
    if (!String((error as Error)?.message ?? '').startsWith('NOSCRIPT')) throw error;
    return client.eval(script, numKeys, ...args);
  }
}

// Ends leases still ours and records each successful run's start. `first`: the index of the
// first lease in KEYS; `arg`: of its (token, connection key, start or '') triple in ARGV.
const RELEASES = `
local function release(first, arg, lastRun)
  for i = first, #KEYS do
    if redis.call('GET', KEYS[i]) == ARGV[arg] then redis.call('DEL', KEYS[i]) end
    if ARGV[arg + 2] ~= '' then redis.call('HSET', lastRun, ARGV[arg + 1], ARGV[arg + 2]) end
    arg = arg + 3
  end
end`;

// KEYS: lease, rate window, last-run hash, then leases to end. ARGV: token, lease ms, requests
// (0: no limit), window ms, longest wait worth holding a slot for, connection key, then the
// triples of the leases to end.
// Returns {0, wait ms, start, last run} granted; {1, lease ttl} busy; {2, wait ms} too far off.
const ACQUIRE = `${RELEASES}
release(4, 7, KEYS[3])
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return {1, redis.call('PTTL', KEYS[1])} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local n = tonumber(ARGV[3])
if n > 0 then
  local w = tonumber(ARGV[4])
  local slot = now
  local latest = redis.call('LINDEX', KEYS[2], 0)
  if latest and tonumber(latest) > slot then slot = tonumber(latest) end
  local nth = redis.call('LINDEX', KEYS[2], n - 1)
  if nth and tonumber(nth) + w > slot then slot = tonumber(nth) + w end
  wait = slot - now
  if wait > tonumber(ARGV[5]) then return {2, wait} end
  redis.call('LPUSH', KEYS[2], slot)
  redis.call('LTRIM', KEYS[2], 0, n - 1)
  redis.call('PEXPIRE', KEYS[2], wait + w + 1000)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]) + wait)
return {0, wait, now + wait, redis.call('HGET', KEYS[3], ARGV[6])}`;

// KEYS: last-run hash, then leases to end. ARGV: their triples.
const RELEASE = `${RELEASES}
release(2, 1, KEYS[1])
return 1`;

// KEYS: lease. ARGV: token, ms. 1 when still ours.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** A finished job's lease, to end with this worker's next script call. */
export interface Release {
  lease: string;
  token: string;
  key: string;
  /** When the run started, if it succeeded (for "new transactions since the last run"). */
  startedAt?: number;
}

function releaseArgs(releases: readonly Release[]): { keys: string[]; args: string[] } {
  return { keys: releases.map((r) => r.lease), args: releases.flatMap((r) => [r.token, r.key, r.startedAt === undefined ? '' : String(r.startedAt)]) };
}

export type Grant =
  | { kind: 'granted'; waitMs: number; startsAt: number; lastRunAt?: number }
  | { kind: 'busy'; retryInMs: number }
  | { kind: 'too-far'; waitMs: number };

export interface LimitKeys {
  lease: string;
  rate: string;
  lastRun: string;
}

export interface AcquireOptions {
  token: string;
  key: string;
  leaseMs: number;
  rate?: { requests: number; perSeconds: number };
  maxWaitMs: number;
}

/** Takes the lease and a start in the window; ends `releasing` first (leases of this provider only: one hash slot). */
export async function acquire(client: EvalClient, keys: LimitKeys, options: AcquireOptions, releasing: readonly Release[] = []): Promise<Grant> {
  const { rate } = options;
  const ended = releaseArgs(releasing);
  const reply = (await run(
    client,
    ACQUIRE,
    3 + ended.keys.length,
    keys.lease,
    keys.rate,
    keys.lastRun,
    ...ended.keys,
    options.token,
    Math.ceil(options.leaseMs),
    rate?.requests ?? 0,
    Math.ceil((rate?.perSeconds ?? 1) * 1000),
    Math.floor(options.maxWaitMs),
    options.key,
    ...ended.args,
  )) as [number, number, number?, string?];
  const [status, ms] = reply;
  if (status === 1) return { kind: 'busy', retryInMs: Math.max(0, Number(ms)) };
  if (status === 2) return { kind: 'too-far', waitMs: Number(ms) };
  const lastRun = reply[3];
  return { kind: 'granted', waitMs: Number(ms), startsAt: Number(reply[2]), ...(lastRun ? { lastRunAt: Number(lastRun) } : {}) };
}

/** Ends leases (those still ours); records when each successful run started. */
export async function release(client: EvalClient, lastRunKey: string, releases: readonly Release[]): Promise<void> {
  if (releases.length === 0) return;
  const ended = releaseArgs(releases);
  await run(client, RELEASE, 1 + ended.keys.length, lastRunKey, ...ended.keys, ...ended.args);
}

export async function renew(client: EvalClient, leaseKey: string, token: string, ms: number): Promise<boolean> {
  return Number(await run(client, RENEW, 1, leaseKey, token, Math.ceil(ms))) === 1;
}

/** `perProviderRate` as whole starts per window (0.5/s: 1 per 2 s), or undefined for no limit. */
export function windowOf(rate: Rate | undefined): { requests: number; perSeconds: number } | undefined {
  return rate === undefined ? undefined : normalizeRate(rate);
}
