// The risk policy: runs every rule and turns the hits into one decision (RULES.md §7; DESIGN.md
// "Identity, step-up and risk": allow, step-up, hold for review or block, every hit recorded).
// The caller acts on it: STEP_UP raises the class to at least C (RULES.md §3), HOLD leaves the
// transfer HELD with the funds reserved and opens a case, BLOCK rejects with `problemCode`.

import { defaultRiskConfig, type RiskConfig } from './config.ts';
import type { RiskFeatures } from './features.ts';
import { type RiskProblemCode, type RiskWarning, type RuleHit, riskRules } from './rules.ts';

export type RiskDecision = 'ALLOW' | 'STEP_UP' | 'HOLD' | 'BLOCK';

export interface RiskAssessment {
  decision: RiskDecision;
  /** The sum of the hits' scores. */
  score: number;
  /** Every rule that fired, in `riskRules` order: recorded on the transfer and its case. */
  hits: RuleHit[];
  /** Returned to the customer on the transfer (API.md `warnings`), e.g. `payee-flagged`. */
  warnings: RiskWarning[];
  /** Set when the decision is BLOCK. */
  problemCode?: RiskProblemCode;
}

/** The decision the total score reaches on its own. */
function decisionByScore(score: number, policy: RiskConfig['policy']): RiskDecision {
  if (policy.blockScore !== undefined && score >= policy.blockScore) return 'BLOCK';
  if (score >= policy.holdScore) return 'HOLD';
  if (score >= policy.stepUpScore) return 'STEP_UP';
  return 'ALLOW';
}

function warningsOf(hits: RuleHit[]): RiskWarning[] {
  const warnings = hits.flatMap((h) => (h.enforces?.decision === 'STEP_UP' ? (h.enforces.warning ?? []) : []));
  return [...new Set(warnings)];
}

/** The problem code of the first hit that enforces BLOCK (a watch-list BLOCK, RULES.md §7). */
function enforcedBlock(hits: RuleHit[]): RiskProblemCode | undefined {
  for (const h of hits) if (h.enforces?.decision === 'BLOCK') return h.enforces.problemCode;
  return undefined;
}

/**
 * A hit enforcing BLOCK rejects with that hit's problem code; else the score decides (a score-only
 * BLOCK answers `risk-blocked`), and a hit enforcing STEP_UP (a watch-list WARN) lifts an ALLOW to
 * STEP_UP. Warnings are returned whatever the decision.
 */
export function evaluateRisk(features: RiskFeatures, config: RiskConfig = defaultRiskConfig): RiskAssessment {
  const hits = riskRules.flatMap((rule) => rule(features, config) ?? []);
  const score = hits.reduce((sum, h) => sum + h.score, 0);
  const warnings = warningsOf(hits);
  const problemCode = enforcedBlock(hits);
  if (problemCode) return { decision: 'BLOCK', score, hits, warnings, problemCode };
  const byScore = decisionByScore(score, config.policy);
  if (byScore === 'BLOCK') return { decision: 'BLOCK', score, hits, warnings, problemCode: 'risk-blocked' };
  const stepUpEnforced = hits.some((h) => h.enforces?.decision === 'STEP_UP');
  return { decision: byScore === 'ALLOW' && stepUpEnforced ? 'STEP_UP' : byScore, score, hits, warnings };
}
