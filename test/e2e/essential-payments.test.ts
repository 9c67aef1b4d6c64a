import { describe, expect, it } from 'vitest';
import { balanceOf, expectProblem, fund, fundedCustomer, limitsOf, merchant, transfer } from './client.ts';

// Essential payments (API.md v1.1 "Essential payments"; RULES.md §6; Circular 40 Art. 26(2) as
// raised by Circular 41/2025): a merchant declares its essential category at KYC; payments to it
// count toward their own 300,000,000 VND month, not the 100M cap, under concurrency too.

const M = 1_000_000;

describe('essential payments', () => {
  it('pass when the 100M cap is used up, count toward the essential cap, and stop at 300M even in parallel', async () => {
    const [payer, power, shop] = await Promise.all([
      fundedCustomer(),
      merchant({ essentialCategory: 'ELECTRICITY' }),
      merchant(),
    ]);
    await fund(payer, 440 * M);

    // The 100M cap, used up by an ordinary payment.
    const ordinary = await transfer(payer, {
      type: 'PAYMENT',
      walletId: payer.walletId,
      merchantId: shop.walletId,
      amount: 100 * M,
    });
    expect(ordinary.final?.status).toBe('COMPLETED');
    const refused = await transfer(payer, {
      type: 'PAYMENT',
      walletId: payer.walletId,
      merchantId: shop.walletId,
      amount: 1 * M,
    });
    expectProblem(refused.created, 422, 'monthly-limit-exceeded');

    // An essential payment still goes through, and counts toward its own cap.
    const bill = await transfer(payer, {
      type: 'PAYMENT',
      walletId: payer.walletId,
      merchantId: power.walletId,
      amount: 20 * M,
    });
    expect(bill.final?.status).toBe('COMPLETED');
    expect(await limitsOf(payer)).toMatchObject({ monthlyUsed: 100 * M, essentialCap: 300 * M, essentialUsed: 20 * M });

    // Eight payments of 40M at once (320M against the 280M left): at most seven complete.
    const racing = await Promise.all(
      Array.from({ length: 8 }, () =>
        transfer(payer, { type: 'PAYMENT', walletId: payer.walletId, merchantId: power.walletId, amount: 40 * M }),
      ),
    );
    const completed = racing.filter((o) => o.final?.status === 'COMPLETED').length;
    const outcomes = racing.map(
      (o) =>
        o.final?.failureCode ??
        o.refusal?.json?.code ??
        (o.created.json as { code?: string } | undefined)?.code ??
        o.final?.status,
    );
    expect(completed, JSON.stringify(outcomes)).toBe(7);
    for (const o of racing.filter((x) => x.final?.status !== 'COMPLETED')) {
      expect(JSON.stringify(o.final ?? o.refusal?.json ?? o.created.json)).toContain('essential-limit-exceeded');
    }
    const limits = await limitsOf(payer);
    expect(limits.essentialUsed).toBe(300 * M);
    expect(limits.monthlyUsed).toBe(100 * M);
    expect(await balanceOf(power, power.walletId)).toBe(300 * M);
    expect(await balanceOf(payer, payer.walletId)).toBe(40 * M);

    // Past the essential cap: refused at creation.
    const past = await transfer(payer, {
      type: 'PAYMENT',
      walletId: payer.walletId,
      merchantId: power.walletId,
      amount: 1,
    });
    expectProblem(past.created, 422, 'essential-limit-exceeded');
  }, 120_000);
});
