// Before `npm test`: the Redis tests need Debian's redis-server. Install it when it is
// missing and we may (root with apt-get, as on CI and fresh project machines).
import { execSync } from 'node:child_process';

function has(command) {
  try {
    execSync(`command -v ${command}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
}

if (process.env.REDIS_URL || has('redis-server')) process.exit(0);
if (process.getuid?.() === 0 && has('apt-get')) {
  console.log('polybank: installing redis-server for the Redis tests (apt-get)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null', { stdio: 'inherit', shell: '/bin/sh' });
} else {
  console.warn('polybank: redis-server is missing; install it (apt-get install redis-server) or set REDIS_URL, or the Redis tests fail.');
}
