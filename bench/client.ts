// A small HTTP client for the harness: what a mobile app does to get a customer to a funded
// wallet (the e2e suite's client depends on vitest, so this is its minimal twin).
import { randomInt, randomUUID } from 'node:crypto';

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API.
  json: any;
}

export interface Customer {
  phone: string;
  password: string;
  device: string;
  customerId: string;
  token: string;
  identity: Identity;
}

export interface Identity {
  fullName: string;
  dateOfBirth: string;
  nationality: string;
  idNumber: string;
  idExpiryDate: string;
}

export interface Funded extends Customer {
  /** Wallet A: linked to a bank account and funded by a top-up. */
  walletId: string;
  linkId: string;
  /** Wallet B: a second wallet of the same owner (class A own-wallet transfers go A → B). */
  secondWalletId: string;
}

export interface Merchant extends Customer {
  walletId: string;
}

let phoneSeq = randomInt(10_000_000, 89_999_999);
let idSeq = randomInt(100_000_000, 899_999_999);
let accountSeq = randomInt(10_000_000, 89_999_999);
let enterpriseSeq = randomInt(10_000_000, 89_999_999);

export class WalletClient {
  constructor(readonly baseUrl: string) {}

  async call(
    method: string,
    path: string,
    options: { body?: unknown; customer?: Customer; idempotencyKey?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.customer) {
      headers.authorization = `Bearer ${options.customer.token}`;
      headers['x-device-id'] = options.customer.device;
      if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
    }
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  async expect(status: number, reply: Promise<Reply>, what: string): Promise<Reply> {
    const r = await reply;
    if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r;
  }

  async otpFor(phone: string, reference: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const r = await this.call('GET', `/sandbox/sms?phoneNumber=${encodeURIComponent(phone)}&reference=${reference}`);
      const hit = r.json?.items?.find((m: { otp?: string }) => m.otp);
      if (hit) return hit.otp;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`no OTP for ${phone} / ${reference}`);
  }

  // ---- onboarding, one step at a time (the capacity phase measures each step alone) ----

  newPhone = (): string => `09${String(phoneSeq++).padStart(8, '0')}`;

  newIdentity = (): Identity => ({
    fullName: 'Nguyễn Văn An',
    dateOfBirth: '1990-04-12',
    nationality: 'VN',
    idNumber: `079${String(idSeq++).padStart(9, '0')}`,
    idExpiryDate: '2040-04-12',
  });

  async startRegistration(phone: string): Promise<string> {
    const r = await this.expect(
      201,
      this.call('POST', '/v1/registrations', { body: { phoneNumber: phone } }),
      'register',
    );
    return r.json.registrationId;
  }

  async confirm(registrationId: string, otp: string, password: string, device: string): Promise<string> {
    const r = await this.expect(
      201,
      this.call('POST', `/v1/registrations/${registrationId}/confirm`, { body: { otp, password, deviceId: device } }),
      'confirm',
    );
    return r.json.customerId;
  }

