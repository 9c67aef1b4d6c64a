import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'promptparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  as,
  assertion,
  authorize,
  bankAccount,
  type Customer,
  expectLedgerConsistent,
  expectProblem,
  fundedCustomer,
  identity,
  link,
  openWallet,
  register,
  sleep,
  type TransferView,
  topUp,
  type VerifiedCustomer,
  waitFor,
} from './client.ts';

// The merchant side of API.md v1.1 over HTTP: payment requests with their VietQR payload (read by
// an independent EMVCo parser), payers racing for one request, refunds (partial, full, too much,
// in parallel, another merchant's), and signed webhooks received by a server of the test's own on
// 127.0.0.1 (redelivered after a 500, every delivery's signature checked).

interface Shop extends VerifiedCustomer {
  walletId: string;
}

let enterpriseSeq = randomInt(10_000_000, 89_999_999);

/** The conformance kit's shop: an organisation whose KYC names it a merchant, with an ACTIVE wallet. */
async function shop(displayName = 'Quán Thu'): Promise<Shop> {
  const c: Customer = await register();
  const rep = identity();
  const legalName = 'Hộ kinh doanh Quán Thu';
  const enterpriseCode = `01${enterpriseSeq++}`;
  const r = await as(c)('POST', '/v1/me/kyc', {
    kind: 'ORGANIZATION',
    legalName,
    shortName: 'QUAN THU',
    enterpriseCode,
    headOfficeAddress: '5 Hàng Mành, Hoàn Kiếm, Hà Nội',
    tradingAddress: '5 Hàng Mành, Hoàn Kiếm, Hà Nội',
    phoneNumber: '02439871234',
    legalRepresentative: { ...rep, ekycAssertion: await assertion(rep) },
    merchant: { displayName, mcc: '5812' },
  });
  expect(r.json?.status, JSON.stringify(r.json)).toBe('VERIFIED');
  const w = await openWallet(c);
  const account = await bankAccount({ name: legalName, idNumber: enterpriseCode });
  await link(c, w.walletId, { bankCode: account.bankCode, accountNumber: account.accountNumber });
  return { ...c, identity: rep, softOtpSecret: r.json.softOtp.secret, walletId: w.walletId };
}

