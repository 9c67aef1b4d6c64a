import { createLocalJWKSet, createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { z } from 'zod';
import type { EkycVerdict, EkycVerifier } from '../../ports/ekyc.ts';
import { sandboxEkycIssuer, sandboxEkycPublicJwk } from './sandbox-provider-key.ts';

/** An assertion older than this is refused, whatever its `exp` says (issue #3: at most 5 minutes). */
export const assertionMaxAgeSeconds = 5 * 60;

const claims = z.object({
  idNumber: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  faceMatch: z.boolean(),
  liveness: z.boolean(),
  source: z.enum(['CCCD_CHIP', 'VNEID', 'PROVIDER_DB']),
  nonce: z.string().optional(),
  iat: z.number(),
});

export interface EkycTrust {
  /** The production provider: its issuer and JWKS URL, from configuration. */
  provider?: { issuer: string; jwksUrl: string };
  /** Trust the published sandbox key too. Never true in production. */
  trustSandbox: boolean;
  now: () => Date;
}

/** Verifies ES256 JWS assertions against the provider's JWKS (and the sandbox key where allowed). */
export class JwsEkycVerifier implements EkycVerifier {
  readonly #issuers: { issuer: string; keys: JWTVerifyGetKey }[] = [];

  constructor(private readonly trust: EkycTrust) {
    if (trust.provider) {
      this.#issuers.push({ issuer: trust.provider.issuer, keys: createRemoteJWKSet(new URL(trust.provider.jwksUrl)) });
    }
    if (trust.trustSandbox) {
      this.#issuers.push({ issuer: sandboxEkycIssuer, keys: createLocalJWKSet({ keys: [sandboxEkycPublicJwk] }) });
    }
  }

  async verify(assertion: string): Promise<EkycVerdict | undefined> {
    for (const { issuer, keys } of this.#issuers) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(assertion, keys, {
          issuer,
          algorithms: ['ES256'],
          maxTokenAge: assertionMaxAgeSeconds,
          currentDate: this.trust.now(),
          requiredClaims: ['iat', 'exp'],
        }));
      } catch {
        continue;
      }
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return undefined;
      const { iat, ...verdict } = parsed.data;
      return { ...verdict, issuedAt: new Date(iat * 1000) };
    }
    return undefined;
  }
}
