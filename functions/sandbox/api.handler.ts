import { z } from 'zod';
import { signSandboxAssertion } from '../core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { SandboxBank } from '../core/adapters/sandbox/sandbox-bank.ts';
import { createSandboxOperator } from '../core/adapters/sandbox/sandbox-operators.ts';
import { SandboxSmsOutbox } from '../core/adapters/sandbox/sms-outbox.ts';
import { runtimeConfig } from '../core/config.ts';
import { container } from '../core/container.ts';
import { instant, named, vnd } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { notFound } from '../core/http/problem.ts';
import { created, ok } from '../core/http/result.ts';
import { runIdExpiryJob } from '../core/use-cases/id-expiry-job.ts';
import { expirePaymentRequests } from '../core/use-cases/merchants/payment-requests.ts';
import { sweepStuckTransfers } from '../core/use-cases/transfers/settle.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

// The outside world we do not own, simulated for local use and sandbox stages only. A stage
// without the sandbox never deploys this function; the guard below is a second lock.
function sandboxOnly() {
  const config = runtimeConfig();
  if (!config.sandboxEnabled) throw notFound();
  return config;
}

function sandboxBank() {
  const config = sandboxOnly();
  return new SandboxBank(config.sandboxBankTable!, () => container().clock.now());
}

// What the sandbox answers (docs/openapi.json documents these routes too, as `x-sandbox-only`).
const sandboxAccount = named(
  'SandboxBankAccount',
  z.strictObject({ bankCode: z.string(), accountNumber: z.string(), balance: vnd }),
);
const sandboxFaults = named(
  'SandboxBankFaults',
  z.strictObject({
    mode: z.enum(['NONE', 'TIMEOUT', 'DECLINE', 'ERROR']),
    count: z.int(),
    accountNumber: z.string().optional(),
  }),
);
const sandboxAnswers = {
  moneyEvents: named(
    'SandboxMoneyEvents',
    z.strictObject({ walletId: z.string(), walletVersion: z.int(), learntVersion: z.int() }),
    'How far the after-commit consumer got on a wallet.',
  ),
  sms: named(
    'SandboxSmsOutbox',
    z.strictObject({
      items: z.array(
        z.strictObject({
          text: z.string(),
          otp: z.string().optional(),
          reference: z.string().optional(),
          sentAt: instant,
        }),
      ),
    }),
    'Messages "sent" to a phone, newest first.',
  ),
  assertion: named(
    'SandboxEkycAssertion',
    z.strictObject({ assertion: z.string().describe("a compact JWS (ES256), like a real eKYC provider's") }),
  ),
  account: sandboxAccount,
  accountWithMovements: named(
    'SandboxBankAccountMovements',
    z.strictObject({
      bankCode: z.string(),
      accountNumber: z.string(),
      holderName: z.string(),
      balance: vnd,
      movements: z.array(
        z.strictObject({ amount: vnd, reference: z.string(), description: z.string().optional(), at: instant }),
      ),
    }),
  ),
  faults: sandboxFaults,
  operator: named(
    'SandboxOperator',
    z.strictObject({
      username: z.string(),
      phoneNumber: z.string(),
      groups: z.array(z.string()),
      accessToken: z.string(),
    }),
    'A staff user, signed in.',
  ),
  job: named(
    'SandboxJobRun',
    z.union([
      z.strictObject({ warned: z.int(), expired: z.int() }).describe('id-expiry'),
      z.strictObject({ requeued: z.int() }).describe('settlement-sweeper'),
      z.strictObject({ due: z.int(), expired: z.int() }).describe('payment-request-expiry'),
    ]),
  ),
};

const jobs: Record<
  string,
  () => Promise<{ warned: number; expired: number } | { requeued: number } | { due: number; expired: number }>
> = {
  'id-expiry': () => runIdExpiryJob(container()),
  'settlement-sweeper': () => sweepStuckTransfers(container(), 0),
  // The scheduled expiry sweep of payment requests (every minute in AWS), on demand.
  'payment-request-expiry': () => expirePaymentRequests(container()),
};

