import { randomInt, randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';

// A small HTTP client for the e2e suite: what a mobile app does, nothing more.

export const baseUrl = (): string => inject('baseUrl');

export interface Reply<T = any> {
  status: number;
  json: T;
  contentType: string;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  device?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export async function api<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.device) headers['x-device-id'] = options.device;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const res = await fetch(baseUrl() + path, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json, contentType: res.headers.get('content-type') ?? '', headers: res.headers };
}

export function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.json?.code }).toEqual({ status, code });
  expect(reply.contentType).toContain('application/problem+json');
  expect(reply.json).toMatchObject({ type: `/problems/${code}`, status });
  expect(typeof reply.json.title).toBe('string');
}

let phoneSeq = randomInt(10_000_000, 89_999_999);
export const newPhone = (): string => `09${String(phoneSeq++).padStart(8, '0')}`;
export const strongPassword = (): string => `Str0ng!pass-${randomInt(1e6)}`;

export async function otpFor(phone: string, reference: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const r = await api('GET', `/sandbox/sms?phoneNumber=${encodeURIComponent(phone)}&reference=${reference}`);
    const hit = r.json?.items?.find((m: { otp?: string }) => m.otp);
    if (hit) return hit.otp;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no OTP for ${phone} / ${reference}`);
}

export interface Customer {
  phone: string;
  password: string;
  device: string;
  customerId: string;
  token: string;
}

export async function startRegistration(phone = newPhone()) {
  const r = await api('POST', '/v1/registrations', { body: { phoneNumber: phone } });
  expect(r.status).toBe(201);
  return { phone, registrationId: r.json.registrationId as string, expiresAt: r.json.expiresAt as string };
}

export async function register(): Promise<Customer> {
  const { phone, registrationId } = await startRegistration();
  const otp = await otpFor(phone, registrationId);
  const password = strongPassword();
  const device = randomUUID();
  const confirmed = await api('POST', `/v1/registrations/${registrationId}/confirm`, {
    body: { otp, password, deviceId: device },
  });
  expect(confirmed.status).toBe(201);
  const session = await api('POST', '/v1/sessions', { body: { phoneNumber: phone, password, deviceId: device } });
  expect(session.status).toBe(200);
  return { phone, password, device, customerId: confirmed.json.customerId, token: session.json.accessToken };
}

/** Calls as the customer: token, device, and a fresh Idempotency-Key on POST. */
export function as(c: Customer) {
  return <T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}) =>
    api<T>(method, path, {
      body,
      token: c.token,
      device: c.device,
      idempotencyKey: method === 'POST' ? randomUUID() : undefined,
      ...options,
    });
}

let idSeq = randomInt(100_000_000, 899_999_999);
export const newIdNumber = (): string => `079${String(idSeq++).padStart(9, '0')}`;

export interface Identity {
  fullName: string;
  dateOfBirth: string;
  nationality: string;
  idNumber: string;
  idExpiryDate: string;
}

export const identity = (overrides: Partial<Identity> = {}): Identity => ({
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-04-12',
  nationality: 'VN',
  idNumber: newIdNumber(),
  idExpiryDate: '2040-04-12',
  ...overrides,
});

export async function assertion(
  id: Pick<Identity, 'idNumber' | 'fullName' | 'dateOfBirth'>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await api('POST', '/sandbox/ekyc/assertions', {
    body: {
      idNumber: id.idNumber,
      fullName: id.fullName,
      dateOfBirth: id.dateOfBirth,
      faceMatch: true,
      liveness: true,
      source: 'CCCD_CHIP',
      ...extra,
    },
  });
  expect(r.status).toBe(201);
  return r.json.assertion;
}

export interface VerifiedCustomer extends Customer {
  identity: Identity;
  softOtpSecret: string;
}

export async function kyc(c: Customer, id: Identity = identity(), ekycAssertion?: string) {
  return as(c)('POST', '/v1/me/kyc', {
    kind: 'INDIVIDUAL',
    ...id,
    idDocumentType: 'CCCD_CHIP',
    ekycAssertion: ekycAssertion ?? (await assertion(id)),
  });
}

export async function verifiedCustomer(id: Identity = identity()): Promise<VerifiedCustomer> {
  const c = await register();
  const r = await kyc(c, id);
  expect(r.json.status).toBe('VERIFIED');
  return { ...c, identity: id, softOtpSecret: r.json.softOtp.secret };
}

export async function openWallet(c: Customer) {
  const r = await as(c)('POST', '/v1/wallets', {});
  expect(r.status).toBe(201);
  return r.json as { walletId: string; status: string; balance: number; currency: string };
}

export async function signInOn(c: Customer, device: string) {
  const r = await api('POST', '/v1/sessions', {
    body: { phoneNumber: c.phone, password: c.password, deviceId: device },
  });
  expect(r.status).toBe(200);
  return { ...c, device, token: r.json.accessToken as string, deviceTrusted: r.json.deviceTrusted as boolean };
}

let accountSeq = randomInt(10_000_000, 89_999_999);
export const newAccountNumber = (): string => `10${accountSeq++}`;

export function luhnCard(valid = true, bin = '970436'): string {
  const body = bin + String(randomInt(1e9)).padStart(9, '0');
  for (let d = 0; d < 10; d++) {
    const candidate = body + d;
    const ok =
      [...candidate].reverse().reduce((s, ch, i) => {
        let x = Number(ch);
        if (i % 2) {
          x *= 2;
          if (x > 9) x -= 9;
        }
        return s + x;
      }, 0) %
        10 ===
      0;
    if (ok === valid) return candidate;
  }
  throw new Error('unreachable');
}

export interface BankAccount {
  bankCode: string;
  accountNumber: string;
  cardNumber?: string;
}

export async function bankAccount(
  holder: { name: string; idNumber: string },
  {
    balance = 2_000_000_000,
    bankCode = 'VCB',
    cardNumber,
  }: { balance?: number; bankCode?: string; cardNumber?: string } = {},
): Promise<BankAccount> {
  const accountNumber = newAccountNumber();
  const r = await api('POST', '/sandbox/bank/accounts', {
    body: {
      bankCode,
      accountNumber,
      holderName: holder.name,
      idNumber: holder.idNumber,
      balance,
      ...(cardNumber ? { cardNumber } : {}),
    },
  });
  expect(r.status).toBe(201);
  return { bankCode, accountNumber, ...(cardNumber ? { cardNumber } : {}) };
}

export const holderOf = (c: VerifiedCustomer) => ({ name: c.identity.fullName, idNumber: c.identity.idNumber });

export async function link(c: Customer, walletId: string, instrument: Record<string, string>) {
  const r = await as(c)('POST', `/v1/wallets/${walletId}/links`, instrument);
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { linkId: string; bankCode: string; maskedNumber: string; status: string };
}

export interface ActiveCustomer extends VerifiedCustomer {
  walletId: string;
  linkId: string;
  account: BankAccount;
}

export async function activeCustomer(): Promise<ActiveCustomer> {
  const c = await verifiedCustomer();
  const w = await openWallet(c);
  const account = await bankAccount(holderOf(c));
  const l = await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
  return { ...c, walletId: w.walletId, linkId: l.linkId, account };
}

export async function bankBalance(account: BankAccount): Promise<number> {
  const r = await api('GET', `/sandbox/bank/accounts/${account.bankCode}/${account.accountNumber}`);
  expect(r.status).toBe(200);
  return r.json.balance;
}
