// The per-stage values. Environment (account, region) and the optional alarm e-mail are
// merged in by `loadConfig`; everything else is decided here, in code review.
import type { StageConfig, StageName } from './schema.ts';

export type StageDefaults = Omit<StageConfig, 'account' | 'region' | 'alarmEmail'>;

export const stages: Record<StageName, StageDefaults> = {
  sandbox: {
    stage: 'sandbox',
    sandboxEnabled: true,
    removalPolicy: 'destroy',
    deletionProtection: false,
    logRetentionDays: 14,
    wafRateLimitPer5MinPerIp: 2_000,
    apiThrottling: { rateLimit: 50, burstLimit: 100 },
    cognitoThreatProtection: false,
    // Test apps of the v1 contract sign no DPoP proofs yet (API.md "Device binding").
    allowKeylessDevices: true,
    sessionIdleSeconds: 300,
    // A code outside the banks' 9704xx range, for payment requests' QR payloads in test apps.
    vietQrAcquirerId: '971999',
    // Test apps of the v1 contract send no X-App-Version yet (API.md v1.1 "App version").
    appVersions: { minimum: { android: '1.0.0', ios: '1.0.0' }, allowUnversioned: true },
    suspiciousReportDueWorkingDays: 3,
    dataRequestDueDays: 3,
    institutionCode: 'EWCORE',
  },
  production: {
    stage: 'production',
    sandboxEnabled: false,
    removalPolicy: 'retain',
    deletionProtection: true,
    // Above the 3 months RULES.md §4 asks for authentication logs, with margin for audits.
    logRetentionDays: 400,
    wafRateLimitPer5MinPerIp: 1_000,
    apiThrottling: { rateLimit: 500, burstLimit: 1_000 },
    cognitoThreatProtection: false,
    // Devices count as themselves only with a DPoP proof of their bound key.
    allowKeylessDevices: false,
    // RULES.md §4: sessions end after 5 minutes without activity.
    sessionIdleSeconds: 300,
    // The provider's acquirer code at NAPAS for VietQR payloads: replace with the assigned one.
    vietQrAcquirerId: '971999',
    // Circular 77/2025: outdated versions are cut off; raise a platform's minimum with each
    // release that must replace the one before it. Clients that name no version are refused.
    appVersions: { minimum: { android: '1.0.0', ios: '1.0.0' }, allowUnversioned: false },
    // RULES.md §8: 3 working days after detection (Circular 27/2025); 1 where the law says so.
    suspiciousReportDueWorkingDays: 3,
    // RULES.md §9: 72 hours to answer a personal-data request.
    dataRequestDueDays: 3,
    // The code NAPAS assigns this provider in its list of institutions: replace with the assigned one.
    institutionCode: 'EWCORE',
    // ekyc: { issuer: '...', jwksUrl: 'https://...' } once the eKYC provider is contracted.
  },
};
