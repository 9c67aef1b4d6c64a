import type { Wallet } from '../../domain/wallet.ts';
import { Problem } from '../../http/problem.ts';

// The refusals of money movement, each with its API.md code, in one place.
export const refusals = {
  insufficientFunds: () =>
    new Problem(
      422,
      'insufficient-funds',
      'The wallet balance does not cover this amount (no overdraft, Circular 40).',
    ),
  monthlyLimit: (room: number) =>
    new Problem(
      422,
      'monthly-limit-exceeded',
      'This would pass the 100,000,000 VND monthly limit of personal wallets (Circular 40 Art. 26).',
      {
        monthlyRemaining: Math.max(0, room),
      },
    ),
  payeeNotFound: () => new Problem(422, 'payee-not-found', 'No active wallet of this provider answers to that payee.'),
  selfTransfer: () => new Problem(422, 'self-transfer', 'The payer and payee wallets are the same.'),
  payeeNotActive: () => new Problem(422, 'wallet-not-active', 'The payee wallet cannot receive money now.'),
  bankLinkRequired: () =>
    new Problem(
      422,
      'bank-link-required',
      'Top-ups and withdrawals need an ACTIVE bank link of this wallet (Decree 52 Art. 6).',
    ),
  challengeExpired: () =>
    new Problem(400, 'challenge-expired', 'The authentication window of this transfer has closed.'),
};

/** Why this wallet may not send money now (API.md status values). */
export function payerWalletProblem(wallet: Wallet): Problem | undefined {
  switch (wallet.status) {
    case 'ACTIVE':
      return undefined;
    case 'PENDING_LINK':
      return new Problem(
        403,
        'bank-link-required',
        'Link this wallet to your own bank account or card first (Decree 52 Art. 6).',
      );
    case 'LOCKED':
      return new Problem(403, 'wallet-locked', 'This wallet is locked by its owner.');
    case 'FROZEN':
      return new Problem(403, 'wallet-frozen', 'This wallet is frozen.');
    default:
      return new Problem(403, 'wallet-not-active', 'This wallet is closed.');
  }
}
