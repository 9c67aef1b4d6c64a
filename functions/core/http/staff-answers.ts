import { z } from 'zod';
import { instant, named, vnd, walletStatus } from './answers.ts';

// Answers of the routes the operations console needs besides the API's own (docs/operations.md
// "The operations console").

const inboxAnswer = z.strictObject({
  shards: z.int().min(0).describe('the shards new credits go to (0: the wallet takes them itself)'),
  pendingCredits: vnd.describe('VND waiting in the inbox, part of the balance, not spendable yet'),
  pendingCount: z.int().min(0),
  oldestPendingAt: instant.optional().describe('when the oldest waiting credit was committed'),
});

/** PUT /v1/ops/wallets/{walletId}/inbox: the inbox as the change left it. */
export const opsInboxAnswer = named(
  'OpsWalletInbox',
  z.strictObject({
    walletId: z.string(),
    inboxShards: z.int().min(0),
    inboxShardsSeen: z.int().min(0).describe('the most shards it ever had: where credits may still wait'),
  }),
  "A busy wallet's inbox configuration (docs/merchants.md).",
);

export const opsWalletAnswer = named(
  'OpsWallet',
  z.strictObject({
    walletId: z.string(),
    status: walletStatus,
    balance: vnd,
    currency: z.literal('VND'),
    ownerId: z.string().describe('the customer who owns it'),
    ownerKind: z.enum(['INDIVIDUAL', 'ORGANIZATION']),
    merchant: z.boolean(),
    createdAt: instant,
    inbox: inboxAnswer
      .optional()
      .describe("a busy wallet's inbox: its shards and the credits waiting to be folded in (counted in `balance`)"),
    orders: z
      .array(
        z.strictObject({
          orderId: z.string(),
          action: z.enum(['FREEZE', 'UNFREEZE']),
          authority: z.string().describe('`OPERATOR`, or the authority named in the written order'),
          actor: z.string().describe('the staff member who entered it (Cognito `sub`)'),
          reason: z.string(),
          reference: z.string(),
          requestId: z.string().optional(),
          caseId: z.string().optional(),
          previousStatus: walletStatus,
          status: walletStatus,
          at: instant,
        }),
      )
      .describe('every freeze and unfreeze order, oldest first'),
  }),
  'A wallet as operators see it: its owner and its freeze orders.',
);
