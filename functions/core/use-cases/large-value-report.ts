import { isLargeValue, largeValueThreshold } from '../domain/large-value.ts';
import type { Services } from '../ports/services.ts';

/**
 * GET /v1/ops/reports/large-value?date=: transfers COMPLETED on that Hanoi day at or above
 * 500,000,000 VND (RULES.md §8), oldest first, from the sparse gsi2 index (no scan).
 */
export async function largeValueReport({ reports }: Services, date: string) {
  const transfers = await reports.largeValueTransfers(date);
  const items = transfers
    .filter(isLargeValue)
    .sort(
      (a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '') || a.transferId.localeCompare(b.transferId),
    )
    .map((t) => ({
      transferId: t.transferId,
      type: t.type,
      amount: t.amount,
      walletId: t.walletId,
      ...(t.toWalletId ? { toWalletId: t.toWalletId } : {}),
      status: t.status,
      completedAt: t.completedAt!,
    }));
  return { date, threshold: largeValueThreshold, items };
}
