import { describe, expect, it } from 'vitest';
import { container } from '../../functions/core/container.ts';
import { type LearntEntry, SKETCH_CAP } from '../../functions/core/domain/risk/profile.ts';
import { learnFromEntries } from '../../functions/core/use-cases/money-events.ts';

// The risk engine's features are kept as money moves (RULES.md §7): what the next evaluation
// reads must be what happened, each committed entry counted once, and a busy merchant's profile
// must stay a bounded item. The after-commit consumer feeds `learnFromEntries` from the stream.

let seq = Math.floor(Math.random() * 1e9);
const versions = new Map<string, number>();
/** The next entry of a wallet, numbered as the ledger numbers them (by wallet version). */
const entry = (walletId: string, over: Partial<LearntEntry>): LearntEntry => {
  const version = (versions.get(walletId) ?? 0) + 1;
  versions.set(walletId, version);
  return {
    walletId,
    version,
    transferId: `T${seq++}`,
    type: 'PAYMENT',
    amount: 100_000,
    counterparty: `W${seq++}`,
    at: new Date().toISOString(),
    ...over,
  };
};
const profileOf = async (walletId: string) => (await container().riskProfiles.load([walletId]))[walletId]!;
const total = (buckets: Record<string, number>) => Object.values(buckets).reduce((a, b) => a + b, 0);

describe('risk profiles', () => {
  it('count money, payments, round amounts and distinct payers of a merchant', async () => {
    const merchant = `M${seq++}`;
    for (const amount of [100_000, 250_000, 300_000])
      await learnFromEntries(container(), [entry(merchant, { amount })]);
    const p = await profileOf(merchant);
    expect(total(p.inbound)).toBe(650_000);
    expect(total(p.payments)).toBe(3);
    expect(total(p.roundPayments)).toBe(2);
    expect(Object.keys(p.senders)).toHaveLength(3);
    expect(p.appliedVersion).toBe(3);
  });

  it('learns the payer’s usual amount and payees', async () => {
    const payer = `W${seq++}`;
    const payee = `W${seq++}`;
    await learnFromEntries(container(), [entry(payer, { type: 'P2P', amount: -1_000_000, counterparty: payee })]);
    await learnFromEntries(container(), [entry(payer, { type: 'P2P', amount: -2_000_000, counterparty: payee })]);
    const p = await profileOf(payer);
    expect(p.historyCount).toBe(2);
    expect(p.usualAmount).toBe(1_200_000); // 0.8 × 1M + 0.2 × 2M
    expect(p.payees[payee]).toBeGreaterThan(0);
  });

  it('counts an entry delivered twice, or by two consumers at once, once', async () => {
    const merchant = `M${seq++}`;
    const batch = [entry(merchant, {}), entry(merchant, {}), entry(merchant, {})];
    await Promise.all([learnFromEntries(container(), batch), learnFromEntries(container(), batch)]);
    await learnFromEntries(container(), batch.slice(1)); // a retried batch
    const p = await profileOf(merchant);
    expect(total(p.payments)).toBe(3);
    expect(p.appliedVersion).toBe(3);
  });

  it(`stops growing the payer sketch of a merchant at ${SKETCH_CAP} entries`, { timeout: 120_000 }, async () => {
    const merchant = `M${seq++}`;
    for (let i = 0; i < SKETCH_CAP + 20; i += 20) {
      await learnFromEntries(
        container(),
        Array.from({ length: 20 }, () => entry(merchant, {})),
      );
    }
    const p = await profileOf(merchant);
    expect(Object.keys(p.senders).length).toBeLessThanOrEqual(SKETCH_CAP);
    expect(total(p.payments)).toBe(SKETCH_CAP + 20);
  });
});
