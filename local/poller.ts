import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

// The local stand-in for the SQS → Lambda event source mapping: long-polls a queue, hands
// batches to the handler and deletes only what succeeded (ReportBatchItemFailures), so failed
// messages come back after their visibility timeout and end in the DLQ after maxReceiveCount.

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface Poller {
  stop(): Promise<void>;
}

export function startPoller(options: {
  queueUrl: string;
  queueArn?: string;
  handler: () => Promise<SqsHandler>;
  batchSize?: number;
  onError?: (error: unknown) => void;
}): Poller {
  const sqs = new SQSClient({});
  let running = true;
  const abort = new AbortController();

  const once = async () => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    const messages = out.Messages ?? [];
    if (!messages.length) return;
    const records = messages.map(
      (m) =>
        ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body ?? '',
          attributes: m.Attributes ?? {},
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: options.queueArn ?? options.queueUrl,
          awsRegion: process.env.AWS_REGION ?? 'local',
        }) as unknown as SQSRecord,
    );
    const deadline = Date.now() + 60_000;
    const context = {
      functionName: 'local-settlement',
      awsRequestId: crypto.randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    } as unknown as Context;
    let failed = new Set<string>();
    try {
      const response = await (await options.handler())({ Records: records }, context);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown handler fails the whole batch, as Lambda does.
      options.onError?.(error);
      return;
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };

  const loop = (async () => {
    while (running) {
      try {
        await once();
      } catch (error) {
        if (!running) break;
        options.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async stop() {
      running = false;
      abort.abort();
      await loop;
    },
  };
}
