/**
 * Break and abort at every step of every provider, in a child process (cleanup-script.ts,
 * cases in support/cleanup.ts): at each challenge (break; abort at the yield; abort while
 * a decoupled approval is waited for) and while each request is at the provider. The loop
 * ends as asked, the provider-side session is cancelled where the provider has a way to
 * (PowerAuth operation/change, Powens deleting what the flow created), nothing is sent
 * after leaving — and the child exits on its own, quickly: no timer, listener or socket left.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

interface Report {
  id: string;
  cases: number;
  outcomes: Record<string, number>;
  problems: string[];
}

describe('break and abort at every step of every provider', () => {
  it('cancels at the provider, sends nothing after, and leaves nothing behind (the process exits by itself)', async () => {
    mkdirSync('.tmp', { recursive: true });
    const outfile = join(mkdtempSync(join('.tmp', 'cleanup-')), 'cleanup.mjs');
    await build({ entryPoints: ['test/reliability/cleanup-script.ts'], bundle: true, platform: 'node', format: 'esm', outfile, packages: 'external', logLevel: 'silent' });
    const { code, stdout, stderr, exitedAt } = await new Promise<{ code: number | null; stdout: string; stderr: string; exitedAt: number }>((resolve) => {
      const child = spawn(process.execPath, [outfile], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (err += String(d)));
      // A leaked poll timer or keep-alive socket would keep it alive far longer than this.
      const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve({ code: exitCode, stdout: out, stderr: err, exitedAt: Date.now() });
      });
    });
    const lines = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const reports = lines.filter((l) => 'problems' in l) as unknown as Report[];
    const summary = lines.find((l) => 'done' in l) as { done: number; unhandled: number; resources: string[] } | undefined;

    expect(stderr).toBe('');
    expect(reports.map((r) => r.id).sort()).toEqual(['fintecture', 'flinks', 'powens', 'powerauth']);
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    for (const report of reports) {
      expect(report.cases).toBeGreaterThan(10);
      // Every kind of leaving happened, and aborts ended as AbortedError.
      for (const kind of ['break:broke', 'abort:AbortedError', 'abort-in-flight:AbortedError']) expect(report.outcomes[kind] ?? 0, `${report.id} ${kind}`).toBeGreaterThan(0);
    }
    expect(reports.reduce((n, r) => n + (r.outcomes['abort-while-waiting:AbortedError'] ?? 0), 0)).toBeGreaterThan(0);
    expect(summary).toMatchObject({ unhandled: 0, resources: [] });
    expect(code).toBe(0);
    // Once the work is done, the process ends at once: nothing keeps the event loop alive.
    expect(exitedAt - (summary?.done ?? 0)).toBeLessThan(2_000);
  }, 180_000);
});
