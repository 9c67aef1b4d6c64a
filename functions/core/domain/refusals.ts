// Why the wallet says no: one named refusal per rule, with the regulation beside it where there
// is one. Use cases and adapters throw a `Refusal` (or return one from a planner); they never
// speak HTTP. functions/core/http/problems.ts answers each reason with its status and problem
// `code` in one table (in the spirit of Powertools' typed idempotency errors and TigerBeetle's
// result enums: the caller branches on a name, not on a message).

export const refusalReasons = [
  // Input the domain finds wrong after the schema accepted it (a period whose ends are reversed).
  'validation-failed',
  // Unknown, or another customer's (API.md "Ownership": as if it did not exist).
  'customer-not-found',
  'registration-not-found',
  'wallet-not-found',
  'link-not-found',
  'transfer-not-found',
  'case-not-found',
  'request-not-found',
  'subject-not-found',
  // RULES.md §5: no electronic payment while unverified or once the ID has expired.
  'kyc-required',
  // RULES.md §4: untrusted devices may read but not move money.
  'device-not-trusted',
  // RULES.md §6, Decree 52 Art. 6: a wallet moves no money before it is linked to its owner's bank.
  'wallet-pending-link',
  // A top-up or withdrawal names no ACTIVE link of the wallet.
  'link-required',
  // The last link of a wallet holding money cannot go (the money would have nowhere to return).
  'last-link-holds-money',
  // RULES.md §7: a wallet its owner locked, an operator or authority froze, or that is closed.
  'wallet-locked',
  'wallet-frozen',
  'wallet-closed',
  'payee-not-active',
  'payee-not-found',
  // API.md "Interoperable transfers" (Circular 40 Art. 25): the switch knows no such account; a
  // name inquiry unknown (or another customer's), or older than its 10 minutes.
  'payee-account-not-found',
  'name-inquiry-not-found',
  'name-inquiry-expired',
  'self-transfer',
  // Circular 40: no credit, no overdraft.
  'insufficient-funds',
  // RULES.md §6, Circular 40 Art. 26: 100,000,000 VND a month from personal wallets.
  'monthly-limit-exceeded',
  // RULES.md §6, Circular 40 Art. 26(2) as raised by Circular 41/2025: essential payments, 300,000,000 VND a month.
  'essential-limit-exceeded',
  // RULES.md §7: watch lists and the fraud controls.
  'payee-flagged',
  'risk-blocked',
  // RULES.md §3 (Circular 50): the factors a class needs, their attempts and their lifetime.
  'authentication-required',
  'otp-invalid',
  'otp-expired',
  'too-many-attempts',
  'challenge-expired',
  'biometric-mismatch',
  'unauthenticated',
  // RULES.md §4: sessions end after inactivity.
  'session-expired',
  // RULES.md §5, Circular 77/2025: outdated app versions are cut off (API.md v1.1 "App version").
  'app-upgrade-required',
  // RULES.md §9, Law 91/2025: an account holding money or with money in flight is not erased; the
  // SERVICE consent ends only with the account.
  'account-has-balance',
  'service-consent-required',
  // RULES.md §8: a held case is reported as suspicious once.
  'case-reported',
  // Operators: a case decided twice, freezes and unlocks out of order.
  'case-decided',
  'wallet-not-frozen',
  'wallet-not-locked',
  'subject-mismatch',
  // Onboarding and linking (RULES.md §5, §6; Decree 52 Art. 8: one identity, one customer).
  'phone-already-registered',
  'duplicate-identity',
  // RULES.md §5: identity is fixed by the first KYC; only the same person re-verifies.
  'already-verified',
  'identity-mismatch',
  'bank-account-owner-mismatch',
  'link-exists',
  // Merchants (API.md v1.1): payment requests, refunds, webhooks.
  'payment-request-not-found',
  'payment-request-paid',
  'payment-request-expired',
  'refund-exceeds-payment',
  'not-a-merchant',
  // Idempotency-Key (API.md "Idempotency").
  'request-in-progress',
  'idempotency-key-reused',
  // Abuse limits (API.md v1.1): OTP messages per phone number.
  'rate-limited',
  // The commit kept meeting newer versions within its time budget: nothing moved, retry.
  'wallet-busy',
] as const;

export type RefusalReason = (typeof refusalReasons)[number];

