import { ulid } from 'ulid';
import type { DeviceProof } from '../domain/device.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { type Wallet, walletView } from '../domain/wallet.ts';
import { planLock, planUnlock, unlockChallengeSeconds, unlockMaxAttempts } from '../domain/wallet-control.ts';
import type { Services } from '../ports/services.ts';
import { revokeSessions } from './sign-in.ts';
import { verifyBiometric } from './submit-kyc.ts';
import { requireTrustedDevice } from './trust-device.ts';
import { ownWallet } from './wallets.ts';

// RULES.md §7 (Circular 40 Art. 28): a customer who reports lost credentials or fraud gets the
// service suspended at once. Locking works from any device of the customer, trusted or not (a
// customer whose phone was stolen signs in elsewhere); unlocking needs a biometric match bound to
// a fresh challenge, from a trusted device (RULES.md §4).

const MAX_TRIES = 8;

const walletClosed = refusals.walletClosed;
const walletFrozen = () =>
  new Refusal('wallet-frozen', 'This wallet is frozen; it can be unlocked once the freeze is lifted.');
const challengeExpired = () =>
  new Refusal('challenge-expired', 'No unlock challenge is pending for this device, or it expired; ask for a new one.');

/** POST /v1/wallets/{walletId}/lock: LOCKED at once; a FROZEN wallet stays FROZEN and comes back LOCKED. */
export async function lockWallet(
  services: Services,
  customerId: string,
  deviceId: string,
  walletId: string,
  reason?: string,
) {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const wallet = await ownWallet(services, customerId, walletId);
    const plan = planLock(wallet);
    if (plan.kind === 'closed') throw walletClosed();
    if (plan.kind === 'already-locked') return walletView(wallet);
    const now = services.clock.now();
    const lock = { ...(reason ? { reason } : {}), at: now.toISOString() };
    if ((await services.walletControl.lock(wallet, lock)) !== 'done') continue;
    // Lost credentials (RULES.md §7): the sessions of whoever holds them end with the lock.
    const [device] = await Promise.all([
      services.store.getDevice(customerId, deviceId),
      revokeSessions(services, customerId),
    ]);
    await services.store.recordAuthEvent(
      customerId,
      { kind: 'WALLET_LOCKED', deviceId, trusted: device?.trusted === true },
      now,
    );
    return walletView({ ...wallet, status: plan.kind === 'lock' ? 'LOCKED' : wallet.status });
  }
  throw new Error('the wallet kept changing; it was not locked');
}

/** POST /v1/wallets/{walletId}/unlock: a biometric challenge (class C, 5 minutes, bound to this device). */
export async function startUnlock(
  services: Services,
  customerId: string,
  deviceId: string,
  walletId: string,
  proof?: DeviceProof,
) {
  let wallet = await ownWallet(services, customerId, walletId);
  await requireTrustedDevice(services, customerId, deviceId, proof);
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const plan = planUnlock(wallet);
    if (plan.kind === 'frozen') throw walletFrozen();
    if (plan.kind === 'closed') throw walletClosed();
    if (plan.kind === 'not-locked') throw new Refusal('wallet-not-locked', 'This wallet is not locked.');
    const now = services.clock.now();
    const challenge = {
      challengeId: ulid(now.getTime()),
      deviceId,
      expiresAt: new Date(now.getTime() + unlockChallengeSeconds * 1000).toISOString(),
      attempts: 0,
    };
    if ((await services.walletControl.setUnlockChallenge(wallet, challenge)) === 'done') {
      return {
        walletId,
        status: 'REQUIRES_AUTHENTICATION' as const,
        authentication: {
          class: 'C' as const,
          methods: ['BIOMETRIC' as const],
          challengeId: challenge.challengeId,
          expiresAt: challenge.expiresAt,
        },
      };
    }
    wallet = await ownWallet(services, customerId, walletId);
  }
  throw new Error('the wallet kept changing; no unlock challenge was issued');
}

/** The identity a biometric assertion must match: the customer's own (or the legal representative's). */
async function customerIdentity(services: Services, customerId: string) {
  const customer = await services.store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  if (!customer.identity) throw refusals.kycRequired();
  const ring = await services.keyRing();
  return {
    fullName: customer.identity.fullName,
    dateOfBirth: await ring.decrypt(customer.identity.dateOfBirthEnc),
    idNumber: await ring.decrypt(customer.identity.idNumberEnc),
  };
}

function pendingChallenge(wallet: Wallet, deviceId: string, now: Date) {
  if (wallet.status === 'FROZEN') throw walletFrozen();
  const challenge = wallet.unlockChallenge;
  if (wallet.status !== 'LOCKED' || !challenge || challenge.deviceId !== deviceId) throw challengeExpired();
  if (new Date(challenge.expiresAt) <= now) throw challengeExpired();
  return challenge;
}

/**
 * POST /v1/wallets/{walletId}/unlock/authorize `{ biometricAssertion }`: the assertion's nonce must be
 * the pending challenge's id, its person the customer. One use: the challenge goes with the lock.
 */
export async function authorizeUnlock(
  services: Services,
  customerId: string,
  deviceId: string,
  walletId: string,
  input: { biometricAssertion: string },
  proof?: DeviceProof,
) {
  let wallet = await ownWallet(services, customerId, walletId);
  await requireTrustedDevice(services, customerId, deviceId, proof);
  const challenge = pendingChallenge(wallet, deviceId, services.clock.now());
  if (!(await services.walletControl.useUnlockAttempt(walletId, challenge.challengeId, unlockMaxAttempts))) {
    const again = await ownWallet(services, customerId, walletId);
    if (again.unlockChallenge?.challengeId === challenge.challengeId) {
      throw new Refusal('too-many-attempts', 'Too many tries for this challenge; ask for a new one.');
    }
    throw challengeExpired();
  }
  await verifyBiometric(
    services,
    input.biometricAssertion,
    await customerIdentity(services, customerId),
    challenge.challengeId,
  );

  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const plan = planUnlock(wallet);
    if (plan.kind === 'frozen') throw walletFrozen();
    if (plan.kind !== 'unlock') throw challengeExpired();
    const now = services.clock.now();
    const outcome = await services.walletControl.unlock(wallet, challenge.challengeId, deviceId, plan.to, now);
    if (outcome === 'done') {
      await services.store.recordAuthEvent(customerId, { kind: 'WALLET_UNLOCKED', deviceId, trusted: true }, now);
      return walletView({ ...wallet, status: plan.to });
    }
    wallet = await ownWallet(services, customerId, walletId);
    // Used (a replay), replaced, expired or frozen meanwhile: refused; otherwise its links changed: re-plan.
    pendingChallenge(wallet, deviceId, services.clock.now());
    if (wallet.unlockChallenge?.challengeId !== challenge.challengeId) throw challengeExpired();
  }
  throw new Error('the wallet kept changing; it was not unlocked');
}
