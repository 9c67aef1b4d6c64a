import { timingSafeEqual } from 'node:crypto';
import type { Factor } from '../../domain/authentication-class.ts';
import type { DeviceProof } from '../../domain/device.ts';
import { otpFactorPolicy, otpMacInput, otpPolicy, sameHash } from '../../domain/otp.ts';
import { Refusal, refusals } from '../../domain/refusals.ts';
import { ocra } from '../../domain/soft-otp.ts';
import type { Challenge, Transfer } from '../../domain/transfer.ts';
import { decide, type TransferSnapshot } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { MoneyItems, MoneyKeys } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { verifyBiometric } from '../submit-kyc.ts';
import { issueChallenge } from './challenge.ts';
import { decideAndCommit } from './commit-loop.ts';
import { answer } from './create-transfer.ts';
import { baseSnapshot, callingDevice, merchantKeys, merged, monthKey } from './snapshots.ts';

export interface Factors {
  otp?: string;
  softOtp?: string;
  biometricAssertion?: string;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const provided = (f: Factors): Factor[] => [
  ...(f.otp ? (['OTP'] as const) : []),
  ...(f.softOtp ? (['SOFT_OTP'] as const) : []),
  ...(f.biometricAssertion ? (['BIOMETRIC'] as const) : []),
];

/**
 * Checks every factor the challenge names (RULES.md §3); the attempts were counted before. The
 * SMS OTP's verdict is reported to the customer's OTP guard (wrong entries lock the factor across
 * challenges). The soft OTP is computed with the secret of the device that created the transfer.
 */
async function checkFactors(
  services: Services,
  creator: MoneyItems,
  items: MoneyItems,
  challenge: Challenge,
  factors: Factors,
  otpJudged: (right: boolean) => Promise<void>,
) {
  const ring = await services.keyRing();
  if (challenge.methods.includes('OTP')) {
    const hash = await ring.mac('otp', otpMacInput(challenge.challengeId, factors.otp!));
    const right = sameHash(hash, challenge.otpHash ?? '');
    await otpJudged(right);
    if (!right) throw refusals.otpInvalid('The SMS code is wrong.');
  }
  if (challenge.methods.includes('SOFT_OTP')) {
    const secretEnc = creator.device?.softOtpSecretEnc;
    const secret = secretEnc ? await ring.decrypt(secretEnc) : undefined;
    if (!secret || !same(ocra(secret, challenge.challengeId), factors.softOtp!)) {
      throw refusals.otpInvalid('The soft OTP is wrong for this transfer.');
    }
  }
  if (challenge.methods.includes('BIOMETRIC')) {
    const identity = items.customer!.identity!;
    const person = {
      fullName: identity.fullName,
      dateOfBirth: await ring.decrypt(identity.dateOfBirthEnc),
      idNumber: await ring.decrypt(identity.idNumberEnc),
    };
    await verifyBiometric(services, factors.biometricAssertion!, person, challenge.challengeId);
  }
}

/** How long a try refused for want of attempts waits for a concurrent right try to commit. */
const SETTLE_WAIT = { rounds: 20, everyMs: 100 } as const;

/** Whether the transfer leaves REQUIRES_AUTHENTICATION within SETTLE_WAIT (a concurrent try authorised it). */
async function leftAuthentication(services: Services, transferId: string): Promise<boolean> {
  for (let round = 0; round < SETTLE_WAIT.rounds; round++) {
    const { transfer } = await services.ledger.read({ transferId });
    if (transfer && transfer.status !== 'REQUIRES_AUTHENTICATION') return true;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_WAIT.everyMs));
  }
  return false;
}

/**
 * POST /v1/transfers/{id}/authorize. The planner checks whose transfer it is, its state, its
 * deadline and the device; one attempt of the challenge is used atomically before any factor is
 * checked; then the planner decides with the class the factors proved: post, ask for stronger
 * factors (the day's counters rose meanwhile), or fail. Idempotent: after the transfer has left
 * REQUIRES_AUTHENTICATION it is returned as it is.
 */
