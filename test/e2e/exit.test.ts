import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('no timer, listener or socket is left behind', () => {
  it('a process that breaks, aborts, expires and completes flows exits on its own', async () => {
    // Inside the project so that the bundle resolves the dependencies from node_modules.
    mkdirSync('.tmp', { recursive: true });
    const outfile = join(mkdtempSync(join('.tmp', 'exit-')), 'exit.mjs');
    await build({ entryPoints: ['test/support/exit-script.ts'], bundle: true, platform: 'node', format: 'esm', outfile, packages: 'external', logLevel: 'silent' });
    const started = Date.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [outfile], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      // Generous: the flows take about a second; a leaked poll timer would keep it alive for minutes.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve({ code: exitCode, stdout: out });
      });
    });
    expect(stdout).toContain('aborted: AbortedError');
    expect(stdout).toContain('expired: auth_expired');
    expect(stdout).toContain('active: active 3');
    expect(stdout).toContain('resources: []');
    expect(stdout).toContain('cancels: 3');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
