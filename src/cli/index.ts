#!/usr/bin/env node
/**
 * The `polybank` command. `polybank demo` links a bank connection at the terminal through
 * the bundled simulators (offline); `--auto` answers with the simulated person's answers.
 */
import { demo } from './demo.js';

const HELP = `Usage: polybank demo [--auto] [--provider <id>] [--scenario <name>]

  demo         link a connection through a bundled provider simulator (offline)
  --auto       no prompts: answer as the simulated person would (default without a terminal)
  --provider   fintecture | powens | flinks | powerauth
  --scenario   one of the provider's simulator scenarios (the interactive menu lists them)
`;

function flag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  if (args[0] !== 'demo' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return args[0] === 'demo' || args.includes('--help') || args.includes('-h') ? 0 : 1;
  }
  const provider = flag(args, '--provider');
  const scenario = flag(args, '--scenario');
  return demo({
    auto: args.includes('--auto') || !process.stdin.isTTY || !process.stdout.isTTY,
    ...(provider ? { provider } : {}),
    ...(scenario ? { scenario } : {}),
    out: (line) => process.stdout.write(`${line}\n`),
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`polybank: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
