import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Refusal } from '../../functions/core/domain/refusals.ts';
import { defaultRiskConfig, type RiskConfig } from '../../functions/core/domain/risk/config.ts';
import { ocra } from '../../functions/core/domain/soft-otp.ts';
import type { Caller } from '../../functions/core/ports/caller.ts';
import { reconcileSafeguarding } from '../../functions/core/use-cases/reconcile-safeguarding.ts';
import { decideCase } from '../../functions/core/use-cases/risk-cases.ts';
import { authorizeTransfer, type Factors } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer, type TransferRequest } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { getTransfer } from '../../functions/core/use-cases/transfers/get-transfer.ts';
import { settleTransfer, sweepStuckTransfers } from '../../functions/core/use-cases/transfers/settle.ts';
import { statement } from '../../functions/core/use-cases/transfers/statement.ts';
import { fakeSoftOtpSecret, type MoneyWorld, moneyWorld, type Person } from '../support/money-fakes.ts';

// The money use cases end to end against the in-memory fakes (test/support/money-fakes.ts): what
// a customer, an operator and the settlement worker see, with no I/O and a pinned clock.

const M = 1_000_000;
const operator: Caller = { subject: 'operator-7', groups: ['operators'] };
const route = 'POST /v1/ops/cases/{caseId}/decision';
/** Thresholds under which a WARN watch-list hit alone holds a transfer for review (RULES.md §7). */
const warnHolds: RiskConfig = { ...defaultRiskConfig, watchlist: { warnScore: 70, blockScore: 100 } };

let world: MoneyWorld;
let alice: Person;
let bob: Person;

function setUp(riskConfig?: RiskConfig) {
  world = moneyWorld(riskConfig ? { riskConfig } : {});
  alice = world.person({ customerId: 'alice', phoneNumber: '+84912345678', balance: 50 * M });
  bob = world.person({ customerId: 'bob', phoneNumber: '+84987654321', balance: 1 * M });
}

// Whatever happened, every movement was double-entry: wallets and system accounts sum to zero.
afterEach(() => {
  expect(world.ledger.trialBalance()).toBe(0);
});

const balance = (walletId: string) => world.ledger.wallet(walletId).balance;
const system = (account: 'SAFEGUARDING' | 'BANK_CLEARING' | 'RISK_HOLD') => world.ledger.system.get(account) ?? 0;
const monthlyUsed = (customerId: string) => world.ledger.monthly.get(`${customerId}#2026-11`) ?? 0;

const create = (who: Person, request: Omit<TransferRequest, 'walletId'> & { walletId?: string }, key?: string) =>
  createTransfer(world.services, who.customerId, who.deviceId, { walletId: who.walletId, ...request }, key);

const authorize = (who: Person, transferId: string, factors: Factors) =>
  authorizeTransfer(world.services, who.customerId, who.deviceId, transferId, factors);

/** The challenge id of a transfer that waits for its factors. */
function challengeIdOf(view: { authentication?: { challengeId: string } }): string {
  if (!view.authentication) throw new Error('the transfer asks for no authentication');
  return view.authentication.challengeId;
}

/** A code that is not the one sent. */
const wrong = (otp: string) => otp.slice(0, 5) + String((Number(otp[5]) + 1) % 10);

describe('class A: the money moves at once, exactly once', () => {
  beforeEach(() => setUp());

  it('moves a P2P between own wallets once, with statement entries and balances after', async () => {
    world.wallet('alice', { walletId: 'W-alice-savings' });
    const view = await create(alice, { type: 'P2P', amount: 3 * M, toWalletId: 'W-alice-savings' }, 'key-1');
    expect(view).toMatchObject({ type: 'P2P', status: 'COMPLETED', amount: 3 * M, toWalletId: 'W-alice-savings' });
    expect(view).not.toHaveProperty('authentication');
    expect(balance(alice.walletId)).toBe(47 * M);
    expect(balance('W-alice-savings')).toBe(3 * M);
    const page = await statement(world.services, 'alice', alice.walletId, 10);
    expect(page.items).toEqual([
      expect.objectContaining({
        transferId: view.transferId,
        type: 'P2P',
        amount: -3 * M,
        balanceAfter: 47 * M,
        counterparty: 'W-alice-savings',
      }),
    ]);
    expect(monthlyUsed('alice')).toBe(0); // own wallets are outside the monthly cap
    expect(world.ledger.committed).toHaveLength(1);
    expect(world.sms.sent).toEqual([]);
    expect(world.queue.enqueued).toEqual([]);
  });

  it('pays a merchant up to 5M at once and counts it toward the monthly cap', async () => {
    const shop = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212709' });
    const view = await create(alice, { type: 'PAYMENT', amount: 5 * M, merchantId: shop.walletId }, 'key-1');
    expect(view).toMatchObject({ status: 'COMPLETED', merchantId: shop.walletId });
    expect(balance(shop.walletId)).toBe(5 * M);
    expect(monthlyUsed('alice')).toBe(5 * M);
  });

  it('refuses an untrusted device and moves nothing', async () => {
    world.device('alice', 'new-phone', { trusted: false });
    await expect(
      createTransfer(
        world.services,
        'alice',
        'new-phone',
        { type: 'WITHDRAWAL', walletId: alice.walletId, amount: 1 * M, linkId: alice.linkId },
        'k',
      ),
    ).rejects.toMatchObject({ reason: 'device-not-trusted' });
    expect(balance(alice.walletId)).toBe(50 * M);
  });
});

