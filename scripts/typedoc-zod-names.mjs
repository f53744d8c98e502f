/**
 * TypeDoc plugin: zod types by name, each expanded once.
 *
 * typedoc-plugin-zod shows `type Account = z.infer<typeof Account>` as the object it infers. Two
 * things remain, which this plugin does:
 * - TypeScript forgets names inside inferred types, so `Account.balances.current` would expand
 *   Money again and `Checkpoint.pending.challenge` the whole ChallengeData union. A nested
 *   schema's inferred type is the very type object its alias resolves to, so those type objects
 *   (and unions holding all of a named union's members) are mapped back to the alias's name, for
 *   the aliases an entry point exports (a type nobody can import stays expanded). Objects and
 *   literal unions only: a primitive alias (`DecimalString` is `string`) would rename every string.
 * - `export type { Checkpoint }` of a schema and its type documents the schema's type too
 *   (`typeof Checkpoint`) as a second type alias of the same name: that duplicate is removed.
 */
import { ArrayType, Converter, IntrinsicType, ReflectionKind, UnionType, TypeScript as ts } from 'typedoc';

const ZOD_ALIASES = new Set(['infer', 'output', 'TypeOf', 'input']);

/** A type computed from a value: `ReturnType<typeof f>`, `keyof typeof X`, `(typeof X)[number]`. */
function fromValue(node) {
  if (ts.isParenthesizedTypeNode(node)) return fromValue(node.type);
  if (ts.isTypeQueryNode(node)) return true;
  if (ts.isTypeReferenceNode(node)) return Boolean(node.typeArguments?.[0] && fromValue(node.typeArguments[0]));
  if (ts.isTypeOperatorNode(node)) return fromValue(node.type);
  if (ts.isIndexedAccessTypeNode(node)) return fromValue(node.objectType);
  return false;
}

/**
 * How an alias is computed: 'output' (`z.infer<typeof X>`, `z.output<…>`), 'input' (`z.input<…>`),
 * 'value' (another type computed from a value), or undefined (TypeScript keeps its name itself).
 */
function aliasKind(declaration) {
  const node = declaration.type;
  if (declaration.typeParameters?.length || !fromValue(node)) return undefined;
  if (ts.isTypeReferenceNode(node) && node.typeArguments.length === 1 && ts.isTypeQueryNode(node.typeArguments[0])) {
    const name = ts.isQualifiedName(node.typeName) ? node.typeName.right.text : node.typeName.text;
    if (ZOD_ALIASES.has(name)) return name === 'input' ? 'input' : 'output';
  }
  return 'value';
}

const LITERAL_OR_OBJECT = ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.Undefined | ts.TypeFlags.Null;

/** Types worth a name: objects (not interfaces or classes, named already), unions of literals and objects (not `boolean`, not `string | number`). */
function nameable(type) {
  if (type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) return !(type.symbol && type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class));
  if (!type.isUnion() || type.flags & ts.TypeFlags.Boolean) return false;
  return type.types.every((member) => member.flags & LITERAL_OR_OBJECT);
}

/** Every computed alias the entry points export: its type → the alias's symbol (zod output, input, then others). */
function collect(context, entryPoints) {
  const named = new Map();
  for (const program of context.programs) {
    const checker = program.getTypeChecker();
    for (const file of program.getSourceFiles()) {
      if (!entryPoints.has(file.fileName.replaceAll('\\', '/'))) continue;
      const module = checker.getSymbolAtLocation(file);
      if (!module) continue;
      const found = [];
      for (let symbol of checker.getExportsOfModule(module)) {
        if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        for (const declaration of symbol.declarations ?? []) {
          const kind = ts.isTypeAliasDeclaration(declaration) ? aliasKind(declaration) : undefined;
          if (!kind) continue;
          const type = checker.getTypeAtLocation(declaration);
          if (nameable(type) && type.aliasSymbol !== symbol) found.push({ type, symbol, kind }); // (else TypeScript names it)
        }
      }
      for (const kind of ['output', 'input', 'value']) {
        for (const f of found) if (f.kind === kind && !named.has(f.type)) named.set(f.type, f.symbol);
      }
    }
  }
  return named;
}

