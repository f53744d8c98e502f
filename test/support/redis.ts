import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisHandle {
  url: string;
  client: Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(url: URL): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(url.port || 6379), url.hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Redis did not start at ${url.host}`);
}

/**
 * A real Redis for the tests: the one CI started (REDIS_URL), else a private
 * `redis-server` on a free port (Debian's redis-server; `npm test` installs it when missing).
 */
export async function startRedis(): Promise<RedisHandle> {
  let child: ChildProcess | undefined;
  let url = process.env.REDIS_URL;
  if (!url) {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('redis-server is not installed: `apt-get install redis-server` (npm test does this where it can), or set REDIS_URL');
    }
    const port = await freePort();
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    url = `redis://127.0.0.1:${port}`;
  }
  await waitForPort(new URL(url));
  const client = new Redis(url, { maxRetriesPerRequest: 2 });
  await client.ping();
  return {
    url,
    client,
    stop: async () => {
      client.disconnect();
      if (child) {
        const exited = new Promise((r) => child?.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
