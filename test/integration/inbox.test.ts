// A busy merchant's inbox against the real engines (DynamoDB Local, fauxqs): the items the commit
// and the sweeper write, a process that dies between the payment's commit and the sweep, a sweep
// retried after it committed, sweepers racing each other and the merchant's withdrawals, and the
// FIFO queue that gives one sweeper per wallet.

import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/adapters/dynamodb/client.ts';
import { keys } from '../../functions/core/adapters/dynamodb/keys.ts';
import { SandboxBank } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { container, type Services } from '../../functions/core/container.ts';
import { planSweep, sweepBatch } from '../../functions/core/domain/inbox.ts';
import { Refusal } from '../../functions/core/domain/refusals.ts';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import type { StatementEntry } from '../../functions/core/ports/ledger.ts';
import { linkBank } from '../../functions/core/use-cases/bank-links.ts';
import { requestSweeps, setInboxShards, sweepInbox, walletWithPending } from '../../functions/core/use-cases/inbox.ts';
import { submitKyc } from '../../functions/core/use-cases/submit-kyc.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { settleTransfer } from '../../functions/core/use-cases/transfers/settle.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { kycInput, registeredCustomer, verifiedCustomer } from '../support/journeys.ts';

const M = 1_000_000;
const DEVICE = 'd';
const SHARDS = 4;
const services = (): Services => container();
const bank = () => new SandboxBank(process.env.SANDBOX_BANK_TABLE_NAME!, () => new Date());
const operator = { subject: 'inbox-test-operator', groups: ['operators'] };
let seq = 10_000_000 + Math.floor(Math.random() * 80_000_000);
let keySeq = 0;
const key = () => `inbox-${seq}-${keySeq++}`;

interface Party {
  customerId: string;
  walletId: string;
  linkId: string;
  softOtpSecret: string;
}

async function linked(customerId: string, holder: { name: string; idNumber: string }) {
  const w = await openWallet(services(), customerId);
  const accountNumber = `78${seq++}`;
  await bank().openAccount({
    bankCode: 'VCB',
    accountNumber,
    holderName: holder.name,
    idNumber: holder.idNumber,
    balance: 1_000 * M,
  });
  const l = await linkBank(services(), customerId, w.walletId, { bankCode: 'VCB', accountNumber });
  return { walletId: w.walletId, linkId: l.linkId };
}

/** A payer holding `amount`, topped up from its bank (settled at once, as the worker would). */
async function payer(amount: number): Promise<Party> {
  const c = await verifiedCustomer();
  const w = await linked(c.customerId, { name: c.identity.fullName, idNumber: c.identity.idNumber });
  const t = await createTransfer(
    services(),
    c.customerId,
    DEVICE,
    { type: 'TOPUP', walletId: w.walletId, linkId: w.linkId, amount },
    key(),
  );
  await settleTransfer(services(), t.transferId);
  return { customerId: c.customerId, softOtpSecret: c.softOtpSecret, ...w };
}

/** A merchant organisation with a linked wallet spread over `SHARDS` inbox shards by an operator. */
async function merchant(): Promise<Party> {
  const c = await registeredCustomer();
  const { kind: _kind, idDocumentType: _doc, ...rep } = await kycInput();
  const enterpriseCode = `08${seq++}`;
  const legalName = 'Công ty TNHH Cà phê Hà Nội';
  const result = await submitKyc(services(), c.customerId, DEVICE, {
    kind: 'ORGANIZATION',
    legalName,
    shortName: 'CA PHE HN',
    enterpriseCode,
    headOfficeAddress: '8 Hàng Gai, Hoàn Kiếm, Hà Nội',
    tradingAddress: '8 Hàng Gai, Hoàn Kiếm, Hà Nội',
    phoneNumber: '02439871111',
    legalRepresentative: rep,
    merchant: { displayName: 'Cà phê Hà Nội', mcc: '5814' },
  });
  expect(result.status).toBe('VERIFIED');
  const w = await linked(c.customerId, { name: legalName, idNumber: enterpriseCode });
  await setInboxShards(services(), w.walletId, SHARDS, {
    caller: operator,
    route: 'PUT /v1/ops/wallets/{walletId}/inbox',
    reason: 'integration test',
    reference: 'IT-1',
  });
  return { customerId: c.customerId, softOtpSecret: result.softOtp?.secret ?? '', ...w };
}

