import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const scripts = readdirSync('examples').filter((f) => f.endsWith('.ts'));

describe('every example runs offline and exits on its own', () => {
  it('has the quickstart and one example per provider', () => {
    expect(scripts).toEqual(expect.arrayContaining(['quickstart.ts', 'fintecture.ts', 'powens.ts', 'flinks.ts', 'powerauth.ts']));
  });

  it.each(scripts)('examples/%s', async (script) => {
    const { stdout } = await run(`${process.cwd()}/node_modules/.bin/tsx`, [`examples/${script}`], { timeout: 60_000 });
    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout).not.toMatch(/Error:/);
  });
});
