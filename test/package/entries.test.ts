import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEntries, entries, generatedFiles, packageFields, providerIds } from '../../scripts/entries.mjs';

/**
 * #15 item 4: adding a provider in this repository is adding its folder. Everything that lists
 * entries reads the folders: package.json exports and typesVersions, tsup, TypeDoc, the vitest
 * and tsconfig aliases, the simulators' index, the drivers' registry (and so the demo's list).
 */
describe('the provider folders are the list of providers', () => {
  it('package.json and the generated sources are up to date with the folders', () => {
    expect(() => execFileSync(process.execPath, ['scripts/sync-entries.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };
    for (const id of providerIds()) expect(Object.keys(manifest.exports)).toContain(`./${id}`);
  });

  it('a new folder (src/providers/acme + src/testing/acme) is picked up everywhere with no other edit', () => {
    const root = mkdtempSync(join('/tmp', 'polybank-entries-'));
    for (const file of ['src/index.ts', 'src/provider.ts', 'src/testing/index.ts', 'src/redis/index.ts', 'src/providers/flinks/index.ts', 'src/providers/acme-bank/index.ts', 'src/testing/flinks/index.ts', 'src/testing/flinks/driver.ts', 'src/testing/acme-bank/index.ts', 'src/testing/acme-bank/driver.ts']) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), 'export {};\n');
    }
    expect(providerIds(root)).toEqual(['acme-bank', 'flinks']);
    expect(entries(root).map((e) => e.subpath)).toEqual(['.', 'acme-bank', 'flinks', 'provider', 'testing', 'redis']);
    expect(buildEntries(root)).toMatchObject({ 'acme-bank': 'src/providers/acme-bank/index.ts', cli: 'src/cli/index.ts' });
    const { exports, typesVersions } = packageFields(root);
    expect(exports['./acme-bank']).toEqual({
      import: { types: './dist/acme-bank.d.ts', default: './dist/acme-bank.js' },
      require: { types: './dist/acme-bank.d.cts', default: './dist/acme-bank.cjs' },
    });
    expect(typesVersions['*']['acme-bank']).toEqual(['./dist/acme-bank.d.ts']);
    const generated = generatedFiles(root);
    expect(generated['src/testing/simulators.ts']).toContain("export * from './acme-bank/index.js';");
    expect(generated['src/testing/drivers/registry.ts']).toContain("import { acmeBankDriver } from '../acme-bank/driver.js';");
    expect(generated['src/testing/drivers/registry.ts']).toContain("'acme-bank': acmeBankDriver");
  });

  it('vitest, tsup and TypeDoc read the same list (no hand-kept copy)', () => {
    for (const file of ['vitest.config.ts', 'tsup.config.ts', 'typedoc.config.mjs']) expect(readFileSync(file, 'utf8')).toContain("from './scripts/entries.mjs'");
    expect(readFileSync('src/testing/index.ts', 'utf8')).not.toMatch(/from '\.\/(fintecture|powens|flinks|powerauth)\/index\.js'/);
  });
});
