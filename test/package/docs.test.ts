/**
 * The API reference keeps every public item documented and every zod type named: TypeDoc runs
 * with the project's own validation settings and plugins (typedoc.config.mjs) on a small
 * fixture package. `npm run docs` (in .ci/run) applies the same settings to the real entries.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Application, DeclarationReflection, Logger, ReflectionKind, type ProjectReflection, type SomeType, type TypeDocOptions } from 'typedoc';

// A JavaScript module without declarations: its options as TypeDoc types them.
const specifier: string = '../../typedoc.config.mjs';
const { default: config } = (await import(specifier)) as { default: Partial<TypeDocOptions> };

/** Keeps TypeDoc's warnings and errors (what `npm run docs` fails on). */
class Recorder extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: number): void {
    super.log(message, level);
    if (level >= 2) this.messages.push(message);
  }
}

// A package of its own that resolves zod from the repository's node_modules; its own (empty)
// TypeDoc config, so that only the settings passed below apply.
const dir = mkdtempSync(join(tmpdir(), 'polybank-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'), 'dir');
writeFileSync(join(dir, 'typedoc.json'), '{}');

writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', skipLibCheck: true, noEmit: true }, files: ['index.ts', 'schemas.ts'] }),
);
writeFileSync(
  join(dir, 'schemas.ts'),
  `import * as z from 'zod/mini';
/** An exact amount. */
export const Money = z.object({
  /** Decimal text. */
  amount: z.string(),
  /** ISO 4217 code. */
  currency: z.string(),
});
export type Money = z.infer<typeof Money>;
/** A resumable value. */
export const Saved = z.object({
  /** Where it stands. */
  balance: Money,
});
export type Saved = z.infer<typeof Saved>;
`,
);

async function document(source: string): Promise<{ project: ProjectReflection; messages: string[]; failed: boolean }> {
  writeFileSync(join(dir, 'index.ts'), source);
  const app = await Application.bootstrapWithPlugins({
    options: join(dir, 'typedoc.json'),
    name: 'fixture',
    entryPoints: [join(dir, 'index.ts')],
    tsconfig: join(dir, 'tsconfig.json'),
    plugin: config.plugin,
    validation: config.validation,
    intentionallyNotExported: [],
    treatValidationWarningsAsErrors: config.treatValidationWarningsAsErrors,
    treatWarningsAsErrors: config.treatWarningsAsErrors,
    // As in `npm run docs`: no source links, so no git remote is needed (a clone's may not be GitHub's).
    disableSources: config.disableSources,
    skipErrorChecking: true,
    logLevel: 'Error',
  });
  const logger = new Recorder();
  app.logger = logger;
  const project = await app.convert();
  if (!project) throw new Error(`TypeDoc did not convert the fixture: ${logger.messages.join('\n')}`);
  app.validate(project);
  // What `npm run docs` exits on: any error, any warning (treatWarningsAsErrors).
  return { project, messages: logger.messages, failed: logger.hasErrors() || (config.treatWarningsAsErrors === true && logger.hasWarnings()) };
}

const named = (type: SomeType | undefined): string => (type?.type === 'reference' ? type.name : type?.type === 'array' ? `${named(type.elementType)}[]` : `(${type?.type})`);

const HEADER = `/** @module fixture */
import { Money, Saved } from './schemas.js';
export { Money };
export type { Saved };
`;

describe('the API reference (TypeDoc with typedoc.config.mjs)', () => {
  it('fails on a public item without a doc comment, and passes once it has one', async () => {
    expect(config.validation).toMatchObject({ notDocumented: true });
    const bare = await document(`${HEADER}export function total(values: Money[]): Money[] { return values; }\n`);
    expect(bare.failed).toBe(true);
    expect(bare.messages.some((m) => m.includes('total') && m.includes('does not have any documentation'))).toBe(true);

    const documented = await document(`${HEADER}/** Every amount, as given. */\nexport function total(values: Money[]): Money[] { return values; }\n`);
    expect(documented.messages).toEqual([]);
    expect(documented.failed).toBe(false);
  }, 120_000);

  it('shows zod types by name, each expanded once on its own page', async () => {
    const { project, messages } = await document(`${HEADER}/** The saved values, resolved. */\nexport async function load(): Promise<Saved[]> { return []; }\n`);
    expect(messages).toEqual([]);
    const aliases = project.getReflectionsByKind(ReflectionKind.TypeAlias) as DeclarationReflection[];
    // `export type { Saved }` of a schema and its type: one type alias, not a second one for the schema's type.
    expect(aliases.filter((a) => a.name === 'Saved')).toHaveLength(1);
    const saved = aliases.find((a) => a.name === 'Saved');
    // Expanded once, on its page; the nested schema's inferred type shown as `Money`, not expanded again.
    const balance = saved?.type?.type === 'reflection' ? saved.type.declaration.getChildByName('balance') : undefined;
    expect(balance instanceof DeclarationReflection ? named(balance.type) : undefined).toBe('Money');
    // Through Promise<…> and arrays too.
    const load = project.getChildByName('load') as DeclarationReflection;
    const returned = load.signatures?.[0]?.type;
    expect(returned?.type === 'reference' ? returned.typeArguments?.map(named) : undefined).toEqual(['Saved[]']);
    // The schema reads as the type of its own name.
    const schema = (project.getReflectionsByKind(ReflectionKind.Variable) as DeclarationReflection[]).find((v) => v.name === 'Money');
    expect(schema?.type?.type === 'reference' ? schema.type.typeArguments?.map(named) : undefined).toEqual(['Money']);
  }, 120_000);

  it('is built in CI', () => {
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm run docs$/m);
  });
});
