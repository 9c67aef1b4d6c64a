import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { type DeviceProof, proofWindowSeconds } from '../domain/device.ts';
import { logger } from '../observability/logger.ts';

// RFC 9449 DPoP proofs (API.md v1.1 "Device binding"): a JWT the device signs with its own key
// for each request: header `typ: dpop+jwt`, `alg: ES256`, `jwk` (the public key); claims `htm`
// (the method), `htu` (scheme, host and path), `iat` (within 60 s), `jti` (never seen before:
// the caller records it), and `ath` (the hash of the access token) on calls that carry one.

export interface VerifiedProof extends DeviceProof {
  jti: string;
  /** Until when the `jti` must be remembered: past it the proof is refused by its age anyway. */
  rememberUntil: Date;
}

const header = (event: APIGatewayProxyEvent, name: string): string | undefined => {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
};

/**
 * The URL a proof must name: the API's public base URL for the stage (`PUBLIC_BASE_URL`, when the
 * API sits behind a custom domain) followed by the path, or else the URL API Gateway was called
 * at (its domain and the path with the stage prefix).
 */
export function requestUrl(event: APIGatewayProxyEvent): string {
  const configured = process.env.PUBLIC_BASE_URL;
  if (configured) return configured.replace(/\/$/, '') + event.path;
  const context = event.requestContext as { domainName?: string; path?: string } | undefined;
  const scheme = header(event, 'x-forwarded-proto') ?? 'https';
  const host = context?.domainName ?? header(event, 'host') ?? '';
  return `${scheme}://${host}${context?.path ?? event.path}`;
}

/** The proof of this request, if it carries a valid one; why not, in the logs. */
export async function verifyProof(event: APIGatewayProxyEvent, now: Date): Promise<VerifiedProof | undefined> {
  const proof = header(event, 'dpop');
  if (!proof) return undefined;
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256'],
      currentDate: now,
    });
    const iat = payload.iat ?? 0;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const bearer = /^(?:Bearer|DPoP)\s+(\S+)$/i.exec(header(event, 'authorization') ?? '')?.[1];
    const problems = [
      payload.htm !== event.httpMethod && 'htm',
      payload.htu !== requestUrl(event) && 'htu',
      Math.abs(nowSeconds - iat) > proofWindowSeconds && 'iat',
      (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 128) && 'jti',
      bearer !== undefined && payload.ath !== createHash('sha256').update(bearer).digest('base64url') && 'ath',
    ].filter(Boolean);
    if (problems.length) {
      logger.info('DPoP proof refused', { problems, path: event.resource });
      return undefined;
    }
    return {
      thumbprint: await calculateJwkThumbprint(protectedHeader.jwk!, 'sha256'),
      jti: payload.jti as string,
      rememberUntil: new Date((iat + proofWindowSeconds + 1) * 1000),
    };
  } catch (error) {
    logger.info('DPoP proof refused', { reason: (error as Error).name, path: event.resource });
    return undefined;
  }
}
