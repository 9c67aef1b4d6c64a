import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { paymentRequestOf } from '../core/adapters/dynamodb/payment-requests.ts';
import { container } from '../core/container.ts';
import type { EntryType } from '../core/domain/ledger.ts';
import type { PaymentRequest } from '../core/domain/payment-request.ts';
import type { LearntEntry } from '../core/domain/risk/profile.ts';
import type { Transfer } from '../core/domain/transfer.ts';
import { paymentRequestEvents, transferEvents } from '../core/domain/webhooks.ts';
import { logger } from '../core/observability/logger.ts';
import { requestSweeps } from '../core/use-cases/inbox.ts';
import { emitWebhookEvents } from '../core/use-cases/merchants/webhooks.ts';
import { learnFromEntries, notifyOutcomes } from '../core/use-cases/money-events.ts';

// The after-commit consumer: the wallet table's stream, filtered to statement entries and
// transfers (lib/constructs/wallet-function.ts; the local runtime's stream poller applies the same
// filter). Risk profiles learn from the entries; owners hear of transfers that ended.

type Image = Record<string, unknown>;
type Raw = Record<string, { S?: string }> | undefined;
const image = (raw: Record<string, unknown> | undefined): Image | undefined =>
  raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
/** The key attributes, read without unmarshalling the rest of the image. */
const keyOf = (record: DynamoDBRecord) => {
  const keys = record.dynamodb?.Keys as Raw;
  return { pk: keys?.pk?.S ?? '', sk: keys?.sk?.S ?? '' };
};

function entryOf(record: DynamoDBRecord): LearntEntry | undefined {
  const { pk, sk } = keyOf(record);
  if (record.eventName !== 'INSERT' || !pk.startsWith('WALLET#') || !sk.startsWith('ENTRY#')) return undefined;
  const item = image(record.dynamodb?.NewImage);
  if (!item) return undefined;
  return {
    walletId: item.walletId as string,
    version: Number(String(item.sk).slice('ENTRY#'.length)),
    transferId: item.transferId as string,
    type: item.type as EntryType,
    amount: item.amount as number,
    ...(item.counterparty ? { counterparty: item.counterparty as string } : {}),
    ...(item.counterpartyKey ? { counterpartyKey: item.counterpartyKey as string } : {}),
    at: item.createdAt as string,
  };
}

function transferChange(record: DynamoDBRecord): { before?: Transfer; after: Transfer } | undefined {
  const raw = record.dynamodb?.NewImage as Raw;
  // A refusal kept for an Idempotency-Key is no transfer: nothing to tell anyone.
  if (keyOf(record).sk !== 'TRANSFER' || !raw || raw.kind?.S === 'REFUSAL') return undefined;
  const after = image(record.dynamodb?.NewImage);
  if (!after) return undefined;
  const before = image(record.dynamodb?.OldImage);
  return { ...(before ? { before: before as unknown as Transfer } : {}), after: after as unknown as Transfer };
}

/**
 * A credit into a busy wallet's inbox (functions/core/domain/inbox.ts): its wallet (from the key:
 * `WALLET#<id>#INBOX#<s>`) and the record's place in the stream, which names the sweep it asks for.
 */
function inboxCreditOf(record: DynamoDBRecord): { walletId: string; sequence: string } | undefined {
  const { pk, sk } = keyOf(record);
  if (record.eventName !== 'INSERT' || !sk.startsWith('CREDIT#')) return undefined;
  const match = /^WALLET#(.+)#INBOX#\d+$/.exec(pk);
  return match ? { walletId: match[1]!, sequence: record.dynamodb?.SequenceNumber ?? sk } : undefined;
}

/** A payment request changed (the expiry sweep ended it: `payment-request.expired`). */
function requestChange(record: DynamoDBRecord): { before?: PaymentRequest; after: PaymentRequest } | undefined {
  const { pk, sk } = keyOf(record);
  if (!pk.startsWith('PAYREQ#') || sk !== 'PAYREQ') return undefined;
  const after = image(record.dynamodb?.NewImage);
  if (!after) return undefined;
  const before = image(record.dynamodb?.OldImage);
  return { ...(before ? { before: paymentRequestOf(before) } : {}), after: paymentRequestOf(after) };
}

/**
 * A record that cannot be read would fail every retry and hold the stream up behind it: it is
 * logged (by its keys, no personal data) and passed over.
 */
function readable<T>(record: DynamoDBRecord, read: (r: DynamoDBRecord) => T | undefined): T | undefined {
  try {
    return read(record);
  } catch (error) {
    logger.error('stream record not readable', { keys: keyOf(record), error: (error as Error).message });
    return undefined;
  }
}

/** One batch of stream records; a failure fails the batch, which the event source retries (bisecting). */
export async function moneyEvents(event: DynamoDBStreamEvent): Promise<void> {
  const services = container();
  // Busy wallets' sweeps first: their owners see the credits in the statement as soon as may be.
  const credits = event.Records.flatMap((r) => readable(r, inboxCreditOf) ?? []);
  await requestSweeps(services, credits);
  const entries = event.Records.flatMap((r) => readable(r, entryOf) ?? []);
  const transfers = event.Records.flatMap((r) => readable(r, transferChange) ?? []);
  // Learning is idempotent per entry (`appliedVersion`): a retried batch changes nothing twice.
  await learnFromEntries(services, entries);
  await notifyOutcomes(services, transfers);
  // Merchants' webhooks: filed and queued once per event; a failure fails the batch (nothing lost).
  const requests = event.Records.flatMap((r) => readable(r, requestChange) ?? []);
  await emitWebhookEvents(services, [
    ...transfers.flatMap((c) => transferEvents(c.before, c.after)),
    ...requests.flatMap((c) => paymentRequestEvents(c.before, c.after)),
  ]);
  logger.debug('money events', {
    records: event.Records.length,
    entries: entries.length,
    transfers: transfers.length,
    inboxCredits: credits.length,
  });
}

export const handler = middy<DynamoDBStreamEvent>().use(injectLambdaContext(logger)).handler(moneyEvents);