describe('Idempotency-Key (API.md "Idempotency")', () => {
  let shop: { walletId: string };
  beforeEach(() => {
    setUp();
    shop = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212709' });
  });

  it('answers a repeat with the first answer, and the money moves once', async () => {
    const first = await create(alice, { type: 'PAYMENT', amount: 2 * M, merchantId: shop.walletId }, 'pay-42');
    world.clock.advance(30_000);
    const again = await create(alice, { type: 'PAYMENT', amount: 2 * M, merchantId: shop.walletId }, 'pay-42');
    expect(again).toEqual(first);
    expect(balance(alice.walletId)).toBe(48 * M);
    expect(world.ledger.entriesOf(alice.walletId)).toHaveLength(1);
    expect(monthlyUsed('alice')).toBe(2 * M);
  });

  it('refuses the same key with another body: idempotency-key-reused, nothing moves', async () => {
    await create(alice, { type: 'PAYMENT', amount: 2 * M, merchantId: shop.walletId }, 'pay-42');
    await expect(
      create(alice, { type: 'PAYMENT', amount: 3 * M, merchantId: shop.walletId }, 'pay-42'),
    ).rejects.toMatchObject({ reason: 'idempotency-key-reused' });
    expect(balance(alice.walletId)).toBe(48 * M);
    expect(world.ledger.committed).toHaveLength(1);
  });

  it('keys are per customer: the same key from another customer is another transfer', async () => {
    await create(alice, { type: 'PAYMENT', amount: 2 * M, merchantId: shop.walletId }, 'pay-42');
    await create(bob, { type: 'PAYMENT', amount: 1 * M, merchantId: shop.walletId }, 'pay-42');
    expect(balance(shop.walletId)).toBe(3 * M);
  });

  it('replays a refusal for the same key even once the state would allow the transfer', async () => {
    world.ledger.monthly.set('alice#2026-11', 98 * M);
    const refusal = { reason: 'monthly-limit-exceeded', facts: { monthlyRemaining: 2 * M } };
    const request = { type: 'P2P' as const, amount: 5 * M, toWalletId: bob.walletId };
    await expect(create(alice, request, 'p2p-7')).rejects.toMatchObject(refusal);
    // A held transfer of 10M was rejected meanwhile: the month has room again.
    world.ledger.monthly.set('alice#2026-11', 88 * M);
    await expect(create(alice, request, 'p2p-7')).rejects.toMatchObject(refusal);
    await expect(create(alice, { ...request, amount: 6 * M }, 'p2p-7')).rejects.toMatchObject({
      reason: 'idempotency-key-reused',
    });
    const fresh = await create(alice, request, 'p2p-8');
    expect(fresh.status).toBe('REQUIRES_AUTHENTICATION');
  });

  it('replays a challenge without sending a second OTP', async () => {
    const request = { type: 'P2P' as const, amount: 5 * M, toWalletId: bob.walletId };
    const first = await create(alice, request, 'p2p-9');
    const again = await create(alice, request, 'p2p-9');
    expect(again).toEqual(first);
    expect(world.sms.sent).toHaveLength(1);
  });
});

