// The operators' queue (RULES.md §7; Circular 40 Art. 28: criteria to flag abnormal transactions
// and a process to act on them). Two kinds of case wait in it:
// - a transfer held by the risk engine (`TRANSFER`, stored without `kind`): RELEASE lets it go on,
//   REJECT returns the money (functions/core/domain/transfer-machine.ts `caseDecision`);
// - a customer an imported watch-list entry names (`SCREENING`, RULES.md §5, Circular 27/2025:
//   existing customers screened again whenever the lists change), with no transfer. A BLOCK entry
//   froze all the customer's wallets when the case opened; a WARN entry froze nothing (a review).
//   RELEASE = a false positive (not the listed person): the entry is cleared for this customer and
//   the wallets the screening froze are unfrozen, unless another order holds them; REJECT = the
//   match is confirmed: what the screening did stands (wallets stay frozen; a WARN stays a WARN).
export type CaseStatus = 'OPEN' | 'RELEASED' | 'REJECTED';

export interface RuleHitRecord {
  rule: string;
  score: number;
  reason: string;
}

/** A transfer held by the risk engine. */
export interface RiskCase {
  caseId: string;
  kind?: 'TRANSFER';
  transferId: string;
  walletId: string;
  customerId: string;
  amount: number;
  status: CaseStatus;
  ruleHits: RuleHitRecord[];
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  note?: string;
  /** Judged suspicious by staff (RULES.md §8): the suspicious-transaction report it gave rise to. */
  suspiciousReportId?: string;
}

/** The list entry a screening matched: never its value (the list holds keyed hashes only). */
export interface ScreenedEntry {
  kind: 'WALLET' | 'PHONE' | 'BANK_ACCOUNT' | 'ID_NUMBER';
  /** The keyed hash the entry is stored under (functions/core/domain/identifiers.ts `watchlistMacInput`). */
  valueHash: string;
  severity: 'WARN' | 'BLOCK';
  /** The list: `MPS_WARNING_DB`, `SBV_SIMO` or `INTERNAL` (the authority of the freeze). */
  source: string;
  reason: string;
}

/** A customer named by a watch-list entry when the list changed (RULES.md §5). */
export interface ScreeningCase {
  caseId: string;
  kind: 'SCREENING';
  customerId: string;
  status: CaseStatus;
  ruleHits: RuleHitRecord[];
  entry: ScreenedEntry;
  /**
   * The wallets a BLOCK entry put a freeze order on, with that order; `previousStatus` FROZEN: the
   * wallet was frozen already (by another order), and stays frozen while any order holds it.
   */
  frozenWallets: { walletId: string; previousStatus: string; orderId: string; frozenAt: string }[];
  createdAt: string;
  decidedAt?: string;
  decidedBy?: string;
  note?: string;
}

export type Case = RiskCase | ScreeningCase;

/** The two kinds of case in the queue: a held transfer, a customer screened. */
export type CaseKind = 'TRANSFER' | 'SCREENING';

export const isScreeningCase = (c: Case): c is ScreeningCase => c.kind === 'SCREENING';

/** The case id of one customer screened against one entry at one severity: an import repeated screens no one twice. */
export const screeningCaseId = (digestHex: string) => `S${digestHex.slice(0, 26).toUpperCase()}`;

const decided = (c: Case) => (c.decidedAt ? { decidedAt: c.decidedAt, decidedBy: c.decidedBy, note: c.note } : {});

export const caseView = (c: Case) =>
  isScreeningCase(c)
    ? {
        caseId: c.caseId,
        kind: c.kind,
        customerId: c.customerId,
        status: c.status,
        ruleHits: c.ruleHits,
        entry: { kind: c.entry.kind, severity: c.entry.severity, source: c.entry.source, reason: c.entry.reason },
        frozenWallets: c.frozenWallets.map((w) => ({ walletId: w.walletId, previousStatus: w.previousStatus })),
        createdAt: c.createdAt,
        ...decided(c),
      }
    : {
        caseId: c.caseId,
        kind: 'TRANSFER' as const,
        transferId: c.transferId,
        walletId: c.walletId,
        amount: c.amount,
        status: c.status,
        ruleHits: c.ruleHits,
        createdAt: c.createdAt,
        ...decided(c),
      };
