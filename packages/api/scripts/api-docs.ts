/**
 * Generates `docs/API.md` from `appRouter`: `pnpm run docs`.
 *
 * - Procedures, their kind and their order come from the router at runtime.
 * - Auth level comes from `meta.auth`, set by the builders in `src/trpc.ts`.
 * - Input is JSON Schema from the procedure's zod schemas (`z.toJSONSchema`).
 * - Output has no schema: it is the TypeScript type the compiler infers for the procedure
 *   (`_def.$types.output` of `typeof appRouter`), expanded by the printer that `@shop/client`'s
 *   generated router uses too (`router-types.mjs`).
 * - Errors: generic ones from input and auth level, domain ones from `DOMAIN_ERRORS` below.
 *
 * New procedures are picked up with no edits here; only `DOMAIN_ERRORS` needs a line if the new
 * procedure can give NOT_FOUND or CONFLICT (or another domain error).
 *
 * `packages/api/test/api-docs.test.ts` fails when `docs/API.md` is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import type ts from 'typescript';
import * as z from 'zod/mini';
import { MAX_BATCH_SIZE } from '../src/app.ts';
import { loadAllRouters } from './all-routers.ts';
import { loadRouterTypes } from './router-types.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const API_DOCS_PATH = path.join(repoRoot, 'docs/API.md');

type Auth = 'public' | 'user' | 'admin';
type Kind = 'query' | 'mutation' | 'subscription';
type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR';

interface DomainError {
  code: ErrorCode;
  when: string;
}

/**
 * Errors a procedure gives beyond the generic ones (from the API contract). Keyed by full path;
 * a procedure not listed here gets the generic errors only. Entries for procedures that do not
 * exist (yet) are ignored.
 */
const DOMAIN_ERRORS: Record<string, DomainError[]> = {
  'users.signUp': [{ code: 'CONFLICT', when: 'the email is already registered' }],
  'users.login': [{ code: 'UNAUTHORIZED', when: 'wrong email or password' }],
  'users.byId': [{ code: 'NOT_FOUND', when: 'no such user' }],
  'users.setAdmin': [
    { code: 'NOT_FOUND', when: 'no such user' },
    { code: 'CONFLICT', when: 'an admin changes their own admin right' },
  ],
  'users.confirmForgotPassword': [{ code: 'BAD_REQUEST', when: 'wrong or expired code' }],
  'users.changePassword': [{ code: 'BAD_REQUEST', when: 'wrong current password' }],
  'users.deleteMe': [{ code: 'BAD_REQUEST', when: 'wrong password' }],
  'products.byId': [{ code: 'NOT_FOUND', when: 'no such product' }],
  'products.update': [{ code: 'NOT_FOUND', when: 'no such product' }],
  'products.delete': [{ code: 'NOT_FOUND', when: 'no such product' }],
  'products.adjustStock': [
    { code: 'NOT_FOUND', when: 'no such product' },
    { code: 'CONFLICT', when: 'the resulting stock would be outside 0..1,000,000' },
  ],
  'addresses.create': [{ code: 'CONFLICT', when: 'the address limit is reached' }],
  'addresses.update': [{ code: 'NOT_FOUND', when: 'no such address, or not yours' }],
  'addresses.delete': [{ code: 'NOT_FOUND', when: 'no such address, or not yours' }],
  'orders.create': [
    {
      code: 'NOT_FOUND',
      when: 'a product or the shipping address does not exist (or is not yours)',
    },
    {
      code: 'CONFLICT',
      when: 'not enough stock (the message names the product); idempotency key reused with a different payload',
    },
  ],
  'orders.byId': [{ code: 'NOT_FOUND', when: 'no such order, or not yours' }],
  'orders.cancel': [
    { code: 'NOT_FOUND', when: 'no such order, or not yours' },
    { code: 'CONFLICT', when: 'the order can no longer be cancelled, or is already cancelled' },
  ],
  'orders.updateStatus': [
    { code: 'NOT_FOUND', when: 'no such order' },
    { code: 'CONFLICT', when: 'the status change is not allowed' },
  ],
};

