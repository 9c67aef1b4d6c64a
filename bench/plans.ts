// The raw-engine baseline issues the same item set as the API: a commit plan is derived from one
// the API actually committed (captured in the run), and the wallet's own ledger adapter turns it
// into its TransactWriteItems. The adapter's `send` is intercepted synchronously, so the request
// body is built without I/O, inside autocannon's synchronous `setupRequest`.
import { marshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { dynamo } from '../functions/core/adapters/dynamodb/client.ts';
import { DynamoLedger } from '../functions/core/adapters/dynamodb/ledger.ts';
import { businessDay, businessMonth } from '../functions/core/domain/calendar.ts';
import type { Transfer } from '../functions/core/domain/transfer.ts';
import type { Wallet } from '../functions/core/domain/wallet.ts';
import type { CommitPlan, WalletChange } from '../functions/core/ports/ledger.ts';
import { classify } from '../functions/core/use-cases/transfers/post.ts';

type Attr = Record<string, unknown>;

/** What one command would send: the DynamoDB operation and its low-level JSON body. */
export interface WireRequest {
  target: 'TransactWriteItems' | 'PutItem';
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

  createTransfer(t: Transfer): WireRequest {
    const { input } = intercept(() => this.#ledger.createTransfer(t));
    return { target: 'PutItem', input, body: JSON.stringify(lowLevel(input)) };
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

/** A plan of the same shape as `template` (one the API committed), for this connection's wallets. */
export function derivePlan(
  template: CommitPlan,
  state: RawWallets,
  now: Date,
  waiting?: Transfer,
): { plan: CommitPlan; transfer: Transfer; after: () => void } {
  const at = now.toISOString();
  const tpl = template.wallets;
  const source = 'create' in template.transfer ? template.transfer.create : waiting!;
  const amount = source.amount;
  const transferId = waiting?.transferId ?? ulid(now.getTime());
  const transfer: Transfer = {
    ...source,
    transferId,
    walletId: state.payer.walletId,
    customerId: state.customerId,
    toWalletId: state.payee.walletId,
    ...(source.merchantId ? { merchantId: state.payee.walletId } : {}),
    createdAt: waiting?.createdAt ?? at,
    ...('create' in template.transfer && template.transfer.create.completedAt ? { completedAt: at } : {}),
  };
  const { next } = classify(transfer, state.payer, now);
  const counters = tpl[0]?.counters ? { day: businessDay(now), group: transfer.group, next } : undefined;
  const wallets: WalletChange[] = [
    {
      wallet: { ...state.payer },
      delta: -amount,
      requireActive: tpl[0]?.requireActive ?? true,
      ...(counters ? { counters } : {}),
      entry: { transferId, type: transfer.type, counterparty: state.payee.walletId, at },
    },
    {
      wallet: { ...state.payee },
      delta: amount,
      requireActive: tpl[1]?.requireActive ?? true,
      entry: { transferId, type: transfer.type, counterparty: state.payer.walletId, at },
    },
  ];
  const set = 'update' in template.transfer ? { ...template.transfer.update.set } : undefined;
  if (set?.completedAt) set.completedAt = at;
  const plan: CommitPlan = {
    transfer:
      'create' in template.transfer
        ? { create: transfer }
        : { update: { ...template.transfer.update, transferId, set: set ?? {}, amount } },
    wallets,
    system: [],
    ...(template.monthly
      ? { monthly: { ...template.monthly, customerId: state.customerId, month: businessMonth(now), amount } }
      : {}),
    token: `${transferId}:post`,
  };
  const after = () => {
    state.payer = {
      ...state.payer,
      balance: state.payer.balance - amount,
      version: state.payer.version + 1,
      ...(counters ? { counterDay: counters.day, counters: { ...state.payer.counters, [counters.group]: next } } : {}),
    };
    state.payee = { ...state.payee, balance: state.payee.balance + amount, version: state.payee.version + 1 };
  };
  return { plan, transfer, after };
}

/** The waiting transfer (REQUIRES_AUTHENTICATION) of a class B flow, for this connection. */
export function deriveWaiting(template: Transfer, state: RawWallets, now: Date): Transfer {
  const at = now.toISOString();
  const transferId = ulid(now.getTime());
  return {
    ...template,
    transferId,
    walletId: state.payer.walletId,
    customerId: state.customerId,
    toWalletId: state.payee.walletId,
    createdAt: at,
    ...(template.challenge
      ? {
          challenge: {
            ...template.challenge,
            challengeId: ulid(now.getTime()),
            expiresAt: new Date(now.getTime() + 300_000).toISOString(),
          },
        }
      : {}),
  };
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
