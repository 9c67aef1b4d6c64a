import { z } from 'zod';
import type { AuditAction } from '../domain/audit.ts';
import type { AuthenticationClass, Factor, TransferType } from '../domain/authentication-class.ts';
import type { CustomerKind, CustomerStatus } from '../domain/customer.ts';
import type { EntryType } from '../domain/ledger.ts';
import type { CaseStatus } from '../domain/risk-case.ts';
import type { TransferStatus } from '../domain/transfer.ts';
import type { WalletStatus } from '../domain/wallet.ts';

// What the API answers: one zod schema per answer body, strict (an undeclared member is a
// contract break). Endpoints name them in `answers` (functions/core/http/api-handler.ts): the
// compiler checks that a handler's answer fits its schema, functions/core/http/openapi.ts writes
// them into docs/openapi.json (named ones as components), and the e2e client validates every
// answer of the suite against that document (test/e2e/contract.ts), so the document, the code and
// the wire cannot disagree.

/**
 * Names an answer schema: `#/components/schemas/<id>` in docs/openapi.json, a named type in the
 * typed client (clients/typescript). The id lives in zod's global registry, with the descriptions
 * and examples, where `z.toJSONSchema` finds them.
 */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  return schema.meta({ id, ...(description ? { description } : {}) }) as T;
}

/**
 * An enum with every value of a domain union: a value added to the domain type and not here fails
 * to compile on this line (`Record<T, true>` needs every key), so the document never lags the domain.
 */
const every = <T extends string>(values: Record<T, true>) => z.enum(Object.keys(values) as [T, ...T[]]);

export const instant = z.iso.datetime({ offset: true }).describe('an ISO 8601 instant (UTC in answers)');
export const day = z.iso.date().describe('a Hanoi business day, YYYY-MM-DD');
/** Integer VND (API.md "Money"); signed where a movement or a difference can be negative. */
export const vnd = z.int().describe('integer VND');
const id = z.string().min(1);
const cursor = z.string().describe('opaque: pass it as `cursor` for the next page; absent on the last page');

/** A page of items (API.md "Pagination"). */
const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: cursor.optional() });

// ---------------------------------------------------------------------------------------------
// Statuses and kinds, from the domain's unions.

export const transferType = every<TransferType>({
  TOPUP: true,
  WITHDRAWAL: true,
  P2P: true,
  PAYMENT: true,
  EXTERNAL: true,
  EXTERNAL_IN: true,
  REFUND: true,
});
export const transferStatus = every<TransferStatus>({
  REQUIRES_AUTHENTICATION: true,
  PROCESSING: true,
  HELD: true,
  COMPLETED: true,
  FAILED: true,
  REJECTED: true,
  EXPIRED: true,
  REVERSED: true,
});
export const walletStatus = every<WalletStatus>({
  PENDING_LINK: true,
  ACTIVE: true,
  LOCKED: true,
  FROZEN: true,
  CLOSED: true,
});
export const customerStatus = every<CustomerStatus>({
  REGISTERED: true,
  VERIFIED: true,
  REJECTED: true,
  REVERIFICATION_REQUIRED: true,
  CLOSED: true,
});
export const customerKind = every<CustomerKind>({ INDIVIDUAL: true, ORGANIZATION: true });
const authenticationClass = every<AuthenticationClass>({ A: true, B: true, C: true, D: true });
const factor = every<Factor>({ OTP: true, BIOMETRIC: true, SOFT_OTP: true });
const caseStatus = every<CaseStatus>({ OPEN: true, RELEASED: true, REJECTED: true });

// ---------------------------------------------------------------------------------------------
// Problems (RFC 9457, API.md "Errors")

