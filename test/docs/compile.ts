/**
 * Type-checks documentation blocks in one TypeScript program, under the repository's
 * compiler options (strict, noUncheckedIndexedAccess, verbatimModuleSyntax): `polybank` and
 * its subpaths resolve to the sources through tsconfig.json's paths, as they do for tsc.
 *
 * Each block becomes a module beside its markdown file (relative imports of a prelude read as
 * links do), made of its prelude and its code. Only the blocks' own diagnostics count.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { where, type Block } from './markdown.js';

export interface Problem {
  /** `README.md:57` */
  at: string;
  message: string;
}

/** Packages of the repository that a block may import by name besides polybank's own entries. */
const EXTRA_PATHS: Record<string, string[]> = {
  // examples/custom-provider is the package `polybank-gocardless` its README imports.
  'polybank-gocardless': ['./examples/custom-provider/src/index.ts'],
  'polybank-gocardless/testing': ['./examples/custom-provider/src/simulator/index.ts'],
};

function compilerOptions(root: string): ts.CompilerOptions {
  const file = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(file, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, file);
  return {
    ...parsed.options,
    paths: { ...parsed.options.paths, ...EXTRA_PATHS },
    noEmit: true,
    // A block without import or export is a module too: its names never clash with another block's.
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

/** Where a block's module lives: beside its markdown file. */
export function moduleFileOf(root: string, block: Block, index: number): string {
  return join(root, dirname(block.file), `${block.file.replace(/[^\w]+/g, '_')}.${index}.snippet.ts`);
}

/** A block's module: its prelude, then its code (what the line numbers below map back from). */
export function moduleSource(block: Block): { text: string; preludeLines: number } {
  const preludeLines = block.prelude === '' ? 0 : block.prelude.split('\n').length;
  return { text: preludeLines ? `${block.prelude}\n${block.code}\n` : `${block.code}\n`, preludeLines };
}

/** What the prelude may hold: declarations of placeholders and imports, never code nor `any`. */
export function preludeProblems(block: Block): Problem[] {
  if (block.prelude === '') return [];
  const source = ts.createSourceFile('prelude.ts', block.prelude, ts.ScriptTarget.Latest, true);
  const problems: Problem[] = [];
  const at = (node: ts.Node): string => `${block.file}:${block.preludeLine + source.getLineAndCharacterOfPosition(node.getStart(source)).line}`;
  for (const statement of source.statements) {
    const declared = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
    const allowed = declared || ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isImportDeclaration(statement);
    if (!allowed) problems.push({ at: at(statement), message: 'a snippet prelude only declares placeholders (declare const/function/class, type, interface, import)' });
  }
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) problems.push({ at: at(node), message: 'a snippet prelude declares no `any`: give the placeholder its real type' });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

/** Type-checks every block in one program; returns each diagnostic at its markdown line. */
export function typeCheck(root: string, blocks: readonly Block[]): Problem[] {
  const options = compilerOptions(root);
  const modules = new Map<string, { block: Block; text: string; preludeLines: number }>();
  blocks.forEach((block, index) => modules.set(moduleFileOf(root, block, index), { block, ...moduleSource(block) }));
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => modules.get(file)?.text ?? readFile(file);
  host.fileExists = (file) => modules.has(file) || fileExists(file);
  host.getSourceFile = (file, language, onError, create) => {
    const module = modules.get(file);
    return module ? ts.createSourceFile(file, module.text, language, true) : getSourceFile(file, language, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...modules.keys()], options, host });
  const problems: Problem[] = [];
  for (const [file, { block, preludeLines }] of modules) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${where(block)}: the block's module was not compiled`);
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
      const at = line < preludeLines ? `${block.file}:${block.preludeLine + line} (prelude)` : where(block, line - preludeLines);
      problems.push({ at, message: `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}` });
    }
  }
  return problems;
}
