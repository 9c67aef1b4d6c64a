import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentRequest } from '../../functions/core/domain/payment-request.ts';
import { defaultRiskConfig, type RiskConfig } from '../../functions/core/domain/risk/config.ts';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import type { Caller } from '../../functions/core/ports/caller.ts';
import {
  createPaymentRequest,
  expirePaymentRequests,
  getPaymentRequest,
} from '../../functions/core/use-cases/merchants/payment-requests.ts';
import { decideCase } from '../../functions/core/use-cases/risk-cases.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { fakeSoftOtpSecret, type MoneyWorld, moneyWorld, type Person } from '../support/money-fakes.ts';

// Payment requests and refunds through the one planner and the one commit (API.md v1.1), against
// the in-memory fakes: the request claimed in the payment's own commit, refunds bounded by their
// payment through the payment's `refundedAmount`, both safe when another commit gets there first.

const M = 1_000_000;
const operator: Caller = { subject: 'operator-7', groups: ['operators'] };

let world: MoneyWorld;
let alice: Person;
let bob: Person;
let shop: { customerId: string; walletId: string };
const shopDevice = 'shop-phone';

function setUp(riskConfig?: RiskConfig) {
  world = moneyWorld(riskConfig ? { riskConfig } : {});
  alice = world.person({ customerId: 'alice', phoneNumber: '+84912345678', balance: 50 * M });
  bob = world.person({ customerId: 'bob', phoneNumber: '+84987654321', balance: 50 * M });
  shop = world.merchant({ customerId: 'quan-thu', phoneNumber: '+842438212709', balance: 10 * M });
  world.device(shop.customerId, shopDevice);
}

afterEach(() => {
  expect(world.ledger.trialBalance()).toBe(0);
});

const balance = (walletId: string) => world.ledger.wallet(walletId).balance;

const request = (amount: number, expiresInSeconds?: number) =>
  createPaymentRequest(world.services, shop.customerId, {
    walletId: shop.walletId,
    amount,
    orderRef: 'BUN-CHA-42',
    ...(expiresInSeconds ? { expiresInSeconds } : {}),
  });

const pay = (who: Person, paymentRequestId: string, key: string, amount?: number) =>
  createTransfer(
    world.services,
    who.customerId,
    who.deviceId,
    { type: 'PAYMENT', walletId: who.walletId, paymentRequestId, ...(amount ? { amount } : {}) },
    key,
  );

const refund = (originalTransferId: string, amount: number, key: string, walletId = shop.walletId) =>
  createTransfer(
    world.services,
    shop.customerId,
    shopDevice,
    { type: 'REFUND', walletId, amount, originalTransferId },
    key,
  );

/** An organisation's refund is class C at least: the soft OTP of the device that created it (RULES.md §3). */
const authorizeRefund = (view: { transferId: string; authentication?: { challengeId: string } }) =>
  authorizeTransfer(world.services, shop.customerId, shopDevice, view.transferId, {
    softOtp: ocra(fakeSoftOtpSecret, view.authentication!.challengeId),
  });

const stored = (id: string): PaymentRequest => world.ledger.paymentRequests.get(id)!;

