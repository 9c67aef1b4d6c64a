import { z } from 'zod';
import { container } from '../core/container.ts';
import { isKnownBank, passesLuhn } from '../core/domain/banks.ts';
import { bankLinkAnswer, bankLinkListAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { created, ok } from '../core/http/result.ts';
import { pageQuery } from '../core/http/validation.ts';
import { linkBank, listLinks, removeLink } from '../core/use-cases/bank-links.ts';

const bankCode = z.string().refine(isKnownBank, 'a bank short code of the NAPAS/VietQR list, e.g. VCB');

export const linkBody = z.union([
  z.strictObject({ bankCode, accountNumber: z.string().regex(/^\d{6,19}$/, '6 to 19 digits') }),
  z.strictObject({ bankCode, cardNumber: z.string().refine(passesLuhn, 'a card number passing the Luhn check') }),
]);

export const handler = apiHandler('linking', {
  'POST /v1/wallets/{walletId}/links': endpoint({
    summary: "Link the wallet to its owner's bank account or card",
    body: linkBody,
    idempotent: true,
    answers: { 201: bankLinkAnswer },
    refusals: [
      'wallet-not-found',
      'kyc-required',
      'wallet-locked',
      'wallet-frozen',
      'wallet-closed',
      'bank-account-owner-mismatch',
      'link-exists',
    ],
    handle: async ({ body, caller, params }) =>
      created(await linkBank(container(), caller.subject, params.walletId!, body)),
  }),
  'GET /v1/wallets/{walletId}/links': endpoint({
    summary: "The wallet's bank links",
    query: pageQuery,
    answers: { 200: bankLinkListAnswer },
    refusals: ['wallet-not-found', 'validation-failed'],
    handle: async ({ caller, params, query }) =>
      ok(await listLinks(container(), caller.subject, params.walletId!, query.limit, query.cursor)),
  }),
  'DELETE /v1/wallets/{walletId}/links/{linkId}': endpoint({
    summary: 'Remove a bank link (not the last one of a wallet holding money)',
    answers: { 200: bankLinkAnswer },
    refusals: [
      'wallet-not-found',
      'link-not-found',
      'wallet-locked',
      'wallet-frozen',
      'wallet-closed',
      'last-link-holds-money',
      'request-in-progress',
    ],
    handle: async ({ caller, params }) =>
      ok(await removeLink(container(), caller.subject, params.walletId!, params.linkId!)),
  }),
});
