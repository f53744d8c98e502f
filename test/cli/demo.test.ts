import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TSX = `${process.cwd()}/node_modules/.bin/tsx`;
const sessions: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Starts the CLI in a detached tmux terminal, as a person would run it. */
function startDemo(args: string): string {
  const name = `polybank-demo-${process.pid}-${sessions.length}`;
  sessions.push(name);
  const command = `cd ${process.cwd()} && PATH=${process.cwd()}/node_modules/.bin:$PATH ${TSX} src/cli/index.ts demo ${args}; echo "[exit $?]"; sleep 60`;
  tmux('new-session', '-d', '-s', name, '-x', '140', '-y', '60', command);
  return name;
}

function screen(name: string): string {
  return tmux('capture-pane', '-p', '-t', name, '-S', '-200');
}

async function waitFor(name: string, text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = screen(name);
    if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
    if (Date.now() > deadline) throw new Error(`"${String(text)}" never appeared on screen:\n${current}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function keys(name: string, ...k: string[]): void {
  tmux('send-keys', '-t', name, ...k);
}

afterEach(() => {
  for (const name of sessions.splice(0)) {
    try {
      tmux('kill-session', '-t', name);
    } catch {
      // already gone
    }
  }
});

describe('npx polybank demo, driven through a terminal (tmux)', () => {
  it('picks a provider and scenario from menus, answers a text-or-call choice and a code, shows accounts', async () => {
    const s = startDemo('');
    await waitFor(s, 'Provider');
    keys(s, 'Down', 'Down', 'Enter'); // Flinks
    await waitFor(s, 'Scenario');
    for (let i = 0; i < 9; i++) keys(s, 'Down'); // td_2step
    keys(s, 'Enter');
    await waitFor(s, '◆  Choose a phone number');
    keys(s, 'Down', 'Enter'); // PhoneNumber #2
    await waitFor(s, 'How should the code reach you?');
    keys(s, 'Enter'); // Text
    const prompt = await waitFor(s, /Your phone received: "Your TD security code is (\d+)"/);
    const code = /security code is (\d+)/.exec(prompt)?.[1] as string;
    await waitFor(s, '◆  Enter the security code');
    keys(s, code, 'Enter');
    const done = await waitFor(s, 'Link another?');
    expect(done).toContain('✓ active');
    expect(done).toMatch(/High Interest Savings USD\s+savings\s+158121\.10 USD/);
    keys(s, 'Right', 'Enter'); // No
    const end = await waitFor(s, '[exit 0]');
    expect(end).toContain('Done.');
  });

  it('shows images as a size/hash line and sends the chosen one', async () => {
    const s = startDemo('--provider flinks --scenario laurentienne_image');
    await waitFor(s, '◆  What city were you born in?');
    keys(s, 'Montreal', 'Enter');
    const images = await waitFor(s, '◆  Select an image');
    expect(images).toMatch(/Image 1 \(image\/gif, [\d.]+ K?B, sha256 [0-9a-f]{12}\)/);
    expect(images).toMatch(/Your personal image is Image 6/);
    for (let i = 0; i < 5; i++) keys(s, 'Down');
    keys(s, 'Enter');
    const end = await waitFor(s, '[exit');
    expect(end).toContain('✓ active');
    expect(end).toContain('[exit 0]');
  });

  it('waits for a decoupled approval with a spinner, then lists accounts', async () => {
    const s = startDemo('--provider fintecture --scenario agfbfr-decoupled');
    const end = await waitFor(s, '[exit');
    expect(end).toContain('Approve the access to your accounts');
    expect(end).toContain('approved');
    expect(end).toMatch(/Livret A\s+savings\s+15000\.50 EUR/);
    expect(end).toContain('[exit 0]');
  });
});

describe('polybank demo --auto', () => {
  it('links one MFA case per provider without prompts and exits 0', async () => {
    const { stdout } = await run(TSX, ['src/cli/index.ts', 'demo', '--auto'], { timeout: 60_000 });
    for (const id of ['fintecture', 'powens', 'flinks', 'powerauth']) expect(stdout).toMatch(new RegExp(`▶ ${id} ·`));
    expect(stdout.match(/✓ active/g)).toHaveLength(4);
    // Codes and passwords are masked on screen even for the simulated person.
    expect(stdout).toContain('→ code ••••');
    expect(stdout).not.toMatch(/→ code \d/);
  });

  it('says which scenarios exist when asked for an unknown one', async () => {
    const error = await run(TSX, ['src/cli/index.ts', 'demo', '--auto', '--provider', 'flinks', '--scenario', 'nope']).catch((e: { stderr: string; code: number }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toMatch(/unknown scenario nope for flinks; one of: Greatday, greatday_nomfa/);
  });
});
