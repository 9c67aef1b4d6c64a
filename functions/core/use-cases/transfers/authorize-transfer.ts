import { timingSafeEqual } from 'node:crypto';
import { otpMacInput, otpPolicy, sameHash } from '../../domain/otp.ts';
import { ocra } from '../../domain/soft-otp.ts';
import { type Transfer, transferView } from '../../domain/transfer.ts';
import { notFound, Problem } from '../../http/problem.ts';
import type { Services } from '../../ports/services.ts';
import { verifyBiometric } from '../submit-kyc.ts';
import { requireTrustedDevice } from '../trust-device.ts';
import { newChallenge } from './challenge.ts';
import { afterPost, expireIfDue } from './create-transfer.ts';
import { notifyOutcome } from './notify.ts';
import { postTransfer } from './post.ts';
import { refusals } from './problems.ts';

export interface Factors {
  otp?: string;
  softOtp?: string;
  biometricAssertion?: string;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Checks every factor the challenge names; each try uses one of its attempts (RULES.md §3). */
async function verifyFactors(services: Services, t: Transfer, factors: Factors): Promise<void> {
  const challenge = t.challenge!;
  const missing = challenge.methods.filter(
    (m) =>
      (m === 'OTP' && !factors.otp) ||
      (m === 'SOFT_OTP' && !factors.softOtp) ||
      (m === 'BIOMETRIC' && !factors.biometricAssertion),
  );
  if (missing.length) {
    throw new Problem(400, 'authentication-required', `This transfer needs ${challenge.methods.join(' and ')}.`, {
      authentication: {
        class: challenge.class,
        methods: challenge.methods,
        challengeId: challenge.challengeId,
        expiresAt: challenge.expiresAt,
      },
    });
  }
  if (!(await services.ledger.useChallengeAttempt(t.transferId, challenge.challengeId, otpPolicy.maxAttempts))) {
    throw new Problem(403, 'too-many-attempts', 'Too many wrong answers for this transfer; start a new one.');
  }
  const ring = await services.keyRing();
  if (challenge.methods.includes('OTP')) {
    const hash = await ring.mac('otp', otpMacInput(challenge.challengeId, factors.otp!));
    if (!sameHash(hash, challenge.otpHash ?? '')) throw new Problem(400, 'otp-invalid', 'The SMS code is wrong.');
  }
  if (challenge.methods.includes('SOFT_OTP')) {
    // The secret of the trusted device that created the transfer: OCRA over this challenge only.
    const device = await services.store.getDevice(t.customerId, t.deviceId);
    const secret = device?.softOtpSecretEnc ? await ring.decrypt(device.softOtpSecretEnc) : undefined;
    if (!secret || !same(ocra(secret, challenge.challengeId), factors.softOtp!)) {
      throw new Problem(400, 'otp-invalid', 'The soft OTP is wrong for this transfer.');
    }
  }
  if (challenge.methods.includes('BIOMETRIC')) {
    const customer = await services.store.getCustomer(t.customerId);
    const identity = customer!.identity!;
    await verifyBiometric(
      services,
      factors.biometricAssertion!,
      {
        fullName: identity.fullName,
        dateOfBirth: await ring.decrypt(identity.dateOfBirthEnc),
        idNumber: await ring.decrypt(identity.idNumberEnc),
      },
      challenge.challengeId,
    );
  }
}

/**
 * POST /v1/transfers/{id}/authorize: verifies the factors, then posts. Idempotent: after the
 * transfer has left REQUIRES_AUTHENTICATION it is returned unchanged. A transfer whose class rose
 * meanwhile gets a new, stronger challenge instead of completing.
 */
export async function authorizeTransfer(
  services: Services,
  customerId: string,
  deviceId: string,
  transferId: string,
  factors: Factors,
) {
  const found = await services.ledger.getTransfer(transferId);
  if (!found || found.customerId !== customerId) throw notFound('No such transfer.');
  const t = await expireIfDue(services, found);
  if (t.status === 'EXPIRED' && found.status === 'REQUIRES_AUTHENTICATION') throw refusals.challengeExpired();
  if (t.status !== 'REQUIRES_AUTHENTICATION') return transferView(t);
  await requireTrustedDevice(services, customerId, deviceId);
  await verifyFactors(services, t, factors);

  const result = await postTransfer(services, t, t.challenge!.class, 'authorize');
  switch (result.outcome) {
    case 'posted':
      await afterPost(services, result.transfer);
      return transferView(result.transfer);
    case 'moved-on':
      return transferView((await services.ledger.getTransfer(transferId))!);
    case 'stronger-authentication': {
      const customer = await services.store.getCustomer(customerId);
      const challenge = await newChallenge(services, t, result.requiredClass, customer!.phoneNumber);
      await services.ledger.updateTransfer(transferId, ['REQUIRES_AUTHENTICATION'], {
        class: result.requiredClass,
        challenge,
      });
      return transferView({ ...t, class: result.requiredClass, challenge });
    }
    case 'refused': {
      const failed = {
        status: 'FAILED' as const,
        failureCode: result.problem.code,
        completedAt: services.clock.now().toISOString(),
      };
      if (await services.ledger.updateTransfer(transferId, ['REQUIRES_AUTHENTICATION'], failed)) {
        await notifyOutcome(services, { ...t, ...failed });
      }
      throw result.problem;
    }
  }
}
