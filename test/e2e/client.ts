import { createHash, generateKeyPairSync, type KeyObject, randomInt, randomUUID, sign } from 'node:crypto';
import { expect, inject } from 'vitest';
import { contract } from '../support/contract.ts';

// A small HTTP client for the e2e suite: what a mobile app does, nothing more.

let elsewhere: string | undefined;
/** Points this test file's calls at another API (a runtime of its own, with another stage configuration). */
export const useApi = (url: string | undefined): void => {
  elsewhere = url;
};
export const baseUrl = (): string => elsewhere ?? inject('baseUrl');

export interface Reply<T = any> {
  status: number;
  json: T;
  contentType: string;
  headers: Headers;
}

/** A device's own key pair (API.md v1.1 "Device binding"): what the app keeps in its secure enclave. */
export interface DeviceKey {
  privateKey: KeyObject;
  /** The public JWK, `{ kty: 'EC', crv: 'P-256', x, y }`: the `devicePublicKey` of KYC and device trust. */
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
}

export function deviceKey(): DeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty: 'EC', crv: 'P-256', x: x!, y: y! } };
}

const b64url = (value: string | object) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * An RFC 9449 DPoP proof of one request: header `{ typ: 'dpop+jwt', alg: 'ES256', jwk }`, claims
 * `htm`, `htu` (the base URL and the path, no query), `iat`, a fresh `jti`, and `ath` (base64url
 * SHA-256 of the access token) on calls that carry one.
 */
export function dpopProof(key: DeviceKey, method: string, path: string, token?: string): string {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk };
  const claims = {
    htm: method,
    htu: baseUrl() + path.split('?')[0],
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ...(token ? { ath: createHash('sha256').update(token).digest('base64url') } : {}),
  };
  const input = `${b64url(header)}.${b64url(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string;
  device?: string;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** A `DPoP` header: a fresh proof of this request signed by this key, or this proof as it is (a replay). */
  dpop?: DeviceKey | string;
}

export async function api<T = any>(method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.device) headers['x-device-id'] = options.device;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.dpop) {
    headers.dpop =
      typeof options.dpop === 'string' ? options.dpop : dpopProof(options.dpop, method, path, options.token);
  }
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
  const contentType = res.headers.get('content-type') ?? '';
  // Every answer keeps docs/openapi.json, or the test that got it fails (test/support/contract.ts).
  contract().check({ method, path, status: res.status, contentType, body: json });
  return { status: res.status, json, contentType, headers: res.headers };
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
  /** The key the device is bound to, if any: `as(c)` then signs a fresh DPoP proof for every call. */
  deviceKey?: DeviceKey;
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

/**
 * Calls as the customer: token, device, and a fresh Idempotency-Key on POST; from a device bound to
 * a key (`c.deviceKey`, or `defaults.dpop`), a fresh DPoP proof on every call (`dpop: undefined` in
 * a call's options sends none).
 */
export function as(c: Customer, defaults: CallOptions = {}) {
  return <T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}) =>
    api<T>(method, path, {
      body,
      token: c.token,
      device: c.device,
      idempotencyKey: method === 'POST' ? randomUUID() : undefined,
      ...(c.deviceKey ? { dpop: c.deviceKey } : {}),
      ...defaults,
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

// ---------------------------------------------------------------------------------------------
// Money movement (ported from ../shared/conformance/client.mjs): transfers, step-up
// authentication with whatever factors the challenge names, polling, and ledger checks.

import { ocra } from '../../functions/core/domain/soft-otp.ts';

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export interface Authentication {
  class: 'A' | 'B' | 'C' | 'D';
  methods: ('OTP' | 'BIOMETRIC' | 'SOFT_OTP')[];
  challengeId: string;
  expiresAt: string;
}

export interface TransferView {
  transferId: string;
  type: 'TOPUP' | 'WITHDRAWAL' | 'P2P' | 'PAYMENT';
  status: string;
  walletId: string;
  amount: number;
  authentication?: Authentication;
  failureCode?: string;
  toWalletId?: string;
  merchantId?: string;
  createdAt: string;
  completedAt?: string;
}

/** A wallet that can move money: its owner, its id and the bank link top-ups come from. */
export interface Funded extends VerifiedCustomer {
  walletId: string;
  linkId: string;
}

/** The factors of one challenge, computed the way the app does (API.md `authorize`). */
export async function factorsFor(c: VerifiedCustomer, a: Authentication): Promise<Record<string, string>> {
  const body: Record<string, string> = {};
  if (a.methods.includes('OTP')) body.otp = await otpFor(c.phone, a.challengeId);
  if (a.methods.includes('BIOMETRIC')) body.biometricAssertion = await assertion(c.identity, { nonce: a.challengeId });
  if (a.methods.includes('SOFT_OTP')) body.softOtp = ocra(c.softOtpSecret, a.challengeId);
  return body;
}

/** POST /v1/transfers/{id}/authorize bringing every factor the transfer's challenge names. */
export async function authorize(c: VerifiedCustomer, t: TransferView): Promise<Reply<TransferView>> {
  expect(t.authentication, `transfer ${t.transferId} has no authentication block`).toBeDefined();
  return as(c)<TransferView>('POST', `/v1/transfers/${t.transferId}/authorize`, await factorsFor(c, t.authentication!));
}

/** Polls GET /v1/transfers/{id} until it leaves PROCESSING / REQUIRES_AUTHENTICATION. */
export async function waitFor(c: Customer, transferId: string, ms = 30_000): Promise<TransferView> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await as(c)<TransferView>('GET', `/v1/transfers/${transferId}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    if (!['PROCESSING', 'REQUIRES_AUTHENTICATION'].includes(r.json.status) || Date.now() > until) return r.json;
    await sleep(150);
  }
}

