import { importJWK, SignJWT } from 'jose';
import type { BiometricSource } from '../../ports/ekyc.ts';
import { sandboxEkycIssuer, sandboxEkycKid, sandboxEkycPrivateJwk } from './sandbox-provider-key.ts';

export interface SandboxAssertionRequest {
  idNumber: string;
  fullName: string;
  dateOfBirth: string;
  nonce?: string;
  faceMatch: boolean;
  liveness: boolean;
  source?: BiometricSource;
}

/** Signs verdicts the way a real eKYC provider does: ES256 JWS with `kid`, valid 5 minutes. */
export async function signSandboxAssertion(request: SandboxAssertionRequest, now: Date): Promise<string> {
  const key = await importJWK(sandboxEkycPrivateJwk, 'ES256');
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ ...request, source: request.source ?? 'CCCD_CHIP' })
    .setProtectedHeader({ alg: 'ES256', kid: sandboxEkycKid, typ: 'JWT' })
    .setIssuer(sandboxEkycIssuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 5 * 60)
    .sign(key);
}
