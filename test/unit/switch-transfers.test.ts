import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { maskNumber, switchPayeeOf } from '../../functions/core/domain/institutions.ts';
import type { Refusal } from '../../functions/core/domain/refusals.ts';
import { defaultRiskConfig } from '../../functions/core/domain/risk/config.ts';
import { reconcileSwitchDay } from '../../functions/core/domain/switch-reconciliation.ts';
import { createNameInquiry } from '../../functions/core/use-cases/name-inquiry.ts';
import { reconcileSafeguarding } from '../../functions/core/use-cases/reconcile-safeguarding.ts';
import { reconcileSwitch } from '../../functions/core/use-cases/reconcile-switch.ts';
import { decideCase } from '../../functions/core/use-cases/risk-cases.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { getTransfer } from '../../functions/core/use-cases/transfers/get-transfer.ts';
import { receiveSwitchCredit } from '../../functions/core/use-cases/transfers/receive-credit.ts';
import { SwitchOutcomeUnknown, settleTransfer } from '../../functions/core/use-cases/transfers/settle.ts';
import { statement } from '../../functions/core/use-cases/transfers/statement.ts';
import { type MoneyWorld, moneyWorld, type Person, today } from '../support/money-fakes.ts';

// Transfers over the switch (API.md "Interoperable transfers"; Circular 40 Art. 25 as amended)
// against the in-memory fakes: the planner, the worker and the switch's answers, with a pinned
// clock. The e2e suite (test/e2e/switch.test.ts) does the same over HTTP with the sandbox switch.

const M = 1_000_000;
const ACCOUNT = '19034567890';

let world: MoneyWorld;
let alice: Person;
let bob: Person;

beforeEach(() => {
  world = moneyWorld();
  alice = world.person({ customerId: 'alice', phoneNumber: '+84912345678', balance: 10 * M });
  bob = world.person({ customerId: 'bob', phoneNumber: '+84987654321', balance: 1 * M });
  world.switch.accounts.set(`TCB#${ACCOUNT}`, 'NGO THI LAN');
  world.switch.accounts.set('MOMO#+84901234567', 'TRAN VAN BINH');
});

// Every movement was double-entry, whatever the switch answered.
afterEach(() => {
  expect(world.ledger.trialBalance()).toBe(0);
});

const balance = (walletId: string) => world.ledger.wallet(walletId).balance;
const system = (account: 'SWITCH_CLEARING' | 'SWITCH_SETTLEMENT' | 'RISK_HOLD') =>
  world.ledger.system.get(account) ?? 0;
const monthlyUsed = (customerId: string) => world.ledger.monthly.get(`${customerId}#2026-11`) ?? 0;

const inquire = (who: Person, body: { institutionCode: string; accountNumber?: string; cardNumber?: string }) =>
  createNameInquiry(world.services, who.customerId, body);

/** An EXTERNAL transfer, authorised with the SMS OTP its class B asks for (RULES.md §2: I.3 is at least B). */
async function external(who: Person, amount: number, nameInquiryId?: string, options: { authorize?: boolean } = {}) {
  const q = nameInquiryId ?? (await inquire(who, { institutionCode: 'TCB', accountNumber: ACCOUNT })).nameInquiryId;
  const view = await createTransfer(
    world.services,
    who.customerId,
    who.deviceId,
    { type: 'EXTERNAL', walletId: who.walletId, amount, nameInquiryId: q },
    `k-${Math.random()}`,
  );
  if (view.status !== 'REQUIRES_AUTHENTICATION' || options.authorize === false) return view;
  const challengeId = view.authentication!.challengeId;
  return authorizeTransfer(world.services, who.customerId, who.deviceId, view.transferId, {
    otp: world.sms.otpFor(challengeId),
  });
}

