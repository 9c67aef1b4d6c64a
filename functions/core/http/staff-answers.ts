import { z } from 'zod';
import { instant, named, vnd, walletStatus } from './answers.ts';

// Answers of the routes the operations console needs besides the API's own (docs/operations.md
// "The operations console").

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
