// A prototype of the design in docs/performance.md ("A merchant past the per-item ceiling"),
// measured against the local engine: a payment commits the payer's side and puts a credit into
// one of the merchant's inbox shards (the merchant's items are not touched); one sweeper per
// merchant applies the credits in batches, numbering the merchant's entries as the ledger does.
// Bench-only: the wallet's code is unchanged.
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { digest } from '../functions/core/adapters/dynamodb/commit-items.ts';
import { keys } from '../functions/core/adapters/dynamodb/keys.ts';
import type { Services } from '../functions/core/container.ts';
import type { CommitPlan } from '../functions/core/domain/commit-plan.ts';
import { backoff } from '../functions/core/use-cases/transfers/commit-loop.ts';
import { derivePlan, WireBuilder } from './plans.ts';
import { type Summary, summarize } from './stats.ts';

/** Inbox shard partition of a merchant: `WALLET#<id>#INBOX#<n>` (its own partition key). */
export const inboxKey = (walletId: string, shard: number) => `WALLET#${walletId}#INBOX#${shard}`;

/** TransactWriteItems takes 100 items: the wallet update, then an entry put and a credit delete per credit. */
const BATCH = 49;

export interface DeferredCreditResult {
  payers: number;
  shards: number;
  paymentsPerSecond: number;
  payments: number;
  payerConflicts: number;
  latency: Summary;
  sweeper: {
    batches: number;
    creditsApplied: number;
    meanBatch: number;
    creditsPerSecond: number;
    batchMs: Summary;
    backlogAtEnd: number;
    balanceMatches: boolean;
  };
}

