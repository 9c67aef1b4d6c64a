import { calculateJwkThumbprint } from 'jose';
import { businessDay } from '../domain/calendar.ts';
import type { Customer, MerchantProfile, StoredIdentity } from '../domain/customer.ts';
import type { DeviceProof } from '../domain/device.ts';
import {
  biometricProblems,
  type FixedIdentity,
  kycRejections,
  maskIdNumber,
  opensWallet,
  type SubmittedIdentity,
  sameIdentity,
} from '../domain/kyc.ts';
import { Refusal } from '../domain/refusals.ts';
import { newSoftOtpSecret, softOtpSuite } from '../domain/soft-otp.ts';
import type { EkycVerdict } from '../ports/ekyc.ts';
import type { DevicePublicKey, DeviceTrust, KycCompletion } from '../ports/onboarding-store.ts';
import type { Services } from '../ports/services.ts';

export interface PersonInput extends SubmittedIdentity {
  nationality: string;
  idExpiryDate: string;
  ekycAssertion: string;
}

export type KycInput = (
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
      merchant?: MerchantProfile;
    }
) & {
  /** The calling device's public key (an organisation's: its representative's device), bound with a DPoP proof. */
  devicePublicKey?: DevicePublicKey;
};

export const biometricMismatch = (detail: string) => new Refusal('biometric-mismatch', detail);

/**
 * Checks an eKYC assertion against the identity it claims to prove (RULES.md §3, §5): genuine
 * signature of a trusted provider, at most 5 minutes old, live face matched, same person, and the
 * expected nonce when it answers a challenge. Returns the verdict: its `source` decides what else
 * it may do (functions/core/domain/kyc.ts `opensWallet`, `needsOtpToTrust`).
 */
export async function verifyBiometric(
  { ekyc }: Services,
  assertion: string,
  identity: SubmittedIdentity,
  nonce?: string,
): Promise<EkycVerdict> {
  const verdict = await ekyc.verify(assertion);
  if (!verdict) throw biometricMismatch('The eKYC assertion is not a valid, recent assertion of a trusted provider.');
  const problems = biometricProblems(verdict, identity, nonce);
  if (problems.length) throw biometricMismatch(`The eKYC assertion does not match: ${problems.join('; ')}.`);
  return verdict;
}

const keyField = (reason: string) => ({ errors: [{ name: 'body.devicePublicKey', reason }] });

/**
 * The key a device is bound to at KYC or device trust (API.md v1.1 "Device binding", RFC 9449):
 * proof of possession is required, so the request must carry a valid DPoP proof signed by that
 * very key (RFC 7638 thumbprints compared). Without a key, the request's proof (if any) is passed
 * on: a device already bound stays trusted only with a proof of its key.
 */
export async function deviceBinding(
  devicePublicKey: DevicePublicKey | undefined,
  proof: DeviceProof | undefined,
): Promise<Pick<DeviceTrust, 'key' | 'proofThumbprint'>> {
  if (!devicePublicKey) return proof ? { proofThumbprint: proof.thumbprint } : {};
  const { kty, crv, x, y } = devicePublicKey;
  const keyThumbprint = await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
  if (proof?.thumbprint !== keyThumbprint) {
    throw new Refusal(
      'validation-failed',
      'Binding a device key needs proof of possession: a valid DPoP proof signed by devicePublicKey.',
      keyField('a DPoP proof signed by this key is required'),
    );
  }
  return { key: { publicKeyJwk: { kty, crv, x, y }, keyThumbprint }, proofThumbprint: proof.thumbprint };
}

/** The device is bound to a key this request neither proved nor replaced. */
export const deviceBoundToAnotherKey = () =>
  new Refusal(
    'validation-failed',
    'This device is bound to a key: send a DPoP proof of that key, or devicePublicKey with a proof of the new one.',
    keyField('this device is bound to a key; a DPoP proof of it, or a new key with its proof, is required'),
  );

export const alreadyVerified = () =>
  new Refusal('already-verified', 'This customer has passed KYC already; identity verification is done once.');

export const identityMismatch = () =>
  new Refusal(
    'identity-mismatch',
    'Re-verification must be by the same customer: the same kind, and the same ID number, name and date of birth.',
  );

/** How many times a KYC decides again when the customer changed under it (a parallel submission). */
const maxDecisions = 3;

/**
 * RULES.md §5, API.md v1.1 "KYC is done once": a VERIFIED customer does not pass KYC again, and
 * one who was verified before (the ID has since expired) re-verifies only as the same person
 * and the same kind. Throws the refusal; otherwise returns what the write must find unchanged.
 */