describe('class B and above: the factors of RULES.md §3', () => {
  beforeEach(() => setUp());

  it('sends an OTP for a class B P2P, and the OTP completes it', async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    expect(view).toMatchObject({
      status: 'REQUIRES_AUTHENTICATION',
      authentication: { class: 'B', methods: ['OTP'], expiresAt: '2026-11-10T03:05:00.000Z' },
    });
    expect(balance(alice.walletId)).toBe(50 * M);
    const [sms] = world.sms.sent;
    expect(sms).toMatchObject({ phoneNumber: alice.phoneNumber, reference: challengeIdOf(view) });
    expect(sms?.otp).toMatch(/^\d{6}$/);
    expect(sms?.text).toContain(sms!.otp!);
    expect(sms?.text).toContain('P2P'); // says what it is for
    expect(sms?.text).not.toMatch(/https?:|www\./); // and carries no link

    const done = await authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) });
    expect(done).toMatchObject({ transferId: view.transferId, status: 'COMPLETED' });
    expect(done).not.toHaveProperty('authentication');
    expect(balance(alice.walletId)).toBe(45 * M);
    expect(balance(bob.walletId)).toBe(6 * M);
    expect(monthlyUsed('alice')).toBe(5 * M);

    // authorize again: the transfer as it is, no second debit
    const repeated = await authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) });
    expect(repeated).toEqual(done);
    expect(world.ledger.entriesOf(alice.walletId)).toHaveLength(1);
  });

  it('pays the default wallet of the owner of a phone number', async () => {
    const view = await create(alice, { type: 'P2P', amount: 2 * M, toPhoneNumber: bob.phoneNumber }, 'p2p-phone');
    expect(view).toMatchObject({ status: 'REQUIRES_AUTHENTICATION', toWalletId: bob.walletId });
    await authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) });
    expect(balance(bob.walletId)).toBe(3 * M);
  });

  it('answers otp-invalid to a wrong OTP, counts the attempt and moves nothing', async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    const otp = world.sms.otpFor(challengeIdOf(view));
    await expect(authorize(alice, view.transferId, { otp: wrong(otp) })).rejects.toMatchObject({
      reason: 'otp-invalid',
    });
    const stored = world.ledger.transfer(view.transferId);
    expect(stored.status).toBe('REQUIRES_AUTHENTICATION');
    expect(stored.challenge?.attempts).toBe(1);
    expect(balance(alice.walletId)).toBe(50 * M);
    // The right code still works within the attempts left.
    await expect(authorize(alice, view.transferId, { otp })).resolves.toMatchObject({ status: 'COMPLETED' });
  });

  it('locks the challenge after 5 attempts: the 6th is too-many-attempts, even with the right OTP', async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    const otp = world.sms.otpFor(challengeIdOf(view));
    for (let i = 0; i < 5; i++) {
      await expect(authorize(alice, view.transferId, { otp: wrong(otp) })).rejects.toMatchObject({
        reason: 'otp-invalid',
      });
    }
    await expect(authorize(alice, view.transferId, { otp })).rejects.toMatchObject({ reason: 'too-many-attempts' });
    expect(world.ledger.transfer(view.transferId).challenge?.attempts).toBe(5);
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('answers authentication-required, without using an attempt, when a factor is missing', async () => {
    const view = await create(alice, { type: 'P2P', amount: 10_000_001, toWalletId: bob.walletId }, 'p2p-c');
    expect(view.authentication).toMatchObject({ class: 'C', methods: ['OTP', 'BIOMETRIC'] });
    const otp = world.sms.otpFor(challengeIdOf(view));
    await expect(authorize(alice, view.transferId, { otp })).rejects.toMatchObject({
      reason: 'authentication-required',
      facts: { authentication: { class: 'C', methods: ['OTP', 'BIOMETRIC'], challengeId: challengeIdOf(view) } },
    });
    expect(world.ledger.transfer(view.transferId).challenge?.attempts).toBe(0);
  });

  it('needs the biometric match of the customer for this challenge in class C', async () => {
    const view = await create(alice, { type: 'P2P', amount: 10_000_001, toWalletId: bob.walletId }, 'p2p-c');
    const id = challengeIdOf(view);
    const otp = world.sms.otpFor(id);
    await expect(
      authorize(alice, view.transferId, { otp, biometricAssertion: world.biometric(alice, 'another-challenge') }),
    ).rejects.toMatchObject({ reason: 'biometric-mismatch' });
    await expect(
      authorize(alice, view.transferId, { otp, biometricAssertion: world.biometric(alice, id, { faceMatch: false }) }),
    ).rejects.toMatchObject({ reason: 'biometric-mismatch' });
    expect(balance(alice.walletId)).toBe(50 * M);
    const done = await authorize(alice, view.transferId, { otp, biometricAssertion: world.biometric(alice, id) });
    expect(done.status).toBe('COMPLETED');
    expect(balance(bob.walletId)).toBe(1 * M + 10_000_001);
  });
  it('asks again, with a new OTP, when the day counters rose before the authorisation (Circular 50)', async () => {
    // Three transfers created on a fresh day are class B each; authorised in this order, the last
    // one passes the 20M line of G+Tksth (RULES.md vector 3) and needs class C.
    const sixM = await create(alice, { type: 'P2P', amount: 6 * M, toWalletId: bob.walletId }, 'k-6');
    const tenM = await create(alice, { type: 'P2P', amount: 10 * M, toWalletId: bob.walletId }, 'k-10');
    const fiveM = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'k-5');
    expect([sixM, tenM, fiveM].map((v) => v.authentication?.class)).toEqual(['B', 'B', 'B']);
    for (const v of [tenM, fiveM]) {
      await authorize(alice, v.transferId, { otp: world.sms.otpFor(challengeIdOf(v)) });
    }
    const again = await authorize(alice, sixM.transferId, { otp: world.sms.otpFor(challengeIdOf(sixM)) });
    expect(again).toMatchObject({
      status: 'REQUIRES_AUTHENTICATION',
      authentication: { class: 'C', methods: ['OTP', 'BIOMETRIC'] },
    });
    const id = challengeIdOf(again);
    expect(id).not.toBe(challengeIdOf(sixM));
    expect(world.sms.sent.map((m) => m.reference)).toContain(id);
    expect(balance(alice.walletId)).toBe(35 * M);
    const done = await authorize(alice, sixM.transferId, {
      otp: world.sms.otpFor(id),
      biometricAssertion: world.biometric(alice, id),
    });
    expect(done.status).toBe('COMPLETED');
    expect(balance(alice.walletId)).toBe(29 * M);
    // A class C resets Tksth (RULES.md vector 4).
    expect(world.ledger.wallet(alice.walletId).counters).toEqual({ 'I.3': { total: 21 * M, totalAB: 0 } });
  });

  it("lets an organisation authorise class C with its trusted device's soft OTP over this challenge", async () => {
    const shop = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212709', balance: 20 * M });
    world.device('pho-thin', 'shop-tablet');
    const request = { type: 'P2P' as const, walletId: shop.walletId, amount: 5 * M, toWalletId: bob.walletId };
    const view = await createTransfer(world.services, 'pho-thin', 'shop-tablet', request, 'org-1');
    expect(view.authentication).toMatchObject({ class: 'C', methods: ['SOFT_OTP'] });
    expect(world.sms.sent).toEqual([]); // nothing to send for a soft OTP
    const id = challengeIdOf(view);
    const asOrg = (softOtp: string) =>
      authorizeTransfer(world.services, 'pho-thin', 'shop-tablet', view.transferId, { softOtp });
    await expect(asOrg(ocra(fakeSoftOtpSecret, 'a-replayed-challenge'))).rejects.toMatchObject({
      reason: 'otp-invalid',
    });
    await expect(asOrg(ocra(fakeSoftOtpSecret, id))).resolves.toMatchObject({ status: 'COMPLETED' });
    expect(balance(bob.walletId)).toBe(6 * M);
    expect(world.ledger.monthly.size).toBe(0); // organisations are outside the monthly cap
  });
});

