// The raw-engine baseline issues the same item set as the API: a commit plan is derived from one
// the API actually committed (captured in the run), and the wallet's own ledger adapter
// (`DynamoLedger.commit`, items from commit-items.ts) turns it into its TransactWriteItems. The
// adapter's `send` is intercepted synchronously, so the request body is built without I/O, inside
// autocannon's synchronous `setupRequest`. Every write of the money path is a commit plan now, a
// class B transfer waiting for its factors too (a TransactWriteItems of one item).
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { dynamo } from '../functions/core/adapters/dynamodb/client.ts';
import { DynamoLedger } from '../functions/core/adapters/dynamodb/ledger.ts';
import { authenticationClass, countersAfter } from '../functions/core/domain/authentication-class.ts';
import { businessDay, businessMonth } from '../functions/core/domain/calendar.ts';
import type { CommitPlan, WalletMove } from '../functions/core/domain/commit-plan.ts';
import { countersOn, type Transfer } from '../functions/core/domain/transfer.ts';
import type { Wallet } from '../functions/core/domain/wallet.ts';

type Attr = Record<string, unknown>;

/** What one command would send: the DynamoDB operation and its low-level JSON body. */
export interface WireRequest {
  target: 'TransactWriteItems';
  input: Attr;
  body: string;
}

const MARSHALLED = ['Item', 'Key', 'ExpressionAttributeValues'] as const;

function lowLevel(input: Attr): Attr {
  const out: Attr = { ...input };
  for (const field of MARSHALLED) {
    if (out[field]) out[field] = marshall(out[field] as Attr, { removeUndefinedValues: true });
  }
  return out;
}

/** Calls `issue` with the ledger's `send` intercepted; returns what it would have sent. */
function intercept(issue: () => Promise<unknown>): { name: string; input: Attr } {
  const db = dynamo() as unknown as { send: (command: unknown) => Promise<unknown> };
  let captured: { constructor: { name: string }; input: Attr } | undefined;
  const own = Object.hasOwn(db, 'send');
  const original = db.send;
  db.send = (command) => {
    captured = command as typeof captured;
    return Promise.resolve({});
  };
  try {
    // The adapter reaches `send` before its first await: the body is captured synchronously.
    void issue().catch(() => {});
  } finally {
    if (own) db.send = original;
    else delete (db as { send?: unknown }).send;
  }
  if (!captured) throw new Error('the ledger sent nothing synchronously');
  return { name: captured.constructor.name, input: captured.input };
}

export class WireBuilder {
  readonly #ledger: DynamoLedger;
  constructor(table: string) {
    this.#ledger = new DynamoLedger(table);
  }

