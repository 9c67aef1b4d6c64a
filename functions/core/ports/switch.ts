// The domestic switch (NAPAS in production, the sandbox switch locally), as the wallet needs it
// (Circular 40 Art. 25 as amended; API.md "Interoperable transfers"). Outgoing calls go through
// this port; incoming credits arrive as signed messages at the switch endpoint
// (functions/switch/inbound.handler.ts).

/** An account, card or other provider's wallet (by phone) at an institution, in canonical form. */
export interface SwitchAccount {
  institutionCode: string;
  /** Account number, card number, or the E.164 phone of a wallet at another provider. */
  number: string;
}

export type NameInquiryResult = { found: true; holderName: string } | { found: false };

/**
 * Circular 41/2025: every outgoing message names the sender, so that the payee's provider can tell
 * its customer who paid.
 */
export interface SwitchSender {
  institutionCode: string;
  name: string;
  maskedAccount: string;
}

export interface CreditTransfer {
  /** Our idempotent reference (the transfer id): the switch moves money at most once per reference. */
  reference: string;
  to: SwitchAccount;
  amount: number;
  sender: SwitchSender;
  description: string;
}

/**
 * A credit transfer's outcome. `UNKNOWN` is a timeout or a 5xx: the money may have moved, so the
 * caller asks `status` with the same reference before anything else.
 */
export type SwitchOutcome =
  | { outcome: 'APPLIED'; settlementDate: string }
  | { outcome: 'DECLINED'; reason: string }
  | { outcome: 'UNKNOWN'; reason: string };

/** One line of the switch's settlement report: money it moved for us on that business day. */
export interface SettlementLine {
  reference: string;
  direction: 'OUT' | 'IN';
  amount: number;
}

export interface SwitchPort {
  nameInquiry(account: SwitchAccount): Promise<NameInquiryResult>;
  sendCredit(transfer: CreditTransfer): Promise<SwitchOutcome>;
  /** The outcome of an earlier credit transfer, or NOT_FOUND when the switch never applied it. */
  status(reference: string): Promise<Exclude<SwitchOutcome, { outcome: 'UNKNOWN' }> | { outcome: 'NOT_FOUND' }>;
  /** What the switch moved for this provider on a business day (Asia/Ho_Chi_Minh), YYYY-MM-DD. */
  settlementReport(date: string): Promise<SettlementLine[]>;
}

/** A credit the switch delivers to us (the body of a signed message at the switch endpoint). */
export interface IncomingCredit {
  /** The switch's reference: the same reference credits at most once. */
  reference: string;
  fromInstitutionCode: string;
  fromAccountNumber: string;
  senderName?: string;
  toPhoneNumber: string;
  amount: number;
  /** The switch's business day the credit settles on. */
  settlementDate: string;
}
