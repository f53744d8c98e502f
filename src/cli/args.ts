import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The command's exit codes: linked (or ended as the scenario documents), failed, a usage error, Ctrl-C. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export const HELP = `Usage: polybank demo [--provider <id>] [--scenario <name>] [--auto]
       polybank --version | --help

  demo              link a connection through a bundled provider simulator (offline)
  --provider <id>   fintecture | powens | flinks | powerauth (skips the provider menu)
  --scenario <name> one of that provider's simulator scenarios (skips the scenario menu;
                    alone, it picks the provider that has it)
  --auto            no prompts: answer as the simulated person would (default without a terminal)
  --version, -v     print the version
  --help, -h        print this help

Exit codes: 0 linked (or ended as the scenario documents), 1 the link failed,
2 a usage error, 130 cancelled (Ctrl-C).
`;

/** A command line that cannot run: said with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Command =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'demo'; auto: boolean; provider?: string; scenario?: string };

/** Parses `polybank …` strictly: unknown options, missing values and stray words are usage errors. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        auto: { type: 'boolean' },
        provider: { type: 'string' },
        scenario: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs's own messages name the option ("Unknown option '--nope'"); keep its first sentence.
    throw new UsageError(String((error as Error).message).split('. ')[0] ?? 'invalid arguments');
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command !== 'demo') throw new UsageError(`unknown command '${command}'`);
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
  for (const name of ['provider', 'scenario'] as const) {
    if (values[name] !== undefined && values[name].trim() === '') throw new UsageError(`--${name} needs a value`);
  }
  return {
    command: 'demo',
    auto: values.auto === true,
    ...(values.provider !== undefined ? { provider: values.provider } : {}),
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
  };
}

/** The installed package's version: its package.json is the first one up from this file (src/cli or dist). */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'polybank' && manifest.version) return manifest.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
