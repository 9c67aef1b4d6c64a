import { z } from 'zod';
import { container } from '../core/container.ts';
import { isKnownBank, passesLuhn } from '../core/domain/banks.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { created, ok } from '../core/http/result.ts';
import { linkBank, listLinks, removeLink } from '../core/use-cases/bank-links.ts';

const bankCode = z.string().refine(isKnownBank, 'a bank short code of the NAPAS/VietQR list, e.g. VCB');

export const linkBody = z.union([
  z.strictObject({ bankCode, accountNumber: z.string().regex(/^\d{6,19}$/, '6 to 19 digits') }),
  z.strictObject({ bankCode, cardNumber: z.string().refine(passesLuhn, 'a card number passing the Luhn check') }),
]);

export const handler = apiHandler('linking', {
  'POST /v1/wallets/{walletId}/links': endpoint({
    body: linkBody,
    idempotent: true,
    handle: async ({ body, caller, params }) =>
      created(await linkBank(container(), caller.subject, params.walletId!, body)),
  }),
  'GET /v1/wallets/{walletId}/links': endpoint({
    handle: async ({ caller, params }) => ok(await listLinks(container(), caller.subject, params.walletId!)),
  }),
  'DELETE /v1/wallets/{walletId}/links/{linkId}': endpoint({
    handle: async ({ caller, params }) =>
      ok(await removeLink(container(), caller.subject, params.walletId!, params.linkId!)),
  }),
});