describe('watch lists (RULES.md §5, §7)', () => {
  beforeEach(() => setUp());

  const toBob = { type: 'P2P' as const, amount: 5 * M, toWalletId: '' };
  const refusalOf = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('the transfer was not refused');
      },
      (error: Refusal) => error,
    );

  it('refuses a transfer to a BLOCK-listed payee wallet with payee-flagged, and keeps it REJECTED', async () => {
    world.watch('WALLET', bob.walletId, 'BLOCK');
    const refusal = await refusalOf(create(alice, { ...toBob, toWalletId: bob.walletId }, 'p2p-1'));
    expect(refusal.reason).toBe('payee-flagged');
    const transferId = refusal.facts.transferId as string;
    expect(await getTransfer(world.services, 'alice', transferId)).toMatchObject({
      status: 'REJECTED',
      failureCode: 'payee-flagged',
    });
    await expect(create(alice, { ...toBob, toWalletId: bob.walletId }, 'p2p-1')).rejects.toMatchObject({
      reason: 'payee-flagged',
      facts: { transferId },
    });
    expect(world.sms.sent).toEqual([]);
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('screens a payee addressed by phone number by that phone', async () => {
    world.watch('PHONE', bob.phoneNumber, 'BLOCK');
    await expect(
      create(alice, { type: 'P2P', amount: 5 * M, toPhoneNumber: bob.phoneNumber }, 'p2p-1'),
    ).rejects.toMatchObject({ reason: 'payee-flagged' });
  });

  it("answers risk-blocked, naming no list, when the payer's own phone is BLOCK-listed", async () => {
    world.watch('PHONE', alice.phoneNumber, 'BLOCK');
    await expect(create(alice, { ...toBob, toWalletId: bob.walletId }, 'p2p-1')).rejects.toMatchObject({
      reason: 'risk-blocked',
    });
  });

  it('raises a transfer to a WARN-listed payee to class C and warns payee-flagged', async () => {
    world.watch('WALLET', bob.walletId, 'WARN');
    const view = await create(alice, { ...toBob, toWalletId: bob.walletId }, 'p2p-1');
    expect(view).toMatchObject({
      status: 'REQUIRES_AUTHENTICATION',
      authentication: { class: 'C', methods: ['OTP', 'BIOMETRIC'] },
      warnings: ['payee-flagged'],
    });
  });

  // RULES.md §5: "a payee is screened by all its identifiers (wallet, owner's phone, owner's ID
  // number) however the payer addressed it" (create-transfer.ts reads the payee's customer).
  it("screens a payee addressed by wallet id by its owner's phone too", async () => {
    world.watch('PHONE', bob.phoneNumber, 'BLOCK');
    await expect(create(alice, { ...toBob, toWalletId: bob.walletId }, 'p2p-1')).rejects.toMatchObject({
      reason: 'payee-flagged',
    });
  });

  it("screens a payee by its owner's ID number", async () => {
    world.watch('ID_NUMBER', bob.idNumber, 'BLOCK');
    await expect(
      create(alice, { type: 'P2P', amount: 5 * M, toPhoneNumber: bob.phoneNumber }, 'p2p-1'),
    ).rejects.toMatchObject({ reason: 'payee-flagged' });
  });
});

describe('expiry of the authentication window (RULES.md §3: 5 minutes)', () => {
  beforeEach(() => setUp());

  it('shows the transfer waiting until 5 minutes have passed, then EXPIRED', async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    world.clock.advance(5 * 60_000 - 1);
    expect(await getTransfer(world.services, 'alice', view.transferId)).toMatchObject({
      status: 'REQUIRES_AUTHENTICATION',
    });
    world.clock.advance(1);
    const expired = await getTransfer(world.services, 'alice', view.transferId);
    expect(expired).toMatchObject({ status: 'EXPIRED', failureCode: 'challenge-expired' });
    expect(expired).not.toHaveProperty('authentication');
    expect(world.ledger.transfer(view.transferId).status).toBe('EXPIRED');
    // The OTP is no use any more; the transfer is returned as it is.
    const late = await authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) });
    expect(late.status).toBe('EXPIRED');
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('answers challenge-expired to an authorize after the window, and keeps the transfer EXPIRED', async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    world.clock.advance(6 * 60_000);
    await expect(
      authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) }),
    ).rejects.toMatchObject({ reason: 'challenge-expired' });
    expect(world.ledger.transfer(view.transferId)).toMatchObject({
      status: 'EXPIRED',
      failureCode: 'challenge-expired',
    });
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it("answers transfer-not-found for another customer's transfer (API.md Ownership)", async () => {
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    await expect(getTransfer(world.services, 'bob', view.transferId)).rejects.toMatchObject({
      reason: 'transfer-not-found',
    });
    await expect(
      authorizeTransfer(world.services, 'bob', bob.deviceId, view.transferId, { otp: '123456' }),
    ).rejects.toMatchObject({ reason: 'transfer-not-found' });
  });
});

