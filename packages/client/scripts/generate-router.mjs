/**
 * Writes `src/generated/app-router.ts`: the server's `AppRouter` with every procedure's input,
 * output and the error shape resolved to plain object types, and the root `ctx` replaced by
 * `object`. The result imports nothing but `@trpc/server`, so neither the client's build nor a
 * frontend's `tsc` ever reads the server's source (its context drags in the AWS SDK and Node).
 *
 * It is derived from `packages/api/src/root.ts` with the TypeScript compiler API on every build:
 * new procedures show up without anyone writing a type by hand.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const ROUTER_FILE = join(ROOT, 'packages/api/src/root.ts');
export const GENERATED_FILE = resolve(import.meta.dirname, '../src/generated/app-router.ts');

function compilerOptions() {
  const configPath = join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
}

/** Resolves the router's types and prints them as a standalone module. */
export function generateRouterSource() {
  const program = ts.createProgram([ROUTER_FILE], { ...compilerOptions(), noEmit: true });
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
  const exported = moduleSymbol && checker.getExportsOfModule(moduleSymbol);
  const routerSymbol = exported?.find((s) => s.getName() === 'appRouter');
  if (!routerSymbol) throw new Error(`No \`appRouter\` exported from ${ROUTER_FILE}`);
  const routerType = checker.getTypeOfSymbol(routerSymbol);

  const prop = (type, name, where = name) => {
    const symbol = checker.getPropertyOfType(type, name);
    if (!symbol)
      throw new Error(`Expected a \`${name}\` on ${where}: ${checker.typeToString(type)}`);
    return checker.getTypeOfSymbol(symbol);
  };
  const isLib = (symbol) =>
    (symbol.getDeclarations() ?? []).length > 0 &&
    symbol.getDeclarations().every((d) => program.isSourceFileDefaultLibrary(d.getSourceFile()));
  const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
  const F = ts.TypeFlags;

  /** Prints a resolved type structurally: only lib types (Date, Promise, …) keep their names. */
  function print(type, seen = []) {
    if (seen.length > 60 || seen.includes(type)) {
      throw new Error(`Cannot flatten a recursive type: ${checker.typeToString(type)}`);
    }
    const inner = (t) => print(t, [...seen, type]);
    const f = type.flags;
    if (f & F.Any) return 'any';
    if (f & F.Unknown) return 'unknown';
    if (f & F.Never) return 'never';
    if (f & F.Void) return 'void';
    if (f & F.Undefined) return 'undefined';
    if (f & F.Null) return 'null';
    if (f & F.StringLiteral) return JSON.stringify(type.value);
    if (f & F.NumberLiteral) return String(type.value);
    if (f & F.BigIntLiteral) return `${type.value.negative ? '-' : ''}${type.value.base10Value}n`;
    if (f & F.BooleanLiteral) return checker.typeToString(type);
    if (f & F.String) return 'string';
    if (f & F.Number) return 'number';
    if (f & F.Boolean) return 'boolean';
    if (f & F.BigInt) return 'bigint';
    if (f & (F.ESSymbol | F.UniqueESSymbol)) return 'symbol';
    if (f & F.NonPrimitive) return 'object';
    if (f & F.TemplateLiteral) return checker.typeToString(type);
    if (f & F.Union) {
      const members = type.types;
      const hasTrue = members.some(
        (m) => m.flags & F.BooleanLiteral && checker.typeToString(m) === 'true',
      );
      const hasFalse = members.some(
        (m) => m.flags & F.BooleanLiteral && checker.typeToString(m) === 'false',
      );
      const parts = [];
      for (const m of members) {
        if (hasTrue && hasFalse && m.flags & F.BooleanLiteral) {
          if (!parts.includes('boolean')) parts.push('boolean');
          continue;
        }
        const printed = inner(m);
        parts.push(m.flags & F.Object && printed.includes('=>') ? `(${printed})` : printed);
      }
      return parts.join(' | ');
    }
    if (f & F.Intersection) return type.types.map((m) => `(${inner(m)})`).join(' & ');
    if (f & F.Object) {
      if (checker.isTupleType(type)) {
        const elements = checker.getTypeArguments(type);
        const flagsOf = type.target.elementFlags ?? [];
        const parts = elements.map((e, i) => {
          const ef = flagsOf[i] ?? ts.ElementFlags.Required;
          if (ef & ts.ElementFlags.Rest) return `...(${inner(e)})[]`;
          return ef & ts.ElementFlags.Optional ? `(${inner(e)})?` : inner(e);
        });
        return `${type.target.readonly ? 'readonly ' : ''}[${parts.join(', ')}]`;
      }
      if (checker.isArrayType(type)) {
        const [element] = checker.getTypeArguments(type);
        const readonly = type.getSymbol()?.getName() === 'ReadonlyArray';
        return `${readonly ? 'readonly ' : ''}(${inner(element)})[]`;
      }
      const symbol = type.getSymbol();
      // Named lib interfaces and classes (Date, Map, Promise…) exist everywhere: keep their names.
      // Lib type aliases (Omit, Pick, Record…) are expanded like any other object type.
      const named = ts.SymbolFlags.Interface | ts.SymbolFlags.Class;
      if (symbol && symbol.flags & named && !symbol.getName().startsWith('__') && isLib(symbol)) {
        const args =
          type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type) : [];
        return args.length
          ? `${symbol.getName()}<${args.map(inner).join(', ')}>`
          : symbol.getName();
      }
      if (checker.getSignaturesOfType(type, ts.SignatureKind.Call).length) {
        throw new Error(`Cannot flatten a function type: ${checker.typeToString(type)}`);
      }
      const members = [];
      for (const info of checker.getIndexInfosOfType(type)) {
        members.push(
          `${info.isReadonly ? 'readonly ' : ''}[key: ${inner(info.keyType)}]: ${inner(info.type)}`,
        );
      }
      for (const p of checker.getPropertiesOfType(type)) {
        if (p.getName().startsWith('__@')) {
          throw new Error(
            `Cannot flatten a symbol-keyed property on ${checker.typeToString(type)}`,
          );
        }
        const optional = p.flags & ts.SymbolFlags.Optional ? '?' : '';
        const readonly = ts.getCheckFlags?.(p) & 8 /* Readonly */ ? 'readonly ' : '';
        members.push(
          `${readonly}${key(p.getName())}${optional}: ${inner(checker.getTypeOfSymbol(p))}`,
        );
      }
      return members.length ? `{ ${members.join('; ')} }` : '{}';
    }
    throw new Error(`Cannot flatten ${checker.typeToString(type)} (flags ${f})`);
  }

  const procedures = [];
  const wrappers = new Set();
  /** Walks the router's record: procedures, nested records and sub-routers. */
  function record(type, path, depth) {
    const pad = '  '.repeat(depth);
    const lines = ['{'];
    for (const p of checker.getPropertiesOfType(type)) {
      const name = p.getName();
      const value = checker.getTypeOfSymbol(p);
      const at = [...path, name].join('.');
      const def = checker.getPropertyOfType(value, '_def') && prop(value, '_def', at);
      let printed;
      if (def && checker.getPropertyOfType(def, 'procedure')) {
        const kind = prop(def, 'type', at).value;
        const types = prop(def, '$types', at);
        const wrapper = {
          query: 'TRPCQueryProcedure',
          mutation: 'TRPCMutationProcedure',
          subscription: 'TRPCSubscriptionProcedure',
        }[kind];
        if (!wrapper) throw new Error(`Unknown procedure type ${kind} at ${at}`);
        procedures.push(`${kind} ${at}`);
        wrappers.add(wrapper);
        printed = `${wrapper}<{ input: ${print(prop(types, 'input', at))}; output: ${print(
          prop(types, 'output', at),
        )}; meta: ${print(prop(value, 'meta', at))}; errorShape: ShopErrorShape }>`;
      } else if (def && checker.getPropertyOfType(def, 'record')) {
        printed = record(prop(def, 'record', at), [...path, name], depth + 1);
      } else {
        printed = record(value, [...path, name], depth + 1);
      }
      lines.push(`${pad}  ${key(name)}: ${printed};`);
    }
    lines.push(`${pad}}`);
    return lines.join('\n');
  }

  const routerDef = prop(routerType, '_def');
  const rootTypes = prop(prop(routerDef, '_config'), '$types');
  const errorShape = print(prop(rootTypes, 'errorShape'));
  const meta = print(prop(rootTypes, 'meta'));
  const transformer = print(prop(rootTypes, 'transformer'));
  const body = record(prop(routerDef, 'record'), [], 0);

  const text = `// GENERATED by packages/client/scripts/generate-router.mjs from packages/api/src/root.ts.
// Do not edit: \`pnpm --filter @shop/client build\` (run by \`pnpm install\`) writes it again.
import type { ${['TRPCBuiltRouter', ...[...wrappers].sort()].join(', ')} } from '@trpc/server';

/** The shape of every error the API sends (\`error.shape\`; \`error.data\` is its \`data\`). */
export type ShopErrorShape = ${errorShape};

/** The shop API's router, as a client sees it: no server context, only inputs and outputs. */
export type AppRouter = TRPCBuiltRouter<
  { ctx: object; meta: ${meta}; errorShape: ShopErrorShape; transformer: ${transformer} },
  ${body}
>;
`;
  return { text, procedures };
}

export async function writeGeneratedRouter() {
  const generated = generateRouterSource();
  const { procedures } = generated;
  // Prettier (the workspace's) makes the file readable; it is the same text without it.
  let text = generated.text;
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(GENERATED_FILE)) ?? {};
    text = await prettier.format(text, { ...options, filepath: GENERATED_FILE });
  } catch {
    // not installed: keep the unformatted text
  }
  mkdirSync(dirname(GENERATED_FILE), { recursive: true });
  let previous = '';
  try {
    previous = readFileSync(GENERATED_FILE, 'utf8');
  } catch {
    // first build
  }
  if (previous !== text) writeFileSync(GENERATED_FILE, text);
  return { file: GENERATED_FILE, procedures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { file, procedures } = await writeGeneratedRouter();
  console.log(`[client] ${procedures.length} procedures -> ${file}`);
}
