import { z } from 'zod';
import { isCccdNumber } from '../core/domain/kyc.ts';
import { passwordProblems } from '../core/domain/password.ts';
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

export const confirmationBody = z.strictObject({
  otp: z.string().regex(/^\d{6}$/, 'six digits'),
  password,
  deviceId,
});

export const sessionBody = z.strictObject({
  phoneNumber,
  password: z.string().min(1).max(256),
  deviceId,
});

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

export const individualKyc = z.strictObject({
  kind: z.literal('INDIVIDUAL'),
  ...person,
  idDocumentType: z.literal('CCCD_CHIP'),
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
  merchant: z.strictObject({ displayName: text(100), mcc: z.string().regex(/^\d{4}$/, 'a 4-digit MCC') }).optional(),
});

export const kycBody = z.discriminatedUnion('kind', [individualKyc, organizationKyc]);

export const trustBody = z.strictObject({
  challengeId: z.string().min(1).max(64),
  biometricAssertion: z.string().min(20).max(8192),
});
