import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { entries } from '../../scripts/entries.mjs';

// Every public entry but polybank/bullmq, whose peers (bullmq, ioredis) a user installs themselves.
const ENTRIES = entries()
  .map((e) => (e.subpath === '.' ? 'polybank' : `polybank/${e.subpath}`))
  .filter((name) => name !== 'polybank/bullmq');
// Needs its optional peer dependencies (bullmq, ioredis): imported once they are installed.
const BULLMQ = 'polybank/bullmq';
const root = resolve('.');
let project = '';
let tarball = '';
/** What `npm install polybank` alone brought: package names and bytes, before any optional peer. */
let production: { packages: string[]; bytes: number } = { packages: [], bytes: 0 };

/**
 * The production install budget (#16): at most 8 packages and at most twice the official
 * Fintecture SDK's install (fintecture-client 2.0.2 with its dependencies: 1.48 MiB, measured
 * the same way by `npm run bench`, section install). A new production dependency, or zod
 * inlined whole instead of the parts used, breaks it here.
 */
const MAX_PACKAGES = 8;
const MAX_BYTES = 2 * 1.48 * 1024 * 1024;

function du(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += du(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function installed(modules: string): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) for (const scoped of readdirSync(join(modules, entry.name))) names.push(`${entry.name}/${scoped}`);
    else names.push(entry.name);
  }
  return names.sort();
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });
}

