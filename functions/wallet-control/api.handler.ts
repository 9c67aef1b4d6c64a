import { z } from 'zod';
import { container } from '../core/container.ts';
import { unlockChallengeAnswer, walletAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { authorizeUnlock, lockWallet, startUnlock } from '../core/use-cases/wallet-lock.ts';

// A customer's own lock (RULES.md §7: a customer who reports lost credentials gets the service
// suspended at once) and its biometric unlock. Idempotency-Key is honoured when sent.

export const lockBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });
export const unlockBody = z.strictObject({});
export const unlockAuthorizeBody = z.strictObject({ biometricAssertion: z.string().min(20).max(8192) });

export const handler = apiHandler('walletControl', {
  'POST /v1/wallets/{walletId}/lock': endpoint({
    summary: 'Lock the wallet at once (lost phone, fraud): from any device',
    body: lockBody,
    idempotent: 'optional',
    answers: { 200: walletAnswer },
    refusals: ['wallet-not-found', 'wallet-closed'],
    handle: async ({ body, caller, deviceId, params }) =>
      ok(await lockWallet(container(), caller.subject, deviceId, params.walletId!, body.reason)),
  }),
  'POST /v1/wallets/{walletId}/unlock': endpoint({
    summary: 'Ask to unlock the wallet: a biometric challenge for this device',
    body: unlockBody,
    idempotent: 'optional',
    answers: { 200: unlockChallengeAnswer },
    refusals: ['wallet-not-found', 'device-not-trusted', 'wallet-frozen', 'wallet-closed', 'wallet-not-locked'],
    handle: async ({ caller, deviceId, params, deviceProof }) =>
      ok(await startUnlock(container(), caller.subject, deviceId, params.walletId!, deviceProof)),
  }),
  'POST /v1/wallets/{walletId}/unlock/authorize': endpoint({
    summary: 'Unlock the wallet with a biometric assertion bound to the challenge',
    body: unlockAuthorizeBody,
    idempotent: 'optional',
    answers: { 200: walletAnswer },
    refusals: [
      'wallet-not-found',
      'device-not-trusted',
      'wallet-frozen',
      'challenge-expired',
      'too-many-attempts',
      'biometric-mismatch',
      'customer-not-found',
      'kyc-required',
    ],
    handle: async ({ body, caller, deviceId, params, deviceProof }) =>
      ok(await authorizeUnlock(container(), caller.subject, deviceId, params.walletId!, body, deviceProof)),
  }),
});
