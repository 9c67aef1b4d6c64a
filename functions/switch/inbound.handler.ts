import { z } from 'zod';
import { switchSignatureHeader, verifySwitchSignature } from '../core/adapters/switch/signature.ts';
import { switchSigningSecret } from '../core/adapters/switch/signature-secret.ts';
import { container } from '../core/container.ts';
import { Refusal } from '../core/domain/refusals.ts';
import { switchCreditAnswer } from '../core/http/answers.ts';
import { apiHandler, endpoint } from '../core/http/api-handler.ts';
import { ok } from '../core/http/result.ts';
import { transferAmount } from '../core/http/validation.ts';
import { logger } from '../core/observability/logger.ts';
import { receiveSwitchCredit } from '../core/use-cases/transfers/receive-credit.ts';

// The switch's endpoint (API.md "Interoperable transfers": incoming credits). No token: every
// message carries the switch's signature over its raw body and a timestamp, checked before the
// body is believed; a message outside the 5-minute window is a replay, and within it the same
// reference credits once. The answer is the status the switch acts on (RETURNED: it sends the
// money back to the sender).

export const creditMessage = z.strictObject({
  reference: z.string().regex(/^[A-Za-z0-9-]{6,64}$/),
  fromInstitutionCode: z.string().regex(/^[A-Z0-9]{2,16}$/),
  fromAccountNumber: z.string().min(1).max(40),
  senderName: z.string().max(140).optional(),
  toPhoneNumber: z.string().min(9).max(20),
  amount: transferAmount,
  settlementDate: z.iso.date(),
});

export const handler = apiHandler('switchInbound', {
  'POST /switch/v1/credits': endpoint({
    summary: 'A credit the switch delivers to a wallet of ours (signed by the switch)',
    body: creditMessage,
    answers: { 200: switchCreditAnswer },
    refusals: ['unauthenticated'],
    handle: async ({ body, raw }) => {
      const check = verifySwitchSignature(
        await switchSigningSecret(),
        raw.body,
        raw.header(switchSignatureHeader),
        new Date(),
      );
      if (!check.ok) {
        logger.warn('switch message refused', { reason: check.reason });
        throw new Refusal('unauthenticated', `The switch signature is ${check.reason}.`);
      }
      return ok(await receiveSwitchCredit(container(), body));
    },
  }),
});
