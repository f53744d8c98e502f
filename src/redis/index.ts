/**
 * polybank/redis: share authentications and rate limits between instances through
 * Redis. Bring your own client (ioredis); every read-modify-write is one Lua script,
 * so the compare-and-set on a version is atomic on the server.
 *
 * @module polybank/redis
 */
import { CheckpointError, ConfigurationError } from '../core/errors.js';
import type { RateLimiter, RateLimiterFactory } from '../core/refresh.js';
import { versionConflict, type CheckpointStore, type SaveOptions, type StoreEntry, type StoredEntry } from '../core/store.js';

/** The one method used: ioredis' `eval(script, numKeys, ...keysAndArgs)`. */
export interface RedisLike {
  /** Runs a Lua script (`EVAL`): the keys first, then the arguments. */
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
}

/** How a RedisStore names its keys. */
export interface RedisStoreOptions {
  /** Key prefix, so several apps can share a Redis. Default `polybank:auth:`. */
  prefix?: string;
}

const LOAD = `return redis.call('HMGET', KEYS[1], 'v', 'e')`;

// ARGV: expected version, entry JSON, ttl ms. Returns the new version, -1 on a version
// mismatch (with the current version), -2 when the entry expected to exist is gone.
const SAVE = `
local current = redis.call('HGET', KEYS[1], 'v')
local expected = tonumber(ARGV[1])
if current == false then
  if expected ~= 0 then return {-2, 0} end
elseif tonumber(current) ~= expected then
  return {-1, tonumber(current)}
end
local nextVersion = expected + 1
redis.call('HSET', KEYS[1], 'v', nextVersion, 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {nextVersion, nextVersion}`;

// ARGV: expected version or '' for any.
const DELETE = `
local current = redis.call('HGET', KEYS[1], 'v')
if current == false then return 0 end
if ARGV[1] ~= '' and tonumber(current) ~= tonumber(ARGV[1]) then return 0 end
return redis.call('DEL', KEYS[1])`;

const CLAIM = `if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 1 else return 0 end`;

/** A CheckpointStore on Redis: `new Polybank({ store: new RedisStore(redis), … })`. */
export class RedisStore implements CheckpointStore {
  readonly #client: RedisLike;
  readonly #prefix: string;

  constructor(client: RedisLike, options: RedisStoreOptions = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? 'polybank:auth:';
  }

  #key(id: string): string {
    return `${this.#prefix}${id}`;
  }

  async load(id: string): Promise<StoredEntry | undefined> {
    const [version, json] = (await this.#client.eval(LOAD, 1, this.#key(id))) as [string | null, string | null];
    if (version === null || json === null) return undefined;
    try {
      return { entry: JSON.parse(json) as StoreEntry, version: Number(version) };
    } catch {
      throw new CheckpointError(`stored authentication ${id} is not valid JSON`);
    }
  }

  async save(id: string, entry: StoreEntry, options: SaveOptions): Promise<number> {
    const ttl = Math.max(1, Math.ceil(options.ttlMs));
    const [result, current] = (await this.#client.eval(SAVE, 1, this.#key(id), options.expectedVersion, JSON.stringify(entry), ttl)) as [number, number];
    if (result === -2) versionConflict(id, options.expectedVersion, undefined);
    if (result === -1) versionConflict(id, options.expectedVersion, current);
    return result;
  }

  async delete(id: string, options: { expectedVersion?: number } = {}): Promise<boolean> {
    const deleted = await this.#client.eval(DELETE, 1, this.#key(id), options.expectedVersion ?? '');
    return Number(deleted) > 0;
  }

  /** One SET NX PX: the first caller records the key, every later one (on any instance) sees it taken. */
  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const set = await this.#client.eval(CLAIM, 1, `${this.#prefix}claim:${key}`, Math.max(1, Math.ceil(ttlMs)));
    return Number(set) === 1;
  }
}

/**
 * Rate limiters shared by every worker on the same Redis (rate-limiter-flexible's Redis
 * limiter with a FIFO queue): `bank.refreshAll(refs, { perProviderRate, limiters: redisRateLimiters(redis) })`.
 */
export function redisRateLimiters(client: RedisLike, options: { prefix?: string } = {}): RateLimiterFactory {
  return (provider, rate): RateLimiter => {
    // An optional peer: only this function needs it.
    const library = import('rate-limiter-flexible').catch(() => {
      throw new ConfigurationError('redisRateLimiters needs rate-limiter-flexible, an optional peer of polybank: npm install rate-limiter-flexible');
    });
    const ready = library.then(({ RateLimiterRedis, RateLimiterQueue }) => {
      const limiter = new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${options.prefix ?? 'polybank:rate:'}${provider}`,
        points: rate.requests,
        duration: rate.perSeconds,
      });
      return new RateLimiterQueue(limiter, { maxQueueSize: 1_000_000 });
    });
    return { acquire: async () => void (await (await ready).removeTokens(1)) };
  };
}
