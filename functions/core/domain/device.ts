// Which device a request comes from (RULES.md §4; RFC 9449 DPoP). A device is trusted by what it
// holds, not by what it says: one bound to a key at KYC or device trust counts as itself only
// with a proof signed by that key; one trusted before keys (a v1 client) counts by its id alone
// only where the stage allows keyless devices.

/** What the HTTP layer established from a valid DPoP proof of this request. */
export interface DeviceProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key. */
  thumbprint: string;
}

/** A device as stored: trusted or not, and the key it is bound to, if any. */
export interface DeviceBinding {
  trusted: boolean;
  /** RFC 7638 thumbprint of the bound key (absent: trusted by id, a v1 device). */
  keyThumbprint?: string;
}

export interface DevicePolicy {
  /** Whether devices trusted without a key still count by their id (production: no). */
  allowKeyless: boolean;
}

/** RULES.md §4: money moves only from a trusted device, proven as above. */
export function isTrustedDevice(
  device: DeviceBinding | undefined,
  proof: DeviceProof | undefined,
  policy: DevicePolicy,
): boolean {
  if (!device?.trusted) return false;
  if (device.keyThumbprint) return proof?.thumbprint === device.keyThumbprint;
  return policy.allowKeyless;
}

/** How long a proof is accepted after (and before) its `iat` (API.md: 60 seconds). */
export const proofWindowSeconds = 60;
