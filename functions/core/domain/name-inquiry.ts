// Name inquiries and incoming credits over the switch (API.md "Interoperable transfers"; Circular
// 40 Art. 25 as amended, Circular 41/2025). Plain data the planner reads; no I/O.

/**
 * What the switch said about a payee before an EXTERNAL transfer: good for 10 minutes
 * (institutions.ts `nameInquirySeconds`), and only for the customer who asked.
 */
export interface NameInquiry {
  nameInquiryId: string;
  customerId: string;
  institutionCode: string;
  maskedNumber: string;
  /** The holder's name as the switch returned it. */
  payeeName: string;
  /** The account or card number (a phone at another wallet), encrypted under the key ring. */
  accountEnc: string;
  /**
   * The keyed hash of the canonical number as the watch lists key it (`BANK_ACCOUNT` or `PHONE`):
   * the payee is screened by it, and the risk profile knows the payee by it.
   */
  watch: { kind: 'BANK_ACCOUNT' | 'PHONE'; valueHash: string };
  counterpartyKey: string;
  expiresAt: string;
  createdAt: string;
}

/** A credit the switch delivers, as the planner needs it: the sender shown masked, known by a keyed hash. */
export interface IncomingSwitchCredit {
  reference: string;
  fromInstitutionCode: string;
  maskedNumber: string;
  senderName?: string;
  counterpartyKey: string;
  amount: number;
  /** The switch's business day the credit settles on (the reconciliation's day). */
  settlementDate: string;
}
