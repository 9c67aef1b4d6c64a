import { beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../functions/core/domain/customer.ts';
import type { MoneyKeys } from '../../functions/core/ports/ledger.ts';
import { createTransfer, type TransferRequest } from '../../functions/core/use-cases/transfers/create-transfer.ts';
import { clearanceOf } from '../../functions/core/use-cases/transfers/snapshots.ts';
import { type MoneyWorld, moneyWorld, type Person } from '../support/money-fakes.ts';

// RULES.md §5, §7 on the create path, against the in-memory fakes: a payee is screened by every
// identifier it has (wallet, its owner's phones and ID number) however the payer named it, in as
// few sequential reads as the keys allow (counted here: each `ledger.read` is one BatchGetItem).

const M = 1_000_000;
let world: MoneyWorld;
let alice: Person;
let reads: MoneyKeys[];
let n = 0;
/** Ids no other test used: the create path remembers payee owners per process. */
const fresh = (name: string) => `${name}-${++n}`;

beforeEach(() => {
  world = moneyWorld();
  alice = world.person({ customerId: fresh('alice'), phoneNumber: '+84912345678', balance: 50 * M });
  reads = [];
  const read = world.ledger.read.bind(world.ledger);
  world.ledger.read = async (keys: MoneyKeys) => {
    reads.push(keys);
    return read(keys);
  };
});

const create = (request: Omit<TransferRequest, 'walletId'>) =>
  createTransfer(
    world.services,
    alice.customerId,
    alice.deviceId,
    { walletId: alice.walletId, ...request },
    fresh('k'),
  );

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => ({ reason: 'accepted' }),
    (error: { reason: string }) => ({ reason: error.reason }),
  );

/** A merchant organisation with a legal representative and a declared (landline) phone. */
function shop(input: { phoneNumber: string; declaredPhone?: string; representativeId?: string }) {
  const m = world.merchant({ customerId: fresh('shop'), phoneNumber: input.phoneNumber });
  const customer = world.ledger.customers.get(m.customerId)!;
  customer.organization = {
    legalName: 'Công ty TNHH Phở Hà Nội',
    shortName: 'PHO HA NOI',
    enterpriseCode: '0101234567',
    headOfficeAddress: '12 Hàng Bông',
    tradingAddress: '12 Hàng Bông',
    phoneNumber: input.declaredPhone ?? '02439876543',
  };
  const rep = input.representativeId ?? '001090012345';
  customer.identity = {
    fullName: 'Trần Thị Bình',
    nationality: 'VN',
    idNumberHash: world.keyRing.macSync('id-number', rep),
    idNumberMask: `*********${rep.slice(-3)}`,
    idNumberEnc: world.keyRing.encryptSync(rep),
    dateOfBirthEnc: world.keyRing.encryptSync('1980-01-01'),
    idExpiryDate: '2040-01-01',
  };
  return m;
}