export async function authorizeTransfer(
  services: Services,
  customerId: string,
  deviceId: string,
  transferId: string,
  factors: Factors,
  /** The request's DPoP proof (a bound device counts as itself only with it). */
  proof?: DeviceProof,
) {
  const now = services.clock.now();
  const first: MoneyKeys = {
    transferId,
    customerId,
    device: { customerId, deviceId },
    monthly: monthKey(customerId, now),
  };
  let items = await services.ledger.read(first);
  const device = callingDevice(items, proof, services.devicePolicy);
  const asked = { kind: 'authorize', customerId, provided: provided(factors) } as const;
  const gate = decide(baseSnapshot(items, now, undefined, undefined, device), asked);
  if (gate.kind !== 'verify') {
    // Refused, unchanged, or expired (which is written): the loop commits what there is to commit.
    const slot: MoneyKeys = { transferId };
    const settled = await decideAndCommit(services, {
      lock: [],
      read: async (n) => {
        if (n > 0) items = merged(items, await services.ledger.read(slot), slot);
        return baseSnapshot(items, n > 0 ? services.clock.now() : now, undefined, undefined, device);
      },
      event: asked,
    });
    return answer(services, settled);
  }
  const t: Transfer = gate.transfer;
  // What the transfer names: its wallets, its bank link, and the device that created it (whose
  // soft-OTP secret the challenge is answered with).
  const named: MoneyKeys = {
    walletIds: [t.walletId, ...(t.toWalletId ? [t.toWalletId] : [])],
    ...(t.linkId ? { link: { walletId: t.walletId, linkId: t.linkId } } : {}),
    device: { customerId, deviceId: t.deviceId },
    ...merchantKeys(t),
  };
  // The SMS OTP factor is counted per customer across all challenges (API.md v1.1), and each
  // challenge has its own tries: both are taken before any factor is checked.
  const otp = gate.challenge.methods.includes('OTP') ? ({ factor: 'otp', customerId } as const) : undefined;
  const [attempt, more, factorTry] = await Promise.all([
    services.ledger.useChallengeAttempt(transferId, gate.challenge.challengeId, otpPolicy.maxAttempts),
    services.ledger.read(named),
    otp ? services.guards.take(otp, otpFactorPolicy, now) : undefined,
  ]);
  if (factorTry && !factorTry.ok) throw otpLocked(factorTry.lockedUntil, now);
  // A wrong code is counted before the answer; a right one is recorded while the transfer commits.
  let judging: Promise<void> | undefined;
  const otpJudged = async (right: boolean) => {
    if (!otp || !factorTry?.ok) return;
    const recorded = services.guards.judged(otp, factorTry.tryId, right, otpFactorPolicy, now).then(() => {});
    if (!right) return recorded;
    judging = recorded.catch((error: Error) => logger.warn('OTP factor not reset', { error: error.message }));
  };
  if (!attempt) {
    // The factor was not checked: its place among the tries being checked is freed at once.
    if (otp && factorTry?.ok) await services.guards.release(otp, factorTry.tryId, otpFactorPolicy);
    // Every try of the challenge is taken. When they were right, one of them is committing the
    // transfer right now: once it has, this is a repeat after success, answered unchanged.
    if (await leftAuthentication(services, transferId))
      return authorizeTransfer(services, customerId, deviceId, transferId, factors, proof);
    throw refusals.tooManyAttempts();
  }
  await checkFactors(services, more, items, gate.challenge, factors, otpJudged);
  items = {
    ...items,
    wallets: more.wallets,
    ...(more.link ? { link: more.link } : {}),
    ...(more.paymentRequest ? { paymentRequest: more.paymentRequest } : {}),
    ...(more.original ? { original: more.original } : {}),
  };

  const volatile: MoneyKeys = {
    transferId,
    walletIds: named.walletIds!,
    monthly: first.monthly!,
    ...merchantKeys(t),
  };
  const settled = await decideAndCommit(services, {
    lock: [t.walletId, t.toWalletId],
    read: async (n): Promise<TransferSnapshot> => {
      if (n > 0) items = merged(items, await services.ledger.read(volatile), volatile);
      return baseSnapshot(items, n > 0 ? services.clock.now() : now, t.walletId, t.toWalletId, device);
    },
    event: { kind: 'authorize', customerId, provided: provided(factors), verified: gate.challenge.class },
    challenge: (cls, methods) => issueChallenge(services, t, cls, methods, items.customer!.phoneNumber),
  }).finally(() => judging);
  return answer(services, settled);
}

const otpLocked = (until: Date, now: Date) =>
  new Refusal('too-many-attempts', 'Too many wrong SMS codes: this factor is locked for a while.', {
    retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
  });
