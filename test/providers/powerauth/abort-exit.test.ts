/**
 * #14 item 11: a process that aborts and exits as soon as the loop throws must not beat
 * the cancel. The adapter's cancel awaits `operation/change` CANCELED (bounded: 3 s), so
 * the bank has heard it before AbortedError reaches the caller; the child process below
 * exits right after the loop throws, and the simulator (in this process) must have it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPowerAuth, type Harness } from './helpers.js';

let h: Harness;
let script: string;
beforeAll(async () => {
  h = await startPowerAuth();
  mkdirSync('.tmp', { recursive: true });
  script = join(mkdtempSync(join('.tmp', 'powerauth-abort-')), 'abort-exit.mjs');
  await build({ entryPoints: ['test/providers/powerauth/scripts/abort-exit.ts'], bundle: true, platform: 'node', format: 'esm', outfile: script, packages: 'external', logLevel: 'silent' });
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

async function child(abortAt: 'yield' | 'flight'): Promise<{ code: number | null; result: { aborted: boolean; ms?: number } }> {
  return new Promise((resolve) => {
    const run = spawn(process.execPath, [script], { env: { ...process.env, SIM_URL: h.sim.baseUrl, ABORT_AT: abortAt }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    run.stdout.on('data', (d) => (out += String(d)));
    const killer = setTimeout(() => run.kill('SIGKILL'), 20_000);
    run.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, result: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { aborted: boolean; ms?: number } });
    });
  });
}

describe('powerauth: the cancel reaches the bank before AbortedError reaches the caller', () => {
  it('abort at a challenge, exit at once: CANCELED was received (the next step waits for the cancel)', async () => {
    const { code, result } = await child('yield');
    expect(code).toBe(0);
    expect(result.aborted).toBe(true);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['CANCELED']);
  });

  it('abort while a request is at the bank, exit at once: CANCELED was received', async () => {
    h.sim.inject({ endpoint: 'sms/password/verify', kind: 'latency', ms: 2_000 });
    const { code, result } = await child('flight');
    expect(code).toBe(0);
    expect(result.aborted).toBe(true);
    expect(h.sim.state.operationChanges.map((c) => c.change)).toEqual(['CANCELED']);
  });

  it('a cancel the bank does not answer is bounded: the loop ends within the 3 s cancel timeout', async () => {
    h.sim.inject({ endpoint: 'sms/password/verify', kind: 'latency', ms: 2_000 });
    h.sim.inject({ endpoint: 'operation/change', kind: 'timeout', ms: 15_000 });
    const started = Date.now();
    const { code, result } = await child('flight');
    expect(code).toBe(0);
    expect(result.aborted).toBe(true);
    expect(h.sim.count('operation/change')).toBe(1);
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(result.ms).toBeGreaterThan(3_000);
  });
});
