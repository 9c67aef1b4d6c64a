import { z } from 'zod';
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
