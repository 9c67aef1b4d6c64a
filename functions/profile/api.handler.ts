import { z } from 'zod';
import { container } from '../core/container.ts';
import { consentPurposes } from '../core/domain/personal-data.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import {
  consentAnswer,
  consentListAnswer,
  dataRequestAnswer,
  dataRequestListAnswer,
  dataRequestWithExportAnswer,
  phoneChangedAnswer,
  phoneChangeStartedAnswer,
  retainedDataAnswer,
} from '../core/http/regulation-answers.ts';
import { created, ok } from '../core/http/result.ts';
import { authorizePhoneChange, startPhoneChange } from '../core/use-cases/change-phone.ts';
import {
  getDataRequest,
  listConsents,
  listDataRequests,
  readRetainedData,
  requestData,
  setConsent,
} from '../core/use-cases/personal-data.ts';
import { noticeVersion } from '../onboarding/schemas.ts';

// The customer's own record (API.md v1.1): changing the phone number (Circular 77/2025) and the
// rights over personal data (Law 91/2025): consents, a copy, erasure; the operators' list of
// requests and compliance's read of what an erasure keeps.

const otp = z.string().regex(/^\d{6}$/, 'six digits');

export const handler = apiHandler('profile', {
  'POST /v1/me/phone-changes': endpoint({
    summary: 'Start changing the phone number: an OTP to the new number and a biometric challenge',
    description:
      'Circular 77/2025: the OTP goes by SMS to the new number; the biometric assertion carries `challengeId` as its nonce.',
    body: z.strictObject({ newPhoneNumber: z.string().max(20) }),
    idempotent: true,
    answers: { 201: phoneChangeStartedAnswer },
    refusals: ['validation-failed', 'customer-not-found', 'kyc-required', 'phone-already-registered', 'rate-limited'],
    handle: async ({ body, caller }) =>
      created(await startPhoneChange(container(), caller.subject, body.newPhoneNumber)),
  }),
  'POST /v1/me/phone-changes/{changeId}/authorize': endpoint({
    summary: 'Change the phone number: the OTP sent to the new number and the biometric assertion',
    body: z.strictObject({ otp, biometricAssertion: z.string().min(20).max(8192) }),
    answers: { 200: phoneChangedAnswer },
    refusals: [
      'request-not-found',
      'customer-not-found',
      'kyc-required',
      'challenge-expired',
      'biometric-mismatch',
      'otp-invalid',
      'too-many-attempts',
      'phone-already-registered',
    ],
    handle: async ({ body, caller, params, deviceId, appVersion }) =>
      ok(
        await authorizePhoneChange(
          container(),
          caller,
          { changeId: params.changeId!, ...body, deviceId, ...(appVersion ? { appVersion } : {}) },
          'POST /v1/me/phone-changes/{changeId}/authorize',
        ),
      ),
  }),
  'GET /v1/me/consents': endpoint({
    summary: 'The consent of each purpose, with its notice version and time',
    answers: { 200: consentListAnswer },
    handle: async ({ caller }) => ok(await listConsents(container(), caller.subject)),
  }),
  'POST /v1/me/consents': endpoint({
    summary: 'Give or withdraw consent to a purpose (SERVICE ends only with the account)',
    body: z.strictObject({ purpose: z.enum(consentPurposes), granted: z.boolean(), noticeVersion }),
    answers: { 200: consentAnswer },
    refusals: ['customer-not-found', 'service-consent-required'],
    handle: async ({ body, caller }) => ok(await setConsent(container(), caller.subject, body)),
  }),
  'POST /v1/me/data-requests': endpoint({
    summary: 'Ask for a copy of one’s data (ACCESS) or for erasure (DELETE)',
    description:
      'ACCESS is answered at once (GET the request for its export). DELETE closes every wallet and ends sign-in before its 201; it is refused while a wallet holds money or has a transfer in flight (`account-has-balance`).',
    body: z.strictObject({ kind: z.enum(['ACCESS', 'DELETE']) }),
    idempotent: true,
    answers: { 201: dataRequestAnswer },
    refusals: ['customer-not-found', 'account-has-balance', 'wallet-frozen', 'wallet-busy'],
    handle: async ({ body, caller }) =>
      created(await requestData(container(), caller, body.kind, 'POST /v1/me/data-requests')),
  }),
  'GET /v1/me/data-requests/{requestId}': endpoint({
    summary: 'A data request; a completed ACCESS with its export',
    answers: { 200: dataRequestWithExportAnswer },
    refusals: ['request-not-found'],
    handle: async ({ caller, params }) => ok(await getDataRequest(container(), caller.subject, params.requestId!)),
  }),
  'GET /v1/ops/data-requests': endpoint({
    summary: 'Personal-data requests by status, the soonest due first',
    query: z.object({
      status: z.enum(['OPEN', 'COMPLETED', 'REFUSED']).default('OPEN'),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      cursor: z.string().max(1024).optional(),
    }),
    answers: { 200: dataRequestListAnswer },
    handle: async ({ caller, query }) =>
      ok(await listDataRequests(container(), caller, query, 'GET /v1/ops/data-requests')),
  }),
  'GET /v1/ops/customers/{customerId}/retained-data': endpoint({
    summary: 'What AML law keeps of an erased customer, decrypted (audited)',
    answers: { 200: retainedDataAnswer },
    refusals: ['customer-not-found'],
    handle: async ({ caller, params }) =>
      ok(
        await readRetainedData(
          container(),
          caller,
          params.customerId!,
          'GET /v1/ops/customers/{customerId}/retained-data',
        ),
      ),
  }),
});