/** What a procedure does that its types and errors do not say, one line, under its auth level. */
const NOTES: Record<string, string> = {
  'orders.updateStatus':
    'Moving an order to `PAID` by hand (a payment taken outside the shop) expires its open checkout, as `CANCELLED` does, so the shopper cannot pay it a second time; a failed expiry leaves the move standing.',
};

const ERROR_ORDER: ErrorCode[] = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
  'INTERNAL_SERVER_ERROR',
];

// ---------------------------------------------------------------------------------------------
// Runtime: the procedures, in router order.

interface ProcedureInfo {
  path: string;
  kind: Kind;
  auth: Auth | undefined;
  inputs: z.ZodMiniType[];
}

interface Group {
  name: string;
  procedures: ProcedureInfo[];
}

interface RuntimeProcedure {
  _def: {
    procedure: true;
    type: Kind;
    meta?: { auth?: Auth };
    inputs: unknown[];
  };
}

const isProcedure = (value: unknown): value is RuntimeProcedure =>
  typeof value === 'function' && (value as Partial<RuntimeProcedure>)._def?.procedure === true;

function collect(record: Record<string, unknown>, prefix: string[], into: ProcedureInfo[]) {
  for (const [key, value] of Object.entries(record)) {
    const at = [...prefix, key];
    if (isProcedure(value)) {
      into.push({
        path: at.join('.'),
        kind: value._def.type,
        auth: value._def.meta?.auth,
        inputs: value._def.inputs as z.ZodMiniType[],
      });
    } else if (value && typeof value === 'object') {
      const nested = (value as { _def?: { record?: Record<string, unknown> } })._def?.record;
      collect(nested ?? (value as Record<string, unknown>), at, into);
    }
  }
}

/** One group per top-level entry: a router with its procedures, or a top-level procedure. */
async function groups(): Promise<Group[]> {
  const appRouter = await loadAllRouters();
  const record = (appRouter as unknown as { _def: { record: Record<string, unknown> } })._def
    .record;
  return Object.entries(record).map(([name, value]) => {
    const procedures: ProcedureInfo[] = [];
    collect({ [name]: value }, [], procedures);
    return { name, procedures };
  });
}

// ---------------------------------------------------------------------------------------------
// Compile time: output types from the TypeScript compiler, printed by the printer the client's
// generated router uses (router-types.mjs). One program, reused.

let cachedOutputs: ((procedurePath: string) => string) | undefined;

function outputTypes(): (procedurePath: string) => string {
  if (cachedOutputs) return cachedOutputs;
  const { routerType, member, prop, print } = loadRouterTypes();
  const recordOf = (type: ts.Type): ts.Type => {
    const def = member(type, '_def');
    return (def && member(def, 'record')) ?? type;
  };
  cachedOutputs = (procedurePath: string) => {
    const procedure = procedurePath
      .split('.')
      .reduce((type, segment) => prop(recordOf(type), segment, procedurePath), routerType);
    return print(prop(prop(prop(procedure, '_def'), '$types'), 'output', procedurePath));
  };
  return cachedOutputs;
}

// ---------------------------------------------------------------------------------------------
// Rendering.

