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
}
