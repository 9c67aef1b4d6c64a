import { describe, expect, it } from 'vitest';
import {
  isLargeValue,
  largeValueIndexAttributes,
  largeValueThreshold,
} from '../../functions/core/domain/large-value.ts';

// RULES.md §8: domestic electronic transfers of 500,000,000 VND or more are reported.

const transfer = (amount: number, status = 'COMPLETED', completedAt = '2026-03-04T09:15:00.000Z') => ({
  transferId: '01JQ0000000000000000000000',
  amount,
  status: status as 'COMPLETED',
  completedAt,
});

describe('large-value transfers', () => {
  it('starts at exactly 500,000,000 VND', () => {
    expect(largeValueThreshold).toBe(500_000_000);
    expect(isLargeValue(transfer(500_000_000))).toBe(true);
    expect(isLargeValue(transfer(499_999_999))).toBe(false);
  });

  it('indexes only COMPLETED transfers at or above the threshold (a sparse index)', () => {
    expect(largeValueIndexAttributes(transfer(500_000_001))).toEqual({
      gsi2pk: 'LARGE#2026-03-04',
      gsi2sk: '2026-03-04T09:15:00.000Z#01JQ0000000000000000000000',
    });
    expect(largeValueIndexAttributes(transfer(499_999_999))).toEqual({});
    expect(largeValueIndexAttributes(transfer(600_000_000, 'PROCESSING'))).toEqual({});
    expect(largeValueIndexAttributes({ ...transfer(600_000_000), completedAt: undefined })).toEqual({});
  });

  it('files a transfer under the Hanoi day it completed on', () => {
    // 17:30 UTC is 00:30 the next day in Hanoi.
    expect(largeValueIndexAttributes(transfer(700_000_000, 'COMPLETED', '2026-03-04T17:30:00.000Z')).gsi2pk).toBe(
      'LARGE#2026-03-05',
    );
    expect(largeValueIndexAttributes(transfer(700_000_000, 'COMPLETED', '2026-03-04T16:59:59.999Z')).gsi2pk).toBe(
      'LARGE#2026-03-04',
    );
  });
});
