import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/adapters/dynamodb/client.ts';
import { SandboxBank } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { SqsSettlementQueue } from '../../functions/core/adapters/sqs/settlement-queue.ts';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { Clock } from '../../functions/core/ports/clock.ts';
import { linkBank } from '../../functions/core/use-cases/bank-links.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { getTransfer } from '../../functions/core/use-cases/transfers/get-transfer.ts';
import { settleTransfer, sweepStuckTransfers } from '../../functions/core/use-cases/transfers/settle.ts';
import { statement } from '../../functions/core/use-cases/transfers/statement.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { verifiedCustomer } from '../support/journeys.ts';

// Settlement against the sandbox bank's failures, the sweeper, challenge expiry and commit
// conflicts, with the real engines; the worker step is called directly (no poller here).

const M = 1_000_000;
const clock = {
  at: new Date(),
  now() {
    return this.at;
  },
} satisfies Clock & { at: Date };
overrideServices({ clock });
const original = container();
let seq = Math.floor(Math.random() * 1e8);
const bank = () => new SandboxBank(process.env.SANDBOX_BANK_TABLE_NAME!, () => clock.now());

afterEach(() => {
  overrideServices({ ...original, clock });
});

async function activeWallet(bankBalance = 2_000 * M) {
  const c = await verifiedCustomer();
  const wallet = await openWallet(container(), c.customerId);
  const accountNumber = `55${seq++}`;
  await bank().openAccount({
    bankCode: 'VCB',
    accountNumber,
    holderName: c.identity.fullName,
    idNumber: c.identity.idNumber,
    balance: bankBalance,
  });
  const link = await linkBank(container(), c.customerId, wallet.walletId, { bankCode: 'VCB', accountNumber });
  return { ...c, walletId: wallet.walletId, linkId: link.linkId, accountNumber };
}

const bankBalance = async (accountNumber: string) => (await bank().account('VCB', accountNumber))!.balance;
const walletBalance = async (walletId: string) => (await container().wallets.get(walletId))!.balance;

async function topUp(a: Awaited<ReturnType<typeof activeWallet>>, amount: number) {
  const t = await createTransfer(container(), a.customerId, 'd', {
    type: 'TOPUP',
    walletId: a.walletId,
    linkId: a.linkId,
    amount,
  });
  expect(t.status).toBe('PROCESSING');
  await settleTransfer(container(), t.transferId);
  return getTransfer(container(), a.customerId, t.transferId);
}

describe('settlement worker against bank failures', () => {
  it('credits a top-up once the bank pulled the money', async () => {
    const a = await activeWallet();
    const done = await topUp(a, 3 * M);
    expect(done.status).toBe('COMPLETED');
    expect(await walletBalance(a.walletId)).toBe(3 * M);
    expect(await bankBalance(a.accountNumber)).toBe(1_997 * M);
  });

  it('TIMEOUT: the money moved but the answer was lost; status tells, the wallet is credited once', async () => {
    const a = await activeWallet();
    await bank().setFaults('TIMEOUT', 1, a.accountNumber);
    const done = await topUp(a, 2 * M);
    expect(done.status).toBe('COMPLETED');
    await settleTransfer(container(), done.transferId);
    expect(await walletBalance(a.walletId)).toBe(2 * M);
    expect(await bankBalance(a.accountNumber)).toBe(1_998 * M);
  });

  it('ERROR: nothing moved; the message is retried until the bank answers, then credited once', async () => {
    const a = await activeWallet();
    await bank().setFaults('ERROR', 4, a.accountNumber);
    const t = await createTransfer(container(), a.customerId, 'd', {
      type: 'TOPUP',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: M,
    });
    await expect(settleTransfer(container(), t.transferId)).rejects.toThrow(/unknown/);
    expect((await getTransfer(container(), a.customerId, t.transferId)).status).toBe('PROCESSING');
    expect(await bankBalance(a.accountNumber)).toBe(2_000 * M);
    await settleTransfer(container(), t.transferId);
    expect((await getTransfer(container(), a.customerId, t.transferId)).status).toBe('COMPLETED');
    expect(await walletBalance(a.walletId)).toBe(M);
  });

  it('DECLINE on a top-up: FAILED with a failure code, nothing credited', async () => {
    const a = await activeWallet();
    await bank().setFaults('DECLINE', 1, a.accountNumber);
    const done = await topUp(a, M);
    expect(done).toMatchObject({ status: 'FAILED', failureCode: 'bank-declined' });
    expect(await walletBalance(a.walletId)).toBe(0);
  });

  it('DECLINE on a withdrawal: the reserved funds come back with a reversing entry', async () => {
    const a = await activeWallet();
    await topUp(a, 5 * M);
    const w = await createTransfer(container(), a.customerId, 'd', {
      type: 'WITHDRAWAL',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: 2 * M,
    });
    expect(w.status).toBe('PROCESSING');
    expect(await walletBalance(a.walletId)).toBe(3 * M); // reserved at once
    await bank().setFaults('DECLINE', 1, a.accountNumber);
    await settleTransfer(container(), w.transferId);
    expect(await getTransfer(container(), a.customerId, w.transferId)).toMatchObject({
      status: 'FAILED',
      failureCode: 'bank-declined',
    });
    expect(await walletBalance(a.walletId)).toBe(5 * M);
    const { items } = await statement(container(), a.customerId, a.walletId, 10);
    expect(items.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['WITHDRAWAL_RETURN', 2 * M, 5 * M],
      ['WITHDRAWAL', -2 * M, 3 * M],
      ['TOPUP', 5 * M, 5 * M],
    ]);
  });

  it('a withdrawal paid out leaves the wallet and reaches the bank account', async () => {
    const a = await activeWallet();
    await topUp(a, 5 * M);
    const w = await createTransfer(container(), a.customerId, 'd', {
      type: 'WITHDRAWAL',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: 2 * M,
    });
    await settleTransfer(container(), w.transferId);
    expect((await getTransfer(container(), a.customerId, w.transferId)).status).toBe('COMPLETED');
    expect(await walletBalance(a.walletId)).toBe(3 * M);
    expect(await bankBalance(a.accountNumber)).toBe(1_997 * M);
  });
});

