import { z } from 'zod';
import { container } from '../core/container.ts';
import { nameInquiryAnswer, statementAnswer, transferAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { created, ok } from '../core/http/result.ts';
import { pageQuery, transferAmount } from '../core/http/validation.ts';
import { createNameInquiry } from '../core/use-cases/name-inquiry.ts';
import { authorizeTransfer } from '../core/use-cases/transfers/authorize-transfer.ts';
import { createTransfer } from '../core/use-cases/transfers/create-transfer.ts';
import { getTransfer } from '../core/use-cases/transfers/get-transfer.ts';
import { statement } from '../core/use-cases/transfers/statement.ts';
import { phoneNumber } from '../onboarding/schemas.ts';

const id = z.string().min(1).max(64);
const description = z.string().max(140).optional();

export const transferBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('TOPUP'), walletId: id, amount: transferAmount, linkId: id, description }),
  z.strictObject({ type: z.literal('WITHDRAWAL'), walletId: id, amount: transferAmount, linkId: id, description }),
  z
    .strictObject({
      type: z.literal('P2P'),
      walletId: id,
      amount: transferAmount,
      toWalletId: id.optional(),
      toPhoneNumber: phoneNumber.optional(),
      description,
    })
    .refine((b) => (b.toWalletId === undefined) !== (b.toPhoneNumber === undefined), {
      message: 'exactly one of toWalletId and toPhoneNumber',
      path: ['toWalletId'],
    }),
  // To a merchant by its wallet (`merchantId`, with `amount`), or paying one of its payment
  // requests (`paymentRequestId`: payee and amount are the request's; an amount sent must equal it).
  z
    .strictObject({
      type: z.literal('PAYMENT'),
      walletId: id,
      amount: transferAmount.optional(),
      merchantId: id.optional(),
      paymentRequestId: id.optional(),
      description,
    })
    .refine((b) => (b.merchantId === undefined) !== (b.paymentRequestId === undefined), {
      message: 'exactly one of merchantId and paymentRequestId',
      path: ['merchantId'],
    })
    .refine((b) => b.paymentRequestId !== undefined || b.amount !== undefined, {
      message: 'required when paying a merchantId',
      path: ['amount'],
    }),
  // A merchant organisation gives (part of) one of its COMPLETED payments back (API.md v1.1 "Refunds").
  z.strictObject({
    type: z.literal('REFUND'),
    walletId: id,
    amount: transferAmount,
    originalTransferId: id,
    description,
  }),
  z.strictObject({ type: z.literal('EXTERNAL'), walletId: id, amount: transferAmount, nameInquiryId: id, description }),
]);

export const factorsBody = z.strictObject({
  otp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  softOtp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  biometricAssertion: z.string().min(20).max(8192).optional(),
});

/** API.md "Interoperable transfers": an account or a card at an institution over the switch. */
export const nameInquiryBody = z
  .strictObject({
    institutionCode: z.string().regex(/^[A-Z0-9]{2,16}$/),
    accountNumber: z.string().min(1).max(40).optional(),
    cardNumber: z.string().min(1).max(40).optional(),
  })
  .refine((b) => (b.accountNumber === undefined) !== (b.cardNumber === undefined), {
    message: 'exactly one of accountNumber and cardNumber',
    path: ['accountNumber'],
  });

export const handler = apiHandler('transfers', {
  'POST /v1/transfers': endpoint({
    summary: 'Create a transfer: top-up, withdrawal, P2P or payment',
    body: transferBody,
    idempotent: 'by-key',
    answers: { 201: transferAnswer },
    refusals: [
      'kyc-required',
      'wallet-not-found',
      'device-not-trusted',
      'wallet-pending-link',
      'wallet-locked',
      'wallet-frozen',
      'wallet-closed',
      'link-required',
      'payee-not-found',
      'name-inquiry-not-found',
      'name-inquiry-expired',
      'payment-request-not-found',
      'payment-request-paid',
      'payment-request-expired',
      'transfer-not-found',
      'refund-exceeds-payment',
      'self-transfer',
      'payee-not-active',
      'insufficient-funds',
      'monthly-limit-exceeded',
      'essential-limit-exceeded',
      'payee-flagged',
      'risk-blocked',
      'idempotency-key-reused',
      'wallet-busy',
    ],
    handle: async ({ body, caller, deviceId, idempotencyKey, deviceProof }) =>
      created(await createTransfer(container(), caller.subject, deviceId, body, idempotencyKey, deviceProof)),
  }),
  'POST /v1/transfers/{transferId}/authorize': endpoint({
    summary: 'Bring the factors a transfer waiting for authentication asks for',
    body: factorsBody,
    answers: { 200: transferAnswer },
    refusals: [
      'transfer-not-found',
      'device-not-trusted',
      'authentication-required',
      'challenge-expired',
      'otp-invalid',
      'biometric-mismatch',
      'too-many-attempts',
      'kyc-required',
      'wallet-pending-link',
      'wallet-locked',
      'wallet-frozen',
      'wallet-closed',
      'link-required',
      'payee-not-active',
      'payment-request-paid',
      'payment-request-expired',
      'refund-exceeds-payment',
      'insufficient-funds',
      'monthly-limit-exceeded',
      'essential-limit-exceeded',
      'wallet-busy',
    ],
    // Idempotent by the state machine: repeated after success, it answers the transfer as it is.
    handle: async ({ body, caller, deviceId, params, deviceProof }) =>
      ok(await authorizeTransfer(container(), caller.subject, deviceId, params.transferId!, body, deviceProof)),
  }),
  'POST /v1/name-inquiries': endpoint({
    summary: 'Ask the switch who holds an account, card or other wallet (valid 10 minutes)',
    body: nameInquiryBody,
    idempotent: true,
    answers: { 201: nameInquiryAnswer },
    refusals: ['validation-failed', 'kyc-required', 'payee-account-not-found'],
    handle: async ({ body, caller }) => created(await createNameInquiry(container(), caller.subject, body)),
  }),
  'GET /v1/transfers/{transferId}': endpoint({
    summary: 'One transfer',
    answers: { 200: transferAnswer },
    refusals: ['transfer-not-found'],
    handle: async ({ caller, params }) => ok(await getTransfer(container(), caller.subject, params.transferId!)),
  }),
  'GET /v1/wallets/{walletId}/statement': endpoint({
    summary: "The wallet's statement, newest first",
    query: pageQuery,
    answers: { 200: statementAnswer },
    refusals: ['wallet-not-found', 'validation-failed'],
    handle: async ({ caller, params, query }) =>
      ok(await statement(container(), caller.subject, params.walletId!, query.limit, query.cursor)),
  }),
});
