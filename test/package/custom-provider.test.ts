/**
 * The proof that a provider can be written outside this repository: examples/custom-provider
 * is its own package (GoCardless Bank Account Data). Here it is copied out of the tree (so
 * nothing can resolve to our sources or our node_modules), given the packed polybank tarball
 * as its only polybank, installed, type-checked, built and tested.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve('.');
const example = join(root, 'examples', 'custom-provider');
let copy = '';

/** The child runs on this Node (≥ 22), and is not mistaken for one of our own test workers. */
function env(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, npm_config_loglevel: 'error', PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  for (const key of Object.keys(out)) if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'TEST') delete out[key];
  return out;
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: env(), maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`, { cause: error });
  }
}

/** The example's files as git tracks them (what a clone has: no node_modules, vendor or dist). */
function tracked(): string[] {
  return run('git', ['ls-files', '-z', '--', '.'], example).split('\0').filter(Boolean);
}

describe('a fifth provider written outside the tree (examples/custom-provider)', () => {
  beforeAll(() => {
    // Our own build into a private folder: another test may be building dist/ right now.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const stage = mkdtempSync(join(root, '.tmp', 'custom-provider-'));
    const pkg = join(stage, 'polybank');
    mkdirSync(pkg);
    run(process.execPath, [join(root, 'scripts/build.mjs'), '--out-dir', join(pkg, 'dist')], root);
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) copyFileSync(join(root, file), join(pkg, file));
    run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', stage], pkg);
    const tarball = readdirSync(stage).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');

    // Out of the repository, as someone else's project would be.
    copy = mkdtempSync('/tmp/polybank-gocardless-');
    for (const file of tracked()) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(example, file), join(copy, file));
    }
    mkdirSync(join(copy, 'vendor'));
    copyFileSync(join(stage, tarball), join(copy, 'vendor', 'polybank.tgz'));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], copy);
  }, 240_000);

  it('uses polybank only through its public entries: no deep import, no file of its source', () => {
    const files = tracked().filter((f) => /\.(ts|mts|mjs|js|json|md)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    const specifiers = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(example, file), 'utf8');
      if (text.includes('core/')) offenders.push(`${file}: core/`);
      if (/from\s+['"](\.\.\/){2,}/.test(text)) offenders.push(`${file}: a relative import out of the package`);
      for (const match of text.matchAll(/from\s+['"](polybank(?:\/[^'"]*)?)['"]/g)) specifiers.add(match[1] as string);
    }
    expect(offenders).toEqual([]);
    expect([...specifiers].sort()).toEqual(['polybank', 'polybank/provider', 'polybank/testing']);
    const manifest = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.polybank).toBe('file:vendor/polybank.tgz');
    // Installed from the tarball, not linked to the repository.
    expect(existsSync(join(copy, 'node_modules', 'polybank', 'dist', 'provider.js'))).toBe(true);
    expect(existsSync(join(copy, 'node_modules', 'polybank', 'src'))).toBe(false);
  });

  it('type-checks (strict, noUncheckedIndexedAccess) and builds', () => {
    const config = readFileSync(join(copy, 'tsconfig.json'), 'utf8');
    expect(config).toMatch(/"strict":\s*true/);
    expect(config).toMatch(/"noUncheckedIndexedAccess":\s*true/);
    run('npm', ['run', 'typecheck'], copy);
    run('npm', ['run', 'build'], copy);
    expect(existsSync(join(copy, 'dist', 'index.js'))).toBe(true);
    expect(existsSync(join(copy, 'dist', 'simulator', 'index.d.ts'))).toBe(true);
    // The built package works as its users would import it.
    writeFileSync(join(copy, 'probe.mjs'), "const m = await import('polybank-gocardless'); const t = await import('polybank-gocardless/testing'); console.log(JSON.stringify([typeof m.gocardless, typeof t.gocardlessSimulator, m.gocardless({ secretId: 'a', secretKey: 'b' }).id]));");
    expect(JSON.parse(run(process.execPath, ['probe.mjs'], copy))).toEqual(['function', 'function', 'gocardless']);
  }, 120_000);

  it('passes its own tests against the simulator', () => {
    const out = run('npm', ['test', '--', '--reporter=json', '--outputFile=report.json'], copy);
    expect(out).not.toMatch(/failed/i);
    const report = JSON.parse(readFileSync(join(copy, 'report.json'), 'utf8')) as { numTotalTests: number; numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    expect(report.numFailedTests).toBe(0);
    expect(report.numPendingTests + report.numTodoTests).toBe(0);
    expect(report.numPassedTests).toBe(report.numTotalTests);
    expect(report.numTotalTests).toBeGreaterThanOrEqual(90);
  }, 120_000);
});
