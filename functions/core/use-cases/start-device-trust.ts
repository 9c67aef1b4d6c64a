import { ulid } from 'ulid';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

/** A trust challenge lives 5 minutes and is used once (RULES.md §4). */
export const trustChallengeSeconds = 5 * 60;

/** POST /v1/devices/{deviceId}/trust-challenges: the nonce a biometric assertion must carry. */
export async function startDeviceTrust({ store, clock }: Services, customerId: string, deviceId: string) {
  if (!(await store.getCustomer(customerId))) throw new Refusal('customer-not-found', 'No customer for this identity.');
  const now = clock.now();
  const challengeId = ulid(now.getTime());
  const expiresAt = new Date(now.getTime() + trustChallengeSeconds * 1000).toISOString();
  await store.createTrustChallenge({ challengeId, customerId, deviceId, expiresAt, createdAt: now.toISOString() });
  return { challengeId, expiresAt };
}
