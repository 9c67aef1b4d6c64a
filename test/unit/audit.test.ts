import { describe, expect, it } from 'vitest';
import { auditExpiry, auditTtl } from '../../functions/core/domain/audit.ts';

// RULES.md §8: records kept at least 5 years; the audit table's TTL is 5 years and 30 days.

describe('audit retention', () => {
  it('expires an entry 5 years and 30 days after it was written', () => {
    expect(auditExpiry(new Date('2026-01-15T10:00:00.000Z')).toISOString()).toBe('2031-02-14T10:00:00.000Z');
  });

  it('keeps an entry written on 29 February at least 5 full years', () => {
    const at = new Date('2028-02-29T12:00:00.000Z');
    const expiry = auditExpiry(at);
    expect(expiry.getTime()).toBeGreaterThan(new Date('2033-02-28T12:00:00.000Z').getTime());
    expect(expiry.toISOString()).toBe('2033-03-31T12:00:00.000Z');
  });

  it('gives DynamoDB epoch seconds', () => {
    const at = new Date('2026-01-15T10:00:00.500Z');
    expect(auditTtl(at)).toBe(Math.floor(auditExpiry(at).getTime() / 1000));
    expect(Number.isInteger(auditTtl(at))).toBe(true);
  });
});
