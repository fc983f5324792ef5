/**
 * The router's types as the TypeScript compiler sees them, and ONE printer that writes a resolved
 * type as plain TypeScript. `docs/API.md` (scripts/api-docs.ts) and `@shop/client`'s generated
 * router (packages/client/scripts/generate-router.mjs) both print with it, so a type reads the
 * same in the docs and in a frontend's editor.
 *
 * Plain JavaScript (typed by router-types.d.mts) so the client's build runs on plain Node.
 */
import { join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
export const ROUTER_FILE = join(ROOT, 'packages/api/src/root.ts');

/** The compiler's view of `appRouter`; fails, naming the errors, when the router does not type-check. */
export function loadRouterTypes() {
  const { config, error } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const program = ts.createProgram([ROUTER_FILE], { ...options, noEmit: true });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length) {
    throw new Error(
      `The router does not type-check:\n${ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => '\n',
      })}`,
    );
  }
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ROUTER_FILE);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  const routerSymbol =
    moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'appRouter');
  if (!routerSymbol) throw new Error(`No \`appRouter\` exported from ${ROUTER_FILE}`);

  /** The type of property `name` of `type`, or undefined. */
  const member = (type, name) => {
    const symbol = checker.getPropertyOfType(type, name);
    return symbol && checker.getTypeOfSymbol(symbol);
  };
  /** The type of property `name` of `type`; throws, naming `where`, when there is none. */
  const prop = (type, name, where = name) => {
    const found = member(type, name);
    if (!found)
      throw new Error(`Expected a \`${name}\` on ${where}: ${checker.typeToString(type)}`);
    return found;
  };
  const isLib = (symbol) => {
    const declarations = symbol.getDeclarations() ?? [];
    return (
      declarations.length > 0 &&
      declarations.every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()))
    );
  };
  return {
    checker,
    routerType: checker.getTypeOfSymbol(routerSymbol),
    member,
    prop,
    print: (type, indent = '') => printType(checker, isLib, type, indent),
  };
}

const F = ts.TypeFlags;
/** A property name as TypeScript writes it: bare when it is an identifier, quoted otherwise. */
export const propertyKey = (name) =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
const isNullish = (type) => (type.flags & (F.Null | F.Undefined)) !== 0;

/**
 * A resolved type, structurally: object types are expanded into their fields (a reader sees
 * `{ id: string; … }`, not `Product`, and the client's file needs no server type), only the lib's
 * own interfaces and classes (Date, Map, Promise…) keep their names. Unions keep the compiler's
 * order with `true | false` as `boolean` and null/undefined last. A recursive type, a function
 * or a symbol key has no JSON form: they throw, naming the type.
 */
function printType(checker, isLib, root, rootIndent) {
  const name = (type) => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);

  const print = (type, indent, seen) => {
    if (seen.length > 60 || seen.includes(type)) {
      throw new Error(`Cannot print a recursive type: ${name(type)}`);
    }
    const inner = (t, at = indent) => print(t, at, [...seen, type]);
    const f = type.flags;
    if (f & F.Boolean) return 'boolean';
    if (f & F.StringLiteral) return JSON.stringify(type.value);
    if (f & (F.NumberLiteral | F.BooleanLiteral | F.TemplateLiteral)) return name(type);
    if (f & F.BigIntLiteral) return `${type.value.negative ? '-' : ''}${type.value.base10Value}n`;
    const keyword = [
      [F.Any, 'any'],
      [F.Unknown, 'unknown'],
      [F.Never, 'never'],
      [F.Void, 'void'],
      [F.Undefined, 'undefined'],
      [F.Null, 'null'],
      [F.String, 'string'],
      [F.Number, 'number'],
      [F.BigInt, 'bigint'],
      [F.ESSymbol | F.UniqueESSymbol, 'symbol'],
      [F.NonPrimitive, 'object'],
    ].find(([flag]) => f & flag);
    if (keyword) return keyword[1];
    if (type.isUnion()) {
      const members = type.types;
      const isBool = (m) => (m.flags & F.BooleanLiteral) !== 0;
      const both = ['true', 'false'].every((b) => members.some((m) => isBool(m) && name(m) === b));
      const parts = [];
      for (const m of members.filter((m) => !isNullish(m))) {
        const printed = both && isBool(m) ? 'boolean' : inner(m);
        if (!parts.includes(printed)) parts.push(printed);
      }
      return [...parts, ...members.filter(isNullish).map(name)].join(' | ');
    }
    if (type.isIntersection()) {
      // Kept as the compiler has it: the client's types must stay identical to the server's.
      return type.types.map((m) => (m.isUnion() ? `(${inner(m)})` : inner(m))).join(' & ');
    }
    if (!(f & F.Object)) throw new Error(`Cannot print ${name(type)} (flags ${f})`);
    if (checker.isTupleType(type)) {
      const flagsOf = type.target.elementFlags ?? [];
      const parts = checker.getTypeArguments(type).map((e, i) => {
        const ef = flagsOf[i] ?? ts.ElementFlags.Required;
        if (ef & ts.ElementFlags.Rest) return `...(${inner(e)})[]`;
        return ef & ts.ElementFlags.Optional ? `(${inner(e)})?` : inner(e);
      });
      return `${type.target.readonly ? 'readonly ' : ''}[${parts.join(', ')}]`;
    }
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type);
      const printed = inner(element);
      const readonly = type.getSymbol()?.getName() === 'ReadonlyArray' ? 'readonly ' : '';
      return `${readonly}${element.isUnion() && !(element.flags & F.Boolean) ? `(${printed})` : printed}[]`;
    }
    const symbol = type.getSymbol();
    // Lib interfaces and classes exist everywhere: keep their names. Lib type aliases (Omit,
    // Pick, Record…) are expanded like any other object type.
    const named = ts.SymbolFlags.Interface | ts.SymbolFlags.Class;
    if (symbol && symbol.flags & named && !symbol.getName().startsWith('__') && isLib(symbol)) {
      const args =
        type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type) : [];
      return args.length
        ? `${symbol.getName()}<${args.map((a) => inner(a)).join(', ')}>`
        : symbol.getName();
    }
    if (type.getCallSignatures().length || type.getConstructSignatures().length) {
      throw new Error(`Cannot print a function type: ${name(type)}`);
    }
    const at = `${indent}  `;
    const lines = [];
    for (const p of checker.getPropertiesOfType(type)) {
      if (p.getName().startsWith('__@')) {
        throw new Error(`Cannot print a symbol-keyed property on ${name(type)}`);
      }
      const optional = p.flags & ts.SymbolFlags.Optional ? '?' : '';
      const readonly = ts.getCheckFlags?.(p) & 8 /* Readonly */ ? 'readonly ' : '';
      lines.push(
        `${at}${readonly}${propertyKey(p.getName())}${optional}: ${inner(checker.getTypeOfSymbol(p), at)};`,
      );
    }
    for (const info of checker.getIndexInfosOfType(type)) {
      const readonly = info.isReadonly ? 'readonly ' : '';
      lines.push(`${at}${readonly}[key: ${inner(info.keyType, at)}]: ${inner(info.type, at)};`);
    }
    return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
  };
  return print(root, rootIndent, []);
}
