#!/usr/bin/env node
/**
 * The `polybank` command. `polybank demo` links a bank connection at the terminal through
 * the bundled simulators (offline); `--auto` answers with the simulated person's answers.
 */
import { EXIT, HELP, UsageError, packageVersion, parseCommand } from './args.js';
import type * as DemoModule from './demo.js';

type DemoModule = typeof DemoModule;

/**
 * The demo's own libraries are optional peers of polybank (a backend that only links banks
 * does not install a prompt library or msw): say what to install when one is missing.
 */
async function loadDemo(): Promise<DemoModule> {
  try {
    return await import('./demo.js');
  } catch (error) {
    const missing = /Cannot find (?:package|module) '(@clack\/prompts|msw)[^']*'/.exec(String((error as Error)?.message ?? error))?.[1];
    if (!missing) throw error;
    throw new Error(
      `the demo needs ${missing}, an optional peer of polybank: npm install --save-dev @clack/prompts msw (or run npx -p polybank -p @clack/prompts -p msw polybank demo)`,
      { cause: error },
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.command === 'help') {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (command.command === 'version') {
    process.stdout.write(`polybank ${packageVersion()}\n`);
    return EXIT.ok;
  }
  // Ctrl-C outside a prompt (a request in flight): abort the link, which cancels it at the
  // provider, and exit 130 once cleaned up. A second Ctrl-C does not wait.
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT.cancelled);
    interrupt.abort();
  });
  const { demo } = await loadDemo();
  return demo({
    auto: command.auto || !process.stdin.isTTY || !process.stdout.isTTY,
    ...(command.provider !== undefined ? { provider: command.provider } : {}),
    ...(command.scenario !== undefined ? { scenario: command.scenario } : {}),
    out: (line) => process.stdout.write(`${line}\n`),
    signal: interrupt.signal,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`polybank: ${error.message}\nRun polybank --help for the usage.\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    process.stderr.write(`polybank: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = EXIT.failed;
  },
);
