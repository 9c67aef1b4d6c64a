import { createHash } from 'node:crypto';
import { CognitoIdentityProvider } from './adapters/cognito/cognito-identity-provider.ts';
import { RecordingIdentityProvider } from './adapters/cognito/recording-identity-provider.ts';
import { EnvelopeKeyRing } from './adapters/crypto/envelope-key-ring.ts';
import { kmsRootKey } from './adapters/crypto/kms-root-key.ts';
import { DynamoAmlReportStore } from './adapters/dynamodb/aml-reports.ts';
import { DynamoAttemptGuards } from './adapters/dynamodb/attempt-guards.ts';
import { DynamoAuditLog } from './adapters/dynamodb/audit-log.ts';
import { dynamo } from './adapters/dynamodb/client.ts';
import { DynamoIssuedTokens } from './adapters/dynamodb/issued-tokens.ts';
import { DynamoLawEnforcementStore } from './adapters/dynamodb/law-enforcement.ts';
import { DynamoLedger } from './adapters/dynamodb/ledger.ts';
import { DynamoLinkStore } from './adapters/dynamodb/link-store.ts';
import { DynamoNameInquiries } from './adapters/dynamodb/name-inquiries.ts';
import { DynamoOnboardingStore } from './adapters/dynamodb/onboarding-store.ts';
import { DynamoOtpMessageLimit } from './adapters/dynamodb/otp-message-limit.ts';
import { DynamoPaymentRequests } from './adapters/dynamodb/payment-requests.ts';
import { DynamoProfileStore } from './adapters/dynamodb/profile-store.ts';
import { DynamoReportStore } from './adapters/dynamodb/reports.ts';
import { DynamoRiskProfiles } from './adapters/dynamodb/risk-profiles.ts';
import { DynamoSessions } from './adapters/dynamodb/sessions.ts';
import { DynamoWalletControl } from './adapters/dynamodb/wallet-control.ts';
import { DynamoWalletStore } from './adapters/dynamodb/wallet-store.ts';
import { DynamoWatchlist } from './adapters/dynamodb/watchlist.ts';
import { DynamoWebhookStore } from './adapters/dynamodb/webhooks.ts';
import { JwsEkycVerifier } from './adapters/ekyc/jws-ekyc-verifier.ts';
import { HttpWebhookSender } from './adapters/http/webhook-sender.ts';
import { SandboxBank, SandboxBankPort } from './adapters/sandbox/sandbox-bank.ts';
import { SandboxSwitch, SandboxSwitchPort } from './adapters/sandbox/sandbox-switch.ts';
import { SandboxSmsOutbox } from './adapters/sandbox/sms-outbox.ts';
import { SnsSmsSender } from './adapters/sms/sns-sms-sender.ts';
import { SqsSettlementQueue } from './adapters/sqs/settlement-queue.ts';
import { SqsSweepQueue } from './adapters/sqs/sweep-queue.ts';
import { SqsWebhookQueue } from './adapters/sqs/webhook-queue.ts';
import { runtimeConfig } from './config.ts';
import { riskConfigWith } from './domain/risk/config.ts';
import type { BankPort } from './ports/bank.ts';
import { systemClock } from './ports/clock.ts';
import type { KeyRing } from './ports/key-ring.ts';
import type { Services } from './ports/services.ts';
import type { SwitchPort } from './ports/switch.ts';

export type { Services } from './ports/services.ts';

let services: Services | undefined;
let keyRing: Promise<KeyRing> | undefined;

// The local runtime has no KMS: a fixed development key, never used where DATA_KEY_ID names a key.
const LOCAL_ROOT_KEY = createHash('sha256').update('vn-ewallet-core local development key').digest();

