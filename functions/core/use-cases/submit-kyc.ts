import { businessDay } from '../domain/calendar.ts';
import type { StoredIdentity } from '../domain/customer.ts';
import { biometricProblems, kycRejections, maskIdNumber, type SubmittedIdentity } from '../domain/kyc.ts';
import { Refusal } from '../domain/refusals.ts';
import { newSoftOtpSecret, softOtpSuite } from '../domain/soft-otp.ts';
import type { KycCompletion } from '../ports/onboarding-store.ts';
import type { Services } from '../ports/services.ts';

export interface PersonInput extends SubmittedIdentity {
  nationality: string;
  idExpiryDate: string;
  ekycAssertion: string;
}

export type KycInput =
  | ({ kind: 'INDIVIDUAL'; idDocumentType: 'CCCD_CHIP' } & PersonInput)
  | {
      kind: 'ORGANIZATION';
      legalName: string;
      shortName: string;
      enterpriseCode: string;
      taxCode?: string;
      headOfficeAddress: string;
      tradingAddress: string;
      phoneNumber: string;
      legalRepresentative: PersonInput;
      merchant?: { displayName: string; mcc: string };
    };

export const biometricMismatch = (detail: string) => new Refusal('biometric-mismatch', detail);

/**
 * Checks an eKYC assertion against the identity it claims to prove (RULES.md §3, §5): genuine
 * signature of a trusted provider, at most 5 minutes old, live face matched, same person, and the
 * expected nonce when it answers a challenge.
 */
export async function verifyBiometric(
  { ekyc }: Services,
  assertion: string,
  identity: SubmittedIdentity,
  nonce?: string,
): Promise<void> {
  const verdict = await ekyc.verify(assertion);
  if (!verdict) throw biometricMismatch('The eKYC assertion is not a valid, recent assertion of a trusted provider.');
  const problems = biometricProblems(verdict, identity, nonce);
  if (problems.length) throw biometricMismatch(`The eKYC assertion does not match: ${problems.join('; ')}.`);
}

async function storedIdentity({ keyRing }: Services, person: PersonInput): Promise<StoredIdentity> {
  const ring = await keyRing();
  return {
    fullName: person.fullName,
    nationality: person.nationality,
    idNumberHash: await ring.mac('id-number', person.idNumber),
    idNumberMask: maskIdNumber(person.idNumber),
    idNumberEnc: await ring.encrypt(person.idNumber),
    dateOfBirthEnc: await ring.encrypt(person.dateOfBirth),
    idExpiryDate: person.idExpiryDate,
  };
}

/**
 * POST /v1/me/kyc. A genuine, matching biometric check and a policy-clean identity make the
 * customer VERIFIED and trust the calling device, whose soft-OTP secret is returned once.
 * Policy refusals (age, expired ID, watch list) answer 200 REJECTED with reasons; a bad assertion
 * is 422 `biometric-mismatch`; an ID already used by another customer is 409 `duplicate-identity`.
 */
export async function submitKyc(services: Services, customerId: string, deviceId: string, input: KycInput) {
  const { store, clock, watchlist, keyRing } = services;
  const customer = await store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  const person = input.kind === 'INDIVIDUAL' ? input : input.legalRepresentative;
  await verifyBiometric(services, person.ekycAssertion, person);

  const now = clock.now();
  const listed = (await watchlist.lookup('ID_NUMBER', person.idNumber)) === 'BLOCK';
  const reasons = kycRejections(person, businessDay(now), listed);
  if (reasons.length) {
    await store.rejectKyc(customerId, reasons, now);
    return { status: 'REJECTED' as const, reasons };
  }

  const identity = await storedIdentity(services, person);
  const secret = newSoftOtpSecret();
  const completion: KycCompletion = {
    customerId,
    profile:
      input.kind === 'INDIVIDUAL'
        ? { kind: 'INDIVIDUAL', identity }
        : {
            kind: 'ORGANIZATION',
            identity,
            organization: {
              legalName: input.legalName,
              shortName: input.shortName,
              enterpriseCode: input.enterpriseCode,
              ...(input.taxCode ? { taxCode: input.taxCode } : {}),
              headOfficeAddress: input.headOfficeAddress,
              tradingAddress: input.tradingAddress,
              phoneNumber: input.phoneNumber,
            },
            ...(input.merchant ? { merchant: input.merchant } : {}),
          },
    guard:
      input.kind === 'INDIVIDUAL'
        ? { kind: 'IDENTITY', value: identity.idNumberHash }
        : { kind: 'ENTERPRISE', value: await (await keyRing()).mac('enterprise-code', input.enterpriseCode) },
    device: { deviceId, softOtpSecretEnc: await (await keyRing()).encrypt(secret) },
    now,
  };
  if ((await store.completeKyc(completion)) === 'duplicate') {
    throw new Refusal(
      'duplicate-identity',
      input.kind === 'INDIVIDUAL'
        ? 'This ID number already belongs to another customer.'
        : 'This enterprise code already belongs to another customer.',
    );
  }
  await store.recordAuthEvent(customerId, { kind: 'KYC_PASSED', deviceId, trusted: true }, now);
  return { status: 'VERIFIED' as const, softOtp: { secret, suite: softOtpSuite } };
}
