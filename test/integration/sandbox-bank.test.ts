import { randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { SandboxBank, SandboxBankPort } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { container } from '../../functions/core/container.ts';
import { linkBank, listLinks } from '../../functions/core/use-cases/bank-links.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { verifiedCustomer } from '../support/journeys.ts';

// The sandbox bank is the outside world settlement code is tested against: its own promises
// (idempotency, faults, the guarantee account) must hold first.

const table = () => process.env.SANDBOX_BANK_TABLE_NAME!;
// A guarantee account of its own: the wallet's safeguarding reconciliation in other suites must
// not see money these tests move without the ledger.
const guarantee = { bankCode: 'VCB', accountNumber: '0011000000777', holderName: 'TEST GUARANTEE' };
const bank = () => new SandboxBank(table(), () => new Date(), guarantee);
const port = () => new SandboxBankPort(bank());
let seq = Math.floor(Math.random() * 1e8);

async function account(balance = 10_000_000) {
  const a = {
    bankCode: 'TCB',
    accountNumber: `77${seq++}`,
    holderName: 'Phạm Minh Tuấn',
    idNumber: '079090000001',
    balance,
  };
  await bank().openAccount(a);
  return a;
}

const luhn = (n: string) =>
  [...n].reverse().reduce((s, ch, i) => s + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(ch)]! : Number(ch)), 0) %
    10 ===
  0;

const call = (a: { bankCode: string; accountNumber: string }, amount: number, key = randomUUID()) => ({
  idempotencyKey: key,
  instrument: { bankCode: a.bankCode, accountNumber: a.accountNumber },
  amount,
  description: 'test',
});

// Faults are global to the bank; tests within a file run one at a time.
describe('sandbox bank', () => {
  it('pulls into and pushes from the guarantee account, once per idempotency key', async () => {
    const a = await account();
    const before = await port().guaranteeBalance();
    const pull = call(a, 3_000_000);
    expect((await port().pull(pull)).outcome).toBe('APPLIED');
    expect((await port().pull(pull)).outcome).toBe('APPLIED');
    expect((await bank().account(a.bankCode, a.accountNumber))?.balance).toBe(7_000_000);
    expect(await port().guaranteeBalance()).toBe(before + 3_000_000);

    const push = call(a, 1_000_000);
    await Promise.all([port().push(push), port().push(push), port().push(push)]);
    expect((await bank().account(a.bankCode, a.accountNumber))?.balance).toBe(8_000_000);
    expect(await port().guaranteeBalance()).toBe(before + 2_000_000);
    const movements = (await bank().account(a.bankCode, a.accountNumber))!.movements;
    expect(movements.map((m) => m.amount).sort()).toEqual([-3_000_000, 1_000_000].sort());
  });

  it('declines what the account cannot pay, and remembers the decline', async () => {
    const a = await account(1_000);
    const c = call(a, 5_000);
    expect(await port().pull(c)).toMatchObject({ outcome: 'DECLINED' });
    expect(await port().status(c.idempotencyKey)).toMatchObject({ outcome: 'DECLINED' });
    expect((await bank().account(a.bankCode, a.accountNumber))?.balance).toBe(1_000);
  });

  it('TIMEOUT applies the movement but loses the answer; status tells the truth', async () => {
    const a = await account();
    await bank().setFaults('TIMEOUT', 1);
    const c = call(a, 2_000_000);
    expect((await port().pull(c)).outcome).toBe('UNKNOWN');
    expect(await port().status(c.idempotencyKey)).toMatchObject({ outcome: 'APPLIED' });
    expect((await port().pull(c)).outcome).toBe('APPLIED');
    expect((await bank().account(a.bankCode, a.accountNumber))?.balance).toBe(8_000_000);
  });

  it('ERROR applies nothing; a retry with the same key goes through once', async () => {
    const a = await account();
    await bank().setFaults('ERROR', 2);
    const c = call(a, 1_000_000);
    expect((await port().pull(c)).outcome).toBe('UNKNOWN');
    expect(await port().status(c.idempotencyKey)).toEqual({ outcome: 'NOT_FOUND' });
    expect((await port().pull(c)).outcome).toBe('UNKNOWN');
    expect((await port().pull(c)).outcome).toBe('APPLIED');
    expect((await bank().account(a.bankCode, a.accountNumber))?.balance).toBe(9_000_000);
  });

  it('DECLINE refuses the next N calls, then the bank is healthy again', async () => {
    const a = await account();
    await bank().setFaults('DECLINE', 2);
    expect((await port().push(call(a, 1))).outcome).toBe('DECLINED');
    expect((await port().push(call(a, 1))).outcome).toBe('DECLINED');
    expect((await port().push(call(a, 1))).outcome).toBe('APPLIED');
    await bank().setFaults('DECLINE', 5);
    await bank().setFaults('NONE', 1);
    expect((await port().push(call(a, 1))).outcome).toBe('APPLIED');
  });

  it('verifies owners by ID number and name without diacritics, and tokenises cards', async () => {
    const a = await account();
    const card = `9704070000${String(seq++).slice(-6)}`;
    await bank().openAccount({ ...a, accountNumber: `88${seq++}`, cardNumber: card });
    expect(
      await port().verifyOwner(
        { bankCode: 'TCB', accountNumber: a.accountNumber },
        { name: 'PHAM MINH TUAN', idNumber: a.idNumber },
      ),
    ).toEqual({
      verified: true,
    });
    expect(
      await port().verifyOwner(
        { bankCode: 'TCB', accountNumber: a.accountNumber },
        { name: 'PHAM MINH TUAN', idNumber: '079090000002' },
      ),
    ).toEqual({ verified: false, reason: 'OWNER_MISMATCH' });
    const byCard = await port().verifyOwner(
      { bankCode: 'TCB', cardNumber: card },
      { name: a.holderName, idNumber: a.idNumber },
    );
    expect(byCard).toMatchObject({ verified: true, cardToken: expect.stringMatching(/^tok_/) });
    const pulled = await port().pull({
      ...call(a, 1_000),
      instrument: { bankCode: 'TCB', cardToken: (byCard as { cardToken: string }).cardToken },
    });
    expect(pulled.outcome).toBe('APPLIED');
  });

  it('keeps no full card number in any table after a card is linked', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(container(), c.customerId);
    const card = `970436${String(seq++).padStart(9, '0')}`;
    const valid = [...Array(10).keys()].map((d) => card + d).find((n) => luhn(n))!;
    await bank().openAccount({
      bankCode: 'VCB',
      accountNumber: `66${seq++}`,
      cardNumber: valid,
      holderName: c.identity.fullName,
      idNumber: c.identity.idNumber,
      balance: 0,
    });
    await linkBank(container(), c.customerId, w.walletId, { bankCode: 'VCB', cardNumber: valid });
    expect((await listLinks(container(), c.customerId, w.walletId)).items[0]?.maskedNumber).toBe(
      `${valid.slice(0, 6)}******${valid.slice(-4)}`,
    );
    const db = new DynamoDBClient({});
    for (const TableName of [table(), process.env.WALLET_TABLE_NAME!]) {
      const items = JSON.stringify((await db.send(new ScanCommand({ TableName }))).Items ?? []);
      expect(items.includes(valid), TableName).toBe(false);
      const cardLike = (items.match(/(?<!\d)9704\d{12}(?!\d)/g) ?? []).filter(luhn);
      expect(cardLike, TableName).toEqual([]);
    }
  });
});
