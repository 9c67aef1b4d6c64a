// A transfer held by the risk engine waits for an operator's decision (RULES.md §7; Circular 40
// Art. 28: criteria to flag abnormal transactions and a process to act on them).
export type CaseStatus = 'OPEN' | 'RELEASED' | 'REJECTED';

export interface RuleHitRecord {
  rule: string;
  score: number;
  reason: string;
}

export interface RiskCase {
  caseId: string;
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
}

export const caseView = (c: RiskCase) => ({
  caseId: c.caseId,
  transferId: c.transferId,
  walletId: c.walletId,
  amount: c.amount,
  status: c.status,
  ruleHits: c.ruleHits,
  createdAt: c.createdAt,
  ...(c.decidedAt ? { decidedAt: c.decidedAt, decidedBy: c.decidedBy, note: c.note } : {}),
});
