// The single source of key shapes in the wallet table (single-table design; see
// functions/resources.ts for the table itself). Every adapter builds its keys here.

export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
  registration: (registrationId: string): Key => ({ pk: `REG#${registrationId}`, sk: 'REG' }),
  /** One item per phone number: the uniqueness guard for customers' phones. */
  phone: (phoneNumber: string): Key => ({ pk: `PHONE#${phoneNumber}`, sk: 'PHONE' }),
  customer: (customerId: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: 'PROFILE' }),
  device: (customerId: string, deviceId: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: `DEVICE#${deviceId}` }),
  authEvent: (customerId: string, at: string, id: string): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `AUTH#${at}#${id}`,
  }),
  /** The customer's running total for the monthly cap (RULES.md §6), one item per month. */
  monthlyUsage: (customerId: string, month: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: `MONTHLY#${month}` }),
  /** The month's total toward the essential-payment cap (RULES.md §6, Circular 41/2025). */
  essentialUsage: (customerId: string, month: string): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `ESSENTIAL#${month}`,
  }),
  signInGuard: (phoneNumber: string): Key => ({ pk: `SIGNIN#${phoneNumber}`, sk: 'SIGNIN' }),
  /** A customer's SMS OTP factor: wrong entries counted across all challenges (API.md v1.1). */
  otpGuard: (customerId: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: 'GUARD#OTP' }),
  /** A signed-in session, by the hash of its refresh token: its device and when it was last refreshed. */
  session: (refreshTokenHash: string): Key => ({ pk: `SESSION#${refreshTokenHash}`, sk: 'SESSION' }),
  /** Sessions of a customer issued before `revokedBefore` are over (self-lock, freeze, phone change, erasure). */
  sessionsOf: (customerId: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: 'SESSIONS' }),
  /** The OTP messages sent to one phone number in the last window (API.md v1.1 "Limits against abuse"). */
  otpMessages: (phoneNumber: string): Key => ({ pk: `OTPSMS#${phoneNumber}`, sk: 'OTPSMS' }),
  trustChallenge: (challengeId: string): Key => ({ pk: `TRUST#${challengeId}`, sk: 'TRUST' }),
  sandboxSms: (phoneNumber: string, sentAt: string, id: string): Key => ({
    pk: `SANDBOX#SMS#${phoneNumber}`,
    sk: `${sentAt}#${id}`,
  }),
  sandboxSmsPartition: (phoneNumber: string): string => `SANDBOX#SMS#${phoneNumber}`,
  /** A pending phone change (Circular 77/2025), in its customer's partition: one challenge, 5 minutes. */
  phoneChange: (customerId: string, changeId: string): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `PHONECHANGE#${changeId}`,
  }),
  /** A customer's consent to one purpose as it stands, and every change of it (Law 91/2025). */
  consent: (customerId: string, purpose: string): Key => ({ pk: `CUSTOMER#${customerId}`, sk: `CONSENT#${purpose}` }),
  consentLog: (customerId: string, at: string, id: string): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `CONSENTLOG#${at}#${id}`,
  }),
  /** A personal-data request (ACCESS, DELETE) and the encrypted parts of an ACCESS export. */
  dataRequest: (customerId: string, requestId: string): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `DATAREQ#${requestId}`,
  }),
  dataRequestPart: (customerId: string, requestId: string, part: number): Key => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `DATAREQ#${requestId}#PART#${String(part).padStart(4, '0')}`,
  }),
  /** GSI1 partition of personal-data requests by status, ordered by due date: the operators' list. */
  dataRequestsByStatus: (status: string): string => `DATAREQS#${status}`,
  /** GSI1 partition of erased customers whose AML retention ends on this Hanoi day (the retention job). */
  retentionEnds: (day: string): string => `RETENTION#${day}`,
  /** A suspicious-transaction report (RULES.md §8), and the GSI1 partition listing them by status and due date. */
  suspiciousReport: (reportId: string): Key => ({ pk: `STR#${reportId}`, sk: 'STR' }),
  suspiciousReportsByStatus: (status: string): string => `STRS#${status}`,
  /** Uniqueness guard: one customer per ID number hash or enterprise code (Decree 52 Art. 8). */
  identityGuard: (kind: 'IDENTITY' | 'ENTERPRISE', value: string): Key => ({ pk: `${kind}#${value}`, sk: kind }),
  /** GSI1 partition listing customers by ID expiry day, for the expiry job. */
  idExpiryIndex: (day: string): string => `IDEXPIRY#${day}`,
  wallet: (walletId: string): Key => ({ pk: `WALLET#${walletId}`, sk: 'WALLET' }),
  /** A customer's wallet, listed in the customer's partition in order of opening (never changes). */
  walletOfOwner: (ownerId: string, createdAt: string, walletId: string): Key => ({
    pk: `CUSTOMER#${ownerId}`,
    sk: `WALLET#${createdAt}#${walletId}`,
  }),
  link: (walletId: string, linkId: string): Key => ({ pk: `WALLET#${walletId}`, sk: `LINK#${linkId}` }),
  linkGuard: (walletId: string, instrumentHash: string): Key => ({
    pk: `WALLET#${walletId}`,
    sk: `LINKED#${instrumentHash}`,
  }),
  transfer: (transferId: string): Key => ({ pk: `TRANSFER#${transferId}`, sk: 'TRANSFER' }),
  /** Wallet entries are numbered by the wallet version they produced: gapless, in commit order. */
  walletEntry: (walletId: string, version: number): Key => ({
    pk: `WALLET#${walletId}`,
    sk: `ENTRY#${String(version).padStart(12, '0')}`,
  }),
  /** A shard of a busy wallet's inbox (functions/core/domain/inbox.ts): a partition of its own. */
  inboxShard: (walletId: string, shard: number): string => `WALLET#${walletId}#INBOX#${shard}`,
  /** A credit waiting in an inbox shard, in commit order (`at`), until the sweeper applies and deletes it. */
  inboxCredit: (walletId: string, shard: number, at: string, transferId: string): Key => ({
    pk: `WALLET#${walletId}#INBOX#${shard}`,
    sk: `CREDIT#${at}#${transferId}`,
  }),
  systemBalance: (account: string, shard: number): Key => ({ pk: `SYSTEM#${account}#${shard}`, sk: 'BALANCE' }),
  systemEntry: (account: string, shard: number, id: string): Key => ({
    pk: `LEDGER#${account}#${shard}`,
    sk: `ENTRY#${id}`,
  }),
  /** A name inquiry at the switch, for the customer who asked (expires with TTL). */
  nameInquiry: (nameInquiryId: string): Key => ({ pk: `NAMEINQ#${nameInquiryId}`, sk: 'NAMEINQ' }),
  /** What the switch moved on one of its business days, by direction and reference (the reconciliation). */
  switchDay: (day: string): string => `SWITCHDAY#${day}`,
  switchRecord: (day: string, direction: string, reference: string): Key => ({
    pk: `SWITCHDAY#${day}`,
    sk: `${direction}#${reference}`,
  }),
  /** Sparse GSI1 partition of transfers waiting for the bank, for the sweeper and reconciliation. */
  processingIndex: 'STATUS#PROCESSING',
  riskCase: (caseId: string): Key => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  /** A merchant's payment request (API.md v1.1 "Payment requests"). */
  paymentRequest: (paymentRequestId: string): Key => ({ pk: `PAYREQ#${paymentRequestId}`, sk: 'PAYREQ' }),
  /** Sparse GSI1 partitions of OPEN payment requests by expiry, for the expiry sweep (sharded: no hot key). */
  openPaymentRequests: (shard: number): string => `PAYREQS#OPEN#${shard}`,
  /** A merchant's webhook: its URL, events and encrypted secret. */
  webhook: (customerId: string): Key => ({ pk: `MERCHANT#${customerId}`, sk: 'WEBHOOK' }),
  /** One event's delivery to a merchant, listed newest first. */
  webhookDelivery: (customerId: string, createdAt: string, eventId: string): Key => ({
    pk: `MERCHANT#${customerId}`,
    sk: `DELIVERY#${createdAt}#${eventId}`,
  }),
  /** GSI1 partition of risk cases by status, for the operators' queue. */
  casesByStatus: (status: string): string => `CASES#${status}`,
  /** The risk engine's running features of one wallet (counters and sketches, RULES.md §7). */
  riskProfile: (walletId: string): Key => ({ pk: `WALLET#${walletId}`, sk: 'RISK' }),
  watchlist: (kind: string, valueHash: string): Key => ({ pk: `WATCH#${kind}#${valueHash}`, sk: 'WATCH' }),
  dataKey: (): Key => ({ pk: 'SYSTEM#KEYRING', sk: 'DATAKEY#v1' }),
  /** An access token the wallet obtained itself, by its `jti`, until it expires (TTL). */
  issuedToken: (jti: string): Key => ({ pk: `TOKEN#${jti}`, sk: 'TOKEN' }),
  /** A DPoP proof's `jti`, kept until the proof is too old to be accepted anyway (TTL). */
  proof: (jti: string): Key => ({ pk: `DPOP#${jti}`, sk: 'DPOP' }),
  /** A freeze or unfreeze order of a wallet (operator or law enforcement), in order of entry. */
  walletOrder: (walletId: string, at: string, orderId: string): Key => ({
    pk: `WALLET#${walletId}`,
    sk: `ORDER#${at}#${orderId}`,
  }),
  /** A law-enforcement request (Decree 52 Art. 11) and the parts of its answer package. */
  lawEnforcementRequest: (requestId: string): Key => ({ pk: `LEREQ#${requestId}`, sk: 'LEREQ' }),
  lawEnforcementPart: (requestId: string, part: number): Key => ({
    pk: `LEREQ#${requestId}`,
    sk: `PART#${String(part).padStart(4, '0')}`,
  }),
  /** Audit table (not the wallet table): one entry filed under one subject, newest last. */
  auditEntry: (subject: string, at: string, auditId: string): Key => ({
    pk: `SUBJECT#${subject}`,
    sk: `${at}#${auditId}`,
  }),
  auditSubject: (subject: string): string => `SUBJECT#${subject}`,
};

/** Epoch seconds for the table's TTL attribute. */
export const ttlAfter = (from: Date, seconds: number): number => Math.floor(from.getTime() / 1000) + seconds;
