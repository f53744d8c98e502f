
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Polybank } from '../../src/index.js';
import { refreshQueue, refreshWorker, type QueueRefreshResult, type RefreshWorkerOptions } from '../../src/bullmq/index.js';
import { drivers, startSimulatorServer, type Simulator, type SimulatorServer } from '../../src/testing/index.js';
import { startRedis, type RedisHandle } from '../support/redis.js';

export const PROVIDERS = ['fintecture', 'powens', 'flinks', 'powerauth'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export interface Rig {
  redis: RedisHandle;
  server: SimulatorServer;
  sims: Record<ProviderId, Simulator<unknown>>;
  /** "Your database": key → stored connection. */
  db: Map<string, { provider: ProviderId; ref: unknown }>;
  stop(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const redis = await startRedis();
  const sims = Object.fromEntries(PROVIDERS.map((id) => [id, drivers[id].simulator()])) as Record<ProviderId, Simulator<unknown>>;
  for (const sim of Object.values(sims)) sim.maxLog = 1_000_000;
  const server = await startSimulatorServer(Object.values(sims));
  return {
    redis,
    server,
    sims,
    db: new Map(),
    stop: async () => {
      await Promise.all([server.close(), redis.stop()]);
    },
  };
}

/** A bank on the simulators; no in-request retries unless asked (the queue retries). */
export function bankOf(rig: Rig, options: { retry?: number; maxRetryAfterMs?: number } = {}): Polybank {
  return new Polybank({
    providers: PROVIDERS.map((id) => drivers[id].provider(rig.sims[id] as never)) as never,
    retry: { limit: options.retry ?? 0, maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000 },
  });
}

/** Stores `count` connections linked earlier at a provider's simulator; returns their keys. */
export function store(rig: Rig, provider: ProviderId, count: number, options: { refused?: boolean; prefix?: string } = {}): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${options.prefix ?? provider}-${rig.db.size}`;
    rig.db.set(key, { provider, ref: drivers[provider].stored(rig.sims[provider] as never, { refused: options.refused === true }) });
    keys.push(key);
  }
  return keys;
}

export function prefixFor(): string {
  return `t${Math.random().toString(36).slice(2, 8)}`;
}

export interface TestWorker {
  results: QueueRefreshResult[];
  close(): Promise<void>;
  worker: ReturnType<typeof refreshWorker>;
}

export function startWorker(rig: Rig, prefix: string, options: Partial<RefreshWorkerOptions> & { bank?: Polybank } = {}): TestWorker {
  const results: QueueRefreshResult[] = [];
  const { bank, ...rest } = options;
  const worker = refreshWorker(bank ?? bankOf(rig), rig.redis.client, {
    prefix,
    loadRef: (_provider, key) => rig.db.get(key)?.ref as never,
    onResult: (result) => void results.push(result),
    ...rest,
  });
  worker.on('error', () => undefined);
  return { results, worker, close: () => worker.close({ timeoutMs: 5_000 }) };
}

export function queueOf(rig: Rig, prefix: string, options: { attempts?: number; backoffMs?: number } = {}) {
  return refreshQueue(rig.redis.client, { providers: [...PROVIDERS], prefix, ...options });
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}



/** The most requests that arrived in any window of `windowMs` (each window opening at an arrival). */
export function busiestWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] as number) < (sorted[i] as number) - windowMs + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}


/**
 * This process's longest event-loop stall while a test runs, in ms. The simulators log arrivals
 * in this process: a stall bunches them, the instrument's error, which rate checks allow for.
 */
export function watchStalls(): { stop(): number } {
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  return {
    stop: () => {
      delays.disable();
      return Math.ceil(delays.max / 1e6);
    },
  };
}