const INTRO = `# Shop API reference

> Generated from the router by \`pnpm run docs\` (\`packages/api/scripts/api-docs.ts\`). Do not edit by
> hand: a test fails when this file is stale.

## Transport

- **tRPC v11 over HTTP.** Every procedure has a path such as \`products.list\`, served at
  \`<api url>/<path>\`.
- **Queries** use \`GET\`, with the input as URL-encoded JSON in \`?input=\` (omit it when there is no
  input). **Mutations** use \`POST\` with the input as the JSON body.
- **Batching**: up to ${MAX_BATCH_SIZE} calls of the same kind in one request,
  \`<api url>/a,b?batch=1\`; the input is an object keyed by the call's index
  (\`{"0": ..., "1": ...}\`) and the response is an array in the same order.
- **No transformer**: inputs and outputs are plain JSON. A successful response is
  \`{ "result": { "data": <output> } }\`.
- **Timestamps** are ISO 8601 strings in UTC (\`2025-01-31T12:00:00.000Z\`).
- **Money** is an integer number of cents (\`1999\` is 19.99).

## Authentication

Send \`Authorization: Bearer <Cognito access token>\` (from \`users.login\` or \`users.refresh\`).
Each procedure has an **auth level**:

| Auth level | Who may call it                                                    |
| ---------- | ------------------------------------------------------------------ |
| public     | anyone; a token is not needed                                      |
| user       | a signed-in user (valid access token)                              |
| admin      | a signed-in user in the admin group; others get \`FORBIDDEN\`        |

## Errors

An error is a tRPC error: \`{ "error": { "message", "code", "data": { "code", "httpStatus", "path", "validation" } } }\`.
The \`message\` is human-readable; for a validation failure it is a short sentence such as
\`street: must have at least 1 character\`, and the details are in \`error.data.validation\` as
\`{ path, message }[]\`.

| Code                    | HTTP | When                                                                                                                      |
| ----------------------- | ---- | ------------------------------------------------------------------------------------------------------------------------- |
| \`BAD_REQUEST\`           | 400  | the input fails validation; a malformed or tampered cursor                                                                |
| \`UNAUTHORIZED\`          | 401  | no token, or an invalid or expired token, on a user or admin procedure; wrong email or password at login                  |
| \`FORBIDDEN\`             | 403  | a valid token, but not an admin, on an admin procedure                                                                    |
| \`NOT_FOUND\`             | 404  | the thing does not exist or belongs to another user                                                                       |
| \`CONFLICT\`              | 409  | email already registered; not enough stock (the message names the product); status change not allowed; cancelling twice |
| \`TOO_MANY_REQUESTS\`     | 429  | the data store throttles, after retries                                                                                   |
| \`INTERNAL_SERVER_ERROR\` | 500  | anything else: a generic message, no internals                                                                            |

Every procedure may give \`TOO_MANY_REQUESTS\` and \`INTERNAL_SERVER_ERROR\`; each procedure below lists
the other errors it can give.

## Pagination

List procedures take \`{ limit?: 1..100 (default 20), cursor?: string }\` and return
\`{ items, nextCursor: string | null }\`. Pass \`nextCursor\` back as \`cursor\` to get the next page;
\`null\` means there are no more pages. A cursor is opaque: a malformed, altered or forged cursor is
\`BAD_REQUEST\`.

## Contract v3.1: listings show availability, not the stock count

- \`products.list\` and \`products.search\` answer each product with \`soldOut: boolean\` (no unit
  left) instead of \`stock\`, and without \`updatedAt\`. \`products.byId\`, \`orders.quote\` and every
  admin procedure keep the exact \`stock\`; admins list products with their stock through
  \`products.adminList\` (a search with \`query\`, else a page, of a \`category\` if given).
- Why: the listings are served by two product indexes, and an index entry is rewritten (and
  billed) whenever an attribute it holds changes. With the count in them, every order line
  rewrote two index entries; with the flag, only the order that sells the last unit (and the
  cancel or adjustment that brings stock back) does. A 3-line order costs 12 write units less,
  and the listings still read one index page (\`bench/README.md\`, "Write cost of an order").
- \`soldOut\` follows the stock in the same write (it is never stale against \`stock\`), but a
  listing reads an index, which lags the table by up to about a second: an order or a quote
  reads the stock by key and is the word on availability.
- A client still reading \`stock\` from a listing gets \`undefined\`: read \`soldOut\`, or
  \`products.byId\` for the count.

## Reading this reference

- **Input** is a JSON Schema (draft 2020-12) generated from the procedure's zod schema. "Input is
  optional" means the whole input may be omitted.
- **Output** is the TypeScript type the server returns, inferred by the compiler (there is no
  output schema). Strings documented as timestamps are ISO 8601.
`;

