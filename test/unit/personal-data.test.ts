import { describe, expect, it } from 'vitest';
import {
  consentChange,
  consentsAtRegistration,
  consentView,
  dataRequestDueAt,
  erasureRefusal,
  retentionEnds,
} from '../../functions/core/domain/personal-data.ts';
import {
  maskPhone,
  phoneChangedNotice,
  phoneChangeOtpText,
  phoneChangeTarget,
} from '../../functions/core/domain/phone-change.ts';
import { Refusal } from '../../functions/core/domain/refusals.ts';
import type { Wallet } from '../../functions/core/domain/wallet.ts';

// RULES.md §9 (Law 91/2025, Decree 356/2025) and §5 (Circular 77/2025): the rules of consent,
// erasure and phone changes, without I/O.

const at = '2026-03-02T03:00:00.000Z';

describe('consent at registration', () => {
  it('records SERVICE as given and the optional purposes off unless the client gives them', () => {
    expect(consentsAtRegistration(undefined, 'n1', at)).toEqual([
      { purpose: 'SERVICE', granted: true, noticeVersion: 'n1', at },
      { purpose: 'MARKETING', granted: false, noticeVersion: 'n1', at },
      { purpose: 'ANALYTICS', granted: false, noticeVersion: 'n1', at },
    ]);
    const given = consentsAtRegistration([{ purpose: 'ANALYTICS', granted: true }], 'n1', at) as { granted: boolean }[];
    expect(given.map((c) => c.granted)).toEqual([true, false, true]);
  });

  it('refuses a registration that declines SERVICE', () => {
    const r = consentsAtRegistration([{ purpose: 'SERVICE', granted: false }], 'n1', at);
    expect(r).toBeInstanceOf(Refusal);
    expect((r as Refusal).reason).toBe('service-consent-required');
  });

  it('lets optional purposes be withdrawn, never SERVICE', () => {
    expect(consentChange('MARKETING', false, 'n2', at)).toEqual({
      purpose: 'MARKETING',
      granted: false,
      noticeVersion: 'n2',
      at,
    });
    expect((consentChange('SERVICE', false, 'n2', at) as Refusal).reason).toBe('service-consent-required');
    expect(consentChange('SERVICE', true, 'n2', at)).toMatchObject({ granted: true });
  });

  it('never assumes a purpose it has no record of', () => {
    expect(
      consentView([{ purpose: 'SERVICE', granted: true, noticeVersion: 'n1', at }]).map((c) => [c.purpose, c.granted]),
    ).toEqual([
      ['SERVICE', true],
      ['MARKETING', false],
      ['ANALYTICS', false],
    ]);
  });
});

describe('requests and retention', () => {
  it('is due the configured number of days later (72 hours by default)', () => {
    expect(dataRequestDueAt(new Date(at), 3)).toBe('2026-03-05T03:00:00.000Z');
  });

  it('keeps what AML law needs 5 years after the account closed (Law 14/2022 Art. 40)', () => {
    expect(retentionEnds(new Date('2026-03-02T03:00:00Z'))).toBe('2031-03-03');
    // Closed late in the Hanoi evening: the Hanoi day counts.
    expect(retentionEnds(new Date('2026-03-02T18:00:00Z'))).toBe('2031-03-04');
  });
});

const wallet = (over: Partial<Wallet>): Wallet => ({
  walletId: 'W1',
  ownerId: 'C1',
  ownerKind: 'INDIVIDUAL',
  merchant: false,
  status: 'ACTIVE',
  balance: 0,
  currency: 'VND',
  createdAt: at,
  version: 1,
  ...over,
});

describe('erasure', () => {
  it('goes ahead with empty wallets and nothing in flight', () => {
    expect(erasureRefusal([wallet({}), wallet({ walletId: 'W2', status: 'LOCKED' })], 0)).toBeUndefined();
  });

  it('is refused while a wallet holds money or a transfer is in flight', () => {
    const money = erasureRefusal([wallet({ balance: 1 })], 0);
    expect(money?.reason).toBe('account-has-balance');
    expect(money?.facts).toMatchObject({ walletsWithBalance: [{ walletId: 'W1', balance: 1 }], transfersInFlight: 0 });
    expect(erasureRefusal([wallet({})], 1)?.reason).toBe('account-has-balance');
  });

  it('is refused while a freeze holds a wallet', () => {
    expect(erasureRefusal([wallet({ status: 'FROZEN' })], 0)?.reason).toBe('wallet-frozen');
  });
});

describe('phone change: the new number normalised', () => {
  it.each([
    ['0987654321', '+84987654321'],
    ['+84 987 654 321', '+84987654321'],
    ['0987.654.321', '+84987654321'],
  ])('%s is %s', (input, e164) => {
    expect(phoneChangeTarget('+84912345678', input)).toBe(e164);
  });

  it('refuses the current number in any written form, and what is no Vietnamese mobile', () => {
    for (const same of ['0912345678', '+84912345678', '0912 345 678']) {
      const r = phoneChangeTarget('+84912345678', same);
      expect(r).toBeInstanceOf(Refusal);
      expect((r as Refusal).reason).toBe('validation-failed');
    }
    expect((phoneChangeTarget('+84912345678', '024 3987 6543') as Refusal).reason).toBe('validation-failed');
  });

  it('tells the old number without showing the new one in full, and links nowhere', () => {
    expect(maskPhone('+84987654321')).toBe('+84*****4321');
    expect(phoneChangedNotice('+84987654321')).toContain('+84*****4321');
    for (const text of [phoneChangedNotice('+84987654321'), phoneChangeOtpText('123456')]) {
      expect(text).not.toMatch(/https?:|www\./);
    }
  });
});