export const problemAnswer = named(
  'Problem',
  z
    .looseObject({
      type: z.string().describe('`/problems/<code>`'),
      title: z.string(),
      status: z.int(),
      detail: z.string().optional(),
      code: z.string().describe('what clients branch on (API.md "Error codes used by clients")'),
      errors: z
        .array(z.strictObject({ name: z.string(), reason: z.string() }))
        .optional()
        .describe('validation-failed: each field and what is wrong with it'),
      attemptsLeft: z.int().optional().describe('otp-invalid: tries left'),
      retryAfter: z.int().optional().describe('seconds, as the Retry-After header'),
      monthlyRemaining: vnd.optional().describe('monthly-limit-exceeded: what the month still allows'),
      transferId: z.string().optional().describe('payee-flagged, risk-blocked: the refused transfer'),
    })
    .meta({
      examples: [
        {
          type: '/problems/otp-invalid',
          title: 'The one-time password is wrong',
          status: 400,
          detail: 'The code is wrong; 4 attempt(s) left.',
          code: 'otp-invalid',
          attemptsLeft: 4,
        },
      ],
    }),
  'An RFC 9457 problem with the `code` clients branch on; extension members where useful.',
);

// ---------------------------------------------------------------------------------------------
// Platform and onboarding

export const healthAnswer = named('Health', z.strictObject({ status: z.literal('ok') }));

export const registrationAnswer = named(
  'Registration',
  z
    .strictObject({ registrationId: id, expiresAt: instant })
    .meta({ examples: [{ registrationId: '01JDX3Q9ZK8M4V6T2R5B7N0C1E', expiresAt: '2026-11-28T03:05:00.000Z' }] }),
  'A registration waiting for its SMS OTP (5 minutes).',
);

export const customerCreatedAnswer = named('CustomerCreated', z.strictObject({ customerId: id }));

const tokens = {
  accessToken: z.string().describe('Cognito access token: `Authorization: Bearer …`, 5 minutes'),
  idToken: z.string(),
  refreshToken: z.string().describe('for POST /v1/sessions/refresh'),
  expiresIn: z.int().describe('seconds the access token lives'),
};

export const sessionAnswer = named(
  'Session',
  z.strictObject({
    ...tokens,
    deviceTrusted: z.boolean().describe('false: money-moving calls from this device answer device-not-trusted'),
  }),
);

export const refreshedSessionAnswer = named('RefreshedSession', z.strictObject(tokens));

export const meAnswer = named(
  'Me',
  z.strictObject({
    customerId: id,
    phoneNumber: z.string().describe('E.164'),
    status: customerStatus,
    kind: customerKind,
    limits: z.strictObject({
      monthlyCap: vnd,
      monthlyUsed: vnd,
      essentialCap: vnd.describe('essential-service payments: their own monthly cap (Circular 41/2025)'),
      essentialUsed: vnd,
      month: z.string().describe('the Hanoi calendar month, YYYY-MM'),
    }),
  }),
);

const softOtp = z
  .strictObject({
    secret: z.string().describe('base32 (RFC 4648), returned once, bound to this device'),
    suite: z.string().describe('OCRA-1:HOTP-SHA1-6:QA64'),
  })
  .describe('the soft-OTP secret of the calling device (RFC 6287 OCRA)');

export const kycAnswer = named(
  'KycResult',
  z.union([
    z.strictObject({ status: z.literal('VERIFIED'), softOtp }),
    z.strictObject({
      status: z.literal('REJECTED'),
      reasons: z.array(z.string()).describe('guardian-required, id-expired, watchlist-blocked'),
    }),
  ]),
);

export const trustChallengeAnswer = named('TrustChallenge', z.strictObject({ challengeId: id, expiresAt: instant }));

export const deviceTrustedAnswer = named(
  'DeviceTrusted',
  z.strictObject({ deviceId: id, trusted: z.boolean().describe('always true'), softOtp }),
);

export const walletAnswer = named(
  'Wallet',
  z.strictObject({ walletId: id, status: walletStatus, balance: vnd, currency: z.literal('VND') }).meta({
    examples: [{ walletId: '01JDX3Q9ZK8M4V6T2R5B7N0C1E', status: 'ACTIVE', balance: 2500000, currency: 'VND' }],
  }),
);

export const walletListAnswer = named('WalletList', page(walletAnswer));

// ---------------------------------------------------------------------------------------------
// Bank links

export const bankLinkAnswer = named(
  'BankLink',
  z.strictObject({
    linkId: id,
    bankCode: z.string().describe('NAPAS/VietQR short code'),
    kind: z.enum(['ACCOUNT', 'CARD']),
    maskedNumber: z.string().describe('******1234, or 970436******1234 for a card'),
    status: z.enum(['ACTIVE', 'REMOVED']),
    createdAt: instant,
  }),
);