export async function deferredCredit(options: {
  services: Services;
  doc: DynamoDBDocumentClient;
  table: string;
  template: CommitPlan;
  payers: { walletId: string; customerId: string }[];
  merchantId: string;
  seconds: number;
  shards: number;
}): Promise<DeferredCreditResult> {
  const { services, doc, table, template, payers, merchantId, shards } = options;
  const wire = new WireBuilder(table);
  const merchant0 = (await services.wallets.get(merchantId))!;
  const deadline = Date.now() + options.seconds * 1000;
  let payments = 0;
  let paid = 0;
  let payerConflicts = 0;
  const latencies: number[] = [];

  const pay = async (p: { walletId: string; customerId: string }) => {
    while (Date.now() < deadline) {
      const t0 = performance.now();
      for (let attempt = 0; ; attempt++) {
        const payer = (await services.wallets.get(p.walletId))!;
        const { plan, transfer } = derivePlan(
          template,
          { payer, payee: merchant0, customerId: p.customerId },
          services.clock.now(),
        );
        // The payer's side of the ledger's own item set (the plan of a payment, built by the
        // ledger adapter); the merchant's wallet update and entry are left out...
        const built = wire.commit(plan).input as { TransactItems: Record<string, Record<string, unknown>>[] };
        const merchantPk = keys.wallet(merchantId).pk;
        const input = {
          TransactItems: built.TransactItems.filter((item) => {
            const body = Object.values(item)[0] as { Key?: { pk?: string }; Item?: { pk?: string } };
            return (body.Key ?? body.Item)?.pk !== merchantPk;
          }) as Record<string, unknown>[],
          ClientRequestToken: '',
        };
        // ...and replaced by a credit in one of the merchant's inbox shards.
        const shard =
          Number.parseInt(createHash('sha256').update(transfer.transferId).digest('hex').slice(0, 8), 16) % shards;
        input.TransactItems.push({
          Put: {
            TableName: table,
            Item: {
              pk: inboxKey(merchantId, shard),
              sk: `CREDIT#${transfer.transferId}`,
              transferId: transfer.transferId,
              amount: transfer.amount,
              counterparty: payer.walletId,
              paidAt: transfer.createdAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        // Another item set: its own idempotency token, as the adapter derives one.
        input.ClientRequestToken = digest(JSON.stringify(input.TransactItems)).slice(0, 36);
        try {
          await doc.send(new TransactWriteCommand(input as never));
          paid += transfer.amount;
          break;
        } catch (error) {
          if ((error as Error).name !== 'TransactionCanceledException') throw error;
          payerConflicts++;
          await backoff(attempt);
        }
      }
      payments++;
      latencies.push(performance.now() - t0);
    }
  };

  // The sweeper: one writer per merchant (in AWS: an SQS FIFO message group or a lease per merchant).
  let applied = 0;
  let batches = 0;
  const batchMs: number[] = [];
  const sweepOnce = async (): Promise<number> => {
    const pages = await Promise.all(
      Array.from({ length: shards }, (_, s) =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': inboxKey(merchantId, s) },
            ConsistentRead: true,
            Limit: BATCH,
          }),
        ),
      ),
    );
    // Oldest first across shards (credit ids are ULIDs): the merchant's entries follow payment order.
    const credits = pages
      .flatMap((p) => p.Items ?? [])
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .slice(0, BATCH);
    if (!credits.length) return 0;
    const t0 = performance.now();
    const wallet = (await services.wallets.get(merchantId))!;
    let balance = wallet.balance;
    const at = services.clock.now().toISOString();
    const items: Record<string, unknown>[] = [];
    credits.forEach((c, i) => {
      balance += c.amount as number;
      items.push(
        {
          Put: {
            TableName: table,
            Item: {
              ...keys.walletEntry(merchantId, wallet.version + 1 + i),
              entryId: String(c.transferId).slice(0, 26),
              walletId: merchantId,
              transferId: c.transferId,
              type: 'PAYMENT',
              amount: c.amount,
              balanceAfter: balance,
              counterparty: c.counterparty,
              createdAt: c.paidAt,
              appliedAt: at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Delete: {
            TableName: table,
            Key: { pk: c.pk, sk: c.sk },
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      );
    });
    items.unshift({
      Update: {
        TableName: table,
        Key: keys.wallet(merchantId),
        UpdateExpression: 'SET balance = :balance, version = :next',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: {
          ':balance': balance,
          ':next': wallet.version + credits.length,
          ':v': wallet.version,
        },
      },
    });
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items as never }));
    } catch (error) {
      // A withdrawal moved the merchant's version meanwhile: read again.
      if ((error as Error).name === 'TransactionCanceledException') return -1;
      throw error;
    }
    batches++;
    applied += credits.length;
    batchMs.push(performance.now() - t0);
    return credits.length;
  };
  let paying = true;
  let sweeping = 0;
  const sweeper = (async () => {
    const t0 = performance.now();
    // Drains the inbox; gives up 5 s after the payments stop (the backlog is reported).
    while (paying || Date.now() < deadline + 5_000) {
      const n = await sweepOnce();
      if (n === 0 && !paying) break;
      if (n <= 0) await new Promise((r) => setTimeout(r, 5));
    }
    sweeping = (performance.now() - t0) / 1000;
  })();
  const started = Date.now();
  await Promise.all(payers.map(pay));
  const seconds = (Date.now() - started) / 1000;
  paying = false;
  await sweeper;

  const backlog = (
    await Promise.all(
      Array.from({ length: shards }, (_, s) =>
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': inboxKey(merchantId, s) },
            Select: 'COUNT',
            ConsistentRead: true,
          }),
        ),
      ),
    )
  ).reduce((n, out) => n + (out.Count ?? 0), 0);
  const merchant1 = (await services.wallets.get(merchantId))!;
  return {
    payers: payers.length,
    shards,
    paymentsPerSecond: payments / seconds,
    payments,
    payerConflicts,
    latency: summarize(latencies),
    sweeper: {
      batches,
      creditsApplied: applied,
      meanBatch: batches ? applied / batches : 0,
      creditsPerSecond: sweeping ? applied / sweeping : 0,
      batchMs: summarize(batchMs),
      backlogAtEnd: backlog,
      balanceMatches: backlog > 0 || merchant1.balance - merchant0.balance === paid,
    },
  };
}
