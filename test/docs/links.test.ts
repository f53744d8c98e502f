/**
 * The documentation's links lead somewhere. The markdown the package ships (README.md,
 * CHANGELOG.md: what npm shows) links absolutely, into this repository on GitHub, because
 * the npm page cannot follow a relative link to a file the package does not ship; the rest
 * (docs/, examples/*\/README.md, read on GitHub) may link relatively. Either way the file, the
 * folder and the heading a link names exist.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentationFiles } from './markdown.js';

const root = process.cwd();
const REPOSITORY = 'https://github.com/polybank/polybank';
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; repository: { url: string }; homepage: string; bugs: { url: string } };
const shipped = manifest.files.filter((file) => file.endsWith('.md'));

/** The markdown with its code fences blanked out (line numbers kept). */
function prose(text: string): string {
  return text.replace(/^(\s*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2\s*$/gm, (fence) => fence.replace(/[^\n]/g, ''));
}

/** GitHub's anchors of a markdown file's headings. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading = ''] of prose(readFileSync(join(root, file), 'utf8')).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Every inline link and image target of a markdown file, with its line. */
function links(file: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  prose(readFileSync(join(root, file), 'utf8'))
    .split('\n')
    .forEach((text, i) => {
      // Inline code is not a link.
      for (const [, target = ''] of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ line: i + 1, target });
    });
  return out;
}

/** What is wrong with one link of `file`, or undefined. */
function problem(file: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
  let local: string;
  if (target.startsWith(`${REPOSITORY}/`)) {
    const match = /^\/(blob|tree)\/main\/(.+)$/.exec(path.slice(REPOSITORY.length));
    if (!match) return path === REPOSITORY || path === `${REPOSITORY}/issues` ? undefined : 'a repository link is …/blob/main/<file> or …/tree/main/<folder>';
    local = match[2] ?? '';
    if (!existsSync(join(root, local))) return `${local} does not exist`;
    if (match[1] === 'blob' && !statSync(join(root, local)).isFile()) return `${local} is a folder: link it with /tree/`;
    if (match[1] === 'tree' && !statSync(join(root, local)).isDirectory()) return `${local} is a file: link it with /blob/`;
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return undefined; // another site
  } else {
    if (shipped.includes(file) && path !== '') return `${file} ships in the package (npm shows it): link ${REPOSITORY}/blob/main/… instead`;
    local = path === '' ? file : normalize(join(dirname(file), path));
    if (!existsSync(join(root, local))) return `${local} does not exist`;
  }
  if (anchor !== undefined && local.endsWith('.md') && !anchors(local).has(anchor)) return `${local} has no heading #${anchor}`;
  return undefined;
}

describe('documentation links', () => {
  const files = [...new Set([...documentationFiles(root), ...shipped, 'DEVELOPERS.md', 'RELIABILITY.md', 'BENCHMARKS.md'])];

  it.each(files)('%s: every link leads to a file, folder or heading that exists', (file) => {
    const broken = links(file).flatMap(({ line, target }) => {
      const why = problem(file, target);
      return why ? [`${file}:${line} ${target}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('the package points npm users at the repository', () => {
    expect(manifest.repository.url).toBe(`git+${REPOSITORY}.git`);
    expect(manifest.homepage).toBe(`${REPOSITORY}#readme`);
    expect(manifest.bugs.url).toBe(`${REPOSITORY}/issues`);
    expect(shipped).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md']));
  });

  it('knows a broken link when it sees one', () => {
    expect(problem('README.md', 'docs/providers/flinks.md')).toMatch(/ships in the package/);
    expect(problem('README.md', `${REPOSITORY}/blob/main/docs/providers/nope.md`)).toMatch(/does not exist/);
    expect(problem('README.md', `${REPOSITORY}/blob/main/docs/providers/powens.md#no-such-heading`)).toMatch(/no heading/);
    expect(problem('README.md', '#install')).toBeUndefined();
    expect(problem('README.md', '#no-such-section')).toMatch(/no heading/);
    expect(problem('docs/providers/powens.md', '#times-and-time-zones')).toBeUndefined();
    expect(links('README.md').length).toBeGreaterThan(15);
  });
});