export const bankLinkListAnswer = named('BankLinkList', page(bankLinkAnswer));

// ---------------------------------------------------------------------------------------------
// Transfers

export const authenticationAnswer = named(
  'Authentication',
  z.strictObject({
    class: authenticationClass,
    methods: z.array(factor).describe('every factor authorize must bring'),
    challengeId: id,
    expiresAt: instant,
  }),
  'A step-up challenge (Circular 50): present while the transfer REQUIRES_AUTHENTICATION.',
);

export const transferAnswer = named(
  'Transfer',
  z
    .strictObject({
      transferId: id,
      type: transferType,
      status: transferStatus,
      walletId: id,
      amount: vnd,
      authentication: authenticationAnswer.optional(),
      linkId: id.optional(),
      toWalletId: id.optional(),
      merchantId: id.optional(),
      nameInquiryId: id.optional().describe('EXTERNAL: the name inquiry that named the payee'),
      counterparty: z
        .strictObject({ institutionCode: z.string(), maskedNumber: z.string(), name: z.string().optional() })
        .optional()
        .describe('EXTERNAL and EXTERNAL_IN: the other side at the switch, masked'),
      paymentRequestId: id.optional().describe('PAYMENT: the payment request it pays'),
      originalTransferId: id.optional().describe('REFUND: the payment it gives (part of) back'),
      refundedAmount: vnd.optional().describe('a COMPLETED PAYMENT: the sum of its refunds so far'),
      description: z.string().optional(),
      failureCode: z.string().optional().describe('the rule that ended it (docs/api.md)'),
      warnings: z.array(z.string()).optional(),
      createdAt: instant,
      completedAt: instant.optional(),
    })
    .meta({
      examples: [
        {
          transferId: '01JDX3Q9ZK8M4V6T2R5B7N0C1E',
          type: 'P2P',
          status: 'REQUIRES_AUTHENTICATION',
          walletId: '01JDX3N2C4W5PZ1Q8R3S6T7V9X',
          amount: 12000000,
          authentication: {
            class: 'B',
            methods: ['OTP'],
            challengeId: '01JDX3Q9ZM0A1B2C3D4E5F6G7H',
            expiresAt: '2026-11-28T03:05:00.000Z',
          },
          toWalletId: '01JDX3P7K1M2N3P4Q5R6S7T8V9',
          createdAt: '2026-11-28T03:00:00.000Z',
        },
      ],
    }),
);

// ---------------------------------------------------------------------------------------------
// Interoperable transfers (API.md v1.1: the switch)

export const nameInquiryAnswer = named(
  'NameInquiry',
  z
    .strictObject({
      nameInquiryId: id,
      institutionCode: z.string(),
      maskedNumber: z.string(),
      payeeName: z.string().describe("the holder's name as the switch returned it"),
      expiresAt: instant.describe('valid 10 minutes'),
    })
    .meta({
      examples: [
        {
          nameInquiryId: '01JDX3Q9ZK8M4V6T2R5B7N0C1F',
          institutionCode: 'TCB',
          maskedNumber: '******7890',
          payeeName: 'NGO THI LAN',
          expiresAt: '2026-11-28T03:10:00.000Z',
        },
      ],
    }),
);

export const switchCreditAnswer = named(
  'SwitchCreditAnswer',
  z.strictObject({
    reference: z.string(),
    status: z.enum(['CREDITED', 'RETURNED']),
    reason: z.string().optional().describe('why a credit was returned (a problem code)'),
  }),
  "The wallet's answer to a credit the switch delivers (a signed message).",
);

export const switchReconciliationAnswer = named(
  'SwitchReconciliation',
  z.strictObject({
    date: day,
    matched: z.int(),
    mismatches: z.array(
      z.strictObject({
        reference: z.string(),
        kind: z.enum(['MISSING_HERE', 'MISSING_THERE', 'AMOUNT_DIFFERS']),
        ours: z.strictObject({ direction: z.enum(['OUT', 'IN']), amount: vnd }).optional(),
        theirs: z.strictObject({ direction: z.enum(['OUT', 'IN']), amount: vnd }).optional(),
      }),
    ),
  }),
);