describe('the published package', () => {
  beforeAll(() => {
    run('npm', ['run', 'build'], root);
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const work = mkdtempSync(join(root, '.tmp', 'pack-'));
    run('npm', ['pack', '--silent', '--pack-destination', work], root);
    tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')) as string);
    // An empty project outside the repository, as a user would have.
    project = mkdtempSync(join('/tmp', 'polybank-user-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], project);
    production = { packages: installed(join(project, 'node_modules')), bytes: du(join(project, 'node_modules')) };
    // What polybank/testing and the demo need, as the README says: msw and @clack/prompts (optional peers).
    const peers = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).peerDependencies as Record<string, string>;
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `msw@${peers.msw}`, `@clack/prompts@${peers['@clack/prompts']}`], project);
  }, 240_000);

  it('installs within the production budget: at most 8 packages, at most twice the official Fintecture SDK', () => {
    expect(production.packages).toEqual(['eventemitter3', 'polybank']);
    expect(production.packages.length).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(production.bytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('its declarations type-check in a strict user project without zod installed (zod ships inside)', () => {
    const source = `
      import { Polybank, Account, type Account as AccountT, type Challenge } from 'polybank';
      import { flinks } from 'polybank/flinks';
      import { defineProvider } from 'polybank/provider';
      const bank = new Polybank({ providers: [flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb' })] });
      const conn = bank.connect('flinks', { institution: 'FlinksCapital', username: 'u', password: 'p' });
      const parsed: AccountT = Account.parse({});
      const amount: string | undefined = parsed.balances.current?.amount;
      const handle = (c: Challenge): string => (c.type === 'questions' ? c.prompts[0].text : c.type);
      // @ts-expect-error: not a Flinks input field
      bank.connect('flinks', { institution: 'x', username: 'u', password: 'p', nope: 1 });
      void conn; void amount; void handle; void defineProvider;
    `;
    writeFileSync(join(project, 'app.ts'), source);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noUncheckedIndexedAccess: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [] }, files: ['app.ts'] }));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')), type: 'module' }));
    expect(() => run(join(root, 'node_modules/.bin/tsc'), ['-p', project], project)).not.toThrow();
  });

  it('ships only dist and docs, and is side-effect free', () => {
    const files = run('tar', ['-tzf', tarball], root).split('\n').filter(Boolean);
    const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], root)) as {
      sideEffects?: unknown;
      dependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(manifest.sideEffects).toBe(false);
    // A production install stays small: the queue and Redis clients are the user's own, optional.
    expect(Object.keys(manifest.dependencies)).not.toContain('bullmq');
    expect(Object.keys(manifest.dependencies)).not.toContain('ioredis');
    expect(manifest.peerDependenciesMeta).toMatchObject({ bullmq: { optional: true }, ioredis: { optional: true } });
    expect(files).toContain('package/dist/bullmq.js');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.cjs');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/README.md');
    expect(files.filter((f) => /^package\/(src|test|examples|bench|\.ci)\//.test(f))).toEqual([]);
    // zod is inlined as the parts zod/mini uses: no zod classic, no locale but English (an
    // `import { z } from 'zod'` anywhere pulls every locale into dist, +0.9 MiB).
    const inlined = new Set<string>();
    for (const file of readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js'))) {
      for (const [, module] of readFileSync(join(root, 'dist', file), 'utf8').matchAll(/^\/\/ (?:[\w.-]+\/)*node_modules\/zod\/(v4\/[a-z]+\/[\w.-]+)$/gm)) inlined.add(module ?? '');
    }
    expect([...inlined].filter((m) => m.startsWith('v4/locales/'))).toEqual(['v4/locales/en.js']);
    expect([...inlined].filter((m) => m.startsWith('v4/classic/'))).toEqual([]);
    expect(inlined).toContain('v4/mini/schemas.js');
  });

  it('passes publint (strict) with no problem', () => {
    const out = run(join(root, 'node_modules/.bin/publint'), ['--strict', tarball], root);
    expect(out).toContain('All good!');
  });

  it('passes @arethetypeswrong/cli for every entry under node10, node16 (ESM and CJS) and bundler', () => {
    const report = JSON.parse(run(join(root, 'node_modules/.bin/attw'), [tarball, '--format', 'json'], root)) as {
      analysis: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }> };
    };
    expect(report.analysis.problems).toEqual([]);
    const entrypoints = Object.keys(report.analysis.entrypoints).map((e) => (e === '.' ? 'polybank' : `polybank/${e.slice(2)}`));
    expect(entrypoints).toEqual(expect.arrayContaining([...ENTRIES, BULLMQ]));
    for (const [name, entry] of Object.entries(report.analysis.entrypoints)) {
      if (name === './package.json') continue;
      for (const kind of ['node10', 'node16-cjs', 'node16-esm', 'bundler']) expect(entry.resolutions[kind]?.resolution?.fileName, kind).toMatch(/\.d\.c?ts$/);
    }
  });

  it('every entry can be imported (ESM)', () => {
    const script = `
      const results = {};
      for (const name of ${JSON.stringify(ENTRIES)}) {
        const mod = await import(name);
        results[name] = Object.keys(mod).sort();
      }
      console.log(JSON.stringify(results));`;
    writeFileSync(join(project, 'esm.mjs'), script);
    const out = JSON.parse(run(process.execPath, ['esm.mjs'], project)) as Record<string, string[]>;
    expect(out.polybank).toEqual(expect.arrayContaining(['Polybank', 'ConnectionError', 'isPolybankError', 'Account']));
    expect(out['polybank/provider']).toEqual(expect.arrayContaining(['defineProvider', 'failureTable', 'toMoney']));
    expect(out['polybank/testing']).toEqual(expect.arrayContaining(['Simulator', 'startSimulatorServer']));
    expect(Object.keys(out)).toEqual(ENTRIES);
  });

  it('polybank/bullmq needs its peers: without them the import names bullmq; with them it loads (ESM and CJS)', () => {
    writeFileSync(join(project, 'bullmq.mjs'), `try { await import('polybank/bullmq'); console.log('loaded'); } catch (e) { console.log(String(e.message)); }`);
    expect(run(process.execPath, ['bullmq.mjs'], project)).toMatch(/Cannot find package 'bullmq'/);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'bullmq@^6.7.0', 'ioredis@^5'], project);
    writeFileSync(join(project, 'bullmq.mjs'), `console.log(JSON.stringify(Object.keys(await import('polybank/bullmq')).sort()));`);
    writeFileSync(join(project, 'bullmq.cjs'), `console.log(JSON.stringify(Object.keys(require('polybank/bullmq')).sort()));`);
    for (const script of ['bullmq.mjs', 'bullmq.cjs']) {
      expect(JSON.parse(run(process.execPath, [script], project))).toEqual(expect.arrayContaining(['refreshQueue', 'refreshWorker', 'retryDelay']));
    }
  }, 120_000);

  it('`npx polybank demo --auto` runs from the installed package', () => {
    const out = run('npx', ['--no-install', 'polybank', 'demo', '--auto', '--provider', 'powerauth'], project);
    expect(out).toContain('▶ powerauth · login_sca');
    expect(out).toContain('✓ active');
  });

  it('every entry can be required (CJS) and shares one error class', () => {
    const script = `
      const results = {};
      for (const name of ${JSON.stringify(ENTRIES)}) results[name] = Object.keys(require(name)).sort();
      const { Polybank, ConfigurationError, isConfigurationError } = require('polybank');
      let guard = false;
      try { new Polybank({ providers: [] }); } catch (e) { guard = e instanceof ConfigurationError && isConfigurationError(e); }
      results.guard = guard;
      console.log(JSON.stringify(results));`;
    writeFileSync(join(project, 'cjs.cjs'), script);
    const out = JSON.parse(run(process.execPath, ['cjs.cjs'], project)) as Record<string, unknown>;
    expect(out.polybank).toEqual(expect.arrayContaining(['Polybank', 'ConnectionError']));
    expect(out['polybank/testing']).toEqual(expect.arrayContaining(['startSimulatorServer']));
    expect(out.guard).toBe(true);
  });
});