async function paymentRequest(s: Shop, body: Record<string, unknown> = {}) {
  const r = await as(s)('POST', '/v1/merchant/payment-requests', {
    walletId: s.walletId,
    amount: 45_000,
    orderRef: 'BUN-CHA-42',
    ...body,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json as { paymentRequestId: string; status: string; qrPayload: string; amount: number; expiresAt: string };
}

/** A PAYMENT of a class A amount (≤ 5M): it completes at once or is refused. */
const pay = (payer: VerifiedCustomer & { walletId: string }, paymentRequestId: string) =>
  as(payer)<TransferView & { paymentRequestId?: string; refundedAmount?: number }>('POST', '/v1/transfers', {
    type: 'PAYMENT',
    walletId: payer.walletId,
    paymentRequestId,
  });

/** A refund, created: class C for an organisation, so it waits for the soft OTP of the shop's device. */
async function refund(s: Shop, originalTransferId: string, amount: number) {
  const created = await as(s)<TransferView>('POST', '/v1/transfers', {
    type: 'REFUND',
    walletId: s.walletId,
    amount,
    originalTransferId,
  });
  return created;
}

describe('payment requests (the conformance scenario)', () => {
  it('answers a VietQR payload an independent EMVCo parser reads, is paid once, and shows PAID', async () => {
    const s = await shop();
    const pr = await paymentRequest(s);
    expect(pr).toMatchObject({ status: 'OPEN', amount: 45_000, orderRef: 'BUN-CHA-42', walletId: s.walletId });

    const qr = parse(pr.qrPayload, true, true);
    expect(qr, pr.qrPayload).not.toBeNull();
    expect(qr!.validate('63')).toBe(true); // CRC-16/CCITT-FALSE, computed by the parser itself
    expect(qr!.getTagValue('00')).toBe('01');
    expect(qr!.getTagValue('01')).toBe('12');
    expect(qr!.getTagValue('38', '00')).toBe('A000000727');
    expect(qr!.getTagValue('38', '02')).toBe('QRPUSH');
    expect(qr!.getTagValue('38', '01')).toContain(s.walletId);
    expect(qr!.getTagValue('52')).toBe('5812');
    expect(qr!.getTagValue('53')).toBe('704');
    expect(qr!.getTagValue('54')).toBe('45000');
    expect(qr!.getTagValue('58')).toBe('VN');
    expect(qr!.getTagValue('59')).toBe('Quan Thu');
    expect(qr!.getTagValue('60')).toBe('HA NOI');
    expect(qr!.getTagValue('62', '01')).toBe('BUN-CHA-42');
    expect(qr!.getTagValue('62', '05')).toBe(pr.paymentRequestId);

    const customer = await fundedCustomer();
    await topUp(customer, 100_000);
    const paid = await pay(customer, pr.paymentRequestId);
    expect(paid.status, JSON.stringify(paid.json)).toBe(201);
    expect(paid.json).toMatchObject({ status: 'COMPLETED', amount: 45_000, paymentRequestId: pr.paymentRequestId });
    expect((await waitFor(customer, paid.json.transferId)).status).toBe('COMPLETED');

    const after = await as(s)('GET', `/v1/merchant/payment-requests/${pr.paymentRequestId}`);
    expect(after.json).toMatchObject({ status: 'PAID', transferId: paid.json.transferId });
    expect((await as(s)('GET', `/v1/wallets/${s.walletId}`)).json.balance).toBe(45_000);
  });

  it('refuses a paid request with 409 payment-request-paid and an expired one with 422 payment-request-expired', async () => {
    const s = await shop();
    const customer = await fundedCustomer();
    await topUp(customer, 200_000);
    const pr = await paymentRequest(s);
    expect((await pay(customer, pr.paymentRequestId)).status).toBe(201);
    expectProblem(await pay(customer, pr.paymentRequestId), 409, 'payment-request-paid');

    const short = await paymentRequest(s, { expiresInSeconds: 1, orderRef: 'BUN-CHA-43' });
    await sleep(1_200);
    expectProblem(await pay(customer, short.paymentRequestId), 422, 'payment-request-expired');
    expect((await as(s)('GET', `/v1/merchant/payment-requests/${short.paymentRequestId}`)).json.status).toBe('EXPIRED');
  });

  it('is for merchant organisations and their own wallets only', async () => {
    const s = await shop();
    const person = await fundedCustomer();
    expectProblem(
      await as(person)('POST', '/v1/merchant/payment-requests', {
        walletId: person.walletId,
        amount: 1,
        orderRef: 'X',
      }),
      403,
      'forbidden',
    );
    expectProblem(
      await as(s)('POST', '/v1/merchant/payment-requests', { walletId: person.walletId, amount: 1, orderRef: 'X' }),
      404,
      'not-found',
    );
    const other = await shop('Phở Hà');
    const pr = await paymentRequest(s);
    expectProblem(await as(other)('GET', `/v1/merchant/payment-requests/${pr.paymentRequestId}`), 404, 'not-found');
  });
});

describe('20 payers racing for one payment request', () => {
  it('completes exactly one payment; the others are refused and keep their money', async () => {
    const s = await shop();
    const payers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const c = await fundedCustomer();
        await topUp(c, 100_000);
        return c;
      }),
    );
    const pr = await paymentRequest(s);
    const answers = await Promise.all(payers.map((p) => pay(p, pr.paymentRequestId)));
    const won = answers.filter((a) => a.status === 201);
    expect(won, JSON.stringify(answers.map((a) => [a.status, (a.json as { code?: string }).code]))).toHaveLength(1);
    expect(won[0]!.json.status).toBe('COMPLETED');
    for (const lost of answers.filter((a) => a.status !== 201)) expectProblem(lost, 409, 'payment-request-paid');

    const after = await as(s)('GET', `/v1/merchant/payment-requests/${pr.paymentRequestId}`);
    expect(after.json).toMatchObject({ status: 'PAID', transferId: won[0]!.json.transferId });
    const entries = await expectLedgerConsistent(s, s.walletId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ amount: 45_000, transferId: won[0]!.json.transferId });
    const balances = await Promise.all(
      payers.map(async (p) => (await as(p)('GET', `/v1/wallets/${p.walletId}`)).json.balance as number),
    );
    expect(balances.filter((b) => b === 55_000)).toHaveLength(1);
    expect(balances.filter((b) => b === 100_000)).toHaveLength(19);
  });
});

