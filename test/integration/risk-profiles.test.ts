import { describe, expect, it } from 'vitest';
import { container } from '../../functions/core/container.ts';
import type { Transfer } from '../../functions/core/domain/transfer.ts';
import { recordMovement, SKETCH_CAP } from '../../functions/core/use-cases/transfers/risk.ts';

// The risk engine's features are kept as money moves (RULES.md §7): what the next evaluation
// reads must be what happened, and a busy merchant's profile must stay a bounded item.

let seq = Math.floor(Math.random() * 1e9);
const transfer = (over: Partial<Transfer>): Transfer => ({
  transferId: `T${seq++}`,
  type: 'PAYMENT',
  status: 'COMPLETED',
  walletId: `W${seq++}`,
  customerId: 'c',
  customerKind: 'INDIVIDUAL',
  amount: 100_000,
  group: 'I.2',
  class: 'A',
  deviceId: 'd',
  createdAt: new Date().toISOString(),
  completedAt: new Date().toISOString(),
  ...over,
});

describe('risk profiles', () => {
  it('count money, payments, round amounts and distinct payers of a merchant', async () => {
    const merchant = `M${seq++}`;
    for (const amount of [100_000, 250_000, 300_000])
      await recordMovement(container(), transfer({ toWalletId: merchant, amount }));
    const { profiles } = await container().riskProfiles.snapshot({ walletIds: [merchant], watch: [] });
    const p = profiles[merchant]!;
    expect(Object.values(p.inbound).reduce((a, b) => a + b, 0)).toBe(650_000);
    expect(Object.values(p.payments).reduce((a, b) => a + b, 0)).toBe(3);
    expect(Object.values(p.roundPayments).reduce((a, b) => a + b, 0)).toBe(2);
    expect(Object.keys(p.senders)).toHaveLength(3);
  });

  it('learns the payer’s usual amount and payees', async () => {
    const payer = `W${seq++}`;
    const payee = `W${seq++}`;
    await recordMovement(container(), transfer({ type: 'P2P', walletId: payer, toWalletId: payee, amount: 1_000_000 }));
    await recordMovement(container(), transfer({ type: 'P2P', walletId: payer, toWalletId: payee, amount: 2_000_000 }));
    const p = (await container().riskProfiles.snapshot({ walletIds: [payer], watch: [] })).profiles[payer]!;
    expect(p.historyCount).toBe(2);
    expect(p.usualAmount).toBe(1_200_000); // 0.8 × 1M + 0.2 × 2M
    expect(p.payees[payee]).toBeGreaterThan(0);
  });

  it(`stops growing the payer sketch of a merchant at ${SKETCH_CAP} entries`, { timeout: 120_000 }, async () => {
    const merchant = `M${seq++}`;
    for (let i = 0; i < SKETCH_CAP + 20; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () => recordMovement(container(), transfer({ toWalletId: merchant }))),
      );
    }
    const p = (await container().riskProfiles.snapshot({ walletIds: [merchant], watch: [] })).profiles[merchant]!;
    expect(Object.keys(p.senders).length).toBeLessThanOrEqual(SKETCH_CAP + 20);
    expect(Object.values(p.payments).reduce((a, b) => a + b, 0)).toBe(SKETCH_CAP + 20);
  });
});
