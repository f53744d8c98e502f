/**
 * One backend "instance" as its own OS process: runs one command against the shared
 * Redis and the Toybank simulator, prints the result as JSON, exits.
 *   node instance.mjs <simBaseUrl> <redisUrl> <prefix> begin '<input json>'
 *   node instance.mjs <simBaseUrl> <redisUrl> <prefix> continue <id> '<answer json>'
 *   node instance.mjs <simBaseUrl> <redisUrl> <prefix> accounts <id>
 */
import { Redis } from 'ioredis';
import { Polybank } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import { toybank } from './toy-provider.js';

const [simBaseUrl, redisUrl, prefix, command, ...args] = process.argv.slice(2);
const redis = new Redis(redisUrl as string);
const bank = new Polybank({
  providers: [toybank({ baseUrl: simBaseUrl as string })],
  store: new RedisStore(redis, { prefix }),
  checkpoints: { signingKey: 'instances-share-this-signing-key!' },
  ...(process.env.LEASE_MS ? { storeTtl: { leaseMs: Number(process.env.LEASE_MS) } } : {}),
});

try {
  let result: unknown;
  if (command === 'begin') result = await bank.begin('toybank', JSON.parse(args[0] as string));
  else if (command === 'continue') result = await bank.continue(args[0] as string, args[1] === undefined ? undefined : JSON.parse(args[1]));
  else if (command === 'accounts') result = (await (await bank.load(args[0] as string)).accounts()).map((a) => a.balances.current);
  console.log(JSON.stringify({ ok: true, result }));
} catch (error) {
  const e = error as { kind?: string; code?: string; message?: string };
  console.log(JSON.stringify({ ok: false, kind: e.kind, code: e.code, message: e.message }));
} finally {
  redis.disconnect();
}