describe('refunds', () => {
  let s: Shop;
  let payer: Awaited<ReturnType<typeof fundedCustomer>>;
  let paymentId: string;

  beforeAll(async () => {
    [s, payer] = await Promise.all([shop(), fundedCustomer()]);
    await topUp(payer, 1_000_000);
  });

  const payOnce = async (amount: number) => {
    const pr = await paymentRequest(s, { amount, orderRef: `ORDER-${randomInt(1e9)}` });
    const paid = await pay(payer, pr.paymentRequestId);
    expect(paid.status, JSON.stringify(paid.json)).toBe(201);
    return paid.json.transferId;
  };

  it('gives part, then the rest, of a payment back to the payer; more than the payment is refused', async () => {
    paymentId = await payOnce(300_000);
    const before = (await as(payer)('GET', `/v1/wallets/${payer.walletId}`)).json.balance;
    const limits = (await as(payer)('GET', '/v1/me')).json.limits.monthlyUsed;

    const partial = await refund(s, paymentId, 100_000);
    expect(partial.status, JSON.stringify(partial.json)).toBe(201);
    expect(partial.json).toMatchObject({ type: 'REFUND', status: 'REQUIRES_AUTHENTICATION' });
    expect(partial.json.authentication).toMatchObject({ class: 'C', methods: ['SOFT_OTP'] });
    expect((await authorize(s, partial.json)).json).toMatchObject({
      status: 'COMPLETED',
      originalTransferId: paymentId,
    });

    const rest = await refund(s, paymentId, 200_000);
    expect((await authorize(s, rest.json)).json.status).toBe('COMPLETED');

    expectProblem(await refund(s, paymentId, 1), 422, 'refund-exceeds-payment');
    const payment = await as(payer)('GET', `/v1/transfers/${paymentId}`);
    expect(payment.json).toMatchObject({ status: 'COMPLETED', refundedAmount: 300_000 });
    expect((await as(payer)('GET', `/v1/wallets/${payer.walletId}`)).json.balance).toBe(before + 300_000);
    // Refunds received count toward none of the payer's caps (RULES.md §6).
    expect((await as(payer)('GET', '/v1/me')).json.limits.monthlyUsed).toBe(limits);
    const entries = await expectLedgerConsistent(payer, payer.walletId);
    expect(entries.filter((e) => e.type === 'REFUND').map((e) => e.amount)).toEqual([200_000, 100_000]);
  });

  it("replays the payment's first answer after a refund (refundedAmount as it was then)", async () => {
    const pr = await paymentRequest(s, { amount: 50_000, orderRef: `ORDER-${randomInt(1e9)}` });
    const key = `pay-${randomInt(1e9)}`;
    const body = { type: 'PAYMENT', walletId: payer.walletId, paymentRequestId: pr.paymentRequestId };
    const first = await as(payer)('POST', '/v1/transfers', body, { idempotencyKey: key });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const r = await refund(s, first.json.transferId, 20_000);
    expect((await authorize(s, r.json)).json.status).toBe('COMPLETED');
    const again = await as(payer)('POST', '/v1/transfers', body, { idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
  });

  it('refuses at once a refund above the payment, before the balance', async () => {
    const id = await payOnce(50_000);
    expectProblem(await refund(s, id, 50_001), 422, 'refund-exceeds-payment');
  });

  it('lets parallel refunds pass only while their sum stays within the payment', async () => {
    const id = await payOnce(100_000);
    const waiting = await Promise.all(Array.from({ length: 5 }, () => refund(s, id, 30_000)));
    for (const w of waiting) expect(w.status, JSON.stringify(w.json)).toBe(201);
    const done = await Promise.all(waiting.map((w) => authorize(s, w.json)));
    const completed = done.filter((d) => d.status === 200 && d.json.status === 'COMPLETED');
    expect(completed).toHaveLength(3);
    for (const d of done.filter((x) => x.status !== 200)) expectProblem(d, 422, 'refund-exceeds-payment');
    expect((await as(payer)('GET', `/v1/transfers/${id}`)).json.refundedAmount).toBe(90_000);
    await expectLedgerConsistent(s, s.walletId);
  });

  it("answers 404 for another merchant's payment", async () => {
    const id = await payOnce(20_000);
    const other = await shop('Phở Hà');
    expectProblem(
      await as(other)('POST', '/v1/transfers', {
        type: 'REFUND',
        walletId: other.walletId,
        amount: 1_000,
        originalTransferId: id,
      }),
      404,
      'not-found',
    );
    // Nor may the payer refund itself.
    expectProblem(
      await as(payer)('POST', '/v1/transfers', {
        type: 'REFUND',
        walletId: payer.walletId,
        amount: 1_000,
        originalTransferId: id,
      }),
      404,
      'not-found',
    );
  });
});

describe('webhooks', () => {
  interface Received {
    at: number;
    body: string;
    signature: string;
    valid: boolean;
  }
  let server: Server;
  let url: string;
  let secret = '';
  const received: Received[] = [];
  /** Event ids answered 500 once already. */
  const failedOnce = new Set<string>();

  /** What a merchant's receiver does (docs/merchants.md): HMAC-SHA256 of `t.body`, compared in constant time. */
  const valid = (header: string, body: string) => {
    const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
    const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
    const given = Buffer.from(parts.v1 ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = String(req.headers['wallet-signature'] ?? '');
        received.push({ at: Date.now(), body, signature, valid: valid(signature, body) });
        const { id, type } = JSON.parse(body) as { id: string; type: string };
        // The first delivery of each payment.completed fails: the wallet must try again.
        const fail = type === 'payment.completed' && !failedOnce.has(id);
        if (fail) failedOnce.add(id);
        res.writeHead(fail ? 500 : 200).end();
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/wallet`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const eventsOf = (type: string, predicate: (data: Record<string, unknown>) => boolean) =>
    received.filter((r) => {
      const e = JSON.parse(r.body) as { type: string; data: Record<string, unknown> };
      return e.type === type && predicate(e.data);
    });

  async function until<T>(what: () => T | undefined, ms: number, label: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = what();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${label}`);
      await sleep(200);
    }
  }

  it('refuses URLs that are not public https (only http to 127.0.0.1 locally)', async () => {
    const s = await shop();
    for (const bad of ['http://shop.example.vn/hook', 'https://10.0.0.7/hook', 'https://169.254.169.254/x']) {
      expectProblem(
        await as(s)('PUT', '/v1/merchant/webhook', { url: bad, events: ['payment.completed'] }),
        400,
        'validation-failed',
      );
    }
    const person = await fundedCustomer();
    expectProblem(
      await as(person)('PUT', '/v1/merchant/webhook', { url, events: ['payment.completed'] }),
      403,
      'forbidden',
    );
  });

  it('delivers payment.completed signed, again after a 500 with the same id, and lists the deliveries', async () => {
    const s = await shop();
    const set = await as(s)('PUT', '/v1/merchant/webhook', {
      url,
      events: ['payment.completed', 'refund.completed', 'payment-request.expired'],
    });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json).toMatchObject({
      url,
      events: ['payment.completed', 'refund.completed', 'payment-request.expired'],
    });
    secret = set.json.secret;
    expect(secret).toMatch(/^whsec_/);

    const customer = await fundedCustomer();
    await topUp(customer, 100_000);
    const pr = await paymentRequest(s);
    const paid = await pay(customer, pr.paymentRequestId);
    expect(paid.status).toBe(201);
    const transferId = paid.json.transferId;

    const [first, second] = await until(
      () => {
        const got = eventsOf('payment.completed', (d) => d.transferId === transferId);
        return got.length >= 2 ? got : undefined;
      },
      45_000,
      'the payment.completed redelivery',
    );
    const [a, b] = [JSON.parse(first!.body), JSON.parse(second!.body)];
    expect(a.id).toBe(b.id);
    expect(first!.body).toBe(second!.body);
    expect(a).toMatchObject({
      type: 'payment.completed',
      data: { transferId, status: 'COMPLETED', amount: 45_000, paymentRequestId: pr.paymentRequestId },
    });
    expect(typeof a.createdAt).toBe('string');
    // The first retry within 30 seconds (API.md).
    expect(second!.at - first!.at).toBeLessThan(30_000);

    let deliveries: { items: { eventId: string; status: string; attempts: number; lastStatusCode?: number }[] } = {
      items: [],
    };
    for (let i = 0; i < 50; i++) {
      deliveries = (await as(s)('GET', '/v1/merchant/webhook/deliveries')).json;
      if (deliveries.items.find((d) => d.eventId === a.id)?.status === 'DELIVERED') break;
      await sleep(200);
    }
    expect(deliveries.items.find((d) => d.eventId === a.id)).toMatchObject({
      type: 'payment.completed',
      status: 'DELIVERED',
      attempts: 2,
      lastStatusCode: 200,
    });

    // refund.completed, once
    const r = await refund(s, transferId, 5_000);
    expect((await authorize(s, r.json)).json.status).toBe('COMPLETED');
    const refunded = await until(
      () => eventsOf('refund.completed', (d) => d.transferId === r.json.transferId)[0],
      30_000,
      'refund.completed',
    );
    expect(JSON.parse(refunded.body).data).toMatchObject({ type: 'REFUND', originalTransferId: transferId });

    // payment-request.expired, from the expiry sweep (every minute in AWS; on demand here)
    const short = await paymentRequest(s, { expiresInSeconds: 1, orderRef: 'EXPIRING-1' });
    await sleep(1_100);
    const sweep = await api('POST', '/sandbox/jobs/payment-request-expiry');
    expect(sweep.status).toBe(200);
    const expired = await until(
      () => eventsOf('payment-request.expired', (d) => d.paymentRequestId === short.paymentRequestId)[0],
      30_000,
      'payment-request.expired',
    );
    expect(JSON.parse(expired.body).data).toMatchObject({ status: 'EXPIRED', orderRef: 'EXPIRING-1' });

    // Never a delivery with a bad signature.
    expect(received.length).toBeGreaterThanOrEqual(4);
    expect(received.filter((x) => !x.valid)).toEqual([]);
  });

  it('sends nothing for events the merchant did not ask for', async () => {
    const s = await shop();
    const set = await as(s)('PUT', '/v1/merchant/webhook', { url, events: ['refund.completed'] });
    expect(set.status).toBe(200);
    const customer = await fundedCustomer();
    await topUp(customer, 100_000);
    const pr = await paymentRequest(s);
    const paid = await pay(customer, pr.paymentRequestId);
    expect(paid.status).toBe(201);
    await sleep(2_000);
    expect(eventsOf('payment.completed', (d) => d.transferId === paid.json.transferId)).toEqual([]);
    expect((await as(s)('GET', '/v1/merchant/webhook/deliveries')).json.items).toEqual([]);
  });
});
