import { randomInt, randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/core/adapters/dynamodb/client.ts';
import { signSandboxAssertion } from '../../functions/core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { SandboxBank } from '../../functions/core/adapters/sandbox/sandbox-bank.ts';
import { container, overrideServices } from '../../functions/core/container.ts';
import type { SmsMessage } from '../../functions/core/ports/sms.ts';
import { openWallet } from '../../functions/core/use-cases/wallets.ts';
import { handler as linking } from '../../functions/linking/api.handler.ts';
import { handler as onboarding } from '../../functions/onboarding/api.handler.ts';
import type { CapabilityName } from '../../functions/routes.ts';
import { handler as settlement } from '../../functions/settlement/queue.handler.ts';
import { handler as transfers } from '../../functions/transfers/api.handler.ts';
import { recordedTableAccess, runAs, ungrantedTableAccess, watchTableAccess } from '../../local/table-grants.ts';
import { newIdNumber, verifiedCustomer } from '../support/journeys.ts';
import { type Answer, type ApiCall, callApi, lambdaContext, sqsEvent } from '../support/lambda-events.ts';

// Issue "abuse limits and secrets at rest", done when: a test scans the idempotency and wallet
// tables after the journey and finds no soft-OTP secret, OTP, full ID, card or account number in
// clear. The journey goes through the real handlers (API Gateway events, the settlement queue's
// SQS event), with Idempotency-Key on KYC and device trust, whose answers carry a soft-OTP secret
// that Powertools keeps to replay them. SMS are caught in memory, as SNS would send them: the
// sandbox outbox, which keeps messages in the wallet table by design, is not in the way.

const M = 1_000_000;
const original = container();
const sent: SmsMessage[] = [];
let stopRecording: () => void;

beforeAll(() => {
  stopRecording = watchTableAccess('record');
});
afterAll(() => {
  overrideServices(original);
  stopRecording();
});

type Handler = Parameters<typeof callApi>[0];
const on = (capability: CapabilityName, handler: Handler) => (call: ApiCall) =>
  runAs(capability, () => callApi(handler, call));
const onboardingApi = on('onboarding', onboarding);
const linkingApi = on('linking', linking);
const transfersApi = on('transfers', transfers);

/** The OTP of the last message to this phone about `reference`. */
const otpOf = (phone: string, reference: string): string => {
  const message = sent.findLast((m) => m.phoneNumber === phone && m.reference === reference && m.otp);
  if (!message?.otp) throw new Error(`no OTP for ${phone} about ${reference}`);
  return message.otp;
};

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
/** A 16-digit card number that passes the Luhn check. */
function cardNumber(): string {
  const body = `9704${digits(11)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every string in an item, however deep (the idempotency record keeps its answer as JSON text). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('secrets at rest after a customer journey through the handlers', () => {
  it('keeps no soft-OTP secret, OTP, full ID, card or account number in clear in the wallet and idempotency tables', async () => {
    // The payee: another verified customer with an ACTIVE wallet (set up with the sandbox outbox).
    const payee = await verifiedCustomer();
    const payeeWallet = await openWallet(container(), payee.customerId);
    const bank = new SandboxBank(process.env.SANDBOX_BANK_TABLE_NAME!, () => new Date());
    const payeeAccount = `71${digits(10)}`;
    await bank.openAccount({
      bankCode: 'VCB',
      accountNumber: payeeAccount,
      holderName: payee.identity.fullName,
      idNumber: payee.identity.idNumber,
      balance: 0,
    });

    overrideServices({
      ...original,
      sms: {
        send: async (message) => {
          sent.push(message);
        },
      },
    });
    const payeeLink = await linkingApi({
      method: 'POST',
      resource: '/v1/wallets/{walletId}/links',
      params: { walletId: payeeWallet.walletId },
      body: { bankCode: 'VCB', accountNumber: payeeAccount },
      subject: payee.customerId,
      device: 'd',
      idempotencyKey: randomUUID(),
    });
    expect(payeeLink.status).toBe(201);

    // 1. Registration and confirmation.
    const phone = `+8498${digits(7)}`;
    const password = `Str0ng!${digits(8)}`;
    const device = `device-${randomUUID()}`;
    const registered = await onboardingApi({
      method: 'POST',
      resource: '/v1/registrations',
      body: { phoneNumber: phone },
    });
    expect(registered.status).toBe(201);
    const registrationOtp = otpOf(phone, registered.json.registrationId);
    const confirmed = await onboardingApi({
      method: 'POST',
      resource: '/v1/registrations/{registrationId}/confirm',
      params: { registrationId: registered.json.registrationId },
      body: { otp: registrationOtp, password, deviceId: device },
    });
    expect(confirmed.status).toBe(201);
    const me = { subject: confirmed.json.customerId as string, device };

    // 2. KYC with an Idempotency-Key: the answer carries the device's soft-OTP secret, and its
    // replay carries the same secret.
    const person = { fullName: 'Trần Văn Bình', dateOfBirth: '1990-02-03', idNumber: newIdNumber() };
    const kycBody = {
      kind: 'INDIVIDUAL',
      idDocumentType: 'CCCD_CHIP',
      nationality: 'VN',
      idExpiryDate: '2040-01-01',
      ...person,
      ekycAssertion: await signSandboxAssertion({ ...person, faceMatch: true, liveness: true }, new Date()),
    };
    const idempotencyTable = process.env.IDEMPOTENCY_TABLE_NAME!;
    const before = new Set((await scan(idempotencyTable)).map((item) => String(item.id)));
    const kycKey = randomUUID();
    const kyc = { method: 'POST', resource: '/v1/me/kyc', body: kycBody, ...me, idempotencyKey: kycKey };
    const verified = await onboardingApi(kyc);
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({
      status: 'VERIFIED',
      softOtp: { secret: expect.stringMatching(/^[A-Z2-7]{32}$/) },
    });
    const kycSecret = verified.json.softOtp.secret as string;
    expect((await onboardingApi(kyc)).json).toEqual(verified.json);

    // 3. Device trust with an Idempotency-Key, for a second device of the same customer.
    const second = `device-${randomUUID()}`;
    const challenge = await onboardingApi({
      method: 'POST',
      resource: '/v1/devices/{deviceId}/trust-challenges',
      params: { deviceId: second },
      body: {},
      subject: me.subject,
      device: second,
      idempotencyKey: randomUUID(),
    });
    expect(challenge.status).toBe(201);
    const { challengeId } = challenge.json;
    const trustOtps = sent.filter((m) => m.reference === challengeId && m.otp).map((m) => m.otp!);
    const trust = {
      method: 'POST',
      resource: '/v1/devices/{deviceId}/trust',
      params: { deviceId: second },
      body: {
        challengeId,
        biometricAssertion: await signSandboxAssertion(
          { ...person, nonce: challengeId, faceMatch: true, liveness: true },
          new Date(),
        ),
      },
      subject: me.subject,
      device: second,
      idempotencyKey: randomUUID(),
    };
    const trusted = await onboardingApi(trust);
    expect(trusted.status).toBe(200);
    const trustSecret = trusted.json.softOtp.secret as string;
    expect(trustSecret).toMatch(/^[A-Z2-7]{32}$/);
    expect((await onboardingApi(trust)).json).toEqual(trusted.json);

    // 4. A wallet, linked by account number and by card number.
    const wallet = await onboardingApi({
      method: 'POST',
      resource: '/v1/wallets',
      body: {},
      ...me,
      idempotencyKey: randomUUID(),
    });
    expect(wallet.status).toBe(201);
    const walletId = wallet.json.walletId as string;
    const accountNumber = `72${digits(10)}`;
    const cardAccount = `73${digits(10)}`;
    const card = cardNumber();
    await bank.openAccount({
      bankCode: 'VCB',
      accountNumber,
      holderName: person.fullName,
      idNumber: person.idNumber,
      balance: 500 * M,
    });
    await bank.openAccount({
      bankCode: 'TCB',
      accountNumber: cardAccount,
      cardNumber: card,
      holderName: person.fullName,
      idNumber: person.idNumber,
      balance: 500 * M,
    });
    const link = (body: object) =>
      linkingApi({
        method: 'POST',
        resource: '/v1/wallets/{walletId}/links',
        params: { walletId },
        body,
        ...me,
        idempotencyKey: randomUUID(),
      });
    const byAccount = await link({ bankCode: 'VCB', accountNumber });
    expect(byAccount.status).toBe(201);
    const byCard = await link({ bankCode: 'TCB', cardNumber: card });
    expect(byCard.status).toBe(201);
    expect(byCard.json.maskedNumber).not.toContain(card.slice(6, 12));

    // 5. A top-up (settled by the queue consumer), then a transfer to another customer that
    // needs an SMS OTP (class B, RULES.md §3), authorized with it.
    const authorizeWithOtp = async (answer: Answer): Promise<Answer> => {
      if (answer.json.status !== 'REQUIRES_AUTHENTICATION') return answer;
      const { challengeId: id, methods } = answer.json.authentication;
      expect(methods).toEqual(['OTP']);
      return transfersApi({
        method: 'POST',
        resource: '/v1/transfers/{transferId}/authorize',
        params: { transferId: answer.json.transferId },
        body: { otp: otpOf(phone, id) },
        ...me,
      });
    };
    const topUp = await authorizeWithOtp(
      await transfersApi({
        method: 'POST',
        resource: '/v1/transfers',
        body: { type: 'TOPUP', walletId, linkId: byCard.json.linkId, amount: 8 * M },
        ...me,
        idempotencyKey: randomUUID(),
      }),
    );
    expect(topUp.json.status).toBe('PROCESSING');
    const settled = await runAs('settlement', () =>
      settlement(sqsEvent([{ transferId: topUp.json.transferId }]), lambdaContext('settlement')),
    );
    expect(settled).toEqual({ batchItemFailures: [] });

    const p2p = await transfersApi({
      method: 'POST',
      resource: '/v1/transfers',
      body: { type: 'P2P', walletId, toWalletId: payeeWallet.walletId, amount: 5 * M },
      ...me,
      idempotencyKey: randomUUID(),
    });
    expect(p2p.status).toBe(201);
    expect(p2p.json).toMatchObject({ status: 'REQUIRES_AUTHENTICATION', authentication: { methods: ['OTP'] } });
    const transferOtp = otpOf(phone, p2p.json.authentication.challengeId);
    const authorized = await authorizeWithOtp(p2p);
    expect(authorized.status).toBe(200);
    expect(['COMPLETED', 'HELD']).toContain(authorized.json.status);
    const statement = await transfersApi({
      method: 'GET',
      resource: '/v1/wallets/{walletId}/statement',
      params: { walletId },
      query: { limit: '10' },
      ...me,
    });
    expect(statement.status).toBe(200);

    // Then: both tables, every attribute of every item.
    const secrets = { kycSecret, trustSecret, password };
    const numbers = { idNumber: person.idNumber, accountNumber, card, cardAccount };
    const otps = [registrationOtp, transferOtp, ...trustOtps];
    expect(otps.every((otp) => /^\d{6}$/.test(otp))).toBe(true);
    const myOutboxes = new Set([phone, payee.phone].map((p) => `SANDBOX#SMS#${p}`));
    const otpPattern = new RegExp(`(?<!\\d)(${otps.join('|')})(?!\\d)`);
    const tables = {
      wallet: process.env.WALLET_TABLE_NAME!,
      idempotency: process.env.IDEMPOTENCY_TABLE_NAME!,
    };
    const findings: string[] = [];
    for (const [name, table] of Object.entries(tables)) {
      for (const item of await scan(table)) {
        const key = String(item.pk ?? item.id);
        const text = strings(item);
        for (const [what, secret] of Object.entries({ ...secrets, ...numbers })) {
          if (text.some((s) => s.includes(secret))) findings.push(`${name} ${key}: ${what}`);
        }
        // OTPs are six digits: looked for as digits on their own, in text only (amounts and
        // timestamps are numbers), and not in the sandbox outbox of other tests' phones, which
        // keeps their own messages by design (sandbox stages only).
        const otherOutbox = key.startsWith('SANDBOX#SMS#') && !myOutboxes.has(key);
        if (!otherOutbox && text.some((s) => otpPattern.test(s))) findings.push(`${name} ${key}: an OTP`);
      }
    }
    expect(findings).toEqual([]);
    // The records are there, and hold the secrets sealed: the KYC answer and the trust answer.
    const mine = (await scan(idempotencyTable)).filter((item) => !before.has(String(item.id)));
    const sealed = /"softOtp":\{"secret":\{"\$sealed":"v1\.[\w-]+\.[\w-]+\.[\w-]+"\}/;
    // Powertools keeps what the wallet returns: the answer's JSON text (functions/core/http/idempotency.ts).
    const data = (item: Record<string, unknown> | undefined) =>
      typeof item?.data === 'string' ? item.data : JSON.stringify(item?.data);
    const kycRecord = mine.find((item) => data(item).includes('"status":"VERIFIED"'));
    const trustRecord = mine.find((item) => data(item).includes(`"deviceId":"${second}"`));
    expect(data(kycRecord)).toMatch(sealed);
    expect(data(trustRecord)).toMatch(sealed);
  });

  it('took only DynamoDB actions that IAM grants each capability (functions/routes.ts)', () => {
    const recorded = recordedTableAccess();
    console.info('DynamoDB actions taken, by capability and table:', JSON.stringify(recorded));
    // Recorded at all: the journey's own calls, Powertools' records included.
    expect(recorded).toMatchObject({
      onboarding: { wallet: expect.arrayContaining(['PutItem', 'UpdateItem']), idempotency: expect.any(Array) },
      linking: { wallet: expect.arrayContaining(['PutItem']), 'sandbox-bank': expect.any(Array) },
      transfers: { wallet: expect.arrayContaining(['BatchGetItem', 'PutItem', 'UpdateItem']) },
      settlement: { wallet: expect.any(Array), 'sandbox-bank': expect.any(Array) },
    });
    expect(ungrantedTableAccess()).toEqual([]);
  });
});
