import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { AppDb } from '../../examples/workers/db.js';
import type { Rig } from './support.js';

const ALIASES = {
  'polybank/bullmq': './src/bullmq/index.ts',
  'polybank/testing': './src/testing/index.ts',
  'polybank/fintecture': './src/providers/fintecture/index.ts',
  'polybank/powens': './src/providers/powens/index.ts',
  'polybank/flinks': './src/providers/flinks/index.ts',
  'polybank/powerauth': './src/providers/powerauth/index.ts',
  polybank: './src/index.ts',
};

/** examples/workers' processes, bundled once (a process then starts in a fraction of tsx's time). */
export async function bundleExample(): Promise<{ worker: string; scheduler: string; dir: string }> {
  mkdirSync('.tmp', { recursive: true });
  const dir = mkdtempSync(join('.tmp', 'workers-'));
  await build({
    entryPoints: { worker: 'examples/workers/worker.ts', scheduler: 'examples/workers/scheduler.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    packages: 'external',
    alias: ALIASES,
    logLevel: 'silent',
  });
  return { worker: join(dir, 'worker.mjs'), scheduler: join(dir, 'scheduler.mjs'), dir };
}

export interface Proc {
  child: ChildProcess;
  output: string[];
  ready: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a bundled example process with the rig's Redis and simulators. */
export function run(script: string, rig: Rig, env: Record<string, string>, readyLine = /^(ready|webhooks on) /): Proc {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      REDIS_URL: rig.redis.url,
      FINTECTURE_URL: rig.sims.fintecture.baseUrl,
      POWENS_URL: rig.sims.powens.baseUrl,
      FLINKS_URL: rig.sims.flinks.baseUrl,
      POWERAUTH_URL: rig.sims.powerauth.baseUrl,
      SDK_RETRIES: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let buffer = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffer += String(chunk);
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (readyLine.test(line)) resolve(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => output.push(`stderr: ${String(chunk).trim()}`));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready:\n${output.join('\n')}`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output, ready, exited };
}

/** "Your database" for the example processes, filled with the rig's stored connections. */
export function appDb(rig: Rig, dir: string): { path: string; db: AppDb } {
  const path = join(dir, `app-${Math.random().toString(36).slice(2, 8)}.db`);
  const db = new AppDb(path);
  db.insertConnections(
    [...rig.db].map(([key, { provider, ref }]) => ({
      key,
      provider,
      ref,
      ...(provider === 'powens' ? { providerId: String((ref as { connectionId: number }).connectionId) } : {}),
    })),
  );
  return { path, db };
}
