import { describe, expect, it } from 'vitest';
import {
  api,
  as,
  bankAccount,
  expectProblem,
  holderOf,
  identity,
  link,
  luhnCard,
  openWallet,
  register,
  verifiedCustomer,
} from './client.ts';

// RULES.md §6 (Decree 52 Art. 6): a wallet moves no money until linked to its owner's own
// account or card, confirmed by the bank.
describe('bank linking', () => {
  it('links an account, masks it and makes the wallet ACTIVE', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const acct = await bankAccount(holderOf(c));
    const l = await link(c, w.walletId, { bankCode: 'VCB', accountNumber: acct.accountNumber });
    expect(l).toMatchObject({
      bankCode: 'VCB',
      status: 'ACTIVE',
      maskedNumber: `${'*'.repeat(acct.accountNumber.length - 4)}${acct.accountNumber.slice(-4)}`,
    });
    expect(l.maskedNumber).not.toContain(acct.accountNumber);
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}`)).json.status).toBe('ACTIVE');
  });

  it('links a debit card by token: the answer shows only BIN and last four', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const card = luhnCard();
    await bankAccount(holderOf(c), { cardNumber: card });
    const l = await link(c, w.walletId, { bankCode: 'VCB', cardNumber: card });
    expect(l.maskedNumber).toBe(`${card.slice(0, 6)}******${card.slice(-4)}`);
    const list = await as(c)('GET', `/v1/wallets/${w.walletId}/links`);
    expect(JSON.stringify(list.json)).not.toContain(card);
    expect(list.json.items).toHaveLength(1);
  });

  it('refuses a card number failing Luhn with validation-failed', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'VCB', cardNumber: luhnCard(false) }),
      400,
      'validation-failed',
    );
  });

  it('refuses an unknown bank code and an account that is not the owner’s', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'NOPE', accountNumber: '1234567890' }),
      400,
      'validation-failed',
    );
    const someoneElse = identity();
    const theirs = await bankAccount({ name: someoneElse.fullName, idNumber: someoneElse.idNumber });
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'VCB', accountNumber: theirs.accountNumber }),
      422,
      'bank-account-owner-mismatch',
    );
    const sameNameOtherId = await bankAccount({ name: c.identity.fullName, idNumber: identity().idNumber });
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, {
        bankCode: 'VCB',
        accountNumber: sameNameOtherId.accountNumber,
      }),
      422,
      'bank-account-owner-mismatch',
    );
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}`)).json.status).toBe('PENDING_LINK');
  });

  it('refuses the same account twice on one wallet, allows several links', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const a1 = await bankAccount(holderOf(c));
    const a2 = await bankAccount(holderOf(c), { bankCode: 'TCB' });
    await link(c, w.walletId, { bankCode: 'VCB', accountNumber: a1.accountNumber });
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'VCB', accountNumber: a1.accountNumber }),
      409,
      'link-exists',
    );
    await link(c, w.walletId, { bankCode: 'TCB', accountNumber: a2.accountNumber });
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}/links`)).json.items).toHaveLength(2);
  });

  it('two racing links of one account: exactly one wins', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const a = await bankAccount(holderOf(c));
    const replies = await Promise.all(
      [1, 2, 3].map(() =>
        as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'VCB', accountNumber: a.accountNumber }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('removes links; the last one of an empty wallet goes and the wallet waits for a link again', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const a1 = await bankAccount(holderOf(c));
    const a2 = await bankAccount(holderOf(c));
    const l1 = await link(c, w.walletId, { bankCode: 'VCB', accountNumber: a1.accountNumber });
    const l2 = await link(c, w.walletId, { bankCode: 'VCB', accountNumber: a2.accountNumber });
    expect((await as(c)('DELETE', `/v1/wallets/${w.walletId}/links/${l1.linkId}`)).status).toBe(200);
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}`)).json.status).toBe('ACTIVE');
    expectProblem(await as(c)('DELETE', `/v1/wallets/${w.walletId}/links/${l1.linkId}`), 404, 'not-found');
    expect((await as(c)('DELETE', `/v1/wallets/${w.walletId}/links/${l2.linkId}`)).status).toBe(200);
    expect((await as(c)('GET', `/v1/wallets/${w.walletId}`)).json.status).toBe('PENDING_LINK');
    // A removed account may be linked again.
    await link(c, w.walletId, { bankCode: 'VCB', accountNumber: a1.accountNumber });
  });

  it('needs KYC', async () => {
    const c = await register();
    expectProblem(await as(c)('POST', '/v1/wallets', {}), 403, 'kyc-required');
  });

  it('links an organisation’s account by legal name and enterprise code', async () => {
    const c = await register();
    const rep = identity();
    const enterpriseCode = `01${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const { fullName, dateOfBirth, idNumber } = rep;
    const assertion = (
      await api('POST', '/sandbox/ekyc/assertions', {
        body: { fullName, dateOfBirth, idNumber, faceMatch: true, liveness: true },
      })
    ).json.assertion;
    const kyc = await as(c)('POST', '/v1/me/kyc', {
      kind: 'ORGANIZATION',
      legalName: 'Công ty Cổ phần Bún Chả',
      shortName: 'BUN CHA',
      enterpriseCode,
      headOfficeAddress: 'Hà Nội',
      tradingAddress: 'Hà Nội',
      phoneNumber: '02439123456',
      legalRepresentative: {
        fullName: rep.fullName,
        dateOfBirth: rep.dateOfBirth,
        nationality: 'VN',
        idNumber: rep.idNumber,
        idExpiryDate: rep.idExpiryDate,
        ekycAssertion: assertion,
      },
    });
    expect(kyc.json.status).toBe('VERIFIED');
    const w = await openWallet(c);
    const personal = await bankAccount({ name: rep.fullName, idNumber: rep.idNumber });
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, {
        bankCode: 'VCB',
        accountNumber: personal.accountNumber,
      }),
      422,
      'bank-account-owner-mismatch',
    );
    const company = await bankAccount({ name: 'CONG TY CO PHAN BUN CHA', idNumber: enterpriseCode });
    await link(c, w.walletId, { bankCode: 'VCB', accountNumber: company.accountNumber });
  });
});

describe('links are private', () => {
  it('another customer can neither link nor list nor remove on a wallet that is not theirs (404)', async () => {
    const owner = await verifiedCustomer();
    const w = await openWallet(owner);
    const a = await bankAccount(holderOf(owner));
    const l = await link(owner, w.walletId, { bankCode: 'VCB', accountNumber: a.accountNumber });
    const intruder = await verifiedCustomer();
    const theirs = await bankAccount(holderOf(intruder));
    expectProblem(
      await as(intruder)('POST', `/v1/wallets/${w.walletId}/links`, {
        bankCode: 'VCB',
        accountNumber: theirs.accountNumber,
      }),
      404,
      'not-found',
    );
    expectProblem(await as(intruder)('GET', `/v1/wallets/${w.walletId}/links`), 404, 'not-found');
    expectProblem(await as(intruder)('DELETE', `/v1/wallets/${w.walletId}/links/${l.linkId}`), 404, 'not-found');
    expect((await as(owner)('GET', `/v1/wallets/${w.walletId}/links`)).json.items[0].status).toBe('ACTIVE');
  });
});

describe('links of a stopped wallet', () => {
  it('do not change while the wallet is locked by its owner', async () => {
    const c = await verifiedCustomer();
    const w = await openWallet(c);
    const a1 = await bankAccount(holderOf(c));
    const l1 = await link(c, w.walletId, { bankCode: 'VCB', accountNumber: a1.accountNumber });
    expect((await as(c)('POST', `/v1/wallets/${w.walletId}/lock`, {})).json.status).toBe('LOCKED');
    const a2 = await bankAccount(holderOf(c));
    expectProblem(
      await as(c)('POST', `/v1/wallets/${w.walletId}/links`, { bankCode: 'VCB', accountNumber: a2.accountNumber }),
      403,
      'wallet-locked',
    );
    expectProblem(await as(c)('DELETE', `/v1/wallets/${w.walletId}/links/${l1.linkId}`), 403, 'wallet-locked');
  });
});
