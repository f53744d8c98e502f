/**
 * The TypeScript blocks of the documentation, with what each one leaves out.
 *
 * A block is a fence whose language is `ts` (or `typescript`). The info string may add
 * `runnable`: the block then also runs against the simulators (test/docs/snippets.test.ts
 * registers what each one must achieve). Right above a block, an HTML comment (invisible on
 * GitHub and npm) may name it and give its prelude — declarations of the placeholders the
 * snippet uses without defining, like `appId` or `db`:
 *
 *     <!-- snippet: quickstart
 *     declare const customerId: string;
 *     -->
 *     ```ts runnable
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Block {
  /** The markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  code: string;
  /** The name given in the snippet comment, if any. */
  id?: string;
  runnable: boolean;
  /** The declarations of the snippet comment ('' when none). */
  prelude: string;
  /** 1-based line of the prelude's first line in the markdown file. */
  preludeLine: number;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;
const COMMENT_START = /^\s*<!--\s*snippet\b:?\s*([\w.-]*)\s*(.*)$/;

/** The documentation files whose TypeScript blocks are checked: README.md, docs/**, examples/*\/README.md. */
export function documentationFiles(root: string): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      // docs/api is TypeDoc's output (npm run docs), not documentation written here.
      if (entry.isDirectory() && path !== join('docs', 'api')) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  for (const entry of readdirSync(join(root, 'examples'), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory() && readdirSync(join(root, 'examples', entry.name)).includes('README.md')) files.push(join('examples', entry.name, 'README.md'));
  }
  return files.map((file) => relative(root, join(root, file)));
}

/** The snippet comment that ends on the line above `index` (blank lines between are allowed). */
function snippetComment(lines: string[], index: number): { id?: string; prelude: string; preludeLine: number } | undefined {
  let end = index - 1;
  while (end >= 0 && lines[end]?.trim() === '') end--;
  if (end < 0 || !lines[end]?.trimEnd().endsWith('-->')) return undefined;
  let start = end;
  while (start >= 0 && !lines[start]?.includes('<!--')) start--;
  const first = start >= 0 ? COMMENT_START.exec(lines[start] ?? '') : null;
  if (!first) return undefined;
  const body = lines.slice(start, end + 1).join('\n');
  const inner = body.slice(body.indexOf('<!--') + 4, body.lastIndexOf('-->'));
  // What follows `snippet: <id>` on the comment's first line, and every line after it.
  const afterName = inner.replace(/^\s*snippet\b:?[ \t]*[\w.-]*[ \t]*/, '');
  const sameLine = !afterName.startsWith('\n') && afterName.trim() !== '';
  const prelude = afterName.replace(/^\n/, '');
  return { ...(first[1] ? { id: first[1] } : {}), prelude: prelude.trimEnd(), preludeLine: sameLine ? start + 1 : start + 2 };
}

/** Every TypeScript block of one markdown file. */
export function blocksOf(root: string, file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '```', language = '', rest = ''] = open;
    // The closing fence: the same character, at least as long, nothing after it.
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j] ?? '')) j++;
    if (language === 'ts' || language === 'typescript') {
      const code = lines
        .slice(i + 1, j)
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
        .join('\n');
      const comment = snippetComment(lines, i);
      blocks.push({
        file,
        line: i + 2,
        code,
        runnable: /\brunnable\b/.test(rest),
        prelude: comment?.prelude ?? '',
        preludeLine: comment?.preludeLine ?? i + 1,
        ...(comment?.id ? { id: comment.id } : {}),
      });
    }
    i = j;
  }
  return blocks;
}

/** Every TypeScript block of the documentation. */
export function documentationBlocks(root: string): Block[] {
  return documentationFiles(root).flatMap((file) => blocksOf(root, file));
}

/** `README.md:57`: where a block (or a line of it) is. */
export function where(block: Block, offset = 0): string {
  return `${block.file}:${block.line + offset}`;
}