describe('the commit loop', () => {
  beforeEach(() => setUp());

  it('decides again after a concurrent commit on the wallet and posts once', async () => {
    world.wallet('alice', { walletId: 'W-alice-savings' });
    // Between the read and the commit, a top-up of 1M is credited to the same wallet.
    world.ledger.beforeNextCommit(async () => {
      const w = world.ledger.wallet(alice.walletId);
      const outcome = await world.ledger.commit({
        at: world.clock.now().toISOString(),
        token: 'T-CONCURRENT:settle',
        wallets: [
          { wallet: w, amount: 1 * M, requireActive: false, entry: { transferId: 'T-CONCURRENT', type: 'TOPUP' } },
        ],
        system: [{ account: 'SAFEGUARDING', amount: -1 * M, transferId: 'T-CONCURRENT' }],
      });
      expect(outcome).toEqual({ outcome: 'committed' });
    });
    const view = await create(alice, { type: 'P2P', amount: 3 * M, toWalletId: 'W-alice-savings' }, 'key-1');
    expect(view.status).toBe('COMPLETED');
    expect(world.ledger.commits.map((c) => [c.plan.token.split(':')[1], c.outcome, c.on])).toEqual([
      ['settle', 'committed', undefined],
      // The wallet moved on, and its entry numbered by the next version exists: both refuse.
      ['post', 'conflict', ['wallet:ConditionalCheckFailed', 'entry:ConditionalCheckFailed']],
      ['post', 'committed', undefined],
    ]);
    expect(world.ledger.entriesOf(alice.walletId).map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['TOPUP', 1 * M, 51 * M],
      ['P2P', -3 * M, 48 * M],
    ]);
    expect(balance('W-alice-savings')).toBe(3 * M);
  });

  it('decides again when a concurrent payment filled the month, and refuses with the room left', async () => {
    world.ledger.monthly.set('alice#2026-11', 90 * M);
    const view = await create(alice, { type: 'P2P', amount: 5 * M, toWalletId: bob.walletId }, 'p2p-1');
    // Another payment of alice's takes 8M of the month's room before this one commits.
    world.ledger.beforeNextCommit(() => {
      world.ledger.monthly.set('alice#2026-11', 98 * M);
    });
    await expect(
      authorize(alice, view.transferId, { otp: world.sms.otpFor(challengeIdOf(view)) }),
    ).rejects.toMatchObject({ reason: 'monthly-limit-exceeded', facts: { monthlyRemaining: 2 * M } });
    expect(world.ledger.commits.at(-2)).toMatchObject({ outcome: 'conflict', on: ['monthly:ConditionalCheckFailed'] });
    expect(world.ledger.transfer(view.transferId)).toMatchObject({
      status: 'FAILED',
      failureCode: 'monthly-limit-exceeded',
    });
    expect(balance(alice.walletId)).toBe(50 * M);
  });
});

describe('settlement with the bank', () => {
  beforeEach(() => setUp());

  it('pulls a class A top-up once and credits it, however often the worker runs', async () => {
    const view = await create(alice, { type: 'TOPUP', amount: 5 * M, linkId: alice.linkId }, 'top-1');
    expect(view.status).toBe('PROCESSING');
    expect(world.queue.enqueued).toEqual([view.transferId]);
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(await settleTransfer(world.services, view.transferId)).toBe('settled');
    expect(await settleTransfer(world.services, view.transferId)).toBe('skipped');
    expect(world.bank.calls).toEqual([
      {
        kind: 'pull',
        call: expect.objectContaining({
          idempotencyKey: view.transferId,
          amount: 5 * M,
          instrument: { bankCode: 'VCB', accountNumber: alice.accountNumber },
        }),
      },
    ]);
    expect(balance(alice.walletId)).toBe(55 * M);
    expect(await getTransfer(world.services, 'alice', view.transferId)).toMatchObject({ status: 'COMPLETED' });
  });

  it('asks the bank for the outcome after a lost answer, and credits once', async () => {
    world.bank.script.push('UNKNOWN');
    const view = await create(alice, { type: 'TOPUP', amount: 5 * M, linkId: alice.linkId }, 'top-1');
    expect(await settleTransfer(world.services, view.transferId)).toBe('settled');
    expect(world.bank.moneyCalls).toBe(1);
    expect(world.bank.statusCalls).toEqual([view.transferId]);
    expect(balance(alice.walletId)).toBe(55 * M);
  });

  it('reports a real safeguarding difference: the guarantee account 1 VND short is -1 in every pass', async () => {
    world.bank.guarantee -= 1;
    expect(await reconcileSafeguarding(world.services)).toMatchObject({ difference: -1, shortfall: 1 });
  });

  it('keeps the safeguarding difference at 0 while a withdrawal the bank paid out waits for its answer', async () => {
    const view = await create(alice, { type: 'WITHDRAWAL', amount: 4 * M, linkId: alice.linkId }, 'out-paid');
    expect((await reconcileSafeguarding(world.services)).difference).toBe(0);
    // The bank pays out; the worker has not recorded it yet (its answer lost, or the moment before the commit).
    await world.bank.push({
      idempotencyKey: view.transferId,
      instrument: { bankCode: 'VCB', accountNumber: '1' } as never,
      amount: 4 * M,
      description: 'paid out',
    });
    expect(await getTransfer(world.services, 'alice', view.transferId)).toMatchObject({ status: 'PROCESSING' });
    const during = await reconcileSafeguarding(world.services);
    expect(during).toMatchObject({ difference: 0, shortfall: 0 });
    await settleTransfer(world.services, view.transferId);
    expect(await reconcileSafeguarding(world.services)).toMatchObject({ difference: 0, shortfall: 0 });
    expect(world.bank.moneyCalls).toBe(2); // the worker's push met the bank's record: paid once
  });

  it('returns a declined withdrawal to the wallet', async () => {
    world.bank.script.push('DECLINED');
    const view = await create(alice, { type: 'WITHDRAWAL', amount: 4 * M, linkId: alice.linkId }, 'out-1');
    expect(balance(alice.walletId)).toBe(46 * M);
    expect(system('BANK_CLEARING')).toBe(4 * M);
    await settleTransfer(world.services, view.transferId);
    expect(await getTransfer(world.services, 'alice', view.transferId)).toMatchObject({
      status: 'FAILED',
      failureCode: 'bank-declined',
    });
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(system('BANK_CLEARING')).toBe(0);
    expect(world.ledger.entriesOf(alice.walletId).map((e) => e.type)).toEqual(['WITHDRAWAL', 'WITHDRAWAL_RETURN']);
  });

  it('re-enqueues a transfer whose hand-off to the queue failed, once it is 2 minutes old', async () => {
    world.queue.failing = true;
    const view = await create(alice, { type: 'TOPUP', amount: 5 * M, linkId: alice.linkId }, 'top-1');
    expect(view.status).toBe('PROCESSING'); // the customer is answered all the same
    world.queue.failing = false;
    expect(await sweepStuckTransfers(world.services)).toEqual({ requeued: 0 });
    world.clock.advance(121_000);
    expect(await sweepStuckTransfers(world.services)).toEqual({ requeued: 1 });
    expect(world.queue.enqueued).toEqual([view.transferId]);
    await settleTransfer(world.services, view.transferId);
    world.clock.advance(600_000);
    expect(await sweepStuckTransfers(world.services)).toEqual({ requeued: 0 });
    expect(balance(alice.walletId)).toBe(55 * M);
  });
});