  async signIn(phone: string, password: string, device: string): Promise<string> {
    const r = await this.expect(
      200,
      this.call('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId: device } }),
      'sign-in',
    );
    return r.json.accessToken;
  }

  async assertion(id: Pick<Identity, 'idNumber' | 'fullName' | 'dateOfBirth'>, nonce?: string): Promise<string> {
    const r = await this.expect(
      201,
      this.call('POST', '/sandbox/ekyc/assertions', {
        body: {
          idNumber: id.idNumber,
          fullName: id.fullName,
          dateOfBirth: id.dateOfBirth,
          faceMatch: true,
          liveness: true,
          source: 'CCCD_CHIP',
          ...(nonce ? { nonce } : {}),
        },
      }),
      'eKYC assertion',
    );
    return r.json.assertion;
  }

  async kyc(c: Customer, assertion: string): Promise<void> {
    const r = await this.expect(
      200,
      this.call('POST', '/v1/me/kyc', {
        customer: c,
        body: { kind: 'INDIVIDUAL', ...c.identity, idDocumentType: 'CCCD_CHIP', ekycAssertion: assertion },
      }),
      'KYC',
    );
    if (r.json.status !== 'VERIFIED') throw new Error(`KYC: ${JSON.stringify(r.json)}`);
  }

  async openWallet(c: Customer): Promise<string> {
    const r = await this.expect(201, this.call('POST', '/v1/wallets', { customer: c, body: {} }), 'open wallet');
    return r.json.walletId;
  }

  async bankAccount(holderName: string, idNumber: string): Promise<{ bankCode: string; accountNumber: string }> {
    const account = { bankCode: 'VCB', accountNumber: `10${accountSeq++}` };
    await this.expect(
      201,
      this.call('POST', '/sandbox/bank/accounts', {
        body: { ...account, holderName, idNumber, balance: 2_000_000_000 },
      }),
      'sandbox bank account',
    );
    return account;
  }

  async link(c: Customer, walletId: string, account: { bankCode: string; accountNumber: string }): Promise<string> {
    const r = await this.expect(
      201,
      this.call('POST', `/v1/wallets/${walletId}/links`, { customer: c, body: account }),
      'link',
    );
    return r.json.linkId;
  }

  async transfer(c: Customer, body: Record<string, unknown>): Promise<Reply> {
    return this.call('POST', '/v1/transfers', { customer: c, body });
  }

  // ---- whole journeys, for the population of the load phases ----

  async verifiedCustomer(): Promise<Customer> {
    const phone = this.newPhone();
    const registrationId = await this.startRegistration(phone);
    const otp = await this.otpFor(phone, registrationId);
    const password = `Str0ng!pass-${randomInt(1e6)}`;
    const device = randomUUID();
    const customerId = await this.confirm(registrationId, otp, password, device);
    const token = await this.signIn(phone, password, device);
    const c: Customer = { phone, password, device, customerId, token, identity: this.newIdentity() };
    await this.kyc(c, await this.assertion(c.identity));
    return c;
  }

  /** A verified customer with a linked, funded wallet A and an empty wallet B. `settle` posts the top-up. */
  async fundedCustomer(amount: number, settle: (transferId: string) => Promise<void>): Promise<Funded> {
    const c = await this.verifiedCustomer();
    const walletId = await this.openWallet(c);
    const linkId = await this.link(c, walletId, await this.bankAccount(c.identity.fullName, c.identity.idNumber));
    const secondWalletId = await this.openWallet(c);
    // A wallet moves no money, in or out, until it is linked (RULES.md §6).
    await this.link(c, secondWalletId, await this.bankAccount(c.identity.fullName, c.identity.idNumber));
    for (let left = amount; left > 0; left -= 10_000_000) {
      const r = await this.expect(
        201,
        this.transfer(c, { type: 'TOPUP', walletId, linkId, amount: Math.min(left, 10_000_000) }),
        'top-up',
      );
      await settle(r.json.transferId);
    }
    return { ...c, walletId, linkId, secondWalletId };
  }

  /** An organisation that passed KYC as a merchant, with an ACTIVE wallet (its merchantId). */
  async merchant(): Promise<Merchant> {
    const phone = this.newPhone();
    const registrationId = await this.startRegistration(phone);
    const otp = await this.otpFor(phone, registrationId);
    const password = `Str0ng!pass-${randomInt(1e6)}`;
    const device = randomUUID();
    const customerId = await this.confirm(registrationId, otp, password, device);
    const token = await this.signIn(phone, password, device);
    const rep = this.newIdentity();
    const c: Customer = { phone, password, device, customerId, token, identity: rep };
    const legalName = 'Công ty TNHH Phở Hà Nội';
    const enterpriseCode = `04${enterpriseSeq++}`;
    const r = await this.expect(
      200,
      this.call('POST', '/v1/me/kyc', {
        customer: c,
        body: {
          kind: 'ORGANIZATION',
          legalName,
          shortName: 'PHO HA NOI',
          enterpriseCode,
          headOfficeAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
          tradingAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
          phoneNumber: '02439876543',
          legalRepresentative: { ...rep, ekycAssertion: await this.assertion(rep) },
          merchant: { displayName: 'Phở Hà Nội', mcc: '5812' },
        },
      }),
      'merchant KYC',
    );
    if (r.json.status !== 'VERIFIED') throw new Error(`merchant KYC: ${JSON.stringify(r.json)}`);
    const walletId = await this.openWallet(c);
    await this.link(c, walletId, await this.bankAccount(legalName, enterpriseCode));
    return { ...c, walletId };
  }
}

/** Runs `task` for 0..n-1 with at most `parallel` at a time. */
export async function pool<T>(n: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}
