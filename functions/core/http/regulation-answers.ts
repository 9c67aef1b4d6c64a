import { z } from 'zod';
import { consentPurposes } from '../domain/personal-data.ts';
import { customerKind, customerStatus, day, instant, named, vnd } from './answers.ts';

// Answer schemas of the routes the rules of 2026 added (API.md v1.1 "Changing the phone number",
// "Personal data"; RULES.md §8, §9), in the manner of functions/core/http/answers.ts: strict, named
// (components of docs/openapi.json), checked against what the handlers return.

const id = z.string().min(1);
const cursor = z.string().describe('opaque: pass it as `cursor` for the next page; absent on the last page');
const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: cursor.optional() });

export const phoneChangeStartedAnswer = named(
  'PhoneChangeStarted',
  z.strictObject({
    changeId: id,
    authentication: z.strictObject({
      methods: z.array(z.enum(['OTP', 'BIOMETRIC'])),
      challengeId: id.describe('the nonce of the biometric assertion; the OTP goes by SMS to the new number'),
      expiresAt: instant,
    }),
  }),
);

export const phoneChangedAnswer = named(
  'PhoneChanged',
  z.strictObject({ phoneNumber: z.string().describe('the new number, E.164') }),
);

export const consentAnswer = named(
  'Consent',
  z.strictObject({
    purpose: z.enum(consentPurposes),
    granted: z.boolean(),
    noticeVersion: z.string().describe('the privacy notice it was given under; empty when never recorded'),
    at: z.string().describe('when it was recorded (an instant); empty when never recorded'),
  }),
);

export const consentListAnswer = named('ConsentList', z.strictObject({ items: z.array(consentAnswer) }));

const dataRequestFields = {
  requestId: id,
  kind: z.enum(['ACCESS', 'DELETE']),
  status: z.enum(['OPEN', 'COMPLETED', 'REFUSED']),
  dueAt: instant.describe('when the answer is due (Law 91/2025; stage configuration)'),
  createdAt: instant,
  completedAt: instant.optional(),
  refusal: z.strictObject({ reason: z.string(), detail: z.string() }).optional(),
};

export const dataRequestAnswer = named('DataRequest', z.strictObject(dataRequestFields));

export const dataRequestWithExportAnswer = named(
  'DataRequestWithExport',
  z.strictObject({
    ...dataRequestFields,
    export: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'ACCESS, once COMPLETED: profile, consents, devices, authentication events, wallets, bank links (masked), statements and transfers',
      ),
  }),
);

export const dataRequestListAnswer = named(
  'DataRequestList',
  page(z.strictObject({ ...dataRequestFields, customerId: id })),
  'The soonest due first.',
);

export const retainedDataAnswer = named(
  'RetainedData',
  z.strictObject({
    customerId: id,
    phoneNumber: z.string(),
    kind: customerKind,
    status: customerStatus.describe('the status the customer had when the account closed'),
    createdAt: instant,
    verifiedAt: instant.optional(),
    identity: z
      .strictObject({
        fullName: z.string(),
        dateOfBirth: day,
        nationality: z.string(),
        idNumber: z.string(),
        idExpiryDate: day,
      })
      .optional(),
    organization: z
      .strictObject({
        legalName: z.string(),
        shortName: z.string(),
        enterpriseCode: z.string(),
        taxCode: z.string().optional(),
        headOfficeAddress: z.string(),
        tradingAddress: z.string(),
        phoneNumber: z.string(),
      })
      .optional(),
    merchant: z
      .strictObject({ displayName: z.string(), mcc: z.string(), essentialCategory: z.string().optional() })
      .optional(),
    closedAt: instant,
    retainUntil: day.optional().describe('from this Hanoi day the retention job deletes the record'),
  }),
  'What AML law keeps of an erased customer (RULES.md §8, §9), decrypted for compliance; the read is audited.',
);

const suspiciousReportAnswer = named(
  'SuspiciousReport',
  z.strictObject({
    reportId: id,
    caseId: id,
    transferId: id,
    walletId: id,
    customerId: id,
    amount: vnd,
    reason: z.string(),
    ruleHits: z.array(z.strictObject({ rule: z.string(), score: z.number(), reason: z.string() })),
    detectedAt: instant,
    dueDate: day.describe('the Hanoi working day it is due on'),
    dueAt: instant,
    status: z.enum(['OPEN', 'FILED']),
    reportedBy: z.string(),
  }),
);

export const suspiciousReportCreatedAnswer = suspiciousReportAnswer;
export const suspiciousReportListAnswer = named('SuspiciousReportList', page(suspiciousReportAnswer));
