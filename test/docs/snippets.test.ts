/**
 * The documentation's TypeScript is code: every ```ts block of README.md, docs/**\/*.md and
 * examples/*\/README.md type-checks (strict, noUncheckedIndexedAccess, in one program, with
 * `polybank` resolved to the sources), and the ```ts runnable ones run against the bundled
 * simulators with what they must achieve asserted here. A snippet that stops matching the
 * code fails this file, naming its markdown line.
 *
 * Placeholders a snippet uses without defining (`db`, `userId`, credentials) are declared in
 * the HTML comment right above it (see test/docs/markdown.ts); a runnable block gets a value
 * for each of them from its runner below, and nothing else.
 */
import { setupServer } from 'msw/node';
import { afterAll, describe, expect, it } from 'vitest';
import { ChallengeStateError, Polybank, type AuthProgress, type ChallengeData } from 'polybank';
import { fintecture } from 'polybank/fintecture';
import { flinks } from 'polybank/flinks';
import { POWENS_TEST_CONNECTOR } from 'polybank/powens';
import {
  GREATDAY_LOGIN_ID,
  drivers,
  fintectureSimulator,
  flinksSimulator,
  followBankRedirect,
  powensSimulator,
  type Simulator,
} from 'polybank/testing';
import { startRedis, type RedisHandle } from '../support/redis.js';
import { preludeProblems, typeCheck } from './compile.js';
import { documentationBlocks, documentationFiles, where, type Block } from './markdown.js';
import { runBlock } from './run.js';

const root = process.cwd();
const blocks = documentationBlocks(root);
const FLINKS_SANDBOX = '43387ca6-0391-4c82-857d-70d95f087ecb';

/** Simulators at their providers' own origins, in-process with msw, for blocks that use default base URLs. */
async function withSimulators<T>(sims: ReadonlyArray<Simulator<unknown>>, run: () => Promise<T>): Promise<T> {
  const server = setupServer(...sims.flatMap((sim) => sim.handlers()));
  server.listen({ onUnhandledFrame: 'error' });
  try {
    return await run();
  } finally {
    server.close();
  }
}

function memory<V>(): { set(key: string, value: V): Promise<void>; get(key: string): Promise<V>; save(key: string, value: V): Promise<void>; map: Map<string, V> } {
  const map = new Map<string, V>();
  const get = async (key: string): Promise<V> => {
    if (!map.has(key)) throw new Error(`nothing stored under ${key}`);
    return map.get(key) as V;
  };
  return { map, get, set: async (key, value) => void map.set(key, value), save: async (key, value) => void map.set(key, value) };
}

function block(id: string): Block {
  const found = blocks.filter((b) => b.id === id);
  if (found.length !== 1) throw new Error(`expected one block named ${id}, found ${found.length}`);
  return found[0] as Block;
}

let redis: RedisHandle | undefined;
afterAll(async () => {
  await redis?.stop();
});