export const statementEntryType = every<EntryType>({
  TOPUP: true,
  WITHDRAWAL: true,
  P2P: true,
  PAYMENT: true,
  WITHDRAWAL_RETURN: true,
  HOLD_RETURN: true,
  EXTERNAL: true,
  EXTERNAL_IN: true,
  EXTERNAL_RETURN: true,
  REFUND: true,
});

const statementEntry = {
  entryId: id,
  transferId: id,
  type: statementEntryType,
  amount: vnd.describe('signed: what the entry moved into (+) or out of (−) the wallet'),
  balanceAfter: vnd,
  counterparty: z.string().optional(),
  createdAt: instant,
};

export const statementEntryAnswer = named('StatementEntry', z.strictObject(statementEntry));

export const statementAnswer = named('Statement', page(statementEntryAnswer), 'Newest first.');

// ---------------------------------------------------------------------------------------------
// Wallet control (RULES.md §7)

export const unlockChallengeAnswer = named(
  'UnlockChallenge',
  z.strictObject({ walletId: id, status: z.literal('REQUIRES_AUTHENTICATION'), authentication: authenticationAnswer }),
);

// ---------------------------------------------------------------------------------------------
// Operators

export const safeguardingAnswer = named(
  'SafeguardingReconciliation',
  z.strictObject({
    walletBalances: vnd,
    inFlight: vnd,
    guaranteeAccountBalance: vnd,
    difference: vnd.describe('0 when the books are right'),
    shortfall: vnd.describe(
      'how far the guarantee account is below the wallet balances (RULES.md: it must hold at least their sum at every moment); 0 when it covers them. Money the switch credited to wallets and settles later shows here until it does.',
    ),
    asOf: instant,
  }),
);

export const watchlistImportAnswer = named(
  'WatchlistImport',
  z.strictObject({
    imported: z.int(),
    screened: z.strictObject({ cases: z.int(), frozen: z.int(), review: z.int() }),
  }),
);

const ruleHit = z.strictObject({ rule: z.string(), score: z.number(), reason: z.string() });
const decided = {
  decidedAt: instant.optional(),
  decidedBy: z.string().optional(),
  note: z.string().optional(),
};

export const transferCaseAnswer = named(
  'TransferCase',
  z.strictObject({
    caseId: id,
    kind: z.literal('TRANSFER'),
    transferId: id,
    walletId: id,
    amount: vnd,
    status: caseStatus,
    ruleHits: z.array(ruleHit),
    createdAt: instant,
    ...decided,
  }),
  'A transfer the risk engine holds.',
);

export const screeningCaseAnswer = named(
  'ScreeningCase',
  z.strictObject({
    caseId: id,
    kind: z.literal('SCREENING'),
    customerId: id,
    status: caseStatus,
    ruleHits: z.array(ruleHit),
    entry: z.strictObject({
      kind: z.enum(['WALLET', 'PHONE', 'BANK_ACCOUNT', 'ID_NUMBER']),
      severity: z.enum(['WARN', 'BLOCK']),
      source: z.string(),
      reason: z.string(),
    }),
    frozenWallets: z.array(z.strictObject({ walletId: id, previousStatus: z.string() })),
    createdAt: instant,
    ...decided,
  }),
  'A customer a watch-list import named.',
);

export const caseAnswer = named('Case', z.union([transferCaseAnswer, screeningCaseAnswer]));

export const caseListAnswer = named('CaseList', page(caseAnswer));

/** A held transfer's case with the transfer as it is now; a screening case with the wallets it unfroze. */
export const caseDecisionAnswer = named(
  'CaseDecision',
  z.union([
    z.strictObject({ case: caseAnswer, transfer: transferAnswer }),
    z.strictObject({
      case: caseAnswer,
      wallets: z.array(z.strictObject({ walletId: id, status: walletStatus })),
    }),
  ]),
);

// ---------------------------------------------------------------------------------------------
// Compliance

const period = z.strictObject({ from: instant, to: instant });

