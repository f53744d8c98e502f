#!/usr/bin/env node
/**
 * `npm run bench`: builds the package, installs the benchmark-only peers (bench/package.json)
 * into bench/node_modules when missing, runs every section in its own fresh Node process,
 * prints the tables and writes BENCHMARKS.md. Every figure is a ratio to a baseline measured
 * in the same run (these machines are noisy); targets come from issues #16 (first table:
 * every row of it, with the floors dependencies set) and #9.
 *
 *   node bench/run.mjs [--quick] [--no-build] [--only=overhead,throughput,concurrency,coldstart,size,install,scaleout]
 *                      [--note="what this run includes"] [--out=BENCHMARKS.md]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args } from './lib/stats.mjs';
import { render } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const binDir = join(root, 'node_modules', '.bin');
const opts = args();
const quick = Boolean(opts.quick);
const SECTIONS = ['overhead', 'throughput', 'concurrency', 'coldstart', 'size', 'install', 'scaleout'];
const only = opts.only ? String(opts.only).split(',') : SECTIONS;

// Node 24 from node_modules/.bin (the npm package `node`), whatever `node` is on PATH.
const env = { ...process.env, PATH: `${binDir}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}` };
const nodeBin = existsSync(join(binDir, 'node')) ? join(binDir, 'node') : process.execPath;
const nodeVersion = execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();

function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

const workDir = join(benchDir, '.work');
const resultsFile = join(workDir, 'results.json');
let results = {};
const failures = [];
// What the measuring run was: kept with its results, so a re-rendered report still says it.
let run = { command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`, note: opts.note, quick, date: new Date().toISOString(), commit: git('rev-parse', '--short', 'HEAD') };

if (opts['report-only']) {
  // Re-renders BENCHMARKS.md from the last run's results (e.g. after editing bench/findings.md).
  const last = JSON.parse(readFileSync(resultsFile, 'utf8'));
  results = last.results;
  failures.push(...(last.failures ?? []));
  if (last.run) run = { ...last.run, rendered: run.date };
} else {
  await measure();
}

async function measure() {
  // ---------------------------------------------------------------- build and dependencies
  if (!opts['no-build']) {
    log('npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build');

  const benchPkg = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8'));
  const peers = Object.keys(benchPkg.devDependencies ?? {});
  const missing = peers.filter((name) => !existsSync(join(benchDir, 'node_modules', name, 'package.json')));
  if (missing.length) {
    log(`installing the benchmark-only peers into bench/node_modules: ${missing.join(', ')}`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], { cwd: benchDir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // `polybank` resolves as a user's would, through the package's exports map (bench/ has its own package.json).
  const link = join(benchDir, 'node_modules', 'polybank');
  mkdirSync(dirname(link), { recursive: true });
  if (!existsSync(join(link, 'package.json'))) {
    rmSync(link, { force: true, recursive: true });
    symlinkSync(root, link, 'dir');
  }

  // ---------------------------------------------------------------- sections
  function runSection(name, extra = [], nodeArgs = []) {
    return new Promise((resolve, reject) => {
      const load = os.loadavg()[0];
      const started = Date.now();
      log(`${name} ${extra.join(' ')}`.trim());
      const child = spawn(nodeBin, [...nodeArgs, join(benchDir, 'sections', `${name}.mjs`), ...(quick ? ['--quick'] : []), ...extra], {
        cwd: benchDir,
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
        if (code !== 0 || !line) return reject(new Error(`section ${name} exited ${code}${line ? '' : ' without a result'}`));
        resolve({ ...JSON.parse(line.slice('@@RESULT '.length)), loadBefore: load, loadAfter: os.loadavg()[0], seconds: (Date.now() - started) / 1000 });
      });
    });
  }

  for (const name of only) {
    try {
      if (name === 'concurrency') {
        // 2,000 first (how it scales; #16's heap per held authentication), its bare fetch-and-timer
        // baseline the same way, then the target's 10,000.
        results.concurrencySmall = quick ? undefined : await runSection('concurrency', ['--connections=2000', '--hold=20000'], ['--expose-gc']);
        results.concurrencyBare = await runSection('concurrency-bare', quick ? ['--connections=2000'] : ['--connections=2000', '--hold=20000'], ['--expose-gc']);
        results.concurrency = await runSection('concurrency', quick ? ['--connections=2000'] : [], ['--expose-gc']);
      } else {
        results[name] = await runSection(name);
      }
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
      log(`FAILED ${name}: ${error.message}`);
    }
  }


  mkdirSync(workDir, { recursive: true });
  writeFileSync(resultsFile, JSON.stringify({ results, failures, run }, null, 2));
}

// ---------------------------------------------------------------- report
function git(...cmd) {
  try {
    return execFileSync('git', cmd, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: nodeVersion,
  commit: run.commit ?? git('rev-parse', '--short', 'HEAD'),
  dirty: git('status', '--porcelain', '--', 'src', 'package.json', 'tsup.config.ts') !== '',
  date: run.rendered ? `${run.date} (re-rendered ${run.rendered} with --report-only, bench/findings.md as it is now)` : run.date,
};
const command = run.command;
const findingsFile = join(benchDir, 'findings.md');
const findings = existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8') : '';
const { table, markdown } = render({ results, machine, command, quick: run.quick, note: run.note, failures, findings });
process.stdout.write(`${table}\n`);
const outFile = resolve(root, opts.out ? String(opts.out) : 'BENCHMARKS.md');
writeFileSync(outFile, markdown);
log(`wrote ${outFile}`);
if (failures.length) process.exitCode = 1;
