import type { Customer, CustomerKind, CustomerStatus } from '../domain/customer.ts';
import type { Consent } from '../domain/personal-data.ts';

export interface Registration {
  registrationId: string;
  phoneNumber: string;
  otpHash: string;
  expiresAt: string;
  /** Every confirmation try uses one, right or wrong (RULES.md §3 OTP attempt limit). */
  attempts: number;
  status: 'PENDING' | 'CONFIRMING' | 'CONFIRMED';
  createdAt: string;
}

export interface Device {
  deviceId: string;
  trusted: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  trustedAt?: string;
  /** How it came to be trusted: at KYC, or by a device-trust challenge later (RULES.md §4). */
  trustedVia?: 'KYC' | 'CHALLENGE';
  /** The public key the device is bound to (RFC 9449 DPoP), and its RFC 7638 thumbprint. */
  publicKeyJwk?: DevicePublicKey;
  keyThumbprint?: string;
  /** The device's soft-OTP secret, encrypted by the key ring (RULES.md §3: one device only). */
  softOtpSecretEnc?: string;
}

/** A device's public key (RFC 7517 JWK, EC P-256): what DPoP proofs of that device are signed with. */
export interface DevicePublicKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * How a device is trusted (at KYC or by a trust challenge): its soft-OTP secret, and either the key
 * it is bound to from now on (proven by the request's DPoP proof), or no key. A device already
 * bound to a key stays bound: trusting it again without a key holds only when the request proved
 * that key (`proofThumbprint`), and keeps it.
 */
export interface DeviceTrust {
  deviceId: string;
  softOtpSecretEnc: string;
  key?: { publicKeyJwk: DevicePublicKey; keyThumbprint: string };
  proofThumbprint?: string;
}

export interface KycCompletion {
  customerId: string;
  /**
   * The customer as the decision read it (RULES.md §5: the identity is fixed by the first KYC): the
   * write holds only while the customer still has this status, this kind and this identity (no
   * identity before the first KYC), so of two KYCs racing for one customer at most one wins.
   */
  expected: { status: CustomerStatus; kind: CustomerKind; idNumberHash?: string };
  /** Everything the customer record gains: identity, organisation, merchant. */
  profile: Pick<Customer, 'kind' | 'identity' | 'organization' | 'merchant'>;
  /** Uniqueness guards: the ID number hash of an individual, the enterprise code of an organisation. */
  guard: { kind: 'IDENTITY' | 'ENTERPRISE'; value: string };
  device: DeviceTrust;
  now: Date;
}

/**
 * What completing a KYC came to: `duplicate` (the guard belongs to another customer), `changed`
 * (the customer is no longer as read: decide again), `device-bound` (the calling device is bound to
 * a key this request did not prove).
 */
export type KycOutcome = 'verified' | 'duplicate' | 'changed' | 'device-bound';

export interface TrustChallenge {
  challengeId: string;
  customerId: string;
  deviceId: string;
  expiresAt: string;
  createdAt: string;
  /**
   * The SMS OTP sent for this challenge, as a keyed hash bound to the challenge id (RULES.md §3,
   * §4: a match against the provider's own database counts only with it).
   */
  otpHash?: string;
  /** OTP entries tried on this challenge. */
  attempts?: number;
}

/** One OTP try on a trust challenge: taken, or refused because the challenge is unusable or its tries are spent. */
export type TrustChallengeTry = { ok: true; challenge: TrustChallenge } | { ok: false; why: 'unusable' | 'exhausted' };

/** Persistence for registration, sign-in and customer records. */
export interface OnboardingStore {
  createRegistration(registration: Registration): Promise<void>;
  getRegistration(registrationId: string): Promise<Registration | undefined>;
  /** Uses one attempt atomically; undefined when none are left or it is no longer pending. */
  useRegistrationAttempt(registrationId: string, maxAttempts: number): Promise<Registration | undefined>;
  /** PENDING → CONFIRMING, or takes over a confirmation abandoned before `staleBefore`. */
  claimRegistration(registrationId: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Creates the customer, its phone guard and its consents (RULES.md §9), and closes the registration, all or nothing. */
  createCustomer(customer: Customer, registrationId: string, consents?: Consent[]): Promise<'created' | 'phone-taken'>;

  customerIdByPhone(phoneNumber: string): Promise<string | undefined>;
  /** `consistent`: a strongly consistent read (deciding again after a conditional write failed). */
  getCustomer(customerId: string, options?: { consistent?: boolean }): Promise<Customer | undefined>;
  monthlyUsage(customerId: string, month: string): Promise<number>;

  signInLockedUntil(phoneNumber: string): Promise<Date | undefined>;
  recordSignInFailure(phoneNumber: string, now: Date, maxFailures: number, lockoutSeconds: number): Promise<void>;
  clearSignInFailures(phoneNumber: string): Promise<void>;

  /** Records the device as seen; returns it as stored. */
  touchDevice(customerId: string, deviceId: string, now: Date): Promise<Device>;
  /** RULES.md §4 (kept 100 days); `appVersion`: the client's X-App-Version (Circular 77/2025). */
  recordAuthEvent(
    customerId: string,
    event: { kind: string; deviceId: string; trusted: boolean; appVersion?: string },
    now: Date,
  ): Promise<void>;

  createTrustChallenge(challenge: TrustChallenge): Promise<void>;
  /**
   * Takes one OTP try on the challenge atomically (before the OTP is compared), if it is this
   * customer's, for this device, unused, alive, and has tries left.
   */
  useTrustChallengeAttempt(
    challengeId: string,
    customerId: string,
    deviceId: string,
    now: Date,
    maxAttempts: number,
  ): Promise<TrustChallengeTry>;
  /** Uses the challenge once, if it is this customer's, for this device and still alive. */
  consumeTrustChallenge(challengeId: string, customerId: string, deviceId: string, now: Date): Promise<boolean>;
  getDevice(customerId: string, deviceId: string): Promise<Device | undefined>;
  /** Trusts the device; false (nothing written) when it is bound to a key the request did not prove. */
  trustDevice(customerId: string, trust: DeviceTrust, now: Date): Promise<boolean>;

  /**
   * VERIFIED, with the identity, the uniqueness guard and the trusted device, all or nothing, if
   * the customer is still as `expected` (see KycOutcome).
   */
  completeKyc(completion: KycCompletion): Promise<KycOutcome>;
  rejectKyc(customerId: string, reasons: string[], now: Date): Promise<void>;
  /** Customers whose ID expires on the given day (the expiry job's index). */
  customersWithIdExpiringOn(day: string): Promise<string[]>;
  setCustomerStatus(customerId: string, status: Customer['status'], expected: Customer['status']): Promise<boolean>;
  markExpiryWarned(customerId: string, expiryDate: string): Promise<boolean>;
}
