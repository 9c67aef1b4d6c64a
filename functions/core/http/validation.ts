import { z } from 'zod';
import { maxTransferAmount } from '../domain/abuse-limits.ts';
import { type FieldError, validationFailed } from './problem.ts';

/** Parses with a zod schema; any problem is a 400 `validation-failed` listing each field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    name: [where, ...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys : [])].join('.'),
    reason: issue.message,
  }));
  throw validationFailed(`The ${where} is not valid.`, errors);
}

/** Money is a positive safe integer number of VND (API.md "Conventions"). */
export const vnd = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The amount of one transfer: at most 100,000,000,000 VND (API.md v1.1 "Limits against abuse"). */
export const transferAmount = z.number().int().positive().max(maxTransferAmount);

export const isoDate = z.iso.date();

/** API.md "Pagination": `limit` 1–100 (20 by default) and the opaque `cursor` of the page before. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});
