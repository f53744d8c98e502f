import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    keys(s, 'Down', 'Enter'); // Flinks (the menu lists the provider folders: fintecture, flinks, powens, powerauth)
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

  it('waits for a decoupled approval with a spinner, its channel and deadline, then lists accounts', async () => {
    const s = startDemo('--provider fintecture --scenario agfbfr-decoupled');
    const end = await waitFor(s, '[exit');
    // Which app, and until when: not "(unknown)".
    expect(end).toMatch(/decoupled \(app\): Approve the access to your accounts in your Crédit Agricole app; approve before \d\d:\d\d:\d\d/);
    expect(end).toMatch(/approved after \d+\.\d s/);
    expect(end).toMatch(/Livret A\s+savings\s+15000\.50 EUR/);
    expect(end).toContain('[exit 0]');
  });

  it('re-asks a field the SDK refuses (empty username, a code of the wrong length), resends a code, shows the message after a wrong code', async () => {
    const s = startDemo('--provider powerauth --scenario login_sca');
    await waitFor(s, '◆  Username');
    keys(s, 'Enter'); // empty: refused inline by challenge.answer(), nothing sent
    await waitFor(s, /▲ {2}Username[\s\S]*required/);
    keys(s, 'user1234', 'Enter');
    const first = await waitFor(s, /Your phone received: "Authorization code for login is (\d{8})\."/);
    const firstCode = /login is (\d{8})/.exec(first)?.[1] as string;
    await waitFor(s, '◆  SMS authorization code (sent by sms) — or r for a new code');
    keys(s, '123', 'Enter');
    await waitFor(s, /▲ {2}SMS authorization code[\s\S]*must be 8 characters/);
    // The password is asked only once the code is well-formed.
    expect(screen(s)).not.toContain('Password');
    keys(s, 'BSpace', 'BSpace', 'BSpace', 'r', 'Enter');
    await waitFor(s, '↻ A new code was sent');
    const resent = await waitFor(s, new RegExp(`login is (?!${firstCode})(\\d{8})\\.`));
    const code = new RegExp(`login is (?!${firstCode})(\\d{8})\\.`).exec(resent)?.[1] as string;
    // A wrong code: sent, refused by the bank, and the challenge comes back with its message.
    await waitFor(s, /◆ {2}SMS authorization code[^\n]*\n│ {2}_/);
    keys(s, firstCode, 'Enter'); // the first SMS's code no longer works
    await waitFor(s, '◆  Password');
    keys(s, 's3cret', 'Enter');
    await waitFor(s, '“Authentication failed.”');
    keys(s, code, 'Enter');
    await waitFor(s, /◆ {2}Password[^\n]*\n│ {2}_/);
    keys(s, 's3cret', 'Enter');
    await waitFor(s, '◆  I give consent to complete this login operation. (required)');
    keys(s, 'Enter'); // No: required, asked again
    await waitFor(s, 'required to give consent: accept it to go on');
    keys(s, 'Left', 'Enter'); // Yes
    const end = await waitFor(s, '[exit');
    expect(end).toContain('✓ active');
    expect(end).toMatch(/Spořící účet v EUR\s+savings\s+1\.90 EUR/);
    expect(end).toContain('[exit 0]');
    // The password typed is masked on screen.
    expect(end).toMatch(/◇ {2}Password\n│ {2}▪▪▪▪▪▪\n/);
  });

  it('--provider skips the provider menu', async () => {
    const s = startDemo('--provider flinks');
    const menu = await waitFor(s, '◆  Scenario');
    expect(menu).not.toContain('Provider');
    keys(s, 'Enter'); // Greatday: the sandbox user's one question
    await waitFor(s, '◆  What shape do people like most?');
    keys(s, 'Triangle', 'Enter');
    await waitFor(s, 'Link another?');
    keys(s, 'Right', 'Enter'); // No
    const end = await waitFor(s, '[exit');
    expect(end).toContain('▶ flinks · Greatday');
    expect(end).toContain('✓ active');
    expect(end).toContain('[exit 0]');
  });

  it('applies the chosen Powens scenario instead of asking for it in a list', async () => {
    const s = startDemo('--scenario additionalInformationNeeded');
    await waitFor(s, '◆  Identifiant');
    keys(s, 'me', 'Enter');
    await waitFor(s, '◆  Code (1234)');
    keys(s, '1234', 'Enter');
    const otp = await waitFor(s, '◆  Dites abcd');
    expect(otp).toContain("Cas d'usage (openapi): AdditionalInformationNeeded (the scenario you chose)");
    expect(otp).not.toContain("◆  Cas d'usage");
    expect(otp).not.toContain('(leave empty)');
    keys(s, 'abcd', 'Enter');
    const end = await waitFor(s, '[exit');
    expect(end).toContain('✓ active');
    expect(end).toContain('[exit 0]');
  });

  it('Ctrl-C at a prompt cancels the link and exits 130', async () => {
    const s = startDemo('--provider powerauth --scenario login_sca');
    await waitFor(s, '◆  Username');
    keys(s, 'C-c');
    const end = await waitFor(s, '[exit');
    expect(end).toContain('cancelled: the provider session is cancelled');
    expect(end).toContain('[exit 130]');
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

  it('says which scenarios exist when asked for an unknown one (a usage error: exit 2)', async () => {
    const error = await run(TSX, ['src/cli/index.ts', 'demo', '--auto', '--provider', 'flinks', '--scenario', 'nope']).catch((e: { stderr: string; code: number }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toMatch(/unknown scenario nope for flinks; one of: Greatday, greatday_nomfa/);
  });

  it('--scenario alone picks the provider that has it', async () => {
    const { stdout } = await run(TSX, ['src/cli/index.ts', 'demo', '--auto', '--scenario', 'rbc_device'], { timeout: 30_000 });
    expect(stdout).toContain('▶ flinks · rbc_device');
    expect(stdout).toContain('decoupled (trusted device): Please verify your identity on your trusted device');
    expect(stdout).toMatch(/approved after \d+\.\d s/);
    expect(stdout.match(/▶ /g)).toHaveLength(1);
  });
});

describe('polybank command line', () => {
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    run(TSX, ['src/cli/index.ts', ...args]).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `polybank ${version}\n` });
  });

  it('--help prints the usage with every flag', async () => {
    const { code, stdout } = await cli('demo', '--help');
    expect(code).toBe(0);
    for (const flag of ['--provider', '--scenario', '--auto', '--version', '--help', '130']) expect(stdout).toContain(flag);
  });

  it('rejects unknown flags, missing values, unknown commands and providers before starting anything (exit 2)', async () => {
    for (const [args, message] of [
      [['demo', '--provder', 'flinks'], "Unknown option '--provder'"],
      [['demo', '--provider'], "Option '--provider <value>' argument missing"],
      [['dmeo'], "unknown command 'dmeo'"],
      [['demo', '--auto', '--provider', 'plaid'], "unknown provider 'plaid'; one of: fintecture, flinks, powens, powerauth"],
    ] as const) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`polybank: ${message}`);
      expect(result.stdout).not.toContain('▶');
    }
  });
});
