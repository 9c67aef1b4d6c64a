import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { essentialCategories } from '../core/domain/customer.ts';
import { isCccdNumber } from '../core/domain/kyc.ts';
import { passwordProblems } from '../core/domain/password.ts';
import { consentPurposes } from '../core/domain/personal-data.ts';
import { normalizePhone, type PhoneNumber } from '../core/domain/phone.ts';

export const phoneNumber = z
  .string()
  .max(20)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'a Vietnamese mobile number, 0xxxxxxxxx or +84xxxxxxxxx' });
      return z.NEVER;
    }
    return phone as PhoneNumber;
  });

export const deviceId = z.string().min(1).max(128);

export const password = z
  .string()
  .max(256)
  .superRefine((value, ctx) => {
    const missing = passwordProblems(value);
    if (missing.length) ctx.addIssue({ code: 'custom', message: `the password needs ${missing.join(', ')}` });
  });

export const registrationBody = z.strictObject({ phoneNumber });

/** The privacy notice a client showed (RULES.md §9: consent is recorded with the notice version). */
export const noticeVersion = z.string().trim().min(1).max(32);

export const confirmationBody = z.strictObject({
  otp: z.string().regex(/^\d{6}$/, 'six digits'),
  password,
  deviceId,
  /**
   * Law 91/2025 (v1.1, optional): the purposes the customer chose. SERVICE is given by registering;
   * MARKETING and ANALYTICS are off unless given here.
   */
  consents: z
    .array(z.strictObject({ purpose: z.enum(consentPurposes), granted: z.boolean() }))
    .max(consentPurposes.length)
    .refine((c) => new Set(c.map((x) => x.purpose)).size === c.length, 'each purpose at most once')
    .optional(),
  noticeVersion: noticeVersion.optional(),
});

export const sessionBody = z.strictObject({
  phoneNumber,
  password: z.string().min(1).max(256),
  deviceId,
});

/** A refresh token as Cognito issues it: an opaque string, never logged. */
export const refreshBody = z.strictObject({ refreshToken: z.string().min(20).max(4096) });

export const emptyBody = z.strictObject({});

const text = (max: number) => z.string().trim().min(1).max(max);
const date = z.iso.date();

const person = {
  fullName: text(100),
  dateOfBirth: date,
  nationality: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. VN'),
  idNumber: z.string().refine(isCccdNumber, 'a 12-digit chip ID card (CCCD) number'),
  idExpiryDate: date,
  ekycAssertion: z.string().min(20).max(8192),
};

/** A P-256 coordinate: 32 bytes, base64url without padding (RFC 7518 §6.2.1.2), written canonically. */
const coordinate = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes in base64url, without padding')
  .refine((v) => Buffer.from(v, 'base64url').toString('base64url') === v, '32 bytes in base64url, without padding');

const isP256Point = (jwk: { kty: string; crv: string; x: string; y: string }): boolean => {
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
};

/**
 * The device's public key (API.md v1.1 "Device binding", RFC 9449): an EC P-256 JWK with its
 * public members only (a private `d`, or any other member, is refused), a point on the curve.
 */
export const devicePublicKey = z
  .strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: coordinate, y: coordinate })
  .refine(isP256Point, 'a point on the P-256 curve');

export const individualKyc = z.strictObject({
  kind: z.literal('INDIVIDUAL'),
  ...person,
  idDocumentType: z.literal('CCCD_CHIP'),
  devicePublicKey: devicePublicKey.optional(),
});

export const organizationKyc = z.strictObject({
  kind: z.literal('ORGANIZATION'),
  legalName: text(200),
  shortName: text(100),
  enterpriseCode: z.string().regex(/^\d{10}(-\d{3})?$/, 'a 10-digit enterprise code (13 with a branch suffix)'),
  taxCode: z
    .string()
    .regex(/^\d{10}(-\d{3})?$/)
    .optional(),
  headOfficeAddress: text(300),
  tradingAddress: text(300),
  phoneNumber: z.string().regex(/^(\+84|0)\d{9,10}$/, 'a Vietnamese phone number'),
  legalRepresentative: z.strictObject(person),
  merchant: z
    .strictObject({
      displayName: text(100),
      mcc: z.string().regex(/^\d{4}$/, 'a 4-digit MCC'),
      /** API.md v1.1 "Essential payments": payments to it count toward the 300M essential cap. */
      essentialCategory: z.enum(essentialCategories).optional(),
    })
    .optional(),
  /** The representative's device, the one calling. */
  devicePublicKey: devicePublicKey.optional(),
});

export const kycBody = z.discriminatedUnion('kind', [individualKyc, organizationKyc]);

export const trustBody = z.strictObject({
  challengeId: z.string().min(1).max(64),
  biometricAssertion: z.string().min(20).max(8192),
  /** The SMS OTP sent for the challenge: needed with a match against the provider's own database. */
  otp: z
    .string()
    .regex(/^\d{6}$/, 'six digits')
    .optional(),
  devicePublicKey: devicePublicKey.optional(),
});