const pay = (p: Party, m: Party, amount: number) =>
  createTransfer(
    services(),
    p.customerId,
    DEVICE,
    { type: 'PAYMENT', walletId: p.walletId, merchantId: m.walletId, amount },
    key(),
  );

/** The merchant withdraws (an organisation's withdrawal may want its soft OTP); a refusal is its answer. */
async function withdraw(m: Party, amount: number): Promise<string> {
  try {
    let view = await createTransfer(
      services(),
      m.customerId,
      DEVICE,
      { type: 'WITHDRAWAL', walletId: m.walletId, linkId: m.linkId, amount },
      key(),
    );
    if (view.status === 'REQUIRES_AUTHENTICATION')
      view = await authorizeTransfer(services(), m.customerId, DEVICE, view.transferId, {
        softOtp: ocra(m.softOtpSecret, view.authentication!.challengeId),
      });
    return view.status;
  } catch (error) {
    if (error instanceof Refusal) return error.reason;
    throw error;
  }
}

/** Every credit item waiting in the merchant's shards, read straight from the table. */
async function inboxItems(walletId: string) {
  const pages = await Promise.all(
    Array.from({ length: SHARDS }, (_, shard) =>
      dynamo().send(
        new QueryCommand({
          TableName: process.env.WALLET_TABLE_NAME!,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.inboxShard(walletId, shard) },
          ConsistentRead: true,
        }),
      ),
    ),
  );
  return pages.flatMap((p) => p.Items ?? []);
}

