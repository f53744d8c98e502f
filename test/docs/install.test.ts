/**
 * The README's Install section says what `npm install polybank` brings and what each entry
 * needs besides: it follows package.json, so a dependency added or dropped, or a new
 * optional peer, cannot leave it behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }> };
const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quickstart'));

describe("the README's Install section", () => {
  it('names exactly the production dependencies', () => {
    const listed = /its dependencies \(((?:`[^`]+`(?:, )?)+);/.exec(install)?.[1];
    expect(listed, 'the sentence "its dependencies (`a`, `b`; zod is bundled inside)"').toBeDefined();
    const names = [...(listed ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });

  it('names every optional peer in the table of entries', () => {
    expect(install).toContain('npm install polybank');
    const table = install.split('\n').filter((line) => line.startsWith('| `polybank'));
    for (const peer of Object.keys(manifest.peerDependencies)) {
      expect(manifest.peerDependenciesMeta[peer]?.optional, `${peer} is optional`).toBe(true);
      expect(table.some((row) => row.includes(`\`${peer}\``)), `${peer} in the table`).toBe(true);
    }
  });
});
