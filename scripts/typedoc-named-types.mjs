/**
 * TypeDoc plugin: every public type shown by its name, and expanded once, on its own page.
 *
 * typedoc-plugin-zod already shows `type Account = z.infer<typeof Account>` as the object it
 * infers (and the schema as `ZodMiniObject<Account>`). What remains, done here:
 * - Names inside inferred types. TypeScript forgets them, so `Account.balances.current` would
 *   expand Money again and `Checkpoint.pending.challenge` the whole ChallengeData union. A nested
 *   schema's inferred type is the very type object its alias resolves to, so those type objects
 *   (and unions holding every member of a named union of objects) are shown by the alias's name.
 *   The same holds for other types computed from a value (`ReturnType<typeof fintecture>` is
 *   what `fintecture()` returns: FintectureProvider). Only for aliases an entry point exports (a
 *   type nobody can import stays expanded); only objects and literal unions (`DecimalString` is
 *   `string`: naming it would rename every string).
 * - Pages that say something: an exported alias computed from a value (`ReturnType<typeof f>`,
 *   `keyof typeof X`) or built on types nobody can import (`WithAnswer<…>`) shows what it
 *   resolves to, with its members, instead of the expression.
 * - `export type { Checkpoint }` of a schema and its type documents the schema's type too, as a
 *   second type alias of the same name: that twin is removed. A schema reads as `ZodMiniObject<X>`
 *   with X its own type (typedoc-plugin-zod may pick `z.input`'s alias of the same schema).
 */
import { ArrayType, Converter, DeclarationReflection, IntrinsicType, NamedTupleMember, OptionalType, ReflectionKind, ReferenceType, ReflectionType, RestType, TupleType, TypeOperatorType, UnionType, makeRecursiveVisitor, TypeScript as ts } from 'typedoc';

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

/** `z.infer<typeof X>` / `z.output<…>`: 'output'; `z.input<…>`: 'input'; other types of a value: 'value'. */
function aliasKind(node) {
  if (!fromValue(node)) return undefined;
  if (ts.isTypeReferenceNode(node) && node.typeArguments.length === 1 && ts.isTypeQueryNode(node.typeArguments[0])) {
    const name = ts.isQualifiedName(node.typeName) ? node.typeName.right.text : node.typeName.text;
    if (ZOD_ALIASES.has(name)) return name === 'input' ? 'input' : 'output';
  }
  return 'value';
}

const LITERAL_OR_OBJECT = ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.Undefined | ts.TypeFlags.Null;

/** Types worth a name: objects (not interfaces or classes: named already), unions of literals and objects (not `boolean`, not `string | number`). */
function nameable(type) {
  if (type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) return !(type.symbol && type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class));
  if (!type.isUnion() || type.flags & ts.TypeFlags.Boolean) return false;
  return type.types.every((member) => member.flags & LITERAL_OR_OBJECT);
}

const resolved = (checker, symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

/** Whether a type is built on a type alias or interface of this project that no entry point exports (`WithAnswer<…>`, `X & WithAnswer<…>`). */
function wrapsUnexported(checker, node, exported) {
  if (ts.isParenthesizedTypeNode(node)) return wrapsUnexported(checker, node.type, exported);
  if (ts.isIntersectionTypeNode(node) || ts.isUnionTypeNode(node)) return node.types.some((member) => wrapsUnexported(checker, member, exported));
  if (!ts.isTypeReferenceNode(node)) return false;
  const symbol = checker.getSymbolAtLocation(node.typeName);
  const target = symbol && resolved(checker, symbol);
  const local = target?.declarations?.some((d) => !d.getSourceFile().fileName.includes('/node_modules/'));
  return Boolean(local && target.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface) && !exported.has(target));
}

/**
 * From the entry points' exports: `named` (a type → the alias that names it: zod output, zod
 * input, then other computed aliases) and `expand` (the aliases whose page shows what they resolve to).
 */
function collect(context, entryPoints) {
  const named = new Map();
  const expand = new Set();
  for (const program of context.programs) {
    const checker = program.getTypeChecker();
    const modules = program
      .getSourceFiles()
      .filter((file) => entryPoints.has(file.fileName.replaceAll('\\', '/')))
      .map((file) => checker.getSymbolAtLocation(file))
      .filter(Boolean);
    const exported = new Set(modules.flatMap((module) => checker.getExportsOfModule(module).map((symbol) => resolved(checker, symbol))));
    const found = [];
    for (const symbol of exported) {
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isTypeAliasDeclaration(declaration) || declaration.typeParameters?.length) continue;
        const kind = aliasKind(declaration.type);
        const type = checker.getTypeAtLocation(declaration);
        if (kind && nameable(type) && type.aliasSymbol !== symbol) found.push({ type, symbol, kind });
        if (kind === 'value' || (!kind && wrapsUnexported(checker, declaration.type, exported))) expand.add(symbol);
      }
    }
    for (const kind of ['output', 'input', 'value']) {
      for (const f of found) if (f.kind === kind && !named.has(f.type)) named.set(f.type, f.symbol);
    }
  }
  return { named, expand };
}

