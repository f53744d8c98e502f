/**
 * Runs a documentation block as the module it is: its prelude's placeholders get the values
 * a test gives (the declared names exactly), and every name the block declares at its top
 * level is exported, for the test to assert on. The module is written under .tmp/ and
 * imported through vitest, so `polybank` and its subpaths resolve to the sources.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { where, type Block } from './markdown.js';

const SCOPE = Symbol.for('polybank.docs.snippet-scope');

/** The names a prelude declares (`declare const a: …, b: …`, `declare function f`, `declare class C`). */
export function declaredNames(prelude: string): string[] {
  const source = ts.createSourceFile('prelude.ts', prelude, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) names.push(...bindingNames(d.name));
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
  }
  return names;
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** The prelude without its `declare` statements: the imports and types it keeps at run time. */
function runtimePrelude(prelude: string): string {
  const source = ts.createSourceFile('prelude.ts', prelude, ts.ScriptTarget.Latest, true);
  return source.statements
    .filter((s) => !(ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)))
    .map((s) => s.getText(source))
    .join('\n');
}

/** The names a block declares at its top level and does not export itself. */
function topLevelNames(code: string): string[] {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported) continue;
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) names.push(...bindingNames(d.name));
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
  }
  return names;
}

/**
 * Runs a block with `scope` as its placeholders; resolves to the module's exports (every
 * top-level name of the block). The scope must give exactly the names the prelude declares.
 */
export async function runBlock(root: string, block: Block, scope: Record<string, unknown>): Promise<Record<string, unknown>> {
  const declared = declaredNames(block.prelude).sort();
  const given = Object.keys(scope).sort();
  if (JSON.stringify(declared) !== JSON.stringify(given)) {
    throw new Error(`${where(block)}: the prelude declares [${declared.join(', ')}] but the test gives [${given.join(', ')}]`);
  }
  if (/^\s*import\s[^;]*from\s*['"]\./m.test(block.prelude + block.code)) throw new Error(`${where(block)}: a runnable block imports packages only (no relative import)`);
  const names = topLevelNames(block.code);
  const text = [
    declared.length ? `const { ${declared.join(', ')} } = Reflect.get(globalThis, Symbol.for('${SCOPE.description}'));` : '',
    runtimePrelude(block.prelude),
    block.code,
    names.length ? `export { ${names.join(', ')} };` : 'export {};',
  ].join('\n');
  const dir = join(root, '.tmp', 'snippets');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${block.id ?? 'block'}-${process.pid}-${Date.now()}.ts`);
  writeFileSync(file, text);
  Reflect.set(globalThis, SCOPE, scope);
  try {
    const exports = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
    rmSync(file); // a failed one stays in .tmp/snippets/, to read
    return exports;
  } finally {
    Reflect.deleteProperty(globalThis, SCOPE);
  }
}