export function load(app) {
  let named = new Map();
  /** Named unions of objects, largest first: a union that holds all their members shows their name. */
  let unions = [];
  app.converter.on(Converter.EVENT_BEGIN, (context) => {
    named = collect(context, new Set(app.options.getValue('entryPoints').map((path) => path.replaceAll('\\', '/'))));
    unions = [...named]
      .filter(([type]) => type.isUnion() && type.types.some((member) => member.flags & ts.TypeFlags.Object))
      .map(([type, symbol]) => ({ members: new Set(type.types), symbol }))
      .sort((a, b) => b.members.size - a.members.size);
  });
  app.converter.on(Converter.EVENT_END, () => {
    named = new Map();
    unions = [];
  });

  const convertType = app.converter.convertType.bind(app.converter);

  /** Converting the alias itself: it expands, once. */
  const isSelf = (context, symbol) => context.scope.kindOf(ReflectionKind.TypeAlias) && context.getSymbolFromReflection(context.scope) === symbol;

  /** The named form of a type, or undefined when no part of it has a name (recursive types: once). */
  const visiting = new Set();
  function byName(context, type) {
    if (visiting.has(type)) return undefined;
    visiting.add(type);
    try {
      return nameOf(context, type);
    } finally {
      visiting.delete(type);
    }
  }

  function nameOf(context, type) {
    const symbol = named.get(type);
    if (symbol) return isSelf(context, symbol) ? undefined : context.createSymbolReference(symbol, context);
    if (type.isUnion()) return unionOf(context, type);
    if (context.checker.isArrayType(type)) {
      const [element] = context.checker.getTypeArguments(type);
      const inner = element && byName(context, element);
      if (inner) return new ArrayType(inner);
    }
    return undefined;
  }

  function unionOf(context, type) {
    let rest = [...type.types];
    const parts = [];
    for (const { members, symbol } of unions) {
      if (members.size > 1 && !isSelf(context, symbol) && [...members].every((m) => rest.includes(m))) {
        parts.push(context.createSymbolReference(symbol, context));
        rest = rest.filter((m) => !members.has(m));
      }
    }
    const members = rest.map((member) => ({ member, ref: byName(context, member) }));
    if (!parts.length && !members.some((m) => m.ref)) return undefined;
    let converted = [...parts, ...members.map(({ member, ref }) => ref ?? convertType(context, member))];
    // `true | false` read as TypeDoc shows them: boolean.
    const literal = (value) => (t) => t.type === 'literal' && t.value === value;
    if (converted.some(literal(true)) && converted.some(literal(false))) {
      converted = [...converted.filter((t) => !literal(true)(t) && !literal(false)(t)), new IntrinsicType('boolean')];
    }
    return converted.length === 1 ? converted[0] : new UnionType(converted);
  }

  app.converter.convertType = (context, typeOrNode, maybeNode) => {
    const reference = typeOrNode && !('kind' in typeOrNode) ? byName(context, typeOrNode) : undefined;
    return reference ?? convertType(context, typeOrNode, maybeNode);
  };

  // After typedoc-plugin-zod (priority 2000) has expanded the aliases: of two type aliases of one
  // name in one module, the one that still reads as a zod schema type is the schema's.
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    (context) => {
      for (const module of context.project.getReflectionsByKind(ReflectionKind.Module | ReflectionKind.Project)) {
        const aliases = (module.children ?? []).filter((child) => child.kindOf(ReflectionKind.TypeAlias));
        for (const alias of aliases) {
          const twin = aliases.some((other) => other !== alias && other.name === alias.name);
          if (twin && alias.type?.type === 'reference' && alias.type.package === 'zod') context.project.removeReflection(alias);
        }
      }
    },
    1000,
  );
}
