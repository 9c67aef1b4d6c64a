/** An account or card at a bank, as the wallet may keep it: never a card number, only the bank's token. */
export type BankInstrument = { bankCode: string; accountNumber: string } | { bankCode: string; cardToken: string };

/** The owner the bank must confirm: a person's name and ID number, or an organisation's legal name and enterprise code. */
export interface AccountHolder {
  name: string;
  idNumber: string;
}

export type OwnershipCheck =
  | { verified: true; cardToken?: string }
  | { verified: false; reason: 'NOT_FOUND' | 'OWNER_MISMATCH' };

/**
 * A money call's outcome. `UNKNOWN` is the honest answer to a timeout or a 5xx: the money may or
 * may not have moved, so the caller asks `status` with the same idempotency key before retrying.
 */
export type BankOutcome =
  | { outcome: 'APPLIED'; bankReference: string }
  | { outcome: 'DECLINED'; reason: string }
  | { outcome: 'UNKNOWN'; reason: string };

export interface MoneyCall {
  /** The bank's idempotency key: the transfer id. The same key never moves money twice. */
  idempotencyKey: string;
  instrument: BankInstrument;
  amount: number;
  description: string;
}

/** The banks, as the wallet needs them (Decree 52 Art. 6; Circular 40 Art. 25–27). */
export interface BankPort {
  verifyOwner(
    instrument: { bankCode: string; accountNumber?: string; cardNumber?: string },
    holder: AccountHolder,
  ): Promise<OwnershipCheck>;
  /** Top-up: pulls from the customer's account into the provider's guarantee account. */
  pull(call: MoneyCall): Promise<BankOutcome>;
  /** Withdrawal: pushes from the guarantee account to the customer's account. */
  push(call: MoneyCall): Promise<BankOutcome>;
  /** The outcome of an earlier call, or NOT_FOUND when the bank never applied it. */
  status(idempotencyKey: string): Promise<BankOutcome | { outcome: 'NOT_FOUND' }>;
  /** The safeguarding (guarantee) account's balance (Decree 52 Art. 6(3)). */
  guaranteeBalance(): Promise<number>;
}
