import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('examples/workers: npm run example:workers', () => {
  it('one command: Redis, the simulators, a scheduler and two workers refresh every stored connection, a webhook becomes a job, SIGTERM stops them all', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'example:workers'], {
      env: { ...process.env, CONNECTIONS: '160', WORKERS: '2', TIMEOUT_MS: '90000' },
      timeout: 150_000,
    });
    expect(stdout).toMatch(/2 workers and a scheduler on redis:\/\/127\.0\.0\.1:\d+; 160 stored connections/);
    expect(stdout).toMatch(/webhook → 202 \{"action":"fetch","jobId":"webhook\.powens\.\d+"\}/);
    // Each provider: 40 connections, 2 of them refused without the user (reported, with what to do).
    for (const [provider, reason] of [
      ['fintecture', 'consent_expired → reconsent'],
      ['powens', 'sca_required → authenticate'],
      ['flinks', 'invalid_credentials → update_credentials'],
      ['powerauth', 'invalid_credentials → update_credentials'],
    ] as const) {
      expect(stdout).toMatch(new RegExp(`${provider}\\s+38 refreshed\\s+2 to notify \\(${reason.replace(/[()]/g, '\\$&')}\\)`));
    }
    expect(stdout).toMatch(/webhook job: user-\d+ read/);
    expect(stdout).toContain('stopped (exit codes 0, 0, 0)');
    expect(stdout).not.toMatch(/timed out/);
  }, 180_000);
});
