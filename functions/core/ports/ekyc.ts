import type { BiometricSource } from '../domain/kyc.ts';

/** Where an eKYC provider matched the live face (RULES.md §3: chip, VNeID, or its own verified database). */
export type { BiometricSource };

/**
 * The provider's signed verdict on one face match. The wallet never sees the image or template.
 * `source` decides what the verdict may do (RULES.md §4, §5: functions/core/domain/kyc.ts).
 */
export interface EkycVerdict {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  faceMatch: boolean;
  liveness: boolean;
  source: BiometricSource;
  nonce?: string;
  issuedAt: Date;
}

/** Verifies an eKYC provider's assertion (a compact ES256 JWS); undefined when it is not genuine. */
export interface EkycVerifier {
  verify(assertion: string): Promise<EkycVerdict | undefined>;
}
