// Before `npm test`: the Redis tests need Debian's redis-server, the demo's terminal test
// needs tmux, and the web example's browser test Debian's chromium (at /usr/bin/chromium,
// driven by playwright-core: its own browser download cannot work here). Install what is
// missing when we may (root with apt-get, as on CI and fresh project machines); otherwise say
// what to install.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function has(command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

const missing = [];
if (!process.env.REDIS_URL && !has('redis-server')) missing.push('redis-server');
if (!has('tmux')) missing.push('tmux');
if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
if (missing.length === 0) process.exit(0);

if (process.getuid?.() === 0 && has('apt-get')) {
  console.log(`polybank: installing ${missing.join(', ')} for the tests (apt-get)…`);
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`, { stdio: 'inherit', shell: '/bin/sh' });
} else {
  console.warn(`polybank: ${missing.join(', ')} missing; install them (apt-get install ${missing.join(' ')}) or the tests that need them fail.`);
}