describe('payment requests (dynamic QR)', () => {
  beforeEach(() => setUp());

  it('is paid by one PAYMENT naming it: the merchant gets its amount and the request is PAID in the same commit', async () => {
    const pr = await request(45_000);
    expect(pr).toMatchObject({ status: 'OPEN', amount: 45_000, walletId: shop.walletId, orderRef: 'BUN-CHA-42' });
    expect(pr.paymentRequestId).toMatch(/^PR[0-9A-Z]{22}$/);
    const paid = await pay(alice, pr.paymentRequestId, 'pay-1');
    expect(paid).toMatchObject({
      type: 'PAYMENT',
      status: 'COMPLETED',
      amount: 45_000,
      merchantId: shop.walletId,
      paymentRequestId: pr.paymentRequestId,
    });
    expect(balance(shop.walletId)).toBe(10 * M + 45_000);
    expect(stored(pr.paymentRequestId)).toMatchObject({ status: 'PAID', transferId: paid.transferId });
    const commit = world.ledger.committed.at(-1)!;
    expect(commit.paymentRequest).toEqual({
      claim: expect.objectContaining({ paymentRequestId: pr.paymentRequestId, transferId: paid.transferId }),
    });
    expect(await getPaymentRequest(world.services, shop.customerId, pr.paymentRequestId)).toMatchObject({
      status: 'PAID',
      transferId: paid.transferId,
    });
  });

  it('refuses a second payer with payment-request-paid, and moves nothing', async () => {
    const pr = await request(45_000);
    await pay(alice, pr.paymentRequestId, 'pay-1');
    await expect(pay(bob, pr.paymentRequestId, 'pay-2')).rejects.toMatchObject({ reason: 'payment-request-paid' });
    expect(balance(bob.walletId)).toBe(50 * M);
    expect(balance(shop.walletId)).toBe(10 * M + 45_000);
  });

  it('refuses a payer who lost the race at the commit: the request was claimed between the read and the commit', async () => {
    const pr = await request(45_000);
    // Another process's payment commits first (this process's wallet locks would queue one here).
    world.ledger.beforeNextCommit(() => {
      world.ledger.paymentRequests.set(pr.paymentRequestId, {
        ...stored(pr.paymentRequestId),
        status: 'PAID',
        transferId: 'T-another-payer',
      });
    });
    await expect(pay(alice, pr.paymentRequestId, 'alice-second')).rejects.toMatchObject({
      reason: 'payment-request-paid',
    });
    expect(
      world.ledger.commits.some(
        (c) => c.outcome === 'conflict' && c.on?.includes('paymentRequest:ConditionalCheckFailed'),
      ),
    ).toBe(true);
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('refuses an expired request with payment-request-expired; the sweep ends it once', async () => {
    const pr = await request(45_000, 60);
    world.clock.advance(60_000);
    await expect(pay(alice, pr.paymentRequestId, 'pay-1')).rejects.toMatchObject({ reason: 'payment-request-expired' });
    expect((await getPaymentRequest(world.services, shop.customerId, pr.paymentRequestId)).status).toBe('EXPIRED');
    expect(await expirePaymentRequests(world.services)).toEqual({ due: 1, expired: 1 });
    expect(await expirePaymentRequests(world.services)).toEqual({ due: 0, expired: 0 });
    expect(stored(pr.paymentRequestId).status).toBe('EXPIRED');
  });

  it("refuses an amount other than the request's, an unknown request, and another merchant's request", async () => {
    const pr = await request(45_000);
    await expect(pay(alice, pr.paymentRequestId, 'k1', 44_000)).rejects.toMatchObject({ reason: 'validation-failed' });
    await expect(pay(alice, 'PR0000000000000000000000', 'k2')).rejects.toMatchObject({
      reason: 'payment-request-not-found',
    });
    const other = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212700' });
    await expect(getPaymentRequest(world.services, other.customerId, pr.paymentRequestId)).rejects.toMatchObject({
      reason: 'payment-request-not-found',
    });
    await expect(getPaymentRequest(world.services, 'alice', pr.paymentRequestId)).rejects.toMatchObject({
      reason: 'not-a-merchant',
    });
    expect(stored(pr.paymentRequestId).status).toBe('OPEN');
  });

  it('fails a payment waiting for its OTP when another payer paid the request first (refused on authorize)', async () => {
    const pr = await request(6 * M); // class B for a payment above 5M (RULES.md §2, I.2)
    const waiting = await pay(alice, pr.paymentRequestId, 'alice-1');
    expect(waiting.status).toBe('REQUIRES_AUTHENTICATION');
    const bobs = await pay(bob, pr.paymentRequestId, 'bob-1');
    await authorizeTransfer(world.services, 'bob', bob.deviceId, bobs.transferId, {
      otp: world.sms.otpFor(bobs.authentication!.challengeId),
    });
    expect(stored(pr.paymentRequestId)).toMatchObject({ status: 'PAID', transferId: bobs.transferId });
    await expect(
      authorizeTransfer(world.services, 'alice', alice.deviceId, waiting.transferId, {
        otp: world.sms.otpFor(waiting.authentication!.challengeId),
      }),
    ).rejects.toMatchObject({ reason: 'payment-request-paid' });
    expect((await world.ledger.getTransfer(waiting.transferId))?.status).toBe('FAILED');
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(balance(shop.walletId)).toBe(16 * M);
  });

  it('creates requests only for a merchant organisation, into its own wallet', async () => {
    await expect(
      createPaymentRequest(world.services, 'alice', { walletId: alice.walletId, amount: 1, orderRef: 'X' }),
    ).rejects.toMatchObject({ reason: 'not-a-merchant' });
    await expect(
      createPaymentRequest(world.services, shop.customerId, { walletId: alice.walletId, amount: 1, orderRef: 'X' }),
    ).rejects.toMatchObject({ reason: 'wallet-not-found' });
  });
});

describe('a held payment of a request', () => {
  beforeEach(() => {
    // A WARN-listed payee holds a transfer at these thresholds (RULES.md §7).
    setUp({ ...defaultRiskConfig, watchlist: { warnScore: 70, blockScore: 100 } });
    world.watch('WALLET', shop.walletId, 'WARN');
  });

  it('claims the request while held, and gives it back when an operator rejects it', async () => {
    const pr = await request(45_000);
    const held = await pay(alice, pr.paymentRequestId, 'pay-1');
    const authorized = await authorizeTransfer(world.services, 'alice', alice.deviceId, held.transferId, {
      otp: world.sms.otpFor(held.authentication!.challengeId),
      biometricAssertion: world.biometric(alice, held.authentication!.challengeId),
    });
    expect(authorized.status).toBe('HELD');
    expect(stored(pr.paymentRequestId)).toMatchObject({ status: 'PAID', transferId: held.transferId });
    await expect(pay(bob, pr.paymentRequestId, 'pay-2')).rejects.toMatchObject({ reason: 'payment-request-paid' });
    const caseId = (await world.ledger.getTransfer(held.transferId))!.caseId!;
    await decideCase(world.services, operator, {
      caseId,
      decision: 'REJECT',
      note: 'not the customer',
      route: 'POST /v1/ops/cases/{caseId}/decision',
    });
    expect(stored(pr.paymentRequestId).status).toBe('OPEN');
    expect(stored(pr.paymentRequestId).transferId).toBeUndefined();
    expect(balance(alice.walletId)).toBe(50 * M);
  });
});

describe('refunds', () => {
  let paymentId: string;
  beforeEach(async () => {
    setUp();
    const pr = await request(4 * M);
    paymentId = (await pay(alice, pr.paymentRequestId, 'pay-1')).transferId;
  });

  it('gives part of a payment back to the payer, class C with the soft OTP, outside the payer caps', async () => {
    const monthBefore = world.ledger.monthly.get('alice#2026-11');
    const r = await refund(paymentId, 1 * M, 'refund-1');
    expect(r).toMatchObject({ type: 'REFUND', status: 'REQUIRES_AUTHENTICATION', originalTransferId: paymentId });
    expect(r.authentication).toMatchObject({ class: 'C', methods: ['SOFT_OTP'] });
    const done = await authorizeRefund(r);
    expect(done).toMatchObject({ status: 'COMPLETED', toWalletId: alice.walletId });
    expect(balance(alice.walletId)).toBe(50 * M - 4 * M + 1 * M);
    expect(balance(shop.walletId)).toBe(10 * M + 4 * M - 1 * M);
    expect((await world.ledger.getTransfer(paymentId))?.refundedAmount).toBe(1 * M);
    expect(world.ledger.monthly.get('alice#2026-11')).toBe(monthBefore);
    expect(world.ledger.entriesOf(alice.walletId).at(-1)).toMatchObject({ type: 'REFUND', amount: 1 * M });
    expect(world.ledger.entriesOf(shop.walletId).at(-1)).toMatchObject({ type: 'REFUND', amount: -1 * M });
  });

  it('refunds the rest in full, then refuses anything more with refund-exceeds-payment', async () => {
    await authorizeRefund(await refund(paymentId, 1 * M, 'refund-1'));
    await authorizeRefund(await refund(paymentId, 3 * M, 'refund-2'));
    expect((await world.ledger.getTransfer(paymentId))?.refundedAmount).toBe(4 * M);
    await expect(refund(paymentId, 1, 'refund-3')).rejects.toMatchObject({ reason: 'refund-exceeds-payment' });
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('refuses a refund above the payment before looking at the balance', async () => {
    world.ledger.wallets.get(shop.walletId)!.balance = 0;
    world.ledger.system.set('SAFEGUARDING', (world.ledger.system.get('SAFEGUARDING') ?? 0) + 14 * M);
    await expect(refund(paymentId, 5 * M, 'too-much')).rejects.toMatchObject({ reason: 'refund-exceeds-payment' });
    await expect(refund(paymentId, 1 * M, 'no-money')).rejects.toMatchObject({ reason: 'insufficient-funds' });
    world.ledger.wallets.get(shop.walletId)!.balance = 14 * M;
    world.ledger.system.set('SAFEGUARDING', (world.ledger.system.get('SAFEGUARDING') ?? 0) - 14 * M);
  });

  it('lets only what is left pass when two refunds wait for their factors at once (the payment is the condition)', async () => {
    const first = await refund(paymentId, 3 * M, 'refund-a');
    const second = await refund(paymentId, 3 * M, 'refund-b');
    expect(await authorizeRefund(first)).toMatchObject({ status: 'COMPLETED' });
    await expect(authorizeRefund(second)).rejects.toMatchObject({ reason: 'refund-exceeds-payment' });
    expect((await world.ledger.getTransfer(second.transferId))?.status).toBe('FAILED');
    expect((await world.ledger.getTransfer(paymentId))?.refundedAmount).toBe(3 * M);
  });

  it('reads again and refuses when another refund committed between its read and its commit', async () => {
    const waiting = await refund(paymentId, 3 * M, 'refund-a');
    // Another process's refund of 2M commits first (its money moved elsewhere: only the sum matters here).
    world.ledger.beforeNextCommit(() => {
      const slot = world.ledger.slots.get(paymentId) as { transfer: { refundedAmount?: number } };
      slot.transfer.refundedAmount = 2 * M;
    });
    await expect(authorizeRefund(waiting)).rejects.toMatchObject({ reason: 'refund-exceeds-payment' });
    expect(
      world.ledger.commits.some((c) => c.outcome === 'conflict' && c.on?.includes('refund:ConditionalCheckFailed')),
    ).toBe(true);
    expect((await world.ledger.getTransfer(paymentId))?.refundedAmount).toBe(2 * M);
  });

  it("answers 404 for another merchant's payment, a payment into another wallet, and what is no payment", async () => {
    const other = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212700', balance: 5 * M });
    world.device(other.customerId, 'pho-phone');
    await expect(
      createTransfer(
        world.services,
        other.customerId,
        'pho-phone',
        { type: 'REFUND', walletId: other.walletId, amount: 1, originalTransferId: paymentId },
        'steal',
      ),
    ).rejects.toMatchObject({ reason: 'transfer-not-found' });
    await expect(refund('no-such-transfer', 1, 'ghost')).rejects.toMatchObject({ reason: 'transfer-not-found' });
    const p2p = await createTransfer(
      world.services,
      'bob',
      bob.deviceId,
      { type: 'P2P', walletId: bob.walletId, amount: 1000, toWalletId: shop.walletId },
      'p2p',
    );
    await expect(refund(p2p.transferId, 1000, 'not-a-payment')).rejects.toMatchObject({
      reason: 'transfer-not-found',
    });
  });
});
