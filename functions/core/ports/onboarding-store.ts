import type { Customer } from '../domain/customer.ts';

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
  publicKeyJwk?: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  keyThumbprint?: string;
  /** The device's soft-OTP secret, encrypted by the key ring (RULES.md §3: one device only). */
  softOtpSecretEnc?: string;
}

export interface KycCompletion {
  customerId: string;
  /** Everything the customer record gains: identity, organisation, merchant. */
  profile: Pick<Customer, 'kind' | 'identity' | 'organization' | 'merchant'>;
  /** Uniqueness guards: the ID number hash of an individual, the enterprise code of an organisation. */
  guard: { kind: 'IDENTITY' | 'ENTERPRISE'; value: string };
  device: { deviceId: string; softOtpSecretEnc: string };
  now: Date;
}

export interface TrustChallenge {
  challengeId: string;
  customerId: string;
  deviceId: string;
  expiresAt: string;
  createdAt: string;
}

/** Persistence for registration, sign-in and customer records. */
export interface OnboardingStore {
  createRegistration(registration: Registration): Promise<void>;
  getRegistration(registrationId: string): Promise<Registration | undefined>;
  /** Uses one attempt atomically; undefined when none are left or it is no longer pending. */
  useRegistrationAttempt(registrationId: string, maxAttempts: number): Promise<Registration | undefined>;
  /** PENDING → CONFIRMING, or takes over a confirmation abandoned before `staleBefore`. */
  claimRegistration(registrationId: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Creates the customer and its phone guard, and closes the registration, all or nothing. */
  createCustomer(customer: Customer, registrationId: string): Promise<'created' | 'phone-taken'>;

  customerIdByPhone(phoneNumber: string): Promise<string | undefined>;
  getCustomer(customerId: string): Promise<Customer | undefined>;
  monthlyUsage(customerId: string, month: string): Promise<number>;

  signInLockedUntil(phoneNumber: string): Promise<Date | undefined>;
  recordSignInFailure(phoneNumber: string, now: Date, maxFailures: number, lockoutSeconds: number): Promise<void>;
  clearSignInFailures(phoneNumber: string): Promise<void>;

  /** Records the device as seen; returns it as stored. */
  touchDevice(customerId: string, deviceId: string, now: Date): Promise<Device>;
  recordAuthEvent(
    customerId: string,
    event: { kind: string; deviceId: string; trusted: boolean },
    now: Date,
  ): Promise<void>;

  createTrustChallenge(challenge: TrustChallenge): Promise<void>;
  /** Uses the challenge once, if it is this customer's, for this device and still alive. */
  consumeTrustChallenge(challengeId: string, customerId: string, deviceId: string, now: Date): Promise<boolean>;
  getDevice(customerId: string, deviceId: string): Promise<Device | undefined>;
  trustDevice(customerId: string, deviceId: string, softOtpSecretEnc: string, now: Date): Promise<void>;

  /**
   * VERIFIED, with the identity, the uniqueness guard and the trusted device, all or nothing.
   * 'duplicate' when the guard already belongs to another customer (Decree 52 Art. 8).
   */
  completeKyc(completion: KycCompletion): Promise<'verified' | 'duplicate'>;
  rejectKyc(customerId: string, reasons: string[], now: Date): Promise<void>;
  /** Customers whose ID expires on the given day (the expiry job's index). */
  customersWithIdExpiringOn(day: string): Promise<string[]>;
  setCustomerStatus(customerId: string, status: Customer['status'], expected: Customer['status']): Promise<boolean>;
  markExpiryWarned(customerId: string, expiryDate: string): Promise<boolean>;
}