export function container(): Services {
  if (services) return services;
  const config = runtimeConfig();
  const clock = systemClock;
  // Adapters read the time through the container, so a test's clock override reaches them too.
  const now = () => (services?.clock ?? clock).now();
  const loadKeyRing = async (): Promise<KeyRing> => {
    if (config.stage === 'production' && (!config.dataKeyId || config.dataKeyId === 'local')) {
      throw new Error('production needs DATA_KEY_ID naming its KMS key');
    }
    const root =
      !config.dataKeyId || config.dataKeyId === 'local'
        ? LOCAL_ROOT_KEY
        : await kmsRootKey(dynamo(), config.walletTable, config.dataKeyId);
    return new EnvelopeKeyRing(root);
  };
  const keyRingOnce = () => {
    keyRing ??= loadKeyRing().catch((error) => {
      keyRing = undefined;
      throw error;
    });
    return keyRing;
  };
  services = {
    clock,
    riskConfig: riskConfigWith(config.riskConfig ? JSON.parse(config.riskConfig) : undefined),
    store: new DynamoOnboardingStore(config.walletTable),
    wallets: new DynamoWalletStore(config.walletTable),
    links: new DynamoLinkStore(config.walletTable),
    bank: bankPort(config, now),
    switch: switchPort(config, now),
    nameInquiries: new DynamoNameInquiries(config.walletTable),
    institutionCode: config.institutionCode,
    ledger: new DynamoLedger(config.walletTable, config.auditTable),
    riskProfiles: new DynamoRiskProfiles(config.walletTable),
    queue: new SqsSettlementQueue(config.settlementQueueUrl ?? ''),
    watchlist: new DynamoWatchlist(config.walletTable, keyRingOnce),
    ekyc: new JwsEkycVerifier({
      ...(config.ekycIssuer && config.ekycJwksUrl
        ? { provider: { issuer: config.ekycIssuer, jwksUrl: config.ekycJwksUrl } }
        : {}),
      trustSandbox: config.sandboxEnabled,
      now: () => now(),
    }),
    sms: config.sandboxEnabled ? new SandboxSmsOutbox(config.walletTable, () => now()) : new SnsSmsSender(),
    otpMessages: new DynamoOtpMessageLimit(config.walletTable),
    identity: new RecordingIdentityProvider(
      new CognitoIdentityProvider(config.userPoolId ?? '', config.userPoolClientId ?? ''),
      new DynamoIssuedTokens(config.walletTable),
    ),
    keyRing: keyRingOnce,
    walletControl: new DynamoWalletControl(config.walletTable),
    lawEnforcement: new DynamoLawEnforcementStore(config.walletTable),
    reports: new DynamoReportStore(config.walletTable),
    amlReports: new DynamoAmlReportStore(config.walletTable, config.auditTable),
    profile: new DynamoProfileStore(config.walletTable, config.auditTable),
    deadlines: {
      suspiciousReportWorkingDays: config.suspiciousReportDueWorkingDays,
      dataRequestDays: config.dataRequestDueDays,
    },
    audit: new DynamoAuditLog(config.auditTable),
    devicePolicy: { allowKeyless: config.keylessDevices === 'allow' },
    guards: new DynamoAttemptGuards(config.walletTable),
    sessions: new DynamoSessions(config.walletTable),
    sessionIdleSeconds: config.sessionIdleSeconds,
    paymentRequests: new DynamoPaymentRequests(config.walletTable),
    webhooks: new DynamoWebhookStore(config.walletTable),
    webhookQueue: new SqsWebhookQueue(config.webhookQueueUrl ?? '', config.webhookDeadLetterUrl),
    sweepQueue: new SqsSweepQueue(config.sweepQueueUrl ?? ''),
    webhookSender: new HttpWebhookSender(),
    merchantConfig: {
      vietQrAcquirerId: config.vietQrAcquirerId,
      // Production never sends to loopback, whatever the variable says.
      webhookPolicy: { allowLoopback: config.webhookUrlPolicy === 'loopback' && config.stage !== 'production' },
    },
  };
  return services;
}

/**
 * The sandbox bank in sandbox stages and locally. Production needs a real bank integration (the
 * bank's API behind BankPort), which this project does not ship: it refuses to start without one.
 */
function bankPort(config: ReturnType<typeof runtimeConfig>, now: () => Date): BankPort {
  if (config.sandboxEnabled && config.sandboxBankTable)
    return new SandboxBankPort(new SandboxBank(config.sandboxBankTable, now));
  const missing = async () => {
    throw new Error('no bank adapter is configured for this stage');
  };
  return { verifyOwner: missing, pull: missing, push: missing, status: missing, guaranteeBalance: missing };
}

/**
 * The sandbox switch in sandbox stages and locally. Production needs the NAPAS integration behind
 * SwitchPort (its API, certificates and message signing), which this project does not ship.
 */
function switchPort(config: ReturnType<typeof runtimeConfig>, now: () => Date): SwitchPort {
  if (config.sandboxEnabled && config.sandboxBankTable)
    return new SandboxSwitchPort(new SandboxSwitch(config.sandboxBankTable, now));
  const missing = async () => {
    throw new Error('no switch adapter is configured for this stage');
  };
  return { nameInquiry: missing, sendCredit: missing, status: missing, settlementReport: missing };
}

/** Tests swap single ports (the clock, say) without touching the rest. */
export function overrideServices(overrides: Partial<Services>): void {
  services = { ...container(), ...overrides };
}
