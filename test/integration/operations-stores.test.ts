import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/adapters/dynamodb/client.ts';
import { keys } from '../../functions/core/adapters/dynamodb/keys.ts';
import { container } from '../../functions/core/container.ts';
import { auditTtl } from '../../functions/core/domain/audit.ts';
import { largeValueIndexAttributes } from '../../functions/core/domain/large-value.ts';
import type { Transfer } from '../../functions/core/domain/transfer.ts';
import type { Wallet } from '../../functions/core/domain/wallet.ts';
import { freezeWallet, unfreezeWallet } from '../../functions/core/use-cases/freeze-wallet.ts';
import { largeValueReport } from '../../functions/core/use-cases/large-value-report.ts';

// The stores behind issue #7 against DynamoDB Local: the sparse large-value index, the append-only
// audit table and the conditional wallet status changes.

const walletTable = () => process.env.WALLET_TABLE_NAME!;
const auditTable = () => process.env.AUDIT_TABLE_NAME!;

function transfer(amount: number, completedAt: string, status: Transfer['status'] = 'COMPLETED'): Transfer {
  return {
    transferId: ulid(),
    type: 'TOPUP',
    status,
    walletId: ulid(),
    customerId: ulid(),
    customerKind: 'INDIVIDUAL',
    amount,
    group: 'I.1',
    class: 'D',
    deviceId: 'device',
    createdAt: completedAt,
    completedAt,
  } as Transfer;
}

/** A transfer item as the ledger writes it, with the gsi2 attributes spread in at completion. */
const putTransfer = (t: Transfer) =>
  dynamo().send(
    new PutCommand({
      TableName: walletTable(),
      Item: { ...keys.transfer(t.transferId), ...t, ...largeValueIndexAttributes(t) },
    }),
  );

describe('large-value report from the sparse gsi2 index', () => {
  it('lists the Hanoi day’s completed transfers of 500,000,000 VND or more, oldest first', async () => {
    const day = '2019-06-14';
    const late = transfer(900_000_000, '2019-06-14T16:59:59.000Z'); // 23:59:59 in Hanoi
    const early = transfer(500_000_000, '2019-06-13T17:00:00.000Z'); // 00:00 in Hanoi
    const small = transfer(499_999_999, '2019-06-14T05:00:00.000Z');
    const nextDay = transfer(700_000_000, '2019-06-14T17:00:00.000Z');
    await Promise.all([late, early, small, nextDay].map(putTransfer));

    const report = await largeValueReport(container(), day);
    expect(report).toEqual({
      date: day,
      threshold: 500_000_000,
      // Each item also names both parties in full (Circular 27/2025): test/e2e/aml-reports.test.ts.
      items: [early, late].map((t) =>
        expect.objectContaining({
          transferId: t.transferId,
          type: 'TOPUP',
          amount: t.amount,
          walletId: t.walletId,
          status: 'COMPLETED',
          completedAt: t.completedAt,
        }),
      ),
    });
    expect((await largeValueReport(container(), '2019-06-15')).items.map((i) => i.transferId)).toEqual([
      nextDay.transferId,
    ]);
  });
});

describe('audit table', () => {
  it('files an entry under each subject with a 5-year TTL, and never overwrites one', async () => {
    const at = new Date().toISOString();
    const entry = {
      auditId: ulid(),
      actor: 'operator-sub',
      actorGroups: ['operators'],
      action: 'WALLET_FREEZE' as const,
      subjects: [`w-${ulid()}`, `c-${ulid()}`],
      purpose: { route: 'POST /v1/ops/wallets/{walletId}/freeze', reason: 'test', reference: 'T-1' },
      at,
    };
    await container().audit.append(entry);
    for (const subject of entry.subjects) {
      const out = await dynamo().send(
        new GetCommand({ TableName: auditTable(), Key: keys.auditEntry(subject, at, entry.auditId) }),
      );
      expect(out.Item).toMatchObject({ ...entry, subject, ttl: auditTtl(new Date(at)) });
    }
    await expect(container().audit.append({ ...entry, actor: 'someone-else' })).rejects.toThrow();
    const { items } = await container().audit.list(entry.subjects[0]!, 10);
    expect(items).toEqual([{ ...entry, subject: entry.subjects[0] }]);
  });
});

describe('wallet status changes are conditional on the wallet as read', () => {
  async function newWallet(status: Wallet['status']): Promise<Wallet> {
    const wallet: Wallet = {
      walletId: ulid(),
      ownerId: ulid(),
      ownerKind: 'INDIVIDUAL',
      merchant: false,
      status,
      balance: 0,
      currency: 'VND',
      createdAt: new Date().toISOString(),
      activeLinks: 1,
      version: 0,
    };
    await dynamo().send(
      new PutCommand({ TableName: walletTable(), Item: { ...keys.wallet(wallet.walletId), ...wallet } }),
    );
    return wallet;
  }

  it('refuses a freeze planned on a stale read, and the use case re-reads and keeps the lock', async () => {
    const services = container();
    const stale = await newWallet('ACTIVE');
    expect(await services.walletControl.lock(stale, { at: new Date().toISOString() })).toBe('done');
    const order = {
      orderId: ulid(),
      walletId: stale.walletId,
      action: 'FREEZE' as const,
      authority: 'OPERATOR',
      actor: 'operator-sub',
      reason: 'test',
      reference: 'T-2',
      previousStatus: 'ACTIVE' as const,
      status: 'FROZEN' as const,
      at: new Date().toISOString(),
    };
    const audit = {
      auditId: ulid(),
      actor: 'operator-sub',
      actorGroups: ['operators'],
      action: 'WALLET_FREEZE' as const,
      subjects: [stale.walletId],
      purpose: { route: 'test' },
      at: order.at,
    };
    const plan = {
      at: order.at,
      token: `order:${order.orderId}`,
      wallets: [],
      system: [],
      walletOrders: [
        { wallet: stale, set: { status: 'FROZEN' as const, frozenFrom: 'ACTIVE' as const, frozenAt: order.at }, order },
      ],
      audit,
    };
    expect((await services.ledger.commit(plan)).outcome).toBe('conflict');

    const input = {
      caller: { subject: 'operator-sub', groups: ['operators'] },
      route: 'test',
      reason: 'test',
      reference: 'T-2',
    };
    const frozen = await freezeWallet(services, stale.walletId, input);
    expect(frozen.previousStatus).toBe('LOCKED');
    expect((await unfreezeWallet(services, stale.walletId, input)).wallet.status).toBe('LOCKED');
  });

  it('records the freeze order with the wallet', async () => {
    const services = container();
    const wallet = await newWallet('PENDING_LINK');
    const input = {
      caller: { subject: 'officer-sub', groups: ['operators'] },
      route: 'POST /v1/ops/wallets/{walletId}/freeze',
      reason: 'order',
      reference: 'CV-1',
    };
    const { order } = await freezeWallet(services, wallet.walletId, input);
    const out = await dynamo().send(
      new GetCommand({ TableName: walletTable(), Key: keys.walletOrder(wallet.walletId, order.at, order.orderId) }),
    );
    expect(out.Item).toMatchObject({
      authority: 'OPERATOR',
      actor: 'officer-sub',
      reason: 'order',
      reference: 'CV-1',
      action: 'FREEZE',
      previousStatus: 'PENDING_LINK',
      status: 'FROZEN',
    });
  });
});