export interface TransferOutcome {
  /** The reply to POST /v1/transfers. */
  created: Reply<TransferView>;
  /** Every challenge met on the way (a class that rose meanwhile brings a new one). */
  challenges: Authentication[];
  /** A refused authorize call, if any. */
  refusal?: Reply;
  /** The transfer in its final state, when it got there. */
  final?: TransferView;
}

/** Creates a transfer, authorises it with whatever it asks for (again if asked again), waits for the end. */
export async function transfer(
  c: VerifiedCustomer,
  body: Record<string, unknown>,
  options: CallOptions = {},
): Promise<TransferOutcome> {
  const created = await as(c)<TransferView>('POST', '/v1/transfers', body, options);
  const outcome: TransferOutcome = { created, challenges: [] };
  if (created.status !== 201) return outcome;
  let t = created.json;
  for (let round = 0; t.status === 'REQUIRES_AUTHENTICATION' && round < 4; round++) {
    outcome.challenges.push(t.authentication!);
    const r = await authorize(c, t);
    if (r.status !== 200) {
      outcome.refusal = r;
      return outcome;
    }
    t = r.json;
  }
  outcome.final = await waitFor(c, t.transferId);
  return outcome;
}

/** A transfer that must end COMPLETED; returns it. */
export async function completed(c: VerifiedCustomer, body: Record<string, unknown>): Promise<TransferView> {
  const o = await transfer(c, body);
  expect(o.final?.status, JSON.stringify(o.refusal?.json ?? o.final ?? o.created.json)).toBe('COMPLETED');
  return o.final!;
}

/** Top-up from the wallet's linked bank (class A up to 10M: RULES.md §2, top-ups outside the counters). */
export async function topUp(c: Funded, amount: number, walletId = c.walletId, linkId = c.linkId) {
  return completed(c, { type: 'TOPUP', walletId, linkId, amount });
}

/** Funds a wallet with `total` VND in parallel class A top-ups of at most 10M each. */
export async function fund(c: Funded, total: number, walletId = c.walletId, linkId = c.linkId) {
  const parts: number[] = [];
  for (let left = total; left > 0; left -= 10_000_000) parts.push(Math.min(left, 10_000_000));
  await Promise.all(parts.map((amount) => topUp(c, amount, walletId, linkId)));
}

/** An ACTIVE individual wallet with its bank link. */
export async function fundedCustomer(total = 0): Promise<ActiveCustomer> {
  const c = await activeCustomer();
  if (total > 0) await fund(c, total);
  return c;
}

/** Another ACTIVE wallet of the same customer, linked to another account of theirs. */
export async function anotherWallet(c: VerifiedCustomer): Promise<{ walletId: string; linkId: string }> {
  const w = await openWallet(c);
  const account = await bankAccount(holderOf(c));
  const l = await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
  return { walletId: w.walletId, linkId: l.linkId };
}

let enterpriseSeq = randomInt(10_000_000, 89_999_999);

