// Builds polybank (the repository two levels up) and packs it into vendor/polybank.tgz: the
// only thing of polybank this package uses. Then `npm install` installs it like any tarball.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = resolve(here, '..', '..');
const vendor = join(here, 'vendor');
rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
execFileSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
execFileSync('npm', ['pack', '--silent', '--pack-destination', vendor], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
const tarball = readdirSync(vendor).find((name) => name.endsWith('.tgz'));
if (!tarball) throw new Error('npm pack produced no tarball');
renameSync(join(vendor, tarball), join(vendor, 'polybank.tgz'));
// A tarball at the same path is "up to date" for npm: drop the installed copy and the lock so
// that the next `npm install` takes this one.
rmSync(join(here, 'node_modules', 'polybank'), { recursive: true, force: true });
rmSync(join(here, 'package-lock.json'), { force: true });
console.log(`packed ${tarball} into vendor/polybank.tgz; now run npm install`);