function errorsFor(procedure: ProcedureInfo, inputSchema: unknown): [ErrorCode, string][] {
  const found = new Map<ErrorCode, string[]>();
  const add = (code: ErrorCode, when: string) =>
    found.set(code, [...(found.get(code) ?? []), when]);
  if (procedure.inputs.length > 0) {
    add('BAD_REQUEST', 'the input fails validation');
    const properties = (inputSchema as { properties?: Record<string, unknown> }).properties;
    if (properties && 'cursor' in properties) add('BAD_REQUEST', 'malformed or tampered cursor');
  }
  if (procedure.auth === 'user' || procedure.auth === 'admin') {
    add('UNAUTHORIZED', 'no token, or an invalid or expired token');
  }
  if (procedure.auth === 'admin') add('FORBIDDEN', 'the caller is not an admin');
  for (const { code, when } of DOMAIN_ERRORS[procedure.path] ?? []) add(code, when);
  add('TOO_MANY_REQUESTS', 'the data store throttles, after retries');
  add('INTERNAL_SERVER_ERROR', 'anything else');
  return ERROR_ORDER.filter((code) => found.has(code)).map((code) => [
    code,
    (found.get(code) ?? []).join('; '),
  ]);
}

function inputSchemaOf(procedure: ProcedureInfo): Record<string, unknown> | undefined {
  const toJson = (schema: z.ZodMiniType) => {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return json;
  };
  if (procedure.inputs.length === 0) return undefined;
  if (procedure.inputs.length === 1 && procedure.inputs[0]) return toJson(procedure.inputs[0]);
  // Chained `.input()` calls: the input must satisfy all of them.
  return { allOf: procedure.inputs.map(toJson) };
}

const anchor = (procedurePath: string) => procedurePath.toLowerCase().replace(/[^a-z0-9]/g, '');

function renderProcedure(procedure: ProcedureInfo, output: string): string {
  const auth = procedure.auth ?? 'unknown';
  const input = inputSchemaOf(procedure);
  const inputOptional =
    procedure.inputs.length > 0 && procedure.inputs.every((s) => z.safeParse(s, undefined).success);
  const lines = [
    `### \`${procedure.path}\``,
    '',
    `- Kind: **${procedure.kind}** (\`${procedure.kind === 'query' ? 'GET' : 'POST'} /${procedure.path}\`)`,
    `- Auth: **${auth}**`,
    ...(NOTES[procedure.path] ? [`- ${NOTES[procedure.path]}`] : []),
    '',
  ];
  if (input) {
    lines.push(
      inputOptional ? 'Input (input is optional):' : 'Input:',
      '',
      '```json',
      JSON.stringify(input, null, 2),
      '```',
      '',
    );
  } else {
    lines.push('Input: none.', '');
  }
  lines.push('Output:', '', '```ts', `type Output = ${output};`, '```', '');
  lines.push('Errors:', '', '| Code | When |', '| --- | --- |');
  for (const [code, when] of errorsFor(procedure, input)) lines.push(`| \`${code}\` | ${when} |`);
  lines.push('');
  return lines.join('\n');
}

/** The full content of `docs/API.md`, formatted with the repository's Prettier config. */
export async function renderApiDocs(): Promise<string> {
  const output = outputTypes();
  const all = await groups();
  const parts = [INTRO, '## Procedures', ''];
  parts.push('| Procedure | Kind | Auth |', '| --- | --- | --- |');
  for (const group of all) {
    for (const p of group.procedures) {
      parts.push(`| [\`${p.path}\`](#${anchor(p.path)}) | ${p.kind} | ${p.auth ?? 'unknown'} |`);
    }
  }
  parts.push('');
  for (const group of all) {
    parts.push(`## \`${group.name}\``, '');
    for (const p of group.procedures) parts.push(renderProcedure(p, output(p.path)));
  }
  const markdown = parts.join('\n');
  const config = (await prettier.resolveConfig(API_DOCS_PATH)) ?? {};
  return prettier.format(markdown, { ...config, filepath: API_DOCS_PATH });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const content = await renderApiDocs();
  mkdirSync(path.dirname(API_DOCS_PATH), { recursive: true });
  writeFileSync(API_DOCS_PATH, content);
  console.log(`Wrote ${path.relative(process.cwd(), API_DOCS_PATH)}`);
}