/** A merchant: an organisation that passed KYC with `merchant`, with an ACTIVE wallet (its merchantId). */
export async function merchant(
  profile: { essentialCategory?: string } = {},
): Promise<Customer & { walletId: string; merchantId: string }> {
  const c = await register();
  const rep = identity();
  const legalName = 'Công ty TNHH Phở Hà Nội';
  const enterpriseCode = `04${enterpriseSeq++}`;
  const r = await as(c)('POST', '/v1/me/kyc', {
    kind: 'ORGANIZATION',
    legalName,
    shortName: 'PHO HA NOI',
    enterpriseCode,
    headOfficeAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
    tradingAddress: '12 Hàng Bông, Hoàn Kiếm, Hà Nội',
    phoneNumber: '02439876543',
    legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
    merchant: { displayName: 'Phở Hà Nội', mcc: '5812', ...profile },
  });
  expect(r.json?.status, JSON.stringify(r.json)).toBe('VERIFIED');
  const w = await openWallet(c);
  const account = await bankAccount({ name: legalName, idNumber: enterpriseCode });
  await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
  return { ...c, walletId: w.walletId, merchantId: w.walletId };
}

export async function balanceOf(c: Customer, walletId: string): Promise<number> {
  const r = await as(c)('GET', `/v1/wallets/${walletId}`);
  expect(r.status).toBe(200);
  return r.json.balance;
}

export interface StatementEntry {
  entryId: string;
  transferId: string;
  type: string;
  amount: number;
  balanceAfter: number;
  counterparty?: string;
  createdAt: string;
}

/** Every statement entry of a wallet, newest first, following the cursor. */
export async function statementOf(c: Customer, walletId: string): Promise<StatementEntry[]> {
  const entries: StatementEntry[] = [];
  let cursor: string | undefined;
  do {
    const q = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const r = await as(c)('GET', `/v1/wallets/${walletId}/statement${q}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    entries.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return entries;
}

/**
 * Waits until nothing waits in a busy wallet's inbox (docs/merchants.md): its balance sums the
 * inbox shards, its statement lists what the sweeper folded in. At once for any other wallet.
 */
export async function inboxDrained(walletId: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await api('GET', `/sandbox/money-events/${walletId}`);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    if (r.json.pendingCount === 0) return;
    if (Date.now() > until) throw new Error(`the sweeper is behind on ${walletId}: ${JSON.stringify(r.json)}`);
    await sleep(50);
  }
}

/**
 * Ledger invariants seen through the API: the statement adds up to the balance, each entry's
 * balanceAfter follows from the one before it, and no balance is ever negative. A busy wallet's
 * inbox is drained first: until then its balance also counts the credits not folded in yet.
 */
export async function expectLedgerConsistent(c: Customer, walletId: string): Promise<StatementEntry[]> {
  await inboxDrained(walletId);
  const [balance, entries] = await Promise.all([balanceOf(c, walletId), statementOf(c, walletId)]);
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(balance);
  expect(entries[0]?.balanceAfter ?? 0).toBe(balance);
  entries.forEach((e, i) => {
    const before = entries[i + 1]?.balanceAfter ?? 0;
    expect(e.balanceAfter, `entry ${i} of ${walletId}`).toBe(before + e.amount);
    expect(e.balanceAfter).toBeGreaterThanOrEqual(0);
  });
  expect(new Set(entries.map((e) => e.entryId)).size).toBe(entries.length);
  return entries;
}

/** GET /v1/me `limits`. */
export async function limitsOf(c: Customer): Promise<{
  monthlyCap: number;
  monthlyUsed: number;
  essentialCap: number;
  essentialUsed: number;
  month: string;
}> {
  const r = await as(c)('GET', '/v1/me');
  expect(r.status).toBe(200);
  return r.json.limits;
}

/** A staff member in these Cognito groups, signed in (the sandbox creates one: POST /sandbox/operators). */
export interface Staff {
  token: string;
  /** The Cognito `sub` the audit trail names as actor. */
  sub: string;
}

export async function staff(groups: string[] = ['operators']): Promise<Staff> {
  const r = await api('POST', '/sandbox/operators', {
    body: {
      username: `ops-${randomUUID().slice(0, 8)}@example.test`,
      password: `Ops!pass-${randomUUID().slice(0, 6)}A1`,
      groups,
    },
  });
  expect(r.status).toBe(201);
  const token = r.json.accessToken as string;
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
  return { token, sub: claims.sub };
}

/**
 * Waits until the after-commit consumer has learnt every committed entry of these wallets (the
 * risk engine reads what it learnt: a test about risk features waits for it, as a fraudster's
 * next move would come after it in practice).
 */
export async function afterCommitSettled(walletIds: string[], ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (const walletId of walletIds) {
    for (;;) {
      const r = await api('GET', `/sandbox/money-events/${walletId}`);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      if (r.json.learntVersion >= r.json.walletVersion) break;
      if (Date.now() > until)
        throw new Error(`the after-commit consumer is behind on ${walletId}: ${JSON.stringify(r.json)}`);
      await sleep(50);
    }
  }
}