export function load(app) {
  let named = new Map();
  let expand = new Set();
  /** Named unions of objects, largest first: a union that holds all their members shows their name. */
  let unions = [];
  app.converter.on(Converter.EVENT_BEGIN, (context) => {
    ({ named, expand } = collect(context, new Set(app.options.getValue('entryPoints').map((path) => path.replaceAll('\\', '/')))));
    unions = [...named]
      .filter(([type]) => type.isUnion() && type.types.some((member) => member.flags & ts.TypeFlags.Object))
      .map(([type, symbol]) => ({ members: new Set(type.types), symbol }))
      .sort((a, b) => b.members.size - a.members.size);
  });
  app.converter.on(Converter.EVENT_END, () => {
    named = new Map();
    expand = new Set();
    unions = [];
  });

  const convertType = app.converter.convertType.bind(app.converter);
  /** Drops the reflections of a converted type that is not kept. */
  const removeNested = (context) => makeRecursiveVisitor({ reflection: (type) => context.project.removeReflection(type.declaration) });

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
    if (type.isUnion()) return unionOf(context, type, false);
    if (context.checker.isArrayType(type)) {
      const [element] = context.checker.getTypeArguments(type);
      const inner = element && byName(context, element);
      if (inner) return new ArrayType(inner);
      return undefined;
    }
    if (context.checker.isTupleType(type)) return tupleOf(context, type);
    return withNamedArguments(context, type);
  }

  /** `Promise<Account[]>`, `AsyncGenerator<Transaction>`: TypeDoc's reference, its type arguments by name. */
  function withNamedArguments(context, type) {
    const args = type.aliasSymbol ? type.aliasTypeArguments : type.flags & ts.TypeFlags.Object && type.objectFlags & ts.ObjectFlags.Reference ? context.checker.getTypeArguments(type) : undefined;
    const names = args?.map((arg) => byName(context, arg)) ?? [];
    if (!names.some(Boolean)) return undefined;
    const converted = convertType(context, type);
    // TypeDoc leaves out trailing defaulted arguments: the others keep their positions.
    if (converted.type !== 'reference' || !converted.typeArguments || converted.typeArguments.length > args.length) return undefined;
    converted.typeArguments = converted.typeArguments.map((arg, i) => {
      if (!names[i]) return arg;
      arg.visit(removeNested(context));
      return names[i];
    });
    return converted;
  }

  /**
   * A tuple with its elements by name (`status: [status: ConnectionStatus]`). Also every readonly
   * tuple with optional or rest elements: TypeDoc 0.28 drops those marks there (`readonly [T, ...T[]]`
   * would read as a pair).
   */
  function tupleOf(context, type) {
    const { elementFlags: flags, labeledElementDeclarations: labels, readonly } = type.target;
    const args = context.checker.getTypeArguments(type).slice(0, flags.length);
    const names = args.map((arg) => byName(context, arg));
    if (!names.some(Boolean) && !(readonly && flags.some((flag) => !(flag & ts.ElementFlags.Required)))) return undefined;
    const elements = args.map((arg, i) => {
      const element = names[i] ?? convertType(context, arg);
      const label = labels?.[i]?.name.getText();
      const optional = Boolean(flags[i] & ts.ElementFlags.Optional);
      if (flags[i] & ts.ElementFlags.Variable) return new RestType(label ? new NamedTupleMember(label, false, new ArrayType(element)) : new ArrayType(element));
      if (label) return new NamedTupleMember(label, optional, element);
      return optional ? new OptionalType(element) : element;
    });
    const tuple = new TupleType(elements);
    return readonly ? new TypeOperatorType(tuple, 'readonly') : tuple;
  }


  /** A union with its named parts by name; undefined if none has a name (unless `always`). */
  function unionOf(context, type, always) {
    let rest = [...type.types];
    const parts = [];
    for (const { members, symbol } of unions) {
      if (members.size > 1 && !isSelf(context, symbol) && [...members].every((m) => rest.includes(m))) {
        parts.push(context.createSymbolReference(symbol, context));
        rest = rest.filter((m) => !members.has(m));
      }
    }
    const members = rest.map((member) => ({ member, ref: byName(context, member) }));
    if (!always && !parts.length && !members.some((m) => m.ref)) return undefined;
    let converted = [...parts, ...members.map(({ member, ref }) => ref ?? convertType(context, member))];
    // `true | false` as TypeDoc shows it: boolean.
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

  /** What an alias resolves to, written out: a union member by member, an object member by member. */
  function expansion(context, reflection, type) {
    const scope = context.withScope(reflection);
    // TypeDoc's own form (`Omit<FintectureAdapter, …> & {…}`, an object literal), unless that is the name itself.
    const own = convertType(scope, type);
    if (!(own.type === 'reference' && own.name === reflection.name)) return own;
    own.visit(removeNested(context));
    if (type.isUnion()) return unionOf(scope, type, true);
    const properties = context.checker.getPropertiesOfType(type);
    if (!(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) || !properties.length || type.getCallSignatures().length) return convertType(scope, type);
    const literal = new DeclarationReflection('__type', ReflectionKind.TypeLiteral, reflection);
    context.registerReflection(literal, undefined);
    for (const property of properties) context.converter.convertSymbol(scope.withScope(literal), property);
    return new ReflectionType(literal);
  }

  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.TypeAlias)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (!symbol || !expand.has(symbol)) return;
    // TypeDoc sets the alias's type right after this event: replace it once it is there.
    context.converter.deferConversion(() => {
      if (reflection.children) return; // an object literal: TypeDoc listed its members already
      const declaration = symbol.declarations.find(ts.isTypeAliasDeclaration);
      reflection.type?.visit(removeNested(context));
      reflection.type = expansion(context, reflection, context.checker.getTypeAtLocation(declaration));
    });
  });

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
        // A schema reads as the type of its own name (`ChallengeData`, not the input type `ChallengeDataInput`).
        for (const schema of (module.children ?? []).filter((child) => child.kindOf(ReflectionKind.Variable))) {
          const own = (module.children ?? []).find((child) => child.kindOf(ReflectionKind.TypeAlias) && child.name === schema.name);
          const args = schema.type?.type === 'reference' && schema.type.package === 'zod' ? schema.type.typeArguments : undefined;
          if (own && args?.length === 1 && args[0].type === 'reference') args[0] = ReferenceType.createResolvedReference(own.name, own, context.project);
        }
      }
    },
    1000,
  );
}
