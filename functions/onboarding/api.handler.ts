import { container } from '../core/container.ts';
import { walletView } from '../core/domain/wallet.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { validationFailed } from '../core/http/problem.ts';
import { created, ok } from '../core/http/result.ts';
import { confirmRegistration } from '../core/use-cases/confirm-registration.ts';
import { getMe } from '../core/use-cases/get-me.ts';
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
    body: registrationBody,
    handle: async ({ body }) => created(await registerPhone(container(), body.phoneNumber)),
  }),
  'POST /v1/registrations/{registrationId}/confirm': endpoint({
    body: confirmationBody,
    handle: async ({ body, params }) =>
      created(await confirmRegistration(container(), { registrationId: params.registrationId!, ...body })),
  }),
  'POST /v1/sessions': endpoint({
    body: sessionBody,
    handle: async ({ body, deviceProof }) => ok(await signIn(container(), body, deviceProof)),
  }),
  'POST /v1/sessions/refresh': endpoint({
    body: refreshBody,
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
    handle: async ({ caller }) => ok(await getMe(container(), caller.subject)),
  }),
  'POST /v1/me/kyc': endpoint({
    body: kycBody,
    idempotent: 'optional',
    handle: async ({ body, caller, deviceId, deviceProof }) =>
      ok(await submitKyc(container(), caller.subject, deviceId, body, deviceProof)),
  }),
  'POST /v1/devices/{deviceId}/trust-challenges': endpoint({
    body: emptyBody,
    idempotent: true,
    handle: async ({ caller, params }) =>
      created(await startDeviceTrust(container(), caller.subject, params.deviceId!)),
  }),
  'POST /v1/devices/{deviceId}/trust': endpoint({
    body: trustBody,
    idempotent: 'optional',
    handle: async ({ body, caller, params, deviceProof }) =>
      ok(await trustDevice(container(), caller.subject, params.deviceId!, body, deviceProof)),
  }),
  'POST /v1/wallets': endpoint({
    body: emptyBody,
    idempotent: true,
    handle: async ({ caller }) => created(await openWallet(container(), caller.subject)),
  }),
  'GET /v1/wallets': endpoint({
    handle: async ({ caller }) => ok(await listWallets(container(), caller.subject)),
  }),
  'GET /v1/wallets/{walletId}': endpoint({
    handle: async ({ caller, params }) =>
      ok(walletView(await ownWallet(container(), caller.subject, params.walletId!))),
  }),
});
