// Turns a commit plan (functions/core/domain/commit-plan.ts) into the items of one
// TransactWriteItems. Each builder returns the items of one part of the plan with the role each
// plays, so that a cancelled transaction can say which condition failed (for the logs).
import { createHash } from 'node:crypto';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditTtl } from '../../domain/audit.ts';
import type {
  AuditRecord,
  CommitPlan,
  PaymentRequestWrite,
  RefundWrite,
  StoredRefusal,
  SystemMove,
  WalletMove,
  WalletOrderWrite,
} from '../../domain/commit-plan.ts';
import type { InboxCredit, InboxSweep } from '../../domain/inbox.ts';
import { largeValueIndexAttributes } from '../../domain/large-value.ts';
import type { LawEnforcementRequest } from '../../domain/law-enforcement.ts';
import { systemAccountShards } from '../../domain/ledger.ts';
import type { Transfer, TransferStatus } from '../../domain/transfer.ts';
import type { Wallet } from '../../domain/wallet.ts';
import { keys, ttlAfter } from './keys.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type Role =
  | 'transfer'
  | 'wallet'
  | 'entry'
  | 'system'
  | 'monthly'
  | 'case'
  | 'order'
  | 'clearance'
  | 'request'
  | 'paymentRequest'
  | 'refund'
  | 'switch'
  | 'credit'
  | 'config'
  | 'audit';
export interface Built {
  item: TransactItem;
  role: Role;
}

export interface Tables {
  wallet: string;
  /** The audit table; a plan with an audit record and no audit table is refused (fail closed). */
  audit?: string;
}

export const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/** Statement entries per law-enforcement part item: about 250 bytes each keeps a part far below 400 KB. */
export const ENTRIES_PER_PART = 200;

/** A refusal kept as an Idempotency-Key's answer lives a little longer than the 24 h keys are kept. */
const REFUSAL_TTL_SECONDS = 48 * 60 * 60;