describe('duplicate deliveries', () => {
  it('a message delivered twice, even at once, moves the bank and the wallet once', async () => {
    const a = await activeWallet();
    const t = await createTransfer(container(), a.customerId, 'd', {
      type: 'TOPUP',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: 4 * M,
    });
    await Promise.all([settleTransfer(container(), t.transferId), settleTransfer(container(), t.transferId)]);
    await settleTransfer(container(), t.transferId);
    expect(await walletBalance(a.walletId)).toBe(4 * M);
    expect(await bankBalance(a.accountNumber)).toBe(1_996 * M);
    const { items } = await statement(container(), a.customerId, a.walletId, 10);
    expect(items).toHaveLength(1);
  });
});

describe('crash between the table write and the enqueue', () => {
  it('the sweeper re-enqueues a transfer stuck in PROCESSING', async () => {
    const a = await activeWallet();
    overrideServices({
      queue: {
        enqueue: async () => {
          throw new Error('SQS unreachable');
        },
      },
    });
    const t = await createTransfer(container(), a.customerId, 'd', {
      type: 'TOPUP',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: M,
    });
    expect(t.status).toBe('PROCESSING');
    // A queue of this test's own: other suites read the settlement queue at the same time.
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `sweeper-${seq++}` }));
    overrideServices({ ...original, clock, queue: new SqsSettlementQueue(QueueUrl!) });
    clock.at = new Date(clock.at.getTime() + 10 * 60 * 1000);
    const swept = await sweepStuckTransfers(container());
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    const bodies: string[] = [];
    for (let i = 0; i < 10 && !bodies.some((b) => b.includes(t.transferId)); i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      bodies.push(...(out.Messages ?? []).map((m) => m.Body ?? ''));
    }
    expect(bodies.some((b) => b.includes(t.transferId))).toBe(true);
  });
});

describe('step-up expiry (RULES.md §3: 5 minutes)', () => {
  it('a transfer not authorised in time becomes EXPIRED and cannot be authorised', async () => {
    const a = await activeWallet();
    const t = await createTransfer(container(), a.customerId, 'd', {
      type: 'TOPUP',
      walletId: a.walletId,
      linkId: a.linkId,
      amount: 15 * M,
    });
    expect(t.status).toBe('REQUIRES_AUTHENTICATION');
    clock.at = new Date(clock.at.getTime() + 5 * 60 * 1000);
    await expect(
      authorizeTransfer(container(), a.customerId, 'd', t.transferId, {
        otp: '123456',
        biometricAssertion: 'x'.repeat(30),
      }),
    ).rejects.toMatchObject({
      reason: 'challenge-expired',
    });
    expect((await getTransfer(container(), a.customerId, t.transferId)).status).toBe('EXPIRED');
  });
});

describe('TransactionConflict (DynamoDB Local never reports it, so it is injected at the SDK)', () => {
  it('is retried with backoff and the transfer posts once', async () => {
    const a = await activeWallet();
    await topUp(a, 5 * M);
    const second = await openWallet(container(), a.customerId);
    await linkBank(container(), a.customerId, second.walletId, { bankCode: 'VCB', accountNumber: a.accountNumber });
    let injected = 0;
    const client = dynamo();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && injected < 3) {
          injected++;
          throw Object.assign(new Error('Transaction cancelled [TransactionConflict]'), {
            name: 'TransactionCanceledException',
            CancellationReasons: [{ Code: 'TransactionConflict' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );
    try {
      const t = await createTransfer(container(), a.customerId, 'd', {
        type: 'P2P',
        walletId: a.walletId,
        toWalletId: second.walletId,
        amount: 2 * M,
      });
      expect(t.status).toBe('COMPLETED');
    } finally {
      client.middlewareStack.remove('injectTransactionConflict');
    }
    expect(injected).toBe(3);
    expect(await walletBalance(a.walletId)).toBe(3 * M);
    expect(await walletBalance(second.walletId)).toBe(2 * M);
  });
});
