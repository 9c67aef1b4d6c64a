import type { DevicePolicy } from '../domain/device.ts';
import type { RiskConfig } from '../domain/risk/config.ts';
import type { WebhookUrlPolicy } from '../domain/webhook-url.ts';
import type { AmlReportStore } from './aml-reports.ts';
import type { AttemptGuards } from './attempt-guards.ts';
import type { AuditLog } from './audit-log.ts';
import type { BankPort } from './bank.ts';
import type { Clock } from './clock.ts';
import type { EkycVerifier } from './ekyc.ts';
import type { IdentityProvider } from './identity-provider.ts';
import type { KeyRing } from './key-ring.ts';
import type { LawEnforcementStore } from './law-enforcement.ts';
import type { Ledger } from './ledger.ts';
import type { LinkStore } from './link-store.ts';
import type { PaymentRequestStore, WebhookQueue, WebhookSender, WebhookStore } from './merchants.ts';
import type { NameInquiries } from './name-inquiries.ts';
import type { OnboardingStore } from './onboarding-store.ts';
import type { OtpMessageLimit } from './otp-message-limit.ts';
import type { ProfileStore } from './profile-store.ts';
import type { ReportStore } from './reports.ts';
import type { RiskProfiles } from './risk-profiles.ts';
import type { Sessions } from './sessions.ts';
import type { SettlementQueue } from './settlement-queue.ts';
import type { SmsSender } from './sms.ts';
import type { SweepQueue } from './sweep-queue.ts';
import type { SwitchPort } from './switch.ts';
import type { WalletControl } from './wallet-control.ts';
import type { WalletStore } from './wallet-store.ts';
import type { Watchlist } from './watchlist.ts';

/**
 * The ports a use case needs. Use cases depend on this interface only; the composition root
 * (functions/core/container.ts) builds the adapters behind it once per cold start, and unit tests
 * pass in-memory fakes.
 */
export interface Services {
  clock: Clock;
  /** The risk engine's thresholds for this stage (RULES.md §7 leaves them to the provider). */
  riskConfig: RiskConfig;
  store: OnboardingStore;
  wallets: WalletStore;
  links: LinkStore;
  bank: BankPort;
  /** The domestic switch (NAPAS; the sandbox switch locally): transfers to other institutions. */
  switch: SwitchPort;
  nameInquiries: NameInquiries;
  /** This provider's own code in the switch's list of institutions (stage configuration). */
  institutionCode: string;
  ledger: Ledger;
  queue: SettlementQueue;
  riskProfiles: RiskProfiles;
  watchlist: Watchlist;
  ekyc: EkycVerifier;
  sms: SmsSender;
  /** OTP messages per phone number (API.md v1.1 "Limits against abuse"): counted and decided at once. */
  otpMessages: OtpMessageLimit;
  identity: IdentityProvider;
  keyRing: () => Promise<KeyRing>;
  /** Freeze, unfreeze, self-lock and unlock: conditional status changes with their orders. */
  walletControl: WalletControl;
  lawEnforcement: LawEnforcementStore;
  reports: ReportStore;
  /** Suspicious-transaction reports (RULES.md §8). */
  amlReports: AmlReportStore;
  /** The customer's own record: phone changes (Circular 77/2025), consents, data requests, erasure (RULES.md §9). */
  profile: ProfileStore;
  /** Deadlines the stage configures: STR working days (RULES.md §8), personal-data request days (RULES.md §9). */
  deadlines: { suspiciousReportWorkingDays: number; dataRequestDays: number };
  /** The append-only staff audit trail (RULES.md §9): its own table. */
  audit: AuditLog;
  /** Whether devices trusted without a key count by their id (stage configuration). */
  devicePolicy: DevicePolicy;
  /** Wrong passwords and OTPs counted by one atomic update that also decides (lock-outs). */
  guards: AttemptGuards;
  /** The wallet's session registry (idle limit, revocation) and its idle limit in seconds. */
  sessions: Sessions;
  sessionIdleSeconds: number;
  /** Merchants (API.md v1.1): payment requests, webhooks, their delivery queue and the HTTP they go out by. */
  paymentRequests: PaymentRequestStore;
  webhooks: WebhookStore;
  webhookQueue: WebhookQueue;
  /** Busy wallets' sweeps: one sweeper per wallet at a time (docs/merchants.md "A busy merchant's inbox"). */
  sweepQueue: SweepQueue;
  webhookSender: WebhookSender;
  merchantConfig: MerchantConfig;
}

/** Stage configuration of the merchant side. */
export interface MerchantConfig {
  /** The provider's own code as acquirer in the VietQR payload (EMVCo tag 38/01/00). */
  vietQrAcquirerId: string;
  /** Where webhooks may go (production: public https only; the local runtime also http to loopback). */
  webhookPolicy: WebhookUrlPolicy;
}
