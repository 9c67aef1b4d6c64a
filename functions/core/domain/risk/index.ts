// The real-time risk engine (RULES.md §7, §8): pure rules over pre-aggregated features.
export { defaultRiskConfig, type RiskConfig } from './config.ts';
export {
  hanoiHour,
  isNightInHanoi,
  isRoundAmount,
  type MerchantFeatures,
  type PayerFeatures,
  type RiskFeatures,
  type TransferFeatures,
  type WatchlistFeatures,
  type WatchlistSeverity,
} from './features.ts';
export { evaluateRisk, type RiskAssessment, type RiskDecision } from './policy.ts';
export {
  accountTakeover,
  dormantLargeMove,
  type Enforcement,
  merchantCashOut,
  merchantNight,
  merchantRoundAmounts,
  muleOnward,
  type RiskProblemCode,
  type RiskRule,
  type RiskWarning,
  type RuleHit,
  riskRules,
  watchlistPayee,
  watchlistPayer,
} from './rules.ts';
