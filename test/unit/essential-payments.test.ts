import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { essentialCap, monthlyCap } from '../../functions/core/domain/customer.ts';
import type { Refusal } from '../../functions/core/domain/refusals.ts';
import { getMe } from '../../functions/core/use-cases/get-me.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { type MoneyWorld, moneyWorld, type Person } from '../support/money-fakes.ts';

// Essential payments (RULES.md §6; Circular 40 Art. 26(2) as raised by Circular 41/2025): payments
// to a merchant that declared an essential category count toward their own 300,000,000 VND month,
// not the 100M one; the cap is checked at creation and again in the commit's condition.

const M = 1_000_000;
let world: MoneyWorld;
let alice: Person;
let power: { customerId: string; walletId: string };
let shop: { customerId: string; walletId: string };

beforeEach(() => {
  world = moneyWorld();
  alice = world.person({ customerId: 'alice', phoneNumber: '+84912345678', balance: 10 * M });
  power = world.merchant({ customerId: 'evn', phoneNumber: '+84911111111' });
  world.ledger.wallets.get(power.walletId)!.essentialCategory = 'ELECTRICITY';
  shop = world.merchant({ customerId: 'shop', phoneNumber: '+84922222222' });
});

afterEach(() => {
  expect(world.ledger.trialBalance()).toBe(0);
});

const used = (counter: '' | '#ESSENTIAL') => world.ledger.monthly.get(`alice#2026-11${counter}`) ?? 0;
const pay = (merchantId: string, amount: number) =>
  createTransfer(
    world.services,
    'alice',
    alice.deviceId,
    { type: 'PAYMENT', walletId: alice.walletId, merchantId, amount },
    `k-${Math.random()}`,
  );

async function refusal(work: Promise<unknown>): Promise<Refusal> {
  try {
    await work;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected a refusal');
}

describe('essential payments', () => {
  it('count toward the essential cap only, and pass when the 100M cap is used up', async () => {
    world.ledger.monthly.set('alice#2026-11', monthlyCap);
    expect((await refusal(pay(shop.walletId, 1 * M))).reason).toBe('monthly-limit-exceeded');
    const paid = await pay(power.walletId, 2 * M);
    expect(paid.status).toBe('COMPLETED');
    expect(used('#ESSENTIAL')).toBe(2 * M);
    expect(used('')).toBe(monthlyCap);
    const me = await getMe(world.services, 'alice');
    expect(me.limits).toMatchObject({ monthlyCap, monthlyUsed: monthlyCap, essentialCap, essentialUsed: 2 * M });
  });

  it('are refused past 300,000,000 VND a month with essential-limit-exceeded, nothing moved', async () => {
    world.ledger.monthly.set('alice#2026-11#ESSENTIAL', essentialCap - 1 * M);
    const r = await refusal(pay(power.walletId, 2 * M));
    expect(r.reason).toBe('essential-limit-exceeded');
    expect(r.facts).toEqual({ essentialRemaining: 1 * M });
    expect(world.ledger.wallet(alice.walletId).balance).toBe(10 * M);
    expect((await pay(power.walletId, 1 * M)).status).toBe('COMPLETED');
    expect(used('#ESSENTIAL')).toBe(essentialCap);
  });

  it('are checked again at the commit: a payment racing for the last room loses there', async () => {
    world.ledger.monthly.set('alice#2026-11#ESSENTIAL', essentialCap - 3 * M);
    // Another payment takes the room between this one's read and its commit.
    world.ledger.beforeNextCommit(() => {
      world.ledger.monthly.set('alice#2026-11#ESSENTIAL', essentialCap - 1 * M);
    });
    const r = await refusal(pay(power.walletId, 2 * M));
    expect(r.reason).toBe('essential-limit-exceeded');
    expect(world.ledger.wallet(alice.walletId).balance).toBe(10 * M);
  });

  it('leave organisations and other merchants as they were', async () => {
    const paid = await pay(shop.walletId, 1 * M);
    expect(paid.status).toBe('COMPLETED');
    expect(used('')).toBe(1 * M);
    expect(used('#ESSENTIAL')).toBe(0);
  });
});