describe('the payee is screened by every identifier, however it was named', () => {
  it.each(['0987654321', '+84 987 654 321', '84987654321', '0987.654.321'])(
    'refuses a payee named by wallet id whose phone is listed as %s',
    async (listed) => {
      const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
      world.watch('PHONE', listed, 'BLOCK');
      expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: bob.walletId }))).toEqual({
        reason: 'payee-flagged',
      });
      expect(await refusalOf(create({ type: 'P2P', amount: M, toPhoneNumber: '+84987654321' }))).toEqual({
        reason: 'payee-flagged',
      });
    },
  );

  it('refuses a payee named by wallet id whose ID number is listed with spaces', async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
    world.watch('ID_NUMBER', bob.idNumber.replace(/(\d{3})(?=\d)/g, '$1 '), 'BLOCK');
    expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: bob.walletId }))).toEqual({
      reason: 'payee-flagged',
    });
  });

  it("steps a payee up to class C when its owner's ID number is WARN-listed", async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
    world.watch('ID_NUMBER', bob.idNumber, 'WARN');
    expect(await create({ type: 'P2P', amount: M, toWalletId: bob.walletId })).toMatchObject({
      authentication: { class: 'C' },
      warnings: ['payee-flagged'],
    });
  });

  it("refuses a payment to a merchant whose registered phone, declared phone or representative's ID is listed", async () => {
    const a = shop({ phoneNumber: '+84961111111' });
    world.watch('PHONE', '096 111 1111', 'BLOCK');
    const b = shop({ phoneNumber: '+84962222222', declaredPhone: '02438889999' });
    world.watch('PHONE', '(024) 3888.9999', 'BLOCK');
    const c = shop({ phoneNumber: '+84963333333', representativeId: '079123456789' });
    world.watch('ID_NUMBER', '079-123-456-789', 'BLOCK');
    const clean = shop({ phoneNumber: '+84964444444', representativeId: '079123456780' });
    for (const m of [a, b, c]) {
      expect(await refusalOf(create({ type: 'PAYMENT', amount: M, merchantId: m.walletId }))).toEqual({
        reason: 'payee-flagged',
      });
    }
    expect(await create({ type: 'PAYMENT', amount: M, merchantId: clean.walletId })).toMatchObject({
      status: 'COMPLETED',
    });
  });

  it('refuses a payee whose wallets are frozen as listed (payee-flagged), not as inactive', async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
    world.ledger.wallets.get(bob.walletId)!.status = 'FROZEN';
    expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: bob.walletId }))).toEqual({
      reason: 'payee-not-active',
    });
    world.watch('PHONE', bob.phoneNumber, 'BLOCK');
    expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: bob.walletId }))).toEqual({
      reason: 'payee-flagged',
    });
  });

  it('screens the payer by its ID number too (risk-blocked)', async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
    world.watch('ID_NUMBER', alice.idNumber, 'BLOCK');
    expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: bob.walletId }))).toEqual({
      reason: 'risk-blocked',
    });
  });

  it('no longer counts an entry an operator cleared for that customer (a false positive)', async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84987654321' });
    world.watch('PHONE', bob.phoneNumber, 'BLOCK');
    const hash = world.keyRing.macSync('watchlist:PHONE', '+84987654321');
    (world.ledger.customers.get(bob.customerId) as Customer).screeningCleared = [
      clearanceOf({ kind: 'PHONE', valueHash: hash }),
    ];
    const view = await create({ type: 'P2P', amount: M, toWalletId: bob.walletId });
    expect(view).toMatchObject({ toWalletId: bob.walletId, status: 'REQUIRES_AUTHENTICATION' });
    expect(view).not.toHaveProperty('warnings');
    // The clearance is this customer's: another customer named by the entry is still refused.
    world.ledger.phones.delete('+84987654321');
    const carol = world.person({ customerId: fresh('carol'), phoneNumber: '+84987654321' });
    expect(await refusalOf(create({ type: 'P2P', amount: M, toWalletId: carol.walletId }))).toEqual({
      reason: 'payee-flagged',
    });
  });
});

describe('sequential reads on the create path', () => {
  it('reads twice for a P2P between own wallets: the payee is the payer, nothing new to read', async () => {
    world.wallet(alice.customerId, { walletId: fresh('W-savings') });
    const savings = [...world.ledger.wallets.values()].find(
      (w) => w.ownerId === alice.customerId && w.walletId !== alice.walletId,
    )!;
    await create({ type: 'P2P', amount: M, toWalletId: savings.walletId });
    expect(reads).toHaveLength(2);
    expect(reads[1]).not.toHaveProperty('customerId');
  });

  it('pays a merchant in three reads the first time (its customer, then its entries), two once its owner is known', async () => {
    const m = shop({ phoneNumber: '+84965555555' });
    await create({ type: 'PAYMENT', amount: M, merchantId: m.walletId });
    expect(reads).toHaveLength(3);
    reads.length = 0;
    await create({ type: 'PAYMENT', amount: M, merchantId: m.walletId });
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({ payeeCustomerId: m.customerId });
  });

  it('sends to a phone in three reads the first time, two once its owner is known, and follows a phone that moved', async () => {
    const bob = world.person({ customerId: fresh('bob'), phoneNumber: '+84977777777' });
    expect(await create({ type: 'P2P', amount: M, toPhoneNumber: '+84977777777' })).toMatchObject({
      toWalletId: bob.walletId,
    });
    expect(reads).toHaveLength(3);
    reads.length = 0;
    expect(await create({ type: 'P2P', amount: M, toPhoneNumber: '+84977777777' })).toMatchObject({
      toWalletId: bob.walletId,
    });
    expect(reads).toHaveLength(2);

    // The number now belongs to someone else (a phone change): the hint is wrong, the answer is not.
    world.ledger.phones.delete('+84977777777');
    const carol = world.person({ customerId: fresh('carol'), phoneNumber: '+84977777777' });
    world.watch('ID_NUMBER', carol.idNumber, 'BLOCK');
    reads.length = 0;
    expect(await refusalOf(create({ type: 'P2P', amount: M, toPhoneNumber: '+84977777777' }))).toEqual({
      reason: 'payee-flagged',
    });
    expect(reads).toHaveLength(3);
  });
});