describe('transfers held for review (RULES.md §7)', () => {
  /** A WARN-listed linked account holds alice's bank legs; 15M makes them class C (G > 10M). */
  beforeEach(() => {
    setUp(warnHolds);
    world.watch('BANK_ACCOUNT', alice.accountNumber, 'WARN');
  });

  async function heldTransfer(type: 'WITHDRAWAL' | 'TOPUP') {
    const view = await create(alice, { type, amount: 15 * M, linkId: alice.linkId }, `${type}-1`);
    expect(view.authentication).toMatchObject({ class: 'C', methods: ['OTP', 'BIOMETRIC'] });
    const id = challengeIdOf(view);
    const done = await authorize(alice, view.transferId, {
      otp: world.sms.otpFor(id),
      biometricAssertion: world.biometric(alice, id),
    });
    expect(done.status).toBe('HELD');
    const t = world.ledger.transfer(view.transferId);
    return { transferId: t.transferId, caseId: t.caseId! };
  }

  const decision = (caseId: string, d: 'RELEASE' | 'REJECT') =>
    decideCase(world.services, operator, { caseId, decision: d, note: 'called the customer', route });

  it('holds a withdrawal in RISK_HOLD: the bank is not called, nothing is enqueued, a case is open', async () => {
    const { transferId, caseId } = await heldTransfer('WITHDRAWAL');
    expect(balance(alice.walletId)).toBe(35 * M);
    expect(system('RISK_HOLD')).toBe(15 * M);
    expect(system('BANK_CLEARING')).toBe(0);
    expect(world.queue.enqueued).toEqual([]);
    expect(await settleTransfer(world.services, transferId)).toBe('skipped');
    world.clock.advance(3_600_000);
    expect(await sweepStuckTransfers(world.services)).toEqual({ requeued: 0 });
    expect(world.bank.moneyCalls).toBe(0);
    const { items } = await world.ledger.listCases('OPEN', 10);
    expect(items).toEqual([
      expect.objectContaining({
        caseId,
        transferId,
        amount: 15 * M,
        ruleHits: [expect.objectContaining({ rule: 'watchlistPayee' })],
      }),
    ]);
    expect(await getTransfer(world.services, 'alice', transferId)).toMatchObject({
      status: 'HELD',
      warnings: ['payee-flagged'],
    });
  });

  it('releases a held withdrawal to the bank, and settlement pays it out', async () => {
    const { transferId, caseId } = await heldTransfer('WITHDRAWAL');
    const answer = await decision(caseId, 'RELEASE');
    expect(answer.case).toMatchObject({
      caseId,
      status: 'RELEASED',
      decidedBy: 'operator-7',
      note: 'called the customer',
    });
    expect(answer.transfer.status).toBe('PROCESSING');
    expect(world.queue.enqueued).toEqual([transferId]);
    expect(system('RISK_HOLD')).toBe(0);
    expect(system('BANK_CLEARING')).toBe(15 * M);

    const guaranteeBefore = system('SAFEGUARDING');
    expect(await settleTransfer(world.services, transferId)).toBe('settled');
    expect(world.bank.calls.map((c) => [c.kind, c.call.amount, c.call.instrument])).toEqual([
      ['push', 15 * M, { bankCode: 'VCB', accountNumber: alice.accountNumber }],
    ]);
    expect(await getTransfer(world.services, 'alice', transferId)).toMatchObject({ status: 'COMPLETED' });
    expect(system('BANK_CLEARING')).toBe(0);
    expect(system('SAFEGUARDING')).toBe(guaranteeBefore + 15 * M);
    expect(balance(alice.walletId)).toBe(35 * M);
    expect(world.ledger.entriesOf(alice.walletId).map((e) => [e.type, e.amount])).toEqual([['WITHDRAWAL', -15 * M]]);
    // The decision is on the audit trail, under the case, the wallet and the transfer (RULES.md §9).
    const trail = await world.services.audit.list(caseId, 10);
    expect(trail.items).toEqual([
      expect.objectContaining({
        action: 'CASE_DECISION',
        actor: 'operator-7',
        subjects: [caseId, alice.walletId, transferId],
      }),
    ]);
    expect(world.ledger.audit).toHaveLength(3);
  });

  it('refuses to release a held withdrawal once the payer is frozen; rejecting returns the money', async () => {
    const { transferId, caseId } = await heldTransfer('WITHDRAWAL');
    // An operator's or a law-enforcement freeze after the hold (functions/core/use-cases/freeze-wallet.ts).
    world.ledger.wallets.set(alice.walletId, { ...world.ledger.wallets.get(alice.walletId)!, status: 'FROZEN' });
    await expect(decision(caseId, 'RELEASE')).rejects.toMatchObject({ reason: 'wallet-frozen' });
    expect(world.bank.moneyCalls).toBe(0);
    expect(system('RISK_HOLD')).toBe(15 * M);
    await decision(caseId, 'REJECT');
    expect(await getTransfer(world.services, 'alice', transferId)).toMatchObject({ status: 'REJECTED' });
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('rejects a held withdrawal: the money goes back, the bank is never called', async () => {
    const { transferId, caseId } = await heldTransfer('WITHDRAWAL');
    const answer = await decision(caseId, 'REJECT');
    expect(answer.case.status).toBe('REJECTED');
    expect(answer.transfer).toMatchObject({ status: 'REJECTED', failureCode: 'risk-rejected' });
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(system('RISK_HOLD')).toBe(0);
    expect(world.ledger.entriesOf(alice.walletId).map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['WITHDRAWAL', -15 * M, 35 * M],
      ['HOLD_RETURN', 15 * M, 50 * M],
    ]);
    expect(await settleTransfer(world.services, transferId)).toBe('skipped');
    expect(world.queue.enqueued).toEqual([]);
    expect(world.bank.moneyCalls).toBe(0);
    await expect(decision(caseId, 'RELEASE')).rejects.toMatchObject({ reason: 'case-decided' });
  });

  it('holds a top-up without pulling it, releases it to the bank, and credits it', async () => {
    const { transferId, caseId } = await heldTransfer('TOPUP');
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(system('RISK_HOLD')).toBe(0);
    expect(await settleTransfer(world.services, transferId)).toBe('skipped');
    expect(world.bank.moneyCalls).toBe(0);
    expect(world.queue.enqueued).toEqual([]);

    await decision(caseId, 'RELEASE');
    expect(world.queue.enqueued).toEqual([transferId]);
    await settleTransfer(world.services, transferId);
    expect(world.bank.calls.map((c) => [c.kind, c.call.amount])).toEqual([['pull', 15 * M]]);
    expect(balance(alice.walletId)).toBe(65 * M);
    expect(await getTransfer(world.services, 'alice', transferId)).toMatchObject({ status: 'COMPLETED' });
  });

  it('rejects a held top-up: nothing moves and the bank is never asked', async () => {
    const { transferId, caseId } = await heldTransfer('TOPUP');
    const answer = await decision(caseId, 'REJECT');
    expect(answer.transfer).toMatchObject({ status: 'REJECTED', failureCode: 'risk-rejected' });
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(world.ledger.entriesOf(alice.walletId)).toEqual([]);
    expect(await settleTransfer(world.services, transferId)).toBe('skipped');
    expect(world.bank.moneyCalls).toBe(0);
    expect(world.queue.enqueued).toEqual([]);
  });
});

describe('operator decisions and the audit trail (RULES.md §7, §9)', () => {
  let shop: { walletId: string };
  let held: { transferId: string; caseId: string };

  beforeEach(async () => {
    setUp();
    shop = world.merchant({ customerId: 'pho-thin', phoneNumber: '+842438212709' });
    // A device trusted by a challenge an hour ago, a new payee, 5M: the account-takeover pattern holds a class A payment.
    world.device('alice', alice.deviceId, {
      trustedVia: 'CHALLENGE',
      trustedAt: new Date(world.clock.now().getTime() - 3_600_000).toISOString(),
    });
    const view = await create(alice, { type: 'PAYMENT', amount: 5 * M, merchantId: shop.walletId }, 'pay-1');
    expect(view.status).toBe('HELD');
    held = { transferId: view.transferId, caseId: world.ledger.transfer(view.transferId).caseId! };
  });

  const decision = (d: 'RELEASE' | 'REJECT') =>
    decideCase(world.services, operator, { caseId: held.caseId, decision: d, note: 'fraud confirmed', route });

  it('decides nothing when the audit record cannot be written: the case stays OPEN, the transfer HELD', async () => {
    world.ledger.auditFails = true;
    await expect(decision('RELEASE')).rejects.toThrow(/audit/);
    expect((await world.ledger.getCase(held.caseId))?.status).toBe('OPEN');
    expect(world.ledger.transfer(held.transferId).status).toBe('HELD');
    expect(balance(shop.walletId)).toBe(0);
    expect(system('RISK_HOLD')).toBe(5 * M);
    expect(world.ledger.audit).toEqual([]);
    expect(world.queue.enqueued).toEqual([]);

    world.ledger.auditFails = false;
    const answer = await decision('RELEASE');
    expect(answer.transfer.status).toBe('COMPLETED');
    expect(balance(shop.walletId)).toBe(5 * M);
    expect(world.ledger.audit.map((e) => e.subject)).toEqual([held.caseId, alice.walletId, held.transferId]);
  });

  it("rejects a held payment: the money and the month's room come back", async () => {
    expect(monthlyUsed('alice')).toBe(5 * M);
    await decision('REJECT');
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(monthlyUsed('alice')).toBe(0);
    expect(balance(shop.walletId)).toBe(0);
  });

  it('refuses to release a payment to a merchant wallet frozen meanwhile; the case stays open', async () => {
    world.ledger.wallets.set(shop.walletId, { ...world.ledger.wallet(shop.walletId), status: 'FROZEN' });
    await expect(decision('RELEASE')).rejects.toMatchObject({ reason: 'payee-not-active' });
    expect((await world.ledger.getCase(held.caseId))?.status).toBe('OPEN');
    expect(world.ledger.audit).toEqual([]);
    await decision('REJECT');
    expect(balance(alice.walletId)).toBe(50 * M);
  });

  it('answers case-not-found for an unknown case', async () => {
    await expect(
      decideCase(world.services, operator, { caseId: 'C-NONE', decision: 'RELEASE', note: 'x', route }),
    ).rejects.toMatchObject({ reason: 'case-not-found' });
  });
});

describe('the in-memory ledger keeps the conditions of the DynamoDB adapter', () => {
  beforeEach(() => setUp());

  const at = '2026-11-10T03:00:00.000Z';
  const move = (walletId: string, amount: number, requireActive = true) => ({
    wallet: world.ledger.wallet(walletId),
    amount,
    requireActive,
    entry: { transferId: 'T-FAKE', type: 'P2P' as const },
  });
  const p2p = () => [move(alice.walletId, -1 * M), move(bob.walletId, 1 * M)];

  it('applies nothing of a plan when one condition fails, and says which', async () => {
    const outcome = await world.ledger.commit({
      at,
      token: 'T-FAKE:post',
      transfer: {
        update: { transferId: 'T-NONE', from: ['HELD'], to: 'COMPLETED', set: { status: 'COMPLETED' }, amount: 1 * M },
      },
      wallets: p2p(),
      system: [],
      monthly: { customerId: 'alice', month: '2026-11', amount: 1 * M, cap: 100 * M },
    });
    expect(outcome).toEqual({ outcome: 'conflict', on: ['transfer:ConditionalCheckFailed'] });
    expect(balance(alice.walletId)).toBe(50 * M);
    expect(world.ledger.entriesOf(bob.walletId)).toEqual([]);
    expect(monthlyUsed('alice')).toBe(0);
  });

  it('numbers each entry by the version it produced, with the balance after it', async () => {
    await world.ledger.commit({ at, token: 'T-FAKE:post', wallets: p2p(), system: [] });
    expect(world.ledger.wallet(alice.walletId)).toMatchObject({ balance: 49 * M, version: 2 });
    expect(world.ledger.entriesOf(alice.walletId)).toEqual([
      expect.objectContaining({ version: 2, amount: -1 * M, balanceAfter: 49 * M, transferId: 'T-FAKE' }),
    ]);
    // The same plan again was made from a wallet version that is gone.
    const stale = await world.ledger.commit({
      at,
      token: 'T-FAKE:post',
      wallets: [{ ...move(alice.walletId, -1 * M), wallet: { ...world.ledger.wallet(alice.walletId), version: 1 } }],
      system: [{ account: 'SAFEGUARDING', amount: 1 * M, transferId: 'T-FAKE' }],
    });
    expect(stale.outcome).toBe('conflict');
  });

  it('pays from and to ACTIVE wallets only where the move requires it', async () => {
    world.ledger.wallets.set(bob.walletId, { ...world.ledger.wallet(bob.walletId), status: 'FROZEN' });
    const paying = await world.ledger.commit({ at, token: 'a', wallets: p2p(), system: [] });
    expect(paying).toEqual({ outcome: 'conflict', on: ['wallet:ConditionalCheckFailed'] });
    const returning = await world.ledger.commit({
      at,
      token: 'b',
      wallets: [move(bob.walletId, 1 * M, false)],
      system: [{ account: 'RISK_HOLD', amount: -1 * M, transferId: 'T-FAKE' }],
    });
    expect(returning).toEqual({ outcome: 'committed' });
  });

  it('keeps the monthly cap, refuses a second transfer under one id and closes a case once', async () => {
    world.ledger.monthly.set('alice#2026-11', 96 * M);
    const month = (amount: number) => ({ customerId: 'alice', month: '2026-11', amount, cap: 100 * M });
    expect(await world.ledger.commit({ at, token: 'm', wallets: [], system: [], monthly: month(5 * M) })).toEqual({
      outcome: 'conflict',
      on: ['monthly:ConditionalCheckFailed'],
    });
    expect(
      (await world.ledger.commit({ at, token: 'm', wallets: [], system: [], monthly: month(-6 * M) })).outcome,
    ).toBe('committed');
    expect(monthlyUsed('alice')).toBe(90 * M);

    const refusal = {
      transferId: 'T-KEY',
      customerId: 'alice',
      requestHash: 'h',
      reason: 'insufficient-funds' as const,
      detail: 'd',
      facts: {},
      at,
    };
    expect(
      (await world.ledger.commit({ at, token: 'r', transfer: { refusal }, wallets: [], system: [] })).outcome,
    ).toBe('committed');
    expect((await world.ledger.read({ transferId: 'T-KEY' })).refusal).toEqual(refusal);
    const again = await world.ledger.commit({ at, token: 'r', transfer: { refusal }, wallets: [], system: [] });
    expect(again).toEqual({ outcome: 'conflict', on: ['transfer:ConditionalCheckFailed'] });

    const close = { close: { caseId: 'C1', status: 'REJECTED' as const, decidedBy: 'op', note: 'n', at } };
    world.ledger.cases.set('C1', {
      caseId: 'C1',
      transferId: 'T1',
      walletId: alice.walletId,
      customerId: 'alice',
      amount: 1,
      status: 'OPEN',
      ruleHits: [],
      createdAt: at,
    });
    const audit = {
      auditId: 'A1',
      actor: 'op',
      actorGroups: ['operators'],
      action: 'CASE_DECISION' as const,
      subjects: ['C1'],
      purpose: { route },
      at,
    };
    expect(
      (await world.ledger.commit({ at, token: 'c', wallets: [], system: [], riskCase: close, audit })).outcome,
    ).toBe('committed');
    const twice = await world.ledger.commit({
      at,
      token: 'c',
      wallets: [],
      system: [],
      riskCase: close,
      audit: { ...audit, auditId: 'A2' },
    });
    expect(twice).toEqual({ outcome: 'conflict', on: ['case:ConditionalCheckFailed'] });
    await expect(world.ledger.commit({ at, token: 'x', wallets: [], system: [], riskCase: close })).rejects.toThrow(
      /without its audit/,
    );
  });
});