/** A refusal the caller can act on: a reason, a sentence for people, and facts for programs. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly reason: RefusalReason,
    readonly detail: string,
    /** Extension members of the answer (`monthlyRemaining`, `transferId`, `authentication`…). */
    readonly facts: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${reason}: ${detail}`);
  }
}

export const isRefusal = (error: unknown): error is Refusal => error instanceof Refusal;

/** The refusals of money movement, each with its sentence, in one place. */
export const refusals = {
  /** API.md "Pagination": a cursor is opaque; one this API did not hand out is bad input. */
  badCursor: () =>
    new Refusal('validation-failed', 'The cursor is not one this API issued.', {
      errors: [{ name: 'query.cursor', reason: 'an opaque nextCursor' }],
    }),
  kycRequired: () => new Refusal('kyc-required', 'Complete identity verification (eKYC) first.'),
  walletNotFound: () => new Refusal('wallet-not-found', 'No such wallet.'),
  transferNotFound: () => new Refusal('transfer-not-found', 'No such transfer.'),
  caseNotFound: () => new Refusal('case-not-found', 'No such case.'),
  deviceNotTrusted: () =>
    new Refusal('device-not-trusted', 'This device is not trusted yet: confirm it with a biometric check.'),
  walletPendingLink: () =>
    new Refusal('wallet-pending-link', 'Link this wallet to your own bank account or card first (Decree 52 Art. 6).'),
  walletLocked: () => new Refusal('wallet-locked', 'This wallet is locked by its owner.'),
  walletFrozen: () => new Refusal('wallet-frozen', 'This wallet is frozen.'),
  walletClosed: () => new Refusal('wallet-closed', 'This wallet is closed.'),
  linkRequired: () =>
    new Refusal('link-required', 'Top-ups and withdrawals need an ACTIVE bank link of this wallet (Decree 52 Art. 6).'),
  payeeNotFound: () => new Refusal('payee-not-found', 'No active wallet of this provider answers to that payee.'),
  selfTransfer: () => new Refusal('self-transfer', 'The payer and payee wallets are the same.'),
  payeeAccountNotFound: () =>
    new Refusal('payee-account-not-found', 'The switch knows no such account, card or wallet at that institution.'),
  nameInquiryNotFound: () => new Refusal('name-inquiry-not-found', 'No such name inquiry.'),
  nameInquiryExpired: () =>
    new Refusal('name-inquiry-expired', 'The name inquiry is older than 10 minutes: ask the switch again.'),
  payeeNotActive: () => new Refusal('payee-not-active', 'The payee wallet cannot receive money now.'),
  insufficientFunds: () =>
    new Refusal('insufficient-funds', 'The wallet balance does not cover this amount (no overdraft, Circular 40).'),
  monthlyLimit: (room: number) =>
    new Refusal(
      'monthly-limit-exceeded',
      'This would pass the 100,000,000 VND monthly limit of personal wallets (Circular 40 Art. 26).',
      { monthlyRemaining: Math.max(0, room) },
    ),
  essentialLimit: (room: number) =>
    new Refusal(
      'essential-limit-exceeded',
      'This would pass the 300,000,000 VND monthly limit of essential-service payments (Circular 41/2025).',
      { essentialRemaining: Math.max(0, room) },
    ),
  payeeFlagged: (transferId: string) =>
    new Refusal(
      'payee-flagged',
      'The payee is on a warning list of the police or the State Bank; the transfer was refused.',
      { transferId },
    ),
  riskBlocked: (transferId: string) =>
    new Refusal('risk-blocked', 'This transfer was refused by the fraud controls.', { transferId }),
  challengeExpired: () => new Refusal('challenge-expired', 'The authentication window of this transfer has closed.'),
  /** `authorize` without every factor the challenge names; the answer repeats them. */
  authenticationRequired: (c: { class: string; methods: readonly string[]; challengeId: string; expiresAt: string }) =>
    new Refusal('authentication-required', `This transfer needs ${c.methods.join(' and ')}.`, {
      authentication: { class: c.class, methods: c.methods, challengeId: c.challengeId, expiresAt: c.expiresAt },
    }),
  otpInvalid: (detail: string) => new Refusal('otp-invalid', detail),
  tooManyAttempts: () => new Refusal('too-many-attempts', 'Too many wrong answers for this transfer; start a new one.'),
  caseDecided: (status: string) => new Refusal('case-decided', `This case was already ${status}.`),
  walletBusy: () =>
    new Refusal('wallet-busy', 'The wallet is too busy right now; nothing was moved. Retry the request.', {
      retryAfter: 1,
    }),
  keyReused: () => new Refusal('idempotency-key-reused', 'This Idempotency-Key was used with a different request.'),
};

/** Why a wallet may not send money now (API.md status values; RULES.md §6, §7). */
export function payerWalletRefusal(status: string): Refusal | undefined {
  switch (status) {
    case 'ACTIVE':
      return undefined;
    case 'PENDING_LINK':
      return refusals.walletPendingLink();
    case 'LOCKED':
      return refusals.walletLocked();
    case 'FROZEN':
      return refusals.walletFrozen();
    default:
      return refusals.walletClosed();
  }
}