async function admissible(
  { keyRing }: Services,
  customer: Customer,
  submitted: FixedIdentity,
): Promise<KycCompletion['expected']> {
  if (customer.status === 'VERIFIED') throw alreadyVerified();
  const stored = customer.identity;
  if (!stored) return { status: customer.status, kind: customer.kind };
  const ring = await keyRing();
  const fixed: FixedIdentity = {
    kind: customer.kind,
    idNumberHash: stored.idNumberHash,
    fullName: stored.fullName,
    dateOfBirth: await ring.decrypt(stored.dateOfBirthEnc),
    ...(customer.organization ? { enterpriseCode: customer.organization.enterpriseCode } : {}),
  };
  if (!sameIdentity(fixed, submitted)) throw identityMismatch();
  return { status: customer.status, kind: customer.kind, idNumberHash: stored.idNumberHash };
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
 * POST /v1/me/kyc. A genuine, matching biometric check against the chip or VNeID and a
 * policy-clean identity make the customer VERIFIED and trust the calling device (bound to
 * `devicePublicKey` when given with a DPoP proof of it), whose soft-OTP secret is returned once.
 * KYC is done once: a VERIFIED customer is 409 `already-verified`; a customer verified before (the
 * ID expired) re-verifies only as the same person and kind, else 422 `identity-mismatch`.
 * Policy refusals (age, expired ID, watch list) answer 200 REJECTED with reasons; a bad assertion,
 * or one matched against the provider's own database, is 422 `biometric-mismatch`; an ID already
 * used by another customer is 409 `duplicate-identity`.
 */
export async function submitKyc(
  services: Services,
  customerId: string,
  deviceId: string,
  input: KycInput,
  /** The request's DPoP proof (RFC 9449), as the HTTP layer verified it. */
  proof?: DeviceProof,
  /** The client's X-App-Version, kept with the authentication event (Circular 77/2025). */
  appVersion?: string,
) {
  const { store, clock, watchlist, keyRing } = services;
  let customer = await store.getCustomer(customerId);
  // An erased account (RULES.md §9) is not verified again: its owner registers anew.
  if (!customer || customer.status === 'CLOSED')
    throw new Refusal('customer-not-found', 'No customer for this identity.');
  if (customer.status === 'VERIFIED') throw alreadyVerified();
  const binding = await deviceBinding(input.devicePublicKey, proof);
  const person = input.kind === 'INDIVIDUAL' ? input : input.legalRepresentative;
  const verdict = await verifyBiometric(services, person.ekycAssertion, person);
  // RULES.md §5: opening electronically needs a match against the chip or VNeID.
  if (!opensWallet(verdict.source)) {
    throw biometricMismatch(
      "A face matched against the provider's own database cannot pass KYC: match it against the chip ID card or VNeID.",
    );
  }

  const ring = await keyRing();
  const identity = await storedIdentity(services, person);
  const submitted: FixedIdentity = {
    kind: input.kind,
    idNumberHash: identity.idNumberHash,
    fullName: person.fullName,
    dateOfBirth: person.dateOfBirth,
    ...(input.kind === 'ORGANIZATION' ? { enterpriseCode: input.enterpriseCode } : {}),
  };
  let expected = await admissible(services, customer, submitted);

  const now = clock.now();
  const listed = (await watchlist.lookup('ID_NUMBER', person.idNumber)) === 'BLOCK';
  const reasons = kycRejections(person, businessDay(now), listed);
  if (reasons.length) {
    await store.rejectKyc(customerId, reasons, now);
    return { status: 'REJECTED' as const, reasons };
  }

  const secret = newSoftOtpSecret();
  const completion: KycCompletion = {
    customerId,
    expected,
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
        : { kind: 'ENTERPRISE', value: await ring.mac('enterprise-code', input.enterpriseCode) },
    device: { deviceId, softOtpSecretEnc: await ring.encrypt(secret), ...binding },
    now,
  };
  for (let decision = 1; ; decision++) {
    const outcome = await store.completeKyc({ ...completion, expected });
    if (outcome === 'verified') break;
    if (outcome === 'device-bound') throw deviceBoundToAnotherKey();
    if (outcome === 'duplicate') {
      throw new Refusal(
        'duplicate-identity',
        input.kind === 'INDIVIDUAL'
          ? 'This ID number already belongs to another customer.'
          : 'This enterprise code already belongs to another customer.',
      );
    }
    // The customer changed since it was read (another KYC, or a rejection, at the same moment):
    // decide again on what it is now; a KYC that won meanwhile makes this one already-verified.
    customer = await store.getCustomer(customerId, { consistent: true });
    if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
    expected = await admissible(services, customer, submitted);
    if (decision >= maxDecisions) {
      throw new Refusal('request-in-progress', 'Another identity verification of this customer is running; retry.');
    }
  }
  await store.recordAuthEvent(
    customerId,
    { kind: 'KYC_PASSED', deviceId, trusted: true, ...(appVersion ? { appVersion } : {}) },
    now,
  );
  return { status: 'VERIFIED' as const, softOtp: { secret, suite: softOtpSuite } };
}
