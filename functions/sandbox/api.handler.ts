import { z } from 'zod';
import { signSandboxAssertion } from '../core/adapters/ekyc/sandbox-ekyc-provider.ts';
import { SandboxBank } from '../core/adapters/sandbox/sandbox-bank.ts';
import { createSandboxOperator } from '../core/adapters/sandbox/sandbox-operators.ts';
import { SandboxSwitch } from '../core/adapters/sandbox/sandbox-switch.ts';
import { SandboxSmsOutbox } from '../core/adapters/sandbox/sms-outbox.ts';
import { switchSigningSecret } from '../core/adapters/switch/signature-secret.ts';
import { runtimeConfig } from '../core/config.ts';
import { container } from '../core/container.ts';
import { isPayeeProblem, switchPayeeOf } from '../core/domain/institutions.ts';
import { instant, named, switchReconciliationAnswer, vnd } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { notFound, validationFailed } from '../core/http/problem.ts';
import { created, ok } from '../core/http/result.ts';
import { transferAmount } from '../core/http/validation.ts';
import { runIdExpiryJob } from '../core/use-cases/id-expiry-job.ts';
import { pendingOf } from '../core/use-cases/inbox.ts';
import { expirePaymentRequests } from '../core/use-cases/merchants/payment-requests.ts';
import { runSwitchReconciliation } from '../core/use-cases/reconcile-switch.ts';
import { sweepStuckTransfers } from '../core/use-cases/transfers/settle.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

// The outside world we do not own, simulated for local use and sandbox stages only. A stage
// without the sandbox never deploys this function; the guard below is a second lock.
function sandboxOnly() {
  const config = runtimeConfig();
  if (!config.sandboxEnabled) throw notFound();
  return config;
}

function sandboxSwitch() {
  const config = sandboxOnly();
  return new SandboxSwitch(config.sandboxBankTable!, () => container().clock.now());
}

const institutionCode = z.string().regex(/^[A-Z0-9]{2,16}$/);
const switchMovement = z.strictObject({ reference: z.string(), amount: z.int(), at: z.string() });
const settlementLine = z.strictObject({ reference: z.string(), direction: z.enum(['OUT', 'IN']), amount: z.int() });

/** An account at the sandbox switch in the form the wallet asks about it (identifiers.ts: phones in E.164). */
function switchAccountOf(input: { institutionCode: string; accountNumber: string }) {
  const payee = switchPayeeOf(input, container().institutionCode);
  if (isPayeeProblem(payee)) throw validationFailed(payee.reason, [{ name: payee.field, reason: payee.reason }]);
  return { institutionCode: payee.institution.code, number: payee.number };
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
    z.strictObject({
      walletId: z.string(),
      walletVersion: z.int(),
      learntVersion: z.int(),
      pendingCredits: z.int().describe("credits waiting in a busy wallet's inbox, not folded in yet (VND)"),
      pendingCount: z.int(),
    }),
    'How far the after-commit consumer got on a wallet, and what waits in its inbox for the sweeper.',
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
      switchReconciliationAnswer.describe('switch-reconciliation'),
    ]),
  ),
};

const jobs: Record<
  string,
  () => Promise<
    | { warned: number; expired: number }
    | { requeued: number }
    | { due: number; expired: number }
    | z.input<typeof switchReconciliationAnswer>
  >