/** The statement, oldest first, after checking it adds up to the balance entry by entry. */
async function statementAddsUp(walletId: string) {
  const items: StatementEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await services().ledger.statement(walletId, 100, cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const wallet = (await services().wallets.get(walletId))!;
  expect(items[0]?.balanceAfter ?? 0).toBe(wallet.balance);
  items.forEach((e, i) => {
    expect(e.balanceAfter - e.amount).toBe(items[i + 1]?.balanceAfter ?? 0);
    expect(e.balanceAfter).toBeGreaterThanOrEqual(0);
  });
  expect(new Set(items.map((e) => e.transferId)).size).toBe(items.length);
  return items.reverse();
}

let payers: Party[];
beforeAll(async () => {
  payers = await Promise.all(Array.from({ length: 8 }, () => payer(5 * M)));
});

describe('a busy merchant inbox on DynamoDB Local', () => {
  it('a payment writes one credit on a shard and leaves the wallet item alone; a process that dies before the sweep loses nothing', async () => {
    const m = await merchant();
    const before = (await services().wallets.get(m.walletId))!;
    const paid = await Promise.all(payers.map((p, i) => pay(p, m, 10_000 + i)));
    expect(paid.map((t) => t.status)).toEqual(Array(payers.length).fill('COMPLETED'));
    // The wallet item is as it was: no version bump, no balance, no entry.
    expect(await services().wallets.get(m.walletId)).toMatchObject({ version: before.version, balance: 0 });
    const items = await inboxItems(m.walletId);
    expect(items).toHaveLength(payers.length);
    expect(items.map((i) => i.transferId).sort()).toEqual(paid.map((t) => t.transferId).sort());
    for (const i of items) expect(i.sk).toMatch(/^CREDIT#\d{4}-\d{2}-\d{2}T.*#/);
    // No sweeper ran (its process died): the owner's read sums the shards all the same.
    const total = paid.reduce((s, t) => s + t.amount, 0);
    expect((await walletWithPending(services(), before)).balance).toBe(total);
    // A later sweep (the queue's redelivery) folds every credit in, in commit order.
    expect(await sweepInbox(services(), m.walletId)).toMatchObject({ applied: payers.length, batches: 1, more: false });
    expect(await inboxItems(m.walletId)).toEqual([]);
    const entries = await statementAddsUp(m.walletId);
    expect(entries.map((e) => e.type)).toEqual(Array(payers.length).fill('PAYMENT'));
    expect((await services().wallets.get(m.walletId))!.balance).toBe(total);
  });

  it('a fold retried after it committed is cancelled by its own conditions: nothing applied twice', async () => {
    const m = await merchant();
    await Promise.all(payers.slice(0, 3).map((p) => pay(p, m, 20_000)));
    const wallet = (await services().ledger.read({ walletIds: [m.walletId] })).wallets[m.walletId]!;
    const plan = planSweep(
      wallet,
      await services().ledger.inbox(m.walletId, SHARDS, sweepBatch),
      new Date().toISOString(),
    )!;
    expect(await services().ledger.commit(plan)).toEqual({ outcome: 'committed' });
    const again = await services().ledger.commit(plan);
    expect(again.outcome).toBe('conflict');
    expect(again.outcome === 'conflict' && again.on).toEqual(
      expect.arrayContaining(['wallet:ConditionalCheckFailed', 'credit:ConditionalCheckFailed']),
    );
    expect((await services().wallets.get(m.walletId))!.balance).toBe(60_000);
    expect(await statementAddsUp(m.walletId)).toHaveLength(3);
  });

  it('sweepers racing each other and the merchant withdrawing: every credit once, never spent before it is folded in', async () => {
    const m = await merchant();
    // Payments keep arriving while three sweepers and five withdrawals of 100,000 run at once.
    const payments = Array.from({ length: 120 }, (_, i) => i);
    let paying = true;
    /** A sweeper asked again and again while credits arrive (as the stream's requests would). */
    const sweeper = async () => {
      while (paying) {
        await sweepInbox(services(), m.walletId);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    /** The merchant withdraws 100,000 each time that much is folded in, five times. */
    const withdrawals = async () => {
      const outcomes: string[] = [];
      while (outcomes.length < 5) {
        const folded = (await services().wallets.get(m.walletId))!.balance;
        if (folded >= 100_000 || !paying) outcomes.push(await withdraw(m, 100_000));
        else await new Promise((r) => setTimeout(r, 10));
      }
      return outcomes;
    };
    const [paid, , , , outcomes] = await Promise.all([
      (async () => {
        const done = [];
        for (const i of payments) done.push(await pay(payers[i % payers.length]!, m, 3_000 + i));
        paying = false;
        return done;
      })(),
      sweeper(),
      sweeper(),
      sweeper(),
      withdrawals(),
    ]);
    for (const o of outcomes) expect(['PROCESSING', 'insufficient-funds']).toContain(o);
    expect(outcomes, 'at least one withdrawal raced the sweepers and went through').toContain('PROCESSING');
    await sweepInbox(services(), m.walletId);
    expect(await inboxItems(m.walletId)).toEqual([]);
    const entries = await statementAddsUp(m.walletId);
    const credits = entries.filter((e) => e.type === 'PAYMENT');
    expect(credits.map((e) => e.transferId).sort()).toEqual(paid.map((t) => t.transferId).sort());
    const withdrawn = outcomes.filter((o) => o === 'PROCESSING').length * 100_000;
    const total = paid.reduce((s, t) => s + t.amount, 0);
    expect((await services().wallets.get(m.walletId))!.balance).toBe(total - withdrawn);
    expect(entries.filter((e) => e.type === 'WITHDRAWAL')).toHaveLength(withdrawn / 100_000);
  });

  it('asks the FIFO queue once per wallet and stream batch, the wallet as message group', async () => {
    const sqs = new SQSClient({});
    const url = process.env.SWEEP_QUEUE_URL!;
    const walletId = `W${seq++}`;
    await requestSweeps(services(), [
      { walletId, sequence: '100' },
      { walletId, sequence: '101' },
    ]);
    // The same batch again (a retried stream batch): deduplicated by the queue.
    await requestSweeps(services(), [{ walletId, sequence: '101' }]);
    const got = [];
    for (let i = 0; i < 5; i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
      );
      for (const message of out.Messages ?? []) {
        if (JSON.parse(message.Body!).walletId === walletId) got.push(message);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }));
      }
    }
    expect(got).toHaveLength(1);
    expect(got[0]!.Attributes?.MessageGroupId).toBe(walletId);
  });
});
