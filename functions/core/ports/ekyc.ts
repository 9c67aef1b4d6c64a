/** Where an eKYC provider matched the live face (RULES.md §3: chip, VNeID, or its own verified database). */
export type BiometricSource = 'CCCD_CHIP' | 'VNEID' | 'PROVIDER_DB';

/** The provider's signed verdict on one face match. The wallet never sees the image or template. */
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
