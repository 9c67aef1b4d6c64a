// Double-entry ledger (DESIGN.md "Money movement"): every movement writes entries that sum to
// zero across wallets and the system accounts. Wallet balances are liabilities to customers; the
// system accounts mirror the money at the bank:
// - SAFEGUARDING: the guarantee account (Decree 52 Art. 6(3)); its ledger balance is minus the
//   money held there for customers;
// - BANK_CLEARING: withdrawals reserved in the wallet but not yet paid out by the bank;
// - RISK_HOLD: transfers held for review by the risk engine (still the customers' money);
// - SWITCH_CLEARING: transfers sent to the switch, reserved in the wallet until the switch answers;
// - SWITCH_SETTLEMENT: no longer posted to (the switch pays and collects through the guarantee
//   account as it goes, like the bank: SAFEGUARDING); kept for balances written before.
export type SystemAccount = 'SAFEGUARDING' | 'BANK_CLEARING' | 'RISK_HOLD' | 'SWITCH_CLEARING' | 'SWITCH_SETTLEMENT';

/** System accounts take every top-up and withdrawal: spread over shards to stay under DynamoDB's per-item write rate. */
export const systemAccountShards = 16;

/**
 * `inbox`: a busy merchant's pending credits (functions/core/domain/inbox.ts): customers' money
 * like a wallet's balance, kept on shard items until the sweeper folds it into the wallet. The
 * identity is wallets + inboxes + system accounts = 0.
 */
export interface Posting {
  account: { wallet: string } | { system: SystemAccount } | { inbox: string };
  amount: number;
}

export type LedgerPhase =
  | 'TOPUP_CREDIT'
  | 'WITHDRAWAL_RESERVE'
  | 'WITHDRAWAL_PAYOUT'
  | 'WITHDRAWAL_RETURN'
  | 'TRANSFER'
  | 'HOLD_RESERVE'
  | 'HOLD_RELEASE'
  | 'HOLD_RETURN'
  | 'HOLD_TO_BANK'
  | 'EXTERNAL_RESERVE'
  | 'EXTERNAL_PAYOUT'
  | 'EXTERNAL_RETURN'
  | 'HOLD_TO_SWITCH'
  | 'EXTERNAL_IN_CREDIT'
  | 'REFUND'
  | 'INBOX_SWEEP';

/**
 * The postings of one phase of a transfer (two-phase where money waits: a reservation in
 * BANK_CLEARING or RISK_HOLD is later posted on or voided back). They always sum to zero.
 */
export function postings(phase: LedgerPhase, t: { walletId: string; amount: number; toWalletId?: string }): Posting[] {
  const g = t.amount;
  switch (phase) {
    case 'TOPUP_CREDIT':
      return [
        { account: { wallet: t.walletId }, amount: g },
        { account: { system: 'SAFEGUARDING' }, amount: -g },
      ];
    case 'WITHDRAWAL_RESERVE':
      return [
        { account: { wallet: t.walletId }, amount: -g },
        { account: { system: 'BANK_CLEARING' }, amount: g },
      ];
    case 'WITHDRAWAL_PAYOUT':
      return [
        { account: { system: 'BANK_CLEARING' }, amount: -g },
        { account: { system: 'SAFEGUARDING' }, amount: g },
      ];
    case 'WITHDRAWAL_RETURN':
      return [
        { account: { system: 'BANK_CLEARING' }, amount: -g },
        { account: { wallet: t.walletId }, amount: g },
      ];
    case 'TRANSFER':
      return [
        { account: { wallet: t.walletId }, amount: -g },
        { account: { wallet: t.toWalletId! }, amount: g },
      ];
    case 'HOLD_RESERVE':
      return [
        { account: { wallet: t.walletId }, amount: -g },
        { account: { system: 'RISK_HOLD' }, amount: g },
      ];
    case 'HOLD_RELEASE':
      return [
        { account: { system: 'RISK_HOLD' }, amount: -g },
        { account: { wallet: t.toWalletId! }, amount: g },
      ];
    case 'HOLD_RETURN':
      return [
        { account: { system: 'RISK_HOLD' }, amount: -g },
        { account: { wallet: t.walletId }, amount: g },
      ];
    // A held withdrawal released by an operator: the reservation goes on to the bank.
    case 'HOLD_TO_BANK':
      return [
        { account: { system: 'RISK_HOLD' }, amount: -g },
        { account: { system: 'BANK_CLEARING' }, amount: g },
      ];
    // Over the switch: reserved until it answers; once it has paid, the money has left the
    // guarantee account (the provider's settlement bank pays the switch as it goes).
    case 'EXTERNAL_RESERVE':
      return [
        { account: { wallet: t.walletId }, amount: -g },
        { account: { system: 'SWITCH_CLEARING' }, amount: g },
      ];
    case 'EXTERNAL_PAYOUT':
      return [
        { account: { system: 'SWITCH_CLEARING' }, amount: -g },
        { account: { system: 'SAFEGUARDING' }, amount: g },
      ];
    case 'EXTERNAL_RETURN':
      return [
        { account: { system: 'SWITCH_CLEARING' }, amount: -g },
        { account: { wallet: t.walletId }, amount: g },
      ];
    // A held switch transfer released by an operator: the reservation goes on to the switch.
    case 'HOLD_TO_SWITCH':
      return [
        { account: { system: 'RISK_HOLD' }, amount: -g },
        { account: { system: 'SWITCH_CLEARING' }, amount: g },
      ];
    // A merchant gives (part of) a payment back: from the merchant's wallet to the payer's (API.md v1.1).
    case 'REFUND':
      return [
        { account: { wallet: t.walletId }, amount: -g },
        { account: { wallet: t.toWalletId! }, amount: g },
      ];
    // Credited by the switch: the money is in the guarantee account already (the settlement bank
    // received it before the switch told us), as a top-up's is when it is credited.
    case 'EXTERNAL_IN_CREDIT':
      return [
        { account: { system: 'SAFEGUARDING' }, amount: -g },
        { account: { wallet: t.walletId }, amount: g },
      ];
    // A sharded wallet's pending credits folded into its balance by the sweeper (inbox.ts).
    case 'INBOX_SWEEP':
      return [
        { account: { inbox: t.walletId }, amount: -g },
        { account: { wallet: t.walletId }, amount: g },
      ];
  }
}

export const sumsToZero = (ps: Posting[]): boolean => ps.reduce((s, p) => s + p.amount, 0) === 0;

/** One line of a wallet's statement (API.md): signed amount and the balance after it. */
export interface StatementEntry {
  entryId: string;
  transferId: string;
  type: EntryType;
  amount: number;
  balanceAfter: number;
  counterparty?: string;
  createdAt: string;
}

/** The types of statement entries (API.md statement `type`): the transfer's, or how money came back. */
export type EntryType =
  | 'TOPUP'
  | 'WITHDRAWAL'
  | 'P2P'
  | 'PAYMENT'
  | 'WITHDRAWAL_RETURN'
  | 'HOLD_RETURN'
  | 'EXTERNAL'
  | 'EXTERNAL_RETURN'
  | 'EXTERNAL_IN'
  | 'REFUND';
