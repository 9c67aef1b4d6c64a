// SQS: fauxqs, embedded in this Node process (no child), listening on 127.0.0.1 only.
//
// Queue URLs: fauxqs names queues `http://sqs.<region>.<host>:<port>/000000000000/<name>` with
// `host` defaulting to `localhost` (README, "Configurable queue URL host"); `sqs.<region>.localhost`
// does not resolve without DNS tricks. That matters because the SQS client sends each request to
// the QueueUrl's origin whenever no `endpoint` was given in code, which is the case when the
// endpoint comes from AWS_ENDPOINT_URL_SQS (the SDK's queueUrl middleware only stands down for an
// explicit `endpoint`, and warns on every call when the origins differ). fauxqs looks queues up by
// the URL's path and ignores host and port, so we rewrite the origin in SQS responses to our
// endpoint: CreateQueue, GetQueueUrl and ListQueues return `http://127.0.0.1:<port>/000000000000/<name>`,
// usable with or without an explicit endpoint. One region per engine (lookups are then by name).

import type { AddressInfo } from 'node:net';
import { buildApp } from 'fauxqs';
import { LOOPBACK } from './ports.ts';
import type { Engine } from './process.ts';

export interface SqsOptions {
  /** Fixed port; the OS picks a free one when absent. */
  readonly port?: number;
}

/** The queue-URL host given to fauxqs; URLs under it are rewritten to the real endpoint. */
const QUEUE_URL_HOST = 'localhost';
const FAUXQS_QUEUE_ORIGIN = /http:\/\/sqs\.[a-z0-9-]+\.localhost(?::\d+)?\//g;

export async function startSqs(opts: SqsOptions = {}): Promise<Engine> {
  const app = buildApp({ logger: false, host: QUEUE_URL_HOST });
  let origin = '';
  app.addHook('onSend', async (_request, _reply, payload) =>
    typeof payload === 'string' && payload.includes('http://sqs.')
      ? payload.replace(FAUXQS_QUEUE_ORIGIN, `${origin}/`)
      : payload,
  );
  await app.listen({ host: LOOPBACK, port: opts.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  origin = `http://${LOOPBACK}:${address.port}`;
  let stopped: Promise<void> | undefined;
  return {
    name: 'sqs',
    endpoint: origin,
    stop() {
      stopped ??= app.close().then(() => undefined);
      return stopped;
    },
  };
}
