/**
 * 6. Production install (#16): `npm install <packed polybank>` in an empty project — the
 * tarball `npm pack` makes of the built package, as published; no dev dependencies, and
 * npm installs no optional peer — vs `npm install fintecture-client` (the official
 * Fintecture SDK, the version bench/package.json pins) in another empty project, the same
 * way. Counted: the packages in node_modules (nested ones included) and the bytes of their
 * files. Both installs come from npm's cache when it has them (`--prefer-offline`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit } from '../lib/stats.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const benchDir = fileURLToPath(new URL('..', import.meta.url));
const peer = 'fintecture-client';
const peerVersion = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8')).devDependencies[peer];

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });
}

function bytesOf(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesOf(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** polybank's own files by kind: where its share of the install goes. */
function kinds(dir, out = {}, rel = '') {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      kinds(path, out, relPath);
      continue;
    }
    const kind = relPath.startsWith('dist/zod/')
      ? "zod's declarations (dist/zod)"
      : /\.d\.c?ts$/.test(entry.name)
        ? 'declarations (.d.ts, .d.cts)'
        : entry.name.endsWith('.cjs')
          ? 'CommonJS code (.cjs)'
          : entry.name.endsWith('.js')
            ? 'ES module code (.js)'
            : 'docs and manifest';
    out[kind] = (out[kind] ?? 0) + statSync(path).size;
  }
  return out;
}

/** Every installed package (`name@version`), nested node_modules included. */
function packagesIn(modules, out = []) {
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const dirs = entry.name.startsWith('@') ? readdirSync(join(modules, entry.name)).map((n) => join(modules, entry.name, n)) : [join(modules, entry.name)];
    for (const dir of dirs) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        out.push(`${manifest.name}@${manifest.version}`);
      } catch {
        continue;
      }
      try {
        packagesIn(join(dir, 'node_modules'), out);
      } catch {
        // no nested node_modules
      }
    }
  }
  return out;
}

function installIn(spec) {
  const project = mkdtempSync(join(tmpdir(), 'polybank-bench-install-'));
  try {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    const started = performance.now();
    npm(['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', spec], project);
    const seconds = (performance.now() - started) / 1000;
    const modules = join(project, 'node_modules');
    const byPackage = Object.fromEntries(readdirSync(modules).filter((n) => !n.startsWith('.')).map((n) => [n, bytesOf(join(modules, n))]));
    const own = join(modules, 'polybank');
    return { packages: packagesIn(modules).sort(), bytes: bytesOf(modules), byPackage, ...(spec.endsWith('.tgz') ? { polybankFiles: kinds(own) } : {}), seconds };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

const packDir = mkdtempSync(join(tmpdir(), 'polybank-bench-pack-'));
try {
  npm(['pack', '--silent', '--pack-destination', packDir], root);
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz')));
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const maps = files.filter((f) => f.endsWith('.map'));
  const polybank = installIn(tarball);
  const fintecture = installIn(`${peer}@${peerVersion}`);
  emit({
    section: 'install',
    tarball: { bytes: statSync(tarball).size, files: files.length, maps: maps.length },
    polybank,
    peer: { name: `${peer}@${peerVersion}`, ...fintecture },
    ratio: polybank.bytes / fintecture.bytes,
  });
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