/** SET a = :a, … with every name escaped (`status` is a reserved word). */
function setExpression(set: Record<string, unknown>, prefix: string) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(set).map(([field, value], i) => {
    names[`#${prefix}${i}`] = field;
    values[`:${prefix}${i}`] = value;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { parts, names, values };
}

/** Transfers waiting for the bank sit in a sparse index the sweeper and the reconciliation read. */
export function processingIndex(status: TransferStatus, since: string, transferId: string) {
  return status === 'PROCESSING' ? { gsi1pk: keys.processingIndex, gsi1sk: `${since}#${transferId}` } : {};
}

function createTransfer(table: string, t: Transfer): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.transfer(t.transferId),
        ...t,
        ...processingIndex(t.status, t.processingSince ?? t.createdAt, t.transferId),
        ...largeValueIndexAttributes(t),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function updateTransfer(
  table: string,
  u: Extract<NonNullable<CommitPlan['transfer']>, { update: unknown }>['update'],
): TransactItem {
  const indexed = largeValueIndexAttributes({
    transferId: u.transferId,
    amount: u.amount,
    status: u.to,
    completedAt: u.set.completedAt,
  });
  const { parts, names, values } = setExpression({ ...u.set, ...indexed } as Record<string, unknown>, 't');
  const waiting = u.to === 'PROCESSING';
  const index = waiting
    ? {
        set: ['gsi1pk = :idxpk', 'gsi1sk = :idxsk'],
        values: { ':idxpk': keys.processingIndex, ':idxsk': `${u.set.processingSince}#${u.transferId}` },
      }
    : { set: [] as string[], values: {} };
  const fromValues = Object.fromEntries(u.from.map((s, i) => [`:from${i}`, s]));
  return {
    Update: {
      TableName: table,
      Key: keys.transfer(u.transferId),
      UpdateExpression: `SET ${[...parts, ...index.set].join(', ')}${waiting ? '' : ' REMOVE gsi1pk, gsi1sk'}`,
      ConditionExpression: `#st IN (${Object.keys(fromValues).join(', ')})`,
      ExpressionAttributeNames: { ...names, '#st': 'status' },
      ExpressionAttributeValues: { ...values, ...fromValues, ...index.values },
    },
  };
}

function storeRefusal(table: string, r: StoredRefusal): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.transfer(r.transferId),
        kind: 'REFUSAL',
        ...r,
        ttl: ttlAfter(new Date(r.at), REFUSAL_TTL_SECONDS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function transferItems(table: string, write: CommitPlan['transfer']): Built[] {
  if (!write) return [];
  if ('create' in write) return [{ item: createTransfer(table, write.create), role: 'transfer' }];
  if ('update' in write) return [{ item: updateTransfer(table, write.update), role: 'transfer' }];
  return [{ item: storeRefusal(table, write.refusal), role: 'transfer' }];
}

/** The wallet at its version (and ACTIVE where the move needs it), and its statement entry numbered by the new version. */
export function walletItems(table: string, move: WalletMove, token: string, at: string): Built[] {
  const { wallet, amount, counters, entry } = move;
  const next = wallet.version + 1;
  const balanceAfter = wallet.balance + amount;
  const values: Record<string, unknown> = { ':v': wallet.version, ':next': next, ':balance': balanceAfter };
  const sets = ['balance = :balance', 'version = :next'];
  if (counters) {
    const sameDay = wallet.counterDay === counters.day;
    sets.push('counterDay = :day', 'counters = :counters');
    values[':day'] = counters.day;
    values[':counters'] = { ...(sameDay ? wallet.counters : {}), [counters.group]: counters.next };
  }
  const active = move.requireActive;
  if (active) values[':active'] = 'ACTIVE';
  return [
    {
      role: 'wallet',
      item: {
        Update: {
          TableName: table,
          Key: keys.wallet(wallet.walletId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: active ? 'version = :v AND #status = :active' : 'version = :v',
          ...(active ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: values,
        },
      },
    },
    {
      role: 'entry',
      item: {
        Put: {
          TableName: table,
          Item: {
            ...keys.walletEntry(wallet.walletId, next),
            entryId: digest(token, wallet.walletId).slice(0, 26),
            walletId: wallet.walletId,
            transferId: entry.transferId,
            type: entry.type,
            amount,
            balanceAfter,
            ...(entry.counterparty ? { counterparty: entry.counterparty } : {}),
            ...(entry.counterpartyKey ? { counterpartyKey: entry.counterpartyKey } : {}),
            createdAt: at,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
  ];
}

/**
 * A credit into a busy wallet's inbox (functions/core/domain/inbox.ts): an item of its own on the
 * shard the transfer derives, in commit order; the wallet's item is not touched. Once per transfer.
 */
export function creditItem(table: string, c: InboxCredit, at: string): Built {
  return {
    role: 'credit',
    item: {
      Put: {
        TableName: table,
        Item: {
          ...keys.inboxCredit(c.walletId, c.shard, at, c.entry.transferId),
          walletId: c.walletId,
          shard: c.shard,
          transferId: c.entry.transferId,
          type: c.entry.type,
          amount: c.amount,
          ...(c.entry.counterparty ? { counterparty: c.entry.counterparty } : {}),
          ...(c.entry.counterpartyKey ? { counterpartyKey: c.entry.counterpartyKey } : {}),
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/**
 * The sweeper's fold: the wallet at its version takes the batch (version + k, balance + Σ), one
 * entry per credit numbered by the version it produces, with the running balance after it, and
 * each credit deleted, conditionally on it still being there: a credit applied by an earlier try
 * cancels the whole transaction, so a credit is never applied twice. An entry keeps the credit's
 * time as `createdAt` (when the money moved) and the fold's as `appliedAt`.
 */
export function sweepItems(table: string, sweep: InboxSweep, token: string, at: string): Built[] {
  const { wallet, credits } = sweep;
  let balance = wallet.balance;
  const built: Built[] = [];
  credits.forEach((c, i) => {
    balance += c.amount;
    built.push(
      {
        role: 'entry',
        item: {
          Put: {
            TableName: table,
            Item: {
              ...keys.walletEntry(wallet.walletId, wallet.version + 1 + i),
              entryId: digest(token, wallet.walletId, c.entry.transferId).slice(0, 26),
              walletId: wallet.walletId,
              transferId: c.entry.transferId,
              type: c.entry.type,
              amount: c.amount,
              balanceAfter: balance,
              ...(c.entry.counterparty ? { counterparty: c.entry.counterparty } : {}),
              ...(c.entry.counterpartyKey ? { counterpartyKey: c.entry.counterpartyKey } : {}),
              createdAt: c.at,
              appliedAt: at,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        role: 'credit',
        item: {
          Delete: {
            TableName: table,
            Key: keys.inboxCredit(c.walletId, c.shard, c.at, c.entry.transferId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      },
    );
  });
  const wallet0: Built = {
    role: 'wallet',
    item: {
      Update: {
        TableName: table,
        Key: keys.wallet(wallet.walletId),
        UpdateExpression: 'SET balance = :balance, version = :next',
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: {
          ':v': wallet.version,
          ':next': wallet.version + credits.length,
          ':balance': balance,
        },
      },
    },
  };
  return [wallet0, ...built];
}

/** An operator's inbox configuration: conditional on the count as read (the audit record rides along). */
export function walletConfigItem(table: string, c: NonNullable<CommitPlan['walletConfig']>): Built {
  const read = c.wallet.inboxShards;
  return {
    role: 'config',
    item: {
      Update: {
        TableName: table,
        Key: keys.wallet(c.wallet.walletId),
        UpdateExpression: 'SET inboxShards = :n, inboxShardsSeen = :seen',
        ConditionExpression:
          read === undefined ? 'attribute_exists(pk) AND attribute_not_exists(inboxShards)' : 'inboxShards = :read',
        ExpressionAttributeValues: {
          ':n': c.inboxShards,
          ':seen': c.inboxShardsSeen,
          ...(read === undefined ? {} : { ':read': read }),
        },
      },
    },
  };
}

/** Shard and entry id derive from the transfer: a retried commit writes the same items. */
export function systemItems(table: string, p: SystemMove, token: string, n: number, at: string): Built[] {
  const shard = Number.parseInt(digest(p.transferId, p.account).slice(0, 8), 16) % systemAccountShards;
  return [
    {
      role: 'system',
      item: {
        Update: {
          TableName: table,
          Key: keys.systemBalance(p.account, shard),
          UpdateExpression: 'ADD balance :amount',
          ExpressionAttributeValues: { ':amount': p.amount },
        },
      },
    },
    {
      role: 'system',
      item: {
        Put: {
          TableName: table,
          Item: {
            ...keys.systemEntry(p.account, shard, digest(token, String(n)).slice(0, 26)),
            transferId: p.transferId,
            amount: p.amount,
            createdAt: at,
          },
        },
      },
    },
  ];
}

export function monthlyItem(table: string, m: NonNullable<CommitPlan['monthly']>): Built {
  return {
    role: 'monthly',
    item: {
      Update: {
        TableName: table,
        Key:
          m.counter === 'ESSENTIAL'
            ? keys.essentialUsage(m.customerId, m.month)
            : keys.monthlyUsage(m.customerId, m.month),
        UpdateExpression: 'ADD used :amount',
        // No arithmetic in conditions: the room left is computed here (DESIGN.md). Giving room
        // back (a rejected hold) needs none.
        ...(m.amount > 0
          ? {
              ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
              ExpressionAttributeValues: { ':amount': m.amount, ':room': m.cap - m.amount },
            }
          : { ExpressionAttributeValues: { ':amount': m.amount } }),
      },
    },
  };
}

export function caseItem(table: string, riskCase: NonNullable<CommitPlan['riskCase']>): Built {
  if ('open' in riskCase) {
    const c = riskCase.open;
    return {
      role: 'case',
      item: {
        Put: {
          TableName: table,
          Item: {
            ...keys.riskCase(c.caseId),
            ...c,
            gsi1pk: keys.casesByStatus(c.status),
            gsi1sk: `${c.createdAt}#${c.caseId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    };
  }
  const c = riskCase.close;
  return {
    role: 'case',
    item: {
      Update: {
        TableName: table,
        Key: keys.riskCase(c.caseId),
        UpdateExpression: 'SET #st = :status, decidedBy = :by, note = :note, decidedAt = :at, gsi1pk = :index',
        ConditionExpression: '#st = :open',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: {
          ':status': c.status,
          ':by': c.decidedBy,
          ':note': c.note,
          ':at': c.at,
          ':index': keys.casesByStatus(c.status),
          ':open': 'OPEN',
        },
      },
    },
  };
}

/**
 * "The fields a status decision rests on are as read": status, frozenFrom and activeLinks. Balance
 * and version are left out: money movement changes no status, and a transfer racing a freeze is
 * stopped by its own condition (`status = ACTIVE`).
 */
export function unchangedStatus(wallet: Wallet) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':readStatus': wallet.status };
  const parts = ['#status = :readStatus'];
  if (wallet.frozenFrom === undefined) parts.push('attribute_not_exists(frozenFrom)');
  else {
    parts.push('frozenFrom = :readFrozenFrom');
    values[':readFrozenFrom'] = wallet.frozenFrom;
  }
  if (wallet.activeLinks === undefined) parts.push('attribute_not_exists(activeLinks)');
  else {
    parts.push('activeLinks = :readLinks');
    values[':readLinks'] = wallet.activeLinks;
  }
  return { condition: parts.join(' AND '), names, values };
}

/** A freeze or unfreeze (or an order recorded on a wallet frozen already) and the order itself. */
export function orderItems(table: string, w: WalletOrderWrite): Built[] {
  const { condition, names, values } = unchangedStatus(w.wallet);
  const Key = keys.wallet(w.wallet.walletId);
  const change: TransactItem = w.set
    ? (() => {
        const set = setExpression(w.set as Record<string, unknown>, 'w');
        const remove = w.remove?.length ? ` REMOVE ${w.remove.join(', ')}` : '';
        return {
          Update: {
            TableName: table,
            Key,
            UpdateExpression: `SET ${set.parts.join(', ')}${remove}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: { ...names, ...set.names },
            ExpressionAttributeValues: { ...values, ...set.values },
          },
        };
      })()
    : {
        ConditionCheck: {
          TableName: table,
          Key,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
  const order: TransactItem = {
    Put: {
      TableName: table,
      Item: { ...keys.walletOrder(w.order.walletId, w.order.at, w.order.orderId), ...w.order },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  return [
    { item: change, role: 'order' },
    { item: order, role: 'order' },
  ];
}

/** A movement over the switch under its business day: once per direction and reference. */
export function switchRecordItem(table: string, r: NonNullable<CommitPlan['switchRecord']>): Built {
  return {
    role: 'switch',
    item: {
      Put: {
        TableName: table,
        Item: { ...keys.switchRecord(r.day, r.direction, r.reference), ...r },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/**
 * A payment request claimed by the payment whose money moves: PAID only while OPEN, not expired
 * and for this wallet and amount (one payment completes per request, API.md v1.1), and out of the
 * expiry sweep's index. A held payment rejected gives it back: OPEN and in the index again.
 */
export function paymentRequestItem(table: string, w: PaymentRequestWrite): Built {
  if ('claim' in w) {
    const c = w.claim;
    return {
      role: 'paymentRequest',
      item: {
        Update: {
          TableName: table,
          Key: keys.paymentRequest(c.paymentRequestId),
          UpdateExpression: 'SET #st = :paid, transferId = :t, paidAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#st = :open AND expiresAt > :at AND walletId = :w AND #amount = :amount',
          ExpressionAttributeNames: { '#st': 'status', '#amount': 'amount' },
          ExpressionAttributeValues: {
            ':paid': 'PAID',
            ':open': 'OPEN',
            ':t': c.transferId,
            ':at': c.at,
            ':w': c.walletId,
            ':amount': c.amount,
          },
        },
      },
    };
  }
  const r = w.reopen;
  return {
    role: 'paymentRequest',
    item: {
      Update: {
        TableName: table,
        Key: keys.paymentRequest(r.paymentRequestId),
        UpdateExpression: 'SET #st = :open, gsi1pk = openIndexPk, gsi1sk = openIndexSk REMOVE transferId, paidAt',
        ConditionExpression: '#st = :paid AND transferId = :t',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':open': 'OPEN', ':paid': 'PAID', ':t': r.transferId },
      },
    },
  };
}

/**
 * A refund's share of its payment (API.md v1.1 "Refunds"): `refundedAmount` raised only while the
 * payment is a COMPLETED PAYMENT and the sum stays within it (no arithmetic in conditions: the room
 * left is computed here). A rejected held refund gives its share back.
 */
export function refundItem(table: string, r: RefundWrite): Built {
  const Key = keys.transfer(r.originalTransferId);
  if (r.amount < 0) {
    return {
      role: 'refund',
      item: {
        Update: {
          TableName: table,
          Key,
          UpdateExpression: 'SET refundedAmount = refundedAmount + :amount',
          ConditionExpression: 'refundedAmount >= :back',
          ExpressionAttributeValues: { ':amount': r.amount, ':back': -r.amount },
        },
      },
    };
  }
  return {
    role: 'refund',
    item: {
      Update: {
        TableName: table,
        Key,
        UpdateExpression: 'SET refundedAmount = if_not_exists(refundedAmount, :zero) + :amount',
        ConditionExpression:
          '#st = :completed AND #ty = :payment AND (attribute_not_exists(refundedAmount) OR refundedAmount <= :room)',
        ExpressionAttributeNames: { '#st': 'status', '#ty': 'type' },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':amount': r.amount,
          ':room': r.paymentAmount - r.amount,
          ':completed': 'COMPLETED',
          ':payment': 'PAYMENT',
        },
      },
    },
  };
}

/** A watch-list entry cleared for a customer (a screening case released as a false positive). */
export function clearanceItem(table: string, c: NonNullable<CommitPlan['clearance']>): Built {
  return {
    role: 'clearance',
    item: {
      Update: {
        TableName: table,
        Key: keys.customer(c.customerId),
        UpdateExpression: 'SET screeningCleared = list_append(if_not_exists(screeningCleared, :none), :entry)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':none': [], ':entry': [c.entry] },
      },
    },
  };
}

/** The request item of a law-enforcement request; its statement parts were written before it. */
export function requestItem(table: string, request: LawEnforcementRequest, parts: number): Built {
  const answer = request.answer
    ? { ...request.answer, statement: { ...request.answer.statement, entries: [] } }
    : undefined;
  return {
    role: 'request',
    item: {
      Put: {
        TableName: table,
        Item: { ...keys.lawEnforcementRequest(request.requestId), ...request, ...(answer ? { answer } : {}), parts },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** One audit entry per subject, append-only (RULES.md §9), expiring after 5 years and 30 days. */
export function auditItems(table: string, entry: AuditRecord): Built[] {
  const ttl = auditTtl(new Date(entry.at));
  return [...new Set(entry.subjects)].map((subject) => ({
    role: 'audit',
    item: {
      Put: {
        TableName: table,
        Item: { ...keys.auditEntry(subject, entry.at, entry.auditId), ...entry, subject, ttl },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  }));
}