export const handler = apiHandler('sandbox', {
  // How far the after-commit consumer got on a wallet: its entries are learnt by the risk
  // profile up to `learntVersion` (tests wait for `learntVersion === walletVersion`).
  'GET /sandbox/money-events/{walletId}': endpoint({
    summary: 'How far the after-commit consumer got on a wallet',
    answers: { 200: sandboxAnswers.moneyEvents },
    handle: async ({ params }) => {
      sandboxOnly();
      const services = container();
      const walletId = params.walletId!;
      const [wallet, profiles] = await Promise.all([
        services.wallets.get(walletId),
        services.riskProfiles.load([walletId]),
      ]);
      if (!wallet) throw notFound('No such wallet.');
      return ok({ walletId, walletVersion: wallet.version, learntVersion: profiles[walletId]?.appliedVersion ?? 0 });
    },
  }),
  'GET /sandbox/sms': endpoint({
    summary: 'The SMS "sent" to a phone number (the OTPs among them)',
    answers: { 200: sandboxAnswers.sms },
    query: z.object({ phoneNumber, reference: z.string().max(64).optional() }),
    handle: async ({ query }) => {
      const config = sandboxOnly();
      const outbox = new SandboxSmsOutbox(config.walletTable, () => new Date());
      return ok({ items: await outbox.list(query.phoneNumber, query.reference) });
    },
  }),
  'POST /sandbox/ekyc/assertions': endpoint({
    summary: "A signed eKYC verdict, as the provider's SDK would return it",
    answers: { 201: sandboxAnswers.assertion },
    body: z.strictObject({
      idNumber: z.string().max(32),
      fullName: z.string().max(200),
      dateOfBirth: z.string().max(10),
      nonce: z.string().max(128).optional(),
      faceMatch: z.boolean(),
      liveness: z.boolean(),
      source: z.enum(['CCCD_CHIP', 'VNEID', 'PROVIDER_DB']).optional(),
    }),
    handle: async ({ body }) => {
      sandboxOnly();
      return created({ assertion: await signSandboxAssertion(body, container().clock.now()) });
    },
  }),
  'POST /sandbox/bank/accounts': endpoint({
    summary: 'Open an account (and its card) at the sandbox bank',
    answers: { 201: sandboxAnswers.account },
    body: z.strictObject({
      bankCode: z.string().min(2).max(10),
      accountNumber: z.string().regex(/^\d{6,19}$/),
      cardNumber: z
        .string()
        .regex(/^\d{12,19}$/)
        .optional(),
      holderName: z.string().min(1).max(200),
      idNumber: z.string().min(1).max(32),
      balance: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    }),
    handle: async ({ body }) => {
      await sandboxBank().openAccount(body);
      return created({ bankCode: body.bankCode, accountNumber: body.accountNumber, balance: body.balance });
    },
  }),
  'GET /sandbox/bank/accounts/{bankCode}/{accountNumber}': endpoint({
    summary: 'A sandbox bank account: balance and movements',
    answers: { 200: sandboxAnswers.accountWithMovements },
    handle: async ({ params }) => {
      const account = await sandboxBank().account(params.bankCode!, params.accountNumber!);
      if (!account) throw notFound('No such sandbox account.');
      const { idNumber: _id, ...visible } = account;
      return ok(visible);
    },
  }),
  'GET /sandbox/bank/guarantee': endpoint({
    summary: "The provider's guarantee (safeguarding) account at the sandbox bank",
    answers: { 200: sandboxAnswers.account },
    handle: async () => ok(await sandboxBank().guarantee()),
  }),
  'POST /sandbox/bank/faults': endpoint({
    summary: 'Make the next money calls to the sandbox bank fail',
    answers: { 200: sandboxAnswers.faults },
    body: z.strictObject({
      mode: z.enum(['NONE', 'TIMEOUT', 'DECLINE', 'ERROR']),
      count: z.number().int().min(1).max(1000).default(1),
      /** Extension: only calls touching this account fail, so parallel tests do not share faults. */
      accountNumber: z
        .string()
        .regex(/^\d{6,19}$/)
        .optional(),
    }),
    handle: async ({ body }) => {
      await sandboxBank().setFaults(body.mode, body.count, body.accountNumber);
      return ok(body);
    },
  }),
  'POST /sandbox/operators': endpoint({
    summary: 'A staff user in Cognito groups, signed in',
    answers: { 201: sandboxAnswers.operator },
    body: z.strictObject({
      username: z.string().min(1).max(128),
      password: z.string().min(8).max(256),
      groups: z.array(z.enum(['operators', 'compliance'])).min(1),
    }),
    handle: async ({ body }) => {
      const config = sandboxOnly();
      return created(await createSandboxOperator(config.userPoolId!, config.userPoolClientId!, body));
    },
  }),
  'POST /sandbox/jobs/{job}': endpoint({
    summary: 'Run a scheduled job now: id-expiry or settlement-sweeper',
    answers: { 200: sandboxAnswers.job },
    handle: async ({ params }) => {
      sandboxOnly();
      const job = jobs[params.job!];
      if (!job) throw notFound('No such job.');
      return ok(await job());
    },
  }),
});
