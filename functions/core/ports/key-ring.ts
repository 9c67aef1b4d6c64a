/**
 * Keys for personal data and secrets at rest (RULES.md §9): a keyed hash for look-ups and OTPs,
 * authenticated encryption for ID numbers and device secrets. KMS-wrapped in AWS, a local key
 * in the local runtime.
 */
export interface KeyRing {
  mac(purpose: string, value: string): Promise<string>;
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}