/** What each runnable block must achieve, by its snippet name. */
const runners: Record<string, () => Promise<void>> = {
  async quickstart() {
    const sim = flinksSimulator({ authKey: 'sim-auth-key' });
    const db = memory<unknown>();
    const asked: string[] = [];
    const out = await withSimulators([sim], () =>
      runBlock(root, block('quickstart'), {
        customerId: FLINKS_SANDBOX,
        authKey: 'sim-auth-key',
        username: 'Greatday',
        password: 'Everyday',
        ask: async (question: string) => {
          asked.push(question);
          if (question === 'What shape do people like most?') return 'Triangle';
          throw new Error(`the sandbox has no answer to ${question}`);
        },
        notify: () => {
          throw new Error('Greatday has no decoupled step');
        },
        db,
        userId: 'user-1',
      }),
    );
    expect(asked).toEqual(['What shape do people like most?']);
    expect((out.conn as { status: unknown }).status).toMatchObject({ status: 'active' });
    expect(db.map.get('user-1')).toEqual({ loginId: expect.any(String) });
    expect((out.accounts as unknown[]).length).toBe(5);
    // authKey is used: a single-use authorize token before each /Authorize.
    expect(sim.count('GenerateAuthorizeToken')).toBe(sim.count('Authorize'));
  },

  async redirect() {
    const sim = fintectureSimulator();
    const bank = new Polybank({ providers: [fintecture({ appId: 'sim-app-id', appSecret: 'sim-app-secret' })] });
    const sessions = memory<string>();
    const db = memory<unknown>();
    const redirects: string[] = [];
    await withSimulators([sim], async () => {
      await runBlock(root, block('redirect.out'), { bank, sessions, sessionId: 's-1', redirectTo: (url: string) => void redirects.push(url) });
      expect(redirects).toHaveLength(1);
      expect(JSON.parse(sessions.map.get('s-1') ?? '{}')).toMatchObject({ provider: 'fintecture', pending: { challenge: { type: 'redirect' } } });
      // The user's browser at the bank, and back to the callback.
      const callback = await followBankRedirect(redirects[0] as string);
      expect(callback).toMatch(/^https:\/\/app\.example\/fintecture\/callback\?/);
      const out = await runBlock(root, block('redirect.back'), { bank, sessions, sessionId: 's-1', userId: 'user-1', request: new Request(callback), db });
      expect((out.linked as { status: unknown }).status).toMatchObject({ status: 'active' });
      expect(db.map.get('user-1')).toMatchObject({ customerId: expect.any(String), refreshToken: expect.any(String) });
      expect((out.accounts as unknown[]).length).toBeGreaterThan(0);
    });
    expect(sim.count('AccessToken')).toBe(1);
  },

  async errors() {
    const sim = flinksSimulator();
    const bank = new Polybank({ providers: [flinks({ customerId: FLINKS_SANDBOX })], retry: 0 });
    const asked: Array<[string, string | undefined]> = [];
    const logged: Array<Record<string, unknown>> = [];
    const scope = (loginId: string) => ({
      conn: bank.connection('flinks', { loginId }),
      request: new Request('https://app.example/accounts'),
      askUserTo: async (action: string, message?: string) => void asked.push([action, message]),
      log: { error: (fields: Record<string, unknown>) => void logged.push(fields) },
    });
    await withSimulators([sim], async () => {
      // A LoginId Flinks does not know: the user has to link again.
      await runBlock(root, block('errors'), scope('00000000-0000-4000-8000-000000000000'));
      expect(asked.map(([action]) => action)).toEqual(['update_credentials']);
      // Flinks down: retryable, nothing for the user to do; logged with Flinks' request id.
      sim.inject({ endpoint: 'GetAccountsDetail', kind: 'status', status: 503, times: Infinity });
      await runBlock(root, block('errors'), scope(GREATDAY_LOGIN_ID));
    });
    expect(asked).toHaveLength(1);
    expect(logged).toEqual([expect.objectContaining({ code: 'provider_unavailable', provider: 'flinks', requestId: expect.any(String) })]);
  },

  async checkpoints() {
    const sim = flinksSimulator();
    const bank = new Polybank({ providers: [flinks({ customerId: FLINKS_SANDBOX })] });
    const cache = memory<string>();
    const out = await withSimulators([sim], () => runBlock(root, block('checkpoints'), { bank, username: 'Greatday', password: 'Everyday', cache, userId: 'user-1' }));
    expect(out.challenge).toMatchObject({ type: 'questions' });
    expect((out.resumed as { status: unknown }).status).toMatchObject({ status: 'active' });
    // The resume re-showed the question without asking Flinks again: the login, then the answer.
    expect(sim.count('Authorize')).toBe(2);
    expect(cache.map.get('user-1')).not.toContain('Everyday');
  },

  async backend() {
    redis ??= await startRedis();
    const sim = powensSimulator({ newAccountsDisabled: false, decoupledPolls: 1 });
    const env = { REDIS_URL: redis.url, POLYBANK_SIGNING_KEY: 'a-signing-key-of-32-bytes-000000', POLYBANK_ENCRYPTION_KEY: btoa('k'.repeat(32)) };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const db = memory<unknown>();
    const scope = { domain: 'polybank-sandbox', ...sim.client, db };
    type Handlers = {
      startLink(connector: string): Promise<AuthProgress>;
      answerLink(id: string, answer: unknown): Promise<AuthProgress>;
      pollLink(id: string): Promise<AuthProgress>;
      resendCode(id: string): Promise<AuthProgress>;
      finishLink(id: string, userId: string): Promise<unknown[]>;
      redis: { disconnect(): void };
    };
    const driver = drivers.powens;
    const scenario = (name: string) => {
      const found = driver.scenarios.find((s) => s.name === name);
      if (!found) throw new Error(`the Powens driver lost its ${name} scenario`);
      return found;
    };
    // What the simulated person answers (the test connector's fields pick the scenario).
    const answer = (challenge: ChallengeData | undefined, name: string) => driver.answer(challenge as never, sim as never, scenario(name));
    try {
      await withSimulators([sim], async () => {
        // Two instances of the backend on one Redis: each request may land on either.
        const one = (await runBlock(root, block('backend'), scope)) as unknown as Handlers;
        const two = (await runBlock(root, block('backend'), scope)) as unknown as Handlers;
        try {
          // An OTP after the credentials.
          let progress = await one.startLink(POWENS_TEST_CONNECTOR);
          expect(progress.challenge?.type).toBe('credentials');
          expect(JSON.stringify(progress)).not.toMatch(/"ref"/);
          progress = await two.answerLink(progress.id, await answer(progress.challenge, 'additionalInformationNeeded'));
          expect(progress.challenge?.type).toBe('otp');
          // Powens cannot send a new code: said so, and the step is kept.
          await expect(one.resendCode(progress.id)).rejects.toBeInstanceOf(ChallengeStateError);
          progress = await one.answerLink(progress.id, await answer(progress.challenge, 'additionalInformationNeeded'));
          expect(progress.status.status).toBe('active');
          expect(JSON.stringify(progress)).not.toMatch(/"ref"|connectionId/);
          const accounts = await two.finishLink(progress.id, 'user-1');
          expect(accounts.length).toBeGreaterThan(0);
          expect(db.map.get('user-1')).toMatchObject({ connectionId: expect.any(Number), userId: expect.any(Number) });
          // A decoupled approval: shown first, then polled by another instance until approved.
          progress = await two.startLink(POWENS_TEST_CONNECTOR);
          progress = await one.answerLink(progress.id, await answer(progress.challenge, 'shortDecoupled'));
          expect(progress.challenge?.type).toBe('decoupled');
          progress = await two.pollLink(progress.id);
          expect(progress.status.status).toBe('active');
          expect(sim.count('CreateConnection')).toBe(2);
        } finally {
          one.redis.disconnect();
          two.redis.disconnect();
        }
      });
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  },

  async testing() {
    // The block sets up its own msw server and loopback socket.
    const out = await runBlock(root, block('testing'), {});
    expect(out.failed).toMatchObject({ reason: 'provider_unavailable' });
    expect((out.accounts as unknown[]).length).toBe(5);
    const sim = out.sim as Simulator<unknown>;
    expect(sim.count('Authorize')).toBe(2);
  },
};

/** Runners by snippet name; `redirect` runs both halves of the redirect. */
const RUNNER_OF: Record<string, string> = { 'redirect.out': 'redirect', 'redirect.back': 'redirect' };

describe('the documentation snippets', () => {
  it('finds the blocks of every documentation file', () => {
    expect(documentationFiles(root)).toEqual(expect.arrayContaining(['README.md', 'docs/providers/flinks.md', 'examples/custom-provider/README.md']));
    expect(blocks.length).toBeGreaterThan(20);
  });

  it('names each block at most once, and gives every runnable block a name and a runner', () => {
    const names = blocks.flatMap((b) => (b.id ? [b.id] : []));
    expect(names.length).toBe(new Set(names).size);
    const runnable = blocks.filter((b) => b.runnable);
    expect(runnable.filter((b) => !b.id).map((b) => where(b))).toEqual([]);
    expect(runnable.filter((b) => !runners[RUNNER_OF[b.id ?? ''] ?? b.id ?? '']).map((b) => where(b))).toEqual([]);
    // A runner without its runnable block would pass for nothing.
    const runnableNames = new Set(runnable.map((b) => RUNNER_OF[b.id ?? ''] ?? b.id));
    expect(Object.keys(runners).filter((name) => !runnableNames.has(name))).toEqual([]);
  });

  it('declares only placeholders in preludes (no code, no any)', () => {
    expect(blocks.flatMap(preludeProblems)).toEqual([]);
  });

  it('type-checks every ts block under strict and noUncheckedIndexedAccess', () => {
    const problems = typeCheck(root, blocks).map((p) => `${p.at}: ${p.message}`);
    expect(problems).toEqual([]);
  }, 60_000);

  describe('runs the runnable blocks against the simulators', () => {
    it.each(Object.keys(runners))('%s', async (name) => {
      await runners[name]?.();
    });
  });
});