export const lawEnforcementRequestAnswer = named(
  'LawEnforcementRequest',
  z.strictObject({
    requestId: id,
    authority: z.string(),
    reference: z.string(),
    kind: z.enum(['INFORMATION', 'FREEZE']),
    subject: z.strictObject({
      walletId: id.optional(),
      phoneNumber: z.string().optional(),
      idNumberMask: z.string().optional(),
    }),
    period: period.optional(),
    customerId: id,
    status: z.literal('COMPLETED'),
    receivedBy: z.string(),
    receivedAt: instant,
    completedAt: instant,
    frozenWallets: z
      .array(z.strictObject({ walletId: id, previousStatus: walletStatus, status: walletStatus }))
      .optional(),
    answer: z
      .strictObject({
        customer: z.strictObject({
          customerId: id,
          name: z.string().optional(),
          idNumberMask: z.string().optional(),
          phoneNumber: z.string(),
          status: customerStatus,
          kind: customerKind,
          createdAt: instant,
          verifiedAt: instant.optional(),
        }),
        wallets: z.array(
          z.strictObject({
            walletId: id,
            status: walletStatus,
            balance: vnd,
            currency: z.literal('VND'),
            createdAt: instant,
          }),
        ),
        bankLinks: z.array(
          z.strictObject({
            linkId: id,
            walletId: id,
            bankCode: z.string(),
            kind: z.enum(['ACCOUNT', 'CARD']),
            maskedNumber: z.string(),
            status: z.enum(['ACTIVE', 'REMOVED']),
            createdAt: instant,
            removedAt: instant.optional(),
          }),
        ),
        statement: z.strictObject({
          period: period.optional(),
          entries: z.array(z.strictObject({ ...statementEntry, walletId: id })),
        }),
      })
      .optional(),
  }),
);

/** One side of a reported transfer in full (Circular 27/2025; RULES.md §8): compliance only. */
export const amlPartyAnswer = named(
  'AmlParty',
  z.strictObject({
    kind: z.enum(['WALLET', 'BANK_ACCOUNT', 'CARD', 'SWITCH_ACCOUNT']),
    customerId: id.optional().describe("this provider's customer, when the side is one"),
    name: z.string().optional(),
    idNumber: z.string().optional().describe('a CCCD number, or an enterprise code'),
    idType: z.enum(['CCCD', 'ENTERPRISE_CODE']).optional(),
    walletId: id.optional(),
    accountNumber: z.string().optional().describe('in full where the wallet holds it, else masked'),
    institution: z.string().describe("the institution's code (this provider's own for its wallets)"),
  }),
  'Sender or receiver of a reported transfer, decrypted for compliance (the read is audited).',
);

export const largeValueReportAnswer = named(
  'LargeValueReport',
  z.strictObject({
    date: day,
    threshold: vnd,
    items: z.array(
      z.strictObject({
        transferId: id,
        type: transferType,
        amount: vnd,
        walletId: id,
        toWalletId: id.optional(),
        status: transferStatus,
        completedAt: instant,
        sender: amlPartyAnswer,
        receiver: amlPartyAnswer,
      }),
    ),
  }),
);

const auditAction = every<AuditAction>({
  WALLET_FREEZE: true,
  WALLET_UNFREEZE: true,
  WATCHLIST_IMPORT: true,
  WATCHLIST_SCREENING: true,
  CASE_DECISION: true,
  CASES_READ: true,
  LAW_ENFORCEMENT_REQUEST: true,
  LAW_ENFORCEMENT_REQUEST_READ: true,
  REPORT_READ: true,
  RECONCILIATION_READ: true,
  AUDIT_READ: true,
  PHONE_CHANGE: true,
  SUSPICIOUS_TRANSACTION_REPORT: true,
  DATA_ERASURE: true,
  DATA_REQUESTS_READ: true,
  RETAINED_DATA_READ: true,
  RETENTION_DELETE: true,
  STAFF_SIGN_IN: true,
  STAFF_SIGN_IN_REFUSED: true,
  WALLET_READ: true,
  WALLET_INBOX_CONFIG: true,
});

export const auditPageAnswer = named(
  'AuditPage',
  page(
    z.strictObject({
      auditId: id,
      actor: z.string(),
      actorGroups: z.array(z.string()),
      action: auditAction,
      subject: z.string(),
      subjects: z.array(z.string()),
      purpose: z.strictObject({
        route: z.string(),
        reason: z.string().optional(),
        reference: z.string().optional(),
      }),
      at: instant,
    }),
  ),
  'Newest first.',
);