> = {
  'id-expiry': () => runIdExpiryJob(container()),
  'settlement-sweeper': () => sweepStuckTransfers(container(), 0),
  // The scheduled expiry sweep of payment requests (every minute in AWS), on demand.
  'payment-request-expiry': () => expirePaymentRequests(container()),
  'switch-reconciliation': () => runSwitchReconciliation(container()),
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
      const pending = await pendingOf(services, wallet);
      return ok({
        walletId,
        walletVersion: wallet.version,
        learntVersion: profiles[walletId]?.appliedVersion ?? 0,
        pendingCredits: pending.amount,
        pendingCount: pending.count,
      });
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
  'POST /sandbox/switch/accounts': endpoint({
    summary: 'An account at another bank, or a wallet at another provider, that exists at the switch',
    body: z.strictObject({
      institutionCode,
      accountNumber: z.string().min(1).max(40),
      holderName: z.string().min(1).max(200),
    }),
    answers: {
      201: z.strictObject({ institutionCode: z.string(), accountNumber: z.string(), holderName: z.string() }),
    },
    handle: async ({ body }) => {
      const account = switchAccountOf(body);
      await sandboxSwitch().openAccount({ ...account, holderName: body.holderName });
      return created({
        institutionCode: account.institutionCode,
        accountNumber: account.number,
        holderName: body.holderName,
      });
    },
  }),
  'GET /sandbox/switch/accounts/{institutionCode}/{accountNumber}': endpoint({
    summary: 'What an account at the switch received or sent',
    answers: { 200: z.strictObject({ holderName: z.string(), balance: z.int(), movements: z.array(switchMovement) }) },
    handle: async ({ params }) => {
      const account = await sandboxSwitch().account(
        switchAccountOf({ institutionCode: params.institutionCode!, accountNumber: params.accountNumber! }),
      );
      if (!account) throw notFound('No such account at the sandbox switch.');
      return ok(account);
    },
  }),
  'POST /sandbox/switch/credits': endpoint({
    summary: 'The switch delivers an incoming transfer to this provider (a signed message to the switch endpoint)',
    body: z.strictObject({
      fromInstitutionCode: institutionCode,
      fromAccountNumber: z.string().min(1).max(40),
      senderName: z.string().max(140).optional(),
      toPhoneNumber: z.string().min(9).max(20),
      amount: transferAmount,
      reference: z.string().regex(/^[A-Za-z0-9-]{6,64}$/),
    }),
    answers: {
      200: z.strictObject({ status: z.enum(['CREDITED', 'RETURNED']), reason: z.string().optional() }),
    },
    handle: async ({ body, raw }) => {
      sandboxOnly();
      return ok(await sandboxSwitch().deliverCredit(raw.baseUrl, await switchSigningSecret(), body));
    },
  }),
  'POST /sandbox/switch/faults': endpoint({
    summary: 'The next count credit transfers fail so (never name inquiries or status queries)',
    body: z.strictObject({
      mode: z.enum(['NONE', 'TIMEOUT', 'DECLINE', 'ERROR']),
      count: z.number().int().min(1).max(1000).default(1),
      /** Extension: only credit transfers to this account fail, so parallel tests do not share faults. */
      accountNumber: z.string().min(1).max(40).optional(),
      institutionCode: institutionCode.optional(),
    }),
    answers: { 200: z.strictObject({ mode: z.string(), count: z.int() }) },
    handle: async ({ body }) => {
      const scoped =
        body.accountNumber === undefined
          ? undefined
          : switchAccountOf({ institutionCode: body.institutionCode ?? 'VCB', accountNumber: body.accountNumber })
              .number;
      await sandboxSwitch().setFaults(body.mode, body.count, scoped);
      return ok({ mode: body.mode, count: body.count });
    },
  }),
  'GET /sandbox/switch/settlement': endpoint({
    summary: "The switch's settlement report for a business day (what the reconciliation reads)",
    query: z.object({ date: z.iso.date() }),
    answers: { 200: z.strictObject({ date: z.string(), items: z.array(settlementLine) }) },
    handle: async ({ query }) => ok({ date: query.date, items: await sandboxSwitch().settlementReport(query.date) }),
  }),
  'POST /sandbox/switch/settlement/lines': endpoint({
    summary: 'Extension for tests: a line in the switch report that the wallet never saw (a planted mismatch)',
    body: z.strictObject({
      date: z.iso.date(),
      reference: z.string().min(6).max(64),
      direction: z.enum(['OUT', 'IN']),
      amount: transferAmount,
    }),
    answers: { 201: settlementLine },
    handle: async ({ body }) => {
      const { date, ...line } = body;
      await sandboxSwitch().plantLine(date, line);
      return created(line);
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
      return created(await createSandboxOperator(config.userPoolId!, container().identity, body));
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
