import { createHash } from 'node:crypto';
import { CognitoIdentityProvider } from './adapters/cognito/cognito-identity-provider.ts';
import { EnvelopeKeyRing } from './adapters/crypto/envelope-key-ring.ts';
import { kmsRootKey } from './adapters/crypto/kms-root-key.ts';
import { dynamo } from './adapters/dynamodb/client.ts';
import { DynamoOnboardingStore } from './adapters/dynamodb/onboarding-store.ts';
import { DynamoWalletStore } from './adapters/dynamodb/wallet-store.ts';
import { DynamoWatchlist } from './adapters/dynamodb/watchlist.ts';
import { JwsEkycVerifier } from './adapters/ekyc/jws-ekyc-verifier.ts';
import { SandboxSmsOutbox } from './adapters/sandbox/sms-outbox.ts';
import { SnsSmsSender } from './adapters/sms/sns-sms-sender.ts';
import { runtimeConfig } from './config.ts';
import { type Clock, systemClock } from './ports/clock.ts';
import type { EkycVerifier } from './ports/ekyc.ts';
import type { IdentityProvider } from './ports/identity-provider.ts';
import type { KeyRing } from './ports/key-ring.ts';
import type { OnboardingStore } from './ports/onboarding-store.ts';
import type { SmsSender } from './ports/sms.ts';
import type { WalletStore } from './ports/wallet-store.ts';
import type { Watchlist } from './ports/watchlist.ts';

/** The composition root: every use case gets its ports from here, built once per cold start. */
export interface Services {
  clock: Clock;
  store: OnboardingStore;
  wallets: WalletStore;
  watchlist: Watchlist;
  ekyc: EkycVerifier;
  sms: SmsSender;
  identity: IdentityProvider;
  keyRing: () => Promise<KeyRing>;
}

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
    store: new DynamoOnboardingStore(config.walletTable),
    wallets: new DynamoWalletStore(config.walletTable),
    watchlist: new DynamoWatchlist(config.walletTable, keyRingOnce),
    ekyc: new JwsEkycVerifier({
      ...(config.ekycIssuer && config.ekycJwksUrl
        ? { provider: { issuer: config.ekycIssuer, jwksUrl: config.ekycJwksUrl } }
        : {}),
      trustSandbox: config.sandboxEnabled,
      now: () => now(),
    }),
    sms: config.sandboxEnabled ? new SandboxSmsOutbox(config.walletTable, () => now()) : new SnsSmsSender(),
    identity: new CognitoIdentityProvider(config.userPoolId ?? '', config.userPoolClientId ?? ''),
    keyRing: keyRingOnce,
  };
  return services;
}

/** Tests swap single ports (the clock, say) without touching the rest. */
export function overrideServices(overrides: Partial<Services>): void {
  services = { ...container(), ...overrides };
}
