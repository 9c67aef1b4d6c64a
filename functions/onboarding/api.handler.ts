import { container } from '../core/container.ts';
import {
  customerCreatedAnswer,
  deviceTrustedAnswer,
  kycAnswer,
  meAnswer,
  refreshedSessionAnswer,
  registrationAnswer,
  sessionAnswer,
  trustChallengeAnswer,
  walletAnswer,
  walletListAnswer,
} from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { validationFailed } from '../core/http/problem.ts';
import { created, ok } from '../core/http/result.ts';
import { pageQuery } from '../core/http/validation.ts';
import { confirmRegistration } from '../core/use-cases/confirm-registration.ts';
import { getMe } from '../core/use-cases/get-me.ts';
import { walletWithPending } from '../core/use-cases/inbox.ts';
import { registerPhone } from '../core/use-cases/register-phone.ts';
import { refreshSession, signIn } from '../core/use-cases/sign-in.ts';
import { startDeviceTrust } from '../core/use-cases/start-device-trust.ts';
import { submitKyc } from '../core/use-cases/submit-kyc.ts';
import { trustDevice } from '../core/use-cases/trust-device.ts';
import { listWallets, openWallet, ownWallet } from '../core/use-cases/wallets.ts';
import {
  confirmationBody,
  emptyBody,
  kycBody,
  refreshBody,
  registrationBody,
  sessionBody,
  trustBody,
} from './schemas.ts';

export const handler = apiHandler('onboarding', {
  'POST /v1/registrations': endpoint({
    summary: 'Register a phone number: an OTP is sent by SMS',
    body: registrationBody,
    answers: { 201: registrationAnswer },
    refusals: ['phone-already-registered', 'rate-limited'],
    handle: async ({ body }) => created(await registerPhone(container(), body.phoneNumber)),
  }),
  'POST /v1/registrations/{registrationId}/confirm': endpoint({
    summary: 'Confirm a registration with its OTP: creates the customer',
    body: confirmationBody,
    answers: { 201: customerCreatedAnswer },
    refusals: [
      'registration-not-found',
      'phone-already-registered',
      'otp-expired',
      'otp-invalid',
      'too-many-attempts',
      'request-in-progress',
      'service-consent-required',
    ],
    handle: async ({ body, params, appVersion }) =>
      created(
        await confirmRegistration(container(), {
          registrationId: params.registrationId!,
          ...body,
          ...(appVersion ? { appVersion } : {}),
        }),
      ),
  }),
  'POST /v1/sessions': endpoint({
    summary: 'Sign in: Cognito tokens',
    body: sessionBody,
    answers: { 200: sessionAnswer },
    refusals: ['unauthenticated', 'too-many-attempts'],
    handle: async ({ body, deviceProof, appVersion }) =>
      ok(await signIn(container(), { ...body, ...(appVersion ? { appVersion } : {}) }, deviceProof)),
  }),
  'POST /v1/sessions/refresh': endpoint({
    summary: 'Renew the tokens of a session that is still alive',
    body: refreshBody,
    answers: { 200: refreshedSessionAnswer },
    refusals: ['session-expired', 'unauthenticated', 'device-not-trusted'],
    handle: async ({ body, deviceId, deviceProof }) => {
      if (!deviceId) {
        throw validationFailed('X-Device-Id is required to refresh a session.', [
          { name: 'X-Device-Id', reason: 'required, 1-128 characters' },
        ]);
      }
      return ok(await refreshSession(container(), { refreshToken: body.refreshToken, deviceId }, deviceProof));
    },
  }),
  'GET /v1/me': endpoint({
    summary: 'The signed-in customer and its monthly limit',
    answers: { 200: meAnswer },
    refusals: ['customer-not-found'],
    handle: async ({ caller }) => ok(await getMe(container(), caller.subject)),
  }),
  'POST /v1/me/kyc': endpoint({
    summary: 'Submit eKYC (chip ID card, or an organisation and its representative)',
    body: kycBody,
    idempotent: 'optional',
    answers: { 200: kycAnswer },
    refusals: [
      'validation-failed',
      'customer-not-found',
      'already-verified',
      'identity-mismatch',
      'biometric-mismatch',
      'duplicate-identity',
      'request-in-progress',
    ],
    handle: async ({ body, caller, deviceId, deviceProof, appVersion }) =>
      ok(await submitKyc(container(), caller.subject, deviceId, body, deviceProof, appVersion)),
  }),
  'POST /v1/devices/{deviceId}/trust-challenges': endpoint({
    summary: 'Start trusting a device: a challenge for a biometric check (and an SMS OTP)',
    body: emptyBody,
    idempotent: true,
    answers: { 201: trustChallengeAnswer },
    refusals: ['customer-not-found'],
    handle: async ({ caller, params }) =>
      created(await startDeviceTrust(container(), caller.subject, params.deviceId!)),
  }),
  'POST /v1/devices/{deviceId}/trust': endpoint({
    summary: 'Trust a device by a biometric check bound to its challenge: its soft-OTP secret',
    body: trustBody,
    idempotent: 'optional',
    answers: { 200: deviceTrustedAnswer },
    refusals: [
      'validation-failed',
      'customer-not-found',
      'kyc-required',
      'biometric-mismatch',
      'authentication-required',
      'challenge-expired',
      'otp-invalid',
      'too-many-attempts',
    ],
    handle: async ({ body, caller, params, deviceProof, appVersion }) =>
      ok(await trustDevice(container(), caller.subject, params.deviceId!, body, deviceProof, appVersion)),
  }),
  'POST /v1/wallets': endpoint({
    summary: 'Open a wallet (PENDING_LINK until its first bank link)',
    body: emptyBody,
    idempotent: true,
    answers: { 201: walletAnswer },
    refusals: ['kyc-required'],
    handle: async ({ caller }) => created(await openWallet(container(), caller.subject)),
  }),
  'GET /v1/wallets': endpoint({
    summary: "The customer's wallets",
    query: pageQuery,
    answers: { 200: walletListAnswer },
    refusals: ['validation-failed'],
    handle: async ({ caller, query }) => ok(await listWallets(container(), caller.subject, query.limit, query.cursor)),
  }),
  'GET /v1/wallets/{walletId}': endpoint({
    summary: 'One wallet: status and balance',
    answers: { 200: walletAnswer },
    refusals: ['wallet-not-found'],
    // A busy wallet's balance sums its inbox shards (docs/merchants.md "A busy merchant's inbox").
    handle: async ({ caller, params }) => {
      const services = container();
      return ok(await walletWithPending(services, await ownWallet(services, caller.subject, params.walletId!)));
    },
  }),
});
