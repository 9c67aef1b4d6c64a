import { buildConsole, consoleBuildDir, consolePath } from '../console/site.ts';
import { environmentVariables } from '../functions/resources.ts';
import { type Capability, type CapabilityName, capabilities } from '../functions/routes.ts';
import { startEngines } from './engines.ts';
import { type Gateway, startGateway } from './gateway.ts';
import { type Poller, type SqsHandler, startPoller } from './poller.ts';
import { type StreamHandler, type StreamPoller, startStreamPoller } from './stream-poller.ts';
import { runAs, watchTableAccess } from './table-grants.ts';

export interface Runtime {
  url: string;
  /** The operations console (`<url>/console/`). */
  consoleUrl: string;
  env: Record<string, string>;
  /** Resolves once the after-commit consumer has handled everything committed before the call. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole wallet on one machine: DynamoDB Local, fauxqs and cognito-local with the resources
 * of functions/resources.ts, the gateway serving functions/routes.ts, and the settlement poller.
 * Handlers run in this process, reading the same environment variables as in Lambda.
 */
export async function startRuntime(options: { port: number }): Promise<Runtime> {
  // IAM as AWS applies it, for DynamoDB: each function only the actions functions/routes.ts grants it.
  if (process.env.LOCAL_IAM === 'enforce') watchTableAccess('enforce');
  const engines = await startEngines();
  // Readable logs unless LOG_FORMAT says otherwise (`LOG_FORMAT=json npm start`: as in AWS).
  const readable = (process.env.LOG_FORMAT ?? 'text') === 'text';
  Object.assign(process.env, engines.env, {
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    LOG_FORMAT: readable ? 'text' : process.env.LOG_FORMAT,
  });
  let gateway: Gateway | undefined;
  const pollers: Poller[] = [];
  const streamPollers: StreamPoller[] = [];
  try {
    gateway = await startGateway({
      port: options.port,
      issuer: engines.env.COGNITO_ISSUER!,
      jwksUrl: engines.env.COGNITO_JWKS_URL!,
      clientId: engines.env.USER_POOL_CLIENT_ID!,
      sandbox: engines.env.SANDBOX_ENABLED === 'true',
      ...(readable ? { requestLog: (line: string) => console.log(line) } : {}),
      // The operations console, built by esbuild in a fraction of a second, on the same origin as the API.
      console: {
        dir: buildConsole(consoleBuildDir),
        config: {
          apiBaseUrl: '',
          userPoolId: engines.env[environmentVariables.userPoolId]!,
          userPoolClientId: engines.env[environmentVariables.userPoolClientId]!,
          issuer: engines.env.COGNITO_ISSUER!,
          stage: 'local',
        },
      },
    });
    for (const [name, capability] of Object.entries(capabilities) as [CapabilityName, Capability][]) {
      if (!capability.needs.walletStream) continue;
      const entry = new URL(`../${capability.entry}`, import.meta.url).href;
      streamPollers.push(
        startStreamPoller({
          endpoint: engines.env.AWS_ENDPOINT_URL_DYNAMODB!,
          table: engines.env[environmentVariables.walletTable]!,
          handler: async () => {
            const { handler } = (await import(entry)) as { handler: StreamHandler };
            return (event, context) => runAs(name, () => handler(event, context));
          },
          onError: (error) => console.error('money events', error),
        }),
      );
    }
    for (const [name, capability] of Object.entries(capabilities) as [CapabilityName, Capability][]) {
      if (capability.needs.settlementQueue !== 'consume') continue;
      const entry = new URL(`../${capability.entry}`, import.meta.url).href;
      pollers.push(
        startPoller({
          queueUrl: engines.env.SETTLEMENT_QUEUE_URL!,
          handler: async () => {
            const { handler } = (await import(entry)) as { handler: SqsHandler };
            return (event, context) => runAs(name, () => handler(event, context));
          },
          onError: (error) => console.error('settlement poller', error),
        }),
      );
    }
    // Merchant webhooks: the delivery worker on its queue, as the SQS event source runs it in AWS.
    for (const [name, capability] of Object.entries(capabilities) as [CapabilityName, Capability][]) {
      if (capability.needs.webhookQueue !== 'consume') continue;
      const entry = new URL(`../${capability.entry}`, import.meta.url).href;
      pollers.push(
        startPoller({
          queueUrl: engines.env[environmentVariables.webhookQueueUrl]!,
          handler: async () => {
            const { handler } = (await import(entry)) as { handler: SqsHandler };
            return (event, context) => runAs(name, () => handler(event, context));
          },
          onError: (error) => console.error('webhook poller', error),
        }),
      );
    }
    // Busy wallets' sweeps: the sweeper on its FIFO queue (one wallet's messages to one consumer at a time).
    for (const [name, capability] of Object.entries(capabilities) as [CapabilityName, Capability][]) {
      if (capability.needs.sweepQueue !== 'consume') continue;
      const entry = new URL(`../${capability.entry}`, import.meta.url).href;
      pollers.push(
        startPoller({
          queueUrl: engines.env[environmentVariables.sweepQueueUrl]!,
          handler: async () => {
            const { handler } = (await import(entry)) as { handler: SqsHandler };
            return (event, context) => runAs(name, () => handler(event, context));
          },
          onError: (error) => console.error('sweep poller', error),
        }),
      );
    }
  } catch (error) {
    await gateway?.close();
    await engines.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: gateway.url,
    consoleUrl: `${gateway.url}${consolePath}`,
    env: engines.env,
    drain: async () => {
      await Promise.all(streamPollers.map((p) => p.drain()));
    },
    stop: () => {
      stopping ??= (async () => {
        await Promise.all([...pollers, ...streamPollers].map((p) => p.stop()));
        await gateway?.close();
        await engines.stop();
      })();
      return stopping;
    },
  };
}