async function refusal(work: Promise<unknown>): Promise<Refusal> {
  try {
    await work;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected a refusal');
}

describe('name inquiries', () => {
  it('names the holder, masks the number and keeps the inquiry 10 minutes', async () => {
    const q = await inquire(alice, { institutionCode: 'TCB', accountNumber: '1903-4567-890' });
    expect(q).toMatchObject({ institutionCode: 'TCB', maskedNumber: '*******7890', payeeName: 'NGO THI LAN' });
    expect(Date.parse(q.expiresAt) - world.clock.now().getTime()).toBe(10 * 60 * 1000);
    const stored = world.ledger.nameInquiries.get(q.nameInquiryId)!;
    expect(JSON.stringify(stored)).not.toContain(ACCOUNT);
  });

  it('finds a wallet at another provider by its phone written any way', async () => {
    const q = await inquire(alice, { institutionCode: 'MOMO', accountNumber: '0901 234 567' });
    expect(q).toMatchObject({ payeeName: 'TRAN VAN BINH', maskedNumber: '******4567' });
  });

  it('refuses an account the switch does not know, another institution list member, and this provider', async () => {
    expect((await refusal(inquire(alice, { institutionCode: 'TCB', accountNumber: '111111111' }))).reason).toBe(
      'payee-account-not-found',
    );
    expect((await refusal(inquire(alice, { institutionCode: 'NOPE', accountNumber: ACCOUNT }))).reason).toBe(
      'validation-failed',
    );
    expect((await refusal(inquire(alice, { institutionCode: 'EWCORE', accountNumber: ACCOUNT }))).reason).toBe(
      'validation-failed',
    );
    expect((await refusal(inquire(alice, { institutionCode: 'VCB', cardNumber: '9704360000000001' }))).reason).toBe(
      'validation-failed',
    );
  });

  it('is for customers who may pay only (RULES.md §5)', async () => {
    world.ledger.customers.get('alice')!.status = 'REGISTERED';
    expect((await refusal(inquire(alice, { institutionCode: 'TCB', accountNumber: ACCOUNT }))).reason).toBe(
      'kyc-required',
    );
  });
});

describe('EXTERNAL: reserved, sent once, then COMPLETED or FAILED with the money back', () => {
  it('completes: the wallet pays, the guarantee account pays the switch, the day records it, the month counts it', async () => {
    const view = await external(alice, 2 * M);
    expect(view).toMatchObject({
      type: 'EXTERNAL',
      status: 'PROCESSING',
      counterparty: { institutionCode: 'TCB', maskedNumber: '*******7890', name: 'NGO THI LAN' },
    });
    expect(balance(alice.walletId)).toBe(8 * M);
    expect(system('SWITCH_CLEARING')).toBe(2 * M);
    expect(monthlyUsed('alice')).toBe(2 * M);
    expect(world.queue.enqueued).toEqual([view.transferId]);

    await settleTransfer(world.services, view.transferId);
    expect(world.switch.sent).toHaveLength(1);
    expect(world.switch.sent[0]).toMatchObject({
      reference: view.transferId,
      to: { institutionCode: 'TCB', number: ACCOUNT },
      amount: 2 * M,
      // Circular 41/2025: the sender's name and masked account travel with the money.
      sender: { institutionCode: 'EWCORE', name: 'NGUYEN VAN ALICE', maskedAccount: '******5678' },
    });
    expect((await getTransfer(world.services, 'alice', view.transferId)).status).toBe('COMPLETED');
    expect(system('SWITCH_CLEARING')).toBe(0);
    // Paid out of the guarantee account as it went (the provider's settlement bank paid the switch).
    expect(system('SWITCH_SETTLEMENT')).toBe(0);
    expect((await reconcileSafeguarding(world.services)).difference).toBe(0);
    const page = await statement(world.services, 'alice', alice.walletId, 10);
    expect(page.items[0]).toMatchObject({ type: 'EXTERNAL', amount: -2 * M, counterparty: 'TCB *******7890' });
    expect(await world.ledger.switchRecords(today(world))).toEqual([
      expect.objectContaining({ reference: view.transferId, direction: 'OUT', amount: 2 * M }),
    ]);

    // A redelivered message learns the outcome and sends nothing.
    await settleTransfer(world.services, view.transferId);
    expect(world.switch.sent).toHaveLength(1);
  });

  it('returns the money and the month room when the switch declines', async () => {
    world.switch.script.push('DECLINED');
    const view = await external(alice, 3 * M);
    await settleTransfer(world.services, view.transferId);
    const t = await getTransfer(world.services, 'alice', view.transferId);
    expect(t).toMatchObject({ status: 'FAILED', failureCode: 'switch-declined' });
    expect(balance(alice.walletId)).toBe(10 * M);
    expect(monthlyUsed('alice')).toBe(0);
    expect(system('SWITCH_CLEARING')).toBe(0);
    const page = await statement(world.services, 'alice', alice.walletId, 10);
    expect(page.items.map((e) => [e.type, e.amount])).toEqual([
      ['EXTERNAL_RETURN', 3 * M],
      ['EXTERNAL', -3 * M],
    ]);
    expect(await world.ledger.switchRecords(today(world))).toEqual([]);
  });

  it('never sends twice when the answer is lost: it asks the status of the reference', async () => {
    world.switch.script.push('UNKNOWN');
    const view = await external(alice, 1 * M);
    await settleTransfer(world.services, view.transferId);
    expect(world.switch.sent).toHaveLength(1);
    expect(world.switch.statusCalls.filter((r) => r === view.transferId).length).toBeGreaterThanOrEqual(2);
    expect((await getTransfer(world.services, 'alice', view.transferId)).status).toBe('COMPLETED');
  });

  it('keeps the transfer PROCESSING while the switch fails, and completes it on a later try', async () => {
    world.switch.script.push('ERROR', 'ERROR', 'ERROR');
    const view = await external(alice, 1 * M);
    await expect(settleTransfer(world.services, view.transferId)).rejects.toBeInstanceOf(SwitchOutcomeUnknown);
    expect((await getTransfer(world.services, 'alice', view.transferId)).status).toBe('PROCESSING');
    expect(balance(alice.walletId)).toBe(9 * M);
    await settleTransfer(world.services, view.transferId);
    expect((await getTransfer(world.services, 'alice', view.transferId)).status).toBe('COMPLETED');
    expect(world.switch.report.get(today(world))).toHaveLength(1);
  });

  it("refuses an expired inquiry, another customer's, and none", async () => {
    const q = await inquire(alice, { institutionCode: 'TCB', accountNumber: ACCOUNT });
    expect((await refusal(external(bob, 100_000, q.nameInquiryId))).reason).toBe('name-inquiry-not-found');
    expect((await refusal(external(alice, 100_000, 'NO-SUCH-INQUIRY'))).reason).toBe('name-inquiry-not-found');
    world.clock.advance(10 * 60 * 1000);
    expect((await refusal(external(alice, 100_000, q.nameInquiryId))).reason).toBe('name-inquiry-expired');
    expect(balance(alice.walletId)).toBe(10 * M);
  });

  it('counts toward the monthly cap of personal wallets (RULES.md §6)', async () => {
    world.ledger.monthly.set('alice#2026-11', 99_800_000);
    const r = await refusal(external(alice, 300_000));
    expect(r.reason).toBe('monthly-limit-exceeded');
    expect(r.facts).toMatchObject({ monthlyRemaining: 200_000 });
    expect((await external(alice, 200_000)).status).toBe('PROCESSING');
  });

  it('refuses a BLOCK-listed account and steps up a WARN-listed one (RULES.md §7)', async () => {
    world.watch('BANK_ACCOUNT', ACCOUNT, 'BLOCK');
    const r = await refusal(external(alice, 1 * M));
    expect(r.reason).toBe('payee-flagged');
    expect(balance(alice.walletId)).toBe(10 * M);
  });

  it('steps up a WARN-listed phone at another provider', async () => {
    world.watch('PHONE', '0901234567', 'WARN');
    const q = await inquire(alice, { institutionCode: 'MOMO', accountNumber: '+84901234567' });
    const view = await external(alice, 100_000, q.nameInquiryId, { authorize: false });
    expect(view).toMatchObject({ status: 'REQUIRES_AUTHENTICATION', warnings: ['payee-flagged'] });
    expect(view.authentication?.class).toBe('C');
  });

  it('holds for review like any transfer: nothing reaches the switch until released, then it goes on', async () => {
    world = moneyWorld({ riskConfig: { ...defaultRiskConfig, watchlist: { warnScore: 70, blockScore: 100 } } });
    alice = world.person({ customerId: 'alice', phoneNumber: '+84912345678', balance: 10 * M });
    world.switch.accounts.set(`TCB#${ACCOUNT}`, 'NGO THI LAN');
    world.watch('BANK_ACCOUNT', ACCOUNT, 'WARN');
    const view = await external(alice, 1 * M, undefined, { authorize: false });
    const challengeId = view.authentication!.challengeId;
    const held = await authorizeTransfer(world.services, 'alice', alice.deviceId, view.transferId, {
      otp: world.sms.otpFor(challengeId),
      biometricAssertion: world.biometric(alice, challengeId),
    });
    expect(held.status).toBe('HELD');
    expect(system('RISK_HOLD')).toBe(1 * M);
    expect(world.queue.enqueued).toEqual([]);
    const caseId = world.ledger.transfer(view.transferId).caseId!;
    await decideCase(
      world.services,
      { subject: 'op-1', groups: ['operators'] },
      {
        caseId,
        decision: 'RELEASE',
        note: 'customer confirmed',
        route: 'POST /v1/ops/cases/{caseId}/decision',
      },
    );
    expect(system('RISK_HOLD')).toBe(0);
    expect(system('SWITCH_CLEARING')).toBe(1 * M);
    expect(world.queue.enqueued).toEqual([view.transferId]);
    await settleTransfer(world.services, view.transferId);
    expect((await getTransfer(world.services, 'alice', view.transferId)).status).toBe('COMPLETED');
    expect(world.switch.sent).toHaveLength(1);
  });
});

describe('incoming credits', () => {
  const credit = (over: Partial<Parameters<typeof receiveSwitchCredit>[1]> = {}) => ({
    reference: 'NAPAS0000001',
    fromInstitutionCode: 'VCB',
    fromAccountNumber: '0071000123456',
    senderName: 'LE VAN CUONG',
    toPhoneNumber: '0987654321',
    amount: 750_000,
    settlementDate: today(world),
    ...over,
  });

  it("lands in the default wallet of the phone's owner once per reference", async () => {
    expect(await receiveSwitchCredit(world.services, credit())).toEqual({
      reference: 'NAPAS0000001',
      status: 'CREDITED',
    });
    expect(await receiveSwitchCredit(world.services, credit())).toEqual({
      reference: 'NAPAS0000001',
      status: 'CREDITED',
    });
    expect(balance(bob.walletId)).toBe(1 * M + 750_000);
    expect(system('SWITCH_SETTLEMENT')).toBe(0); // the money is in the guarantee account (SAFEGUARDING)
    const page = await statement(world.services, 'bob', bob.walletId, 10);
    expect(page.items).toEqual([
      expect.objectContaining({
        type: 'EXTERNAL_IN',
        amount: 750_000,
        counterparty: `VCB ${maskNumber('0071000123456')}`,
      }),
    ]);
    expect(monthlyUsed('bob')).toBe(0);
  });

  it('returns a credit to a frozen wallet or an unknown phone, and answers the same when asked again', async () => {
    world.ledger.wallets.get(bob.walletId)!.status = 'FROZEN';
    const frozen = await receiveSwitchCredit(world.services, credit({ reference: 'NAPAS0000002' }));
    expect(frozen).toEqual({ reference: 'NAPAS0000002', status: 'RETURNED', reason: 'wallet-frozen' });
    world.ledger.wallets.get(bob.walletId)!.status = 'ACTIVE';
    expect(await receiveSwitchCredit(world.services, credit({ reference: 'NAPAS0000002' }))).toEqual(frozen);
    expect(balance(bob.walletId)).toBe(1 * M);
    const unknown = await receiveSwitchCredit(
      world.services,
      credit({ reference: 'NAPAS0000003', toPhoneNumber: '0911111111' }),
    );
    expect(unknown).toMatchObject({ status: 'RETURNED', reason: 'payee-not-found' });
  });
});

describe('the books', () => {
  it('reconciles a day with the switch and finds what either side is missing', async () => {
    const out = await external(alice, 1 * M);
    await settleTransfer(world.services, out.transferId);
    await receiveSwitchCredit(world.services, {
      reference: 'NAPAS0000009',
      fromInstitutionCode: 'VCB',
      fromAccountNumber: '0071000123456',
      toPhoneNumber: '0987654321',
      amount: 500_000,
      settlementDate: today(world),
    });
    const day = today(world);
    // The fake switch reported only what it sent; the credit it delivered is added as it would report it.
    world.switch.report.get(day)!.push({ reference: 'NAPAS0000009', direction: 'IN', amount: 500_000 });
    expect(await reconcileSwitch(world.services, day)).toEqual({ date: day, matched: 2, mismatches: [] });
    world.switch.report.get(day)!.push({ reference: 'PLANTED01', direction: 'OUT', amount: 7 });
    expect((await reconcileSwitch(world.services, day)).mismatches).toEqual([
      { reference: 'PLANTED01', kind: 'MISSING_HERE', theirs: { direction: 'OUT', amount: 7 } },
    ]);
  });

  it('keeps the safeguarding difference at 0 with switch transfers in flight and settled', async () => {
    const first = await external(alice, 2 * M);
    expect((await reconcileSafeguarding(world.services)).difference).toBe(0);
    await settleTransfer(world.services, first.transferId);
    world.bank.guarantee += 300_000; // the incoming money reaches the guarantee account first
    await receiveSwitchCredit(world.services, {
      reference: 'NAPAS0000010',
      fromInstitutionCode: 'VCB',
      fromAccountNumber: '0071000123456',
      toPhoneNumber: '0987654321',
      amount: 300_000,
      settlementDate: today(world),
    });
    const r = await reconcileSafeguarding(world.services);
    expect(r).toMatchObject({ difference: 0, inFlight: 0, shortfall: 0 });
  });

  it('keeps the guarantee account covering the wallets through a credit from the switch (the money arrived there first)', async () => {
    const before = await reconcileSafeguarding(world.services);
    expect(before.shortfall).toBe(0);
    world.bank.guarantee += 400_000;
    await receiveSwitchCredit(world.services, {
      reference: 'NAPAS0000011',
      fromInstitutionCode: 'VCB',
      fromAccountNumber: '0071000123456',
      toPhoneNumber: '0987654321',
      amount: 400_000,
      settlementDate: today(world),
    });
    const after = await reconcileSafeguarding(world.services);
    expect(after).toMatchObject({ difference: 0, shortfall: 0 });
    expect(after.walletBalances).toBe(before.walletBalances + 400_000);
    // Had the money not reached the guarantee account, the rule's own measure would show it.
    world.bank.guarantee -= 400_000;
    expect((await reconcileSafeguarding(world.services)).shortfall).toBeGreaterThan(0);
  });

  it('names every mismatch kind (pure)', () => {
    expect(
      reconcileSwitchDay(
        [
          { reference: 'A', direction: 'OUT', amount: 1 },
          { reference: 'B', direction: 'IN', amount: 2 },
          { reference: 'C', direction: 'OUT', amount: 3 },
        ],
        [
          { reference: 'A', direction: 'OUT', amount: 1 },
          { reference: 'B', direction: 'IN', amount: 5 },
          { reference: 'D', direction: 'IN', amount: 4 },
        ],
      ),
    ).toEqual({
      matched: 1,
      mismatches: [
        {
          reference: 'B',
          kind: 'AMOUNT_DIFFERS',
          ours: { direction: 'IN', amount: 2 },
          theirs: { direction: 'IN', amount: 5 },
        },
        { reference: 'C', kind: 'MISSING_THERE', ours: { direction: 'OUT', amount: 3 } },
        { reference: 'D', kind: 'MISSING_HERE', theirs: { direction: 'IN', amount: 4 } },
      ],
    });
  });

  it('canonicalises payees as the lists and the switch key them (pure)', () => {
    expect(switchPayeeOf({ institutionCode: 'ZALOPAY', accountNumber: '84 90 123 4567' }, 'EWCORE')).toMatchObject({
      kind: 'WALLET_PHONE',
      number: '+84901234567',
    });
    expect(switchPayeeOf({ institutionCode: 'VCB', cardNumber: '9704 3600 0000 0008' }, 'EWCORE')).toMatchObject({
      kind: 'CARD',
    });
    expect(maskNumber('+84901234567')).toBe('******4567');
  });
});
