// Limits against abuse (API.md v1.1 "Identity, devices and sessions, hardened → Limits against
// abuse"). They are the wallet's own, not a regulation's: they keep one caller from costing
// everyone else (SMS sent to a number that did not ask, numbers no ledger should hold).

/**
 * At most 3 OTP messages per phone number in any 15 minutes on `POST /v1/registrations`; the next
 * one is `429 rate-limited` with `Retry-After` (when the oldest of the 3 leaves the window).
 */
export const otpMessageLimit = { maxMessages: 3, windowSeconds: 15 * 60 } as const;

/**
 * A single transfer is at most 100,000,000,000 VND (`validation-failed` above). Far above every
 * cap of RULES.md §6 and the classes of §2, and far below 2^53: sums of amounts (balances, the
 * day's totals, the safeguarding reconciliation) stay exact integers.
 */
export const maxTransferAmount = 100_000_000_000;
