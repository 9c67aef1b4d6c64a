import { afterEach, describe, expect, it } from 'vitest';
import { SandboxBank } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { SandboxSwitch, SandboxSwitchPort } from '../../functions/core/adapters/sandbox/sandbox-switch.ts';
import { SandboxSmsOutbox } from '../../functions/core/adapters/sandbox/sms-outbox.ts';
import { container, overrideServices } from '../../functions/core/container.ts';
import { addDays, businessDay } from '../../functions/core/domain/calendar.ts';
import type { Services } from '../../functions/core/ports/services.ts';
import { linkBank } from '../../functions/core/use-cases/bank-links.ts';
import { createNameInquiry } from '../../functions/core/use-cases/name-inquiry.ts';
import { runSwitchReconciliation } from '../../functions/core/use-cases/reconcile-switch.ts';
import { authorizeTransfer } from '../../functions/core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { settleTransfer } from '../../functions/core/use-cases/transfers/settle.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { verifiedCustomer } from '../support/journeys.ts';

// The switch against the real engines (DynamoDB Local) with an injected clock: what the e2e suite
// cannot wait for. A name inquiry is good for 10 minutes; the scheduled reconciliation takes the
// previous Hanoi business day; the sandbox switch moves a reference once whatever its faults.

const M = 1_000_000;
const original: Services = container();
const table = () => process.env.SANDBOX_BANK_TABLE_NAME!;
let seq = Math.floor(Math.random() * 1e8);

afterEach(() => overrideServices(original));

/** A clock the test moves. */
function clockAt(iso: string) {
  let now = Date.parse(iso);
  const clock = { now: () => new Date(now) };
  overrideServices({ clock });
  return { advance: (ms: number) => (now += ms) };
}

async function payer(balance: number) {
  const c = await verifiedCustomer();
  const wallet = await openWallet(container(), c.customerId);
  const accountNumber = `88${seq++}`;
  await new SandboxBank(table(), () => new Date()).openAccount({
    bankCode: 'VCB',
    accountNumber,
    holderName: c.identity.fullName,
    idNumber: c.identity.idNumber,
    balance: 1_000 * M,
  });
  const link = await linkBank(container(), c.customerId, wallet.walletId, { bankCode: 'VCB', accountNumber });
  const t = await createTransfer(container(), c.customerId, 'd', {
    type: 'TOPUP',
    walletId: wallet.walletId,
    linkId: link.linkId,
    amount: balance,
  });
  await settleTransfer(container(), t.transferId);
  return { ...c, walletId: wallet.walletId };
}

async function payeeAtSwitch() {
  const number = `66${seq++}`;
  await new SandboxSwitch(table(), () => container().clock.now()).openAccount({
    institutionCode: 'BIDV',
    number,
    holderName: 'PHAM THI HOA',
  });
  return number;
}

describe('name inquiries at the real engines', () => {
  it('are good for 10 minutes: a transfer naming one later is name-inquiry-expired, nothing moved', async () => {
    const clock = clockAt(new Date().toISOString());
    const c = await payer(2 * M);
    const number = await payeeAtSwitch();
    const q = await createNameInquiry(container(), c.customerId, { institutionCode: 'BIDV', accountNumber: number });
    clock.advance(10 * 60 * 1000 - 1);
    const inTime = await createTransfer(
      container(),
      c.customerId,
      'd',
      { type: 'EXTERNAL', walletId: c.walletId, amount: 100_000, nameInquiryId: q.nameInquiryId },
      `k-${seq++}`,
    );
    expect(inTime.status).toBe('REQUIRES_AUTHENTICATION');
    clock.advance(1);
    await expect(
      createTransfer(
        container(),
        c.customerId,
        'd',
        { type: 'EXTERNAL', walletId: c.walletId, amount: 100_000, nameInquiryId: q.nameInquiryId },
        `k-${seq++}`,
      ),
    ).rejects.toMatchObject({ reason: 'name-inquiry-expired' });
    expect((await container().wallets.get(c.walletId))?.balance).toBe(2 * M);
  });
});

describe('the sandbox switch', () => {
  it('moves a reference once: a TIMEOUT applies and loses the answer, a repeat returns the first outcome', async () => {
    const sandbox = new SandboxSwitch(table(), () => new Date());
    const port = new SandboxSwitchPort(sandbox);
    const number = await payeeAtSwitch();
    await sandbox.setFaults('TIMEOUT', 1, number);
    const call = {
      reference: `REF${seq++}`,
      to: { institutionCode: 'BIDV', number },
      amount: 250_000,
      sender: { institutionCode: 'EWCORE', name: 'NGUYEN VAN A', maskedAccount: '******5678' },
      description: 'test',
    };
    expect(await port.sendCredit(call)).toMatchObject({ outcome: 'UNKNOWN' });
    expect(await port.status(call.reference)).toMatchObject({ outcome: 'APPLIED' });
    expect(await port.sendCredit(call)).toMatchObject({ outcome: 'APPLIED' });
    const account = await sandbox.account({ institutionCode: 'BIDV', number });
    expect(account).toMatchObject({ balance: 250_000 });
    expect(account!.movements).toHaveLength(1);
    await sandbox.setFaults('ERROR', 1, number);
    const second = { ...call, reference: `REF${seq++}` };
    expect(await port.sendCredit(second)).toMatchObject({ outcome: 'UNKNOWN' });
    expect(await port.status(second.reference)).toEqual({ outcome: 'NOT_FOUND' });
  });
});

describe('the scheduled reconciliation', () => {
  it('takes the previous Hanoi business day and matches what the worker settled that day', async () => {
    // 23:30 in Hanoi: the transfer settles on this business day; the job runs the next morning.
    const clock = clockAt('2026-11-20T16:30:00.000Z');
    const c = await payer(3 * M);
    const number = await payeeAtSwitch();
    const q = await createNameInquiry(container(), c.customerId, { institutionCode: 'BIDV', accountNumber: number });
    const created = await createTransfer(
      container(),
      c.customerId,
      'd',
      { type: 'EXTERNAL', walletId: c.walletId, amount: 1 * M, nameInquiryId: q.nameInquiryId },
      `k-${seq++}`,
    );
    const otp = (
      await new SandboxSmsOutbox(process.env.WALLET_TABLE_NAME!, () => new Date()).list(
        c.phone,
        created.authentication!.challengeId,
      )
    )[0]!.otp!;
    await authorizeTransfer(container(), c.customerId, 'd', created.transferId, { otp });
    await settleTransfer(container(), created.transferId);
    const day = businessDay(container().clock.now());
    expect(day).toBe('2026-11-20');
    clock.advance(10 * 3_600_000); // 09:30 the next day in Hanoi
    const result = await runSwitchReconciliation(container());
    expect(result.date).toBe(day);
    expect(addDays(businessDay(container().clock.now()), -1)).toBe(day);
    expect(result.mismatches.map((m) => m.reference)).not.toContain(created.transferId);
    expect(result.matched).toBeGreaterThanOrEqual(1);
  });
});