  commit(plan: CommitPlan): WireRequest {
    const { input } = intercept(() => this.#ledger.commit(plan));
    const wire = {
      ...input,
      TransactItems: (input.TransactItems as Attr[]).map((item) =>
        Object.fromEntries(Object.entries(item).map(([op, body]) => [op, lowLevel(body as Attr)])),
      ),
    };
    return { target: 'TransactWriteItems', input, body: JSON.stringify(wire) };
  }
}

/** Op, key shapes, conditions, update expressions and attribute names of each item: values left out. */
export function itemSetSignature(input: Attr): string[] {
  const shape = (s: unknown) => String(s ?? '').replace(/#.*/, '#');
  return ((input.TransactItems as Attr[]) ?? [input]).map((item) => {
    const [op, body] = Object.entries(item)[0] as [string, Attr];
    const key = (body.Key ?? body.Item ?? {}) as Attr;
    return [
      op,
      `${shape(key.pk)}/${shape(key.sk)}`,
      `cond=${body.ConditionExpression ?? ''}`,
      `update=${body.UpdateExpression ?? ''}`,
      `attrs=${Object.keys((body.Item as Attr) ?? {})
        .sort()
        .join(',')}`,
      `values=${Object.keys((body.ExpressionAttributeValues as Attr) ?? {})
        .sort()
        .join(',')}`,
    ].join(' ');
  });
}

/** One raw connection's wallets, as the engine holds them after the last committed request. */
export interface RawWallets {
  payer: Wallet;
  payee: Wallet;
  /** The monthly-cap item of this connection (its own, so connections share no item). */
  customerId: string;
}

/** `create` of a plan's transfer write, if that is what it is. */
const created = (plan: CommitPlan): Transfer | undefined =>
  plan.transfer && 'create' in plan.transfer ? plan.transfer.create : undefined;

/**
 * A plan of the same shape as `template` (one the API committed: a class A creation, or a class B
 * authorize, whose transfer is `waiting`), for this connection's wallets. The payer's Circular 50
 * counters are computed as the planner computes them (`countersOn`, `authenticationClass`,
 * `countersAfter`), so that the counters map grows as the API's does.
 */
export function derivePlan(
  template: CommitPlan,
  state: RawWallets,
  now: Date,
  waiting?: Transfer,
  /** A creation's transfer id (kept across retries of one payment); a new ULID when absent. */
  id?: string,
): { plan: CommitPlan; transfer: Transfer; after: () => void } {
  const at = now.toISOString();
  const tpl = template.wallets;
  const source = created(template) ?? waiting;
  if (!source) throw new Error(`derivePlan: ${template.token} creates no transfer and no waiting one was given`);
  const amount = source.amount;
  const transferId = waiting?.transferId ?? id ?? ulid(now.getTime());
  const transfer: Transfer = {
    ...source,
    transferId,
    walletId: state.payer.walletId,
    customerId: state.customerId,
    toWalletId: state.payee.walletId,
    ...(source.merchantId ? { merchantId: state.payee.walletId } : {}),
    createdAt: waiting?.createdAt ?? at,
    ...(source.completedAt ? { completedAt: at } : {}),
  };
  const payerTpl = tpl.find((m) => m.amount < 0);
  const payeeTpl = tpl.find((m) => m.amount > 0);
  const current = countersOn(state.payer, transfer.group, now);
  const cls = authenticationClass({ group: transfer.group, amount, counters: current, linkedBank: false });
  const next = countersAfter(current, amount, cls);
  const counters = payerTpl?.counters ? { day: businessDay(now), group: transfer.group, next } : undefined;
  const wallets: WalletMove[] = [
    {
      wallet: { ...state.payer },
      amount: -amount,
      requireActive: payerTpl?.requireActive ?? true,
      ...(counters ? { counters } : {}),
      entry: { transferId, type: transfer.type, counterparty: state.payee.walletId },
    },
    {
      wallet: { ...state.payee },
      amount,
      requireActive: payeeTpl?.requireActive ?? true,
      entry: { transferId, type: transfer.type, counterparty: state.payer.walletId },
    },
  ];
  let write: CommitPlan['transfer'];
  const tw = template.transfer;
  if (tw && 'update' in tw) {
    const set = { ...tw.update.set };
    if (set.completedAt) set.completedAt = at;
    if (set.monthCounted) set.monthCounted = businessMonth(now);
    write = { update: { ...tw.update, transferId, set, amount } };
  } else {
    write = { create: transfer };
  }
  const plan: CommitPlan = {
    at,
    token: template.token.replace(/^[^:]*/, transferId),
    transfer: write,
    wallets,
    system: [],
    ...(template.monthly
      ? { monthly: { ...template.monthly, customerId: state.customerId, month: businessMonth(now), amount } }
      : {}),
  };
  const after = () => {
    state.payer = {
      ...state.payer,
      balance: state.payer.balance - amount,
      version: state.payer.version + 1,
      ...(counters
        ? {
            counters: {
              ...(state.payer.counterDay === counters.day ? state.payer.counters : {}),
              [counters.group]: next,
            },
            counterDay: counters.day,
          }
        : {}),
    };
    state.payee = { ...state.payee, balance: state.payee.balance + amount, version: state.payee.version + 1 };
  };
  return { plan, transfer, after };
}

/**
 * The plan that stores a class B transfer waiting for its factors (REQUIRES_AUTHENTICATION), of the
 * shape of `template` (the one the API committed), for this connection: a new transfer id and
 * challenge. Returns the plan and the waiting transfer the authorize plan then moves on.
 */
export function deriveWaiting(
  template: CommitPlan,
  state: RawWallets,
  now: Date,
): { plan: CommitPlan; waiting: Transfer } {
  const source = created(template);
  if (!source) throw new Error(`deriveWaiting: ${template.token} creates no transfer`);
  const at = now.toISOString();
  const transferId = ulid(now.getTime());
  const challenge = source.challenge
    ? {
        ...source.challenge,
        challengeId: ulid(now.getTime()),
        expiresAt: new Date(now.getTime() + 300_000).toISOString(),
      }
    : undefined;
  const waiting: Transfer = {
    ...source,
    transferId,
    walletId: state.payer.walletId,
    customerId: state.customerId,
    toWalletId: state.payee.walletId,
    createdAt: at,
    ...(challenge ? { challenge } : {}),
    ...(challenge && source.firstAnswer && 'status' in source.firstAnswer
      ? {
          firstAnswer: {
            ...source.firstAnswer,
            challenge: { challengeId: challenge.challengeId, class: challenge.class, expiresAt: challenge.expiresAt },
          },
        }
      : {}),
  };
  const plan: CommitPlan = {
    ...template,
    at,
    token: challenge
      ? `${transferId}:challenge:${challenge.challengeId}`
      : template.token.replace(/^[^:]*/, transferId),
    transfer: { create: waiting },
    wallets: [],
    system: [],
  };
  return { plan, waiting };
}

/** HTTP headers of a DynamoDB JSON request, signed with nothing (DynamoDB Local reads only the key id and region). */
export function wireHeaders(target: string, accessKeyId: string, region: string): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `DynamoDB_20120810.${target}`,
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${date.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
  };
}
