import { ulid } from 'ulid';
import { businessDay } from '../domain/calendar.ts';
import { mayMoveMoney } from '../domain/customer.ts';
import { watchlistMacInput } from '../domain/identifiers.ts';
import { isPayeeProblem, maskNumber, nameInquirySeconds, switchPayeeOf, watchKindOf } from '../domain/institutions.ts';
import type { NameInquiry } from '../domain/name-inquiry.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

export interface NameInquiryInput {
  institutionCode: string;
  accountNumber?: string;
  cardNumber?: string;
}

/**
 * POST /v1/name-inquiries (API.md "Interoperable transfers"): asks the switch who holds an account,
 * card or other provider's wallet, and keeps the answer 10 minutes for this customer's EXTERNAL
 * transfer. Only a customer who may pay asks (the answer names a person). The number is kept
 * encrypted, and keyed-hashed as the watch lists key it, so the transfer screens the payee
 * without decrypting it (RULES.md §7).
 */
export async function createNameInquiry(services: Services, customerId: string, input: NameInquiryInput) {
  const now = services.clock.now();
  const payee = switchPayeeOf(input, services.institutionCode);
  if (isPayeeProblem(payee)) {
    throw new Refusal('validation-failed', `The payee is not valid: ${payee.reason}.`, {
      errors: [{ name: `body.${payee.field}`, reason: payee.reason }],
    });
  }
  const customer = await services.store.getCustomer(customerId);
  if (!customer || !mayMoveMoney(customer, businessDay(now))) throw refusals.kycRequired();
  const answer = await services.switch.nameInquiry({ institutionCode: payee.institution.code, number: payee.number });
  if (!answer.found) throw refusals.payeeAccountNotFound();

  const ring = await services.keyRing();
  const kind = watchKindOf(payee);
  const mac = watchlistMacInput(kind, payee.number)!;
  const valueHash = await ring.mac(mac.purpose, mac.value);
  const inquiry: NameInquiry = {
    nameInquiryId: ulid(now.getTime()),
    customerId,
    institutionCode: payee.institution.code,
    maskedNumber: maskNumber(payee.number),
    payeeName: answer.holderName,
    accountEnc: await ring.encrypt(`${payee.kind}:${payee.number}`),
    watch: { kind, valueHash },
    counterpartyKey: `${kind}#${valueHash}`,
    expiresAt: new Date(now.getTime() + nameInquirySeconds * 1000).toISOString(),
    createdAt: now.toISOString(),
  };
  await services.nameInquiries.save(inquiry);
  return {
    nameInquiryId: inquiry.nameInquiryId,
    institutionCode: inquiry.institutionCode,
    maskedNumber: inquiry.maskedNumber,
    payeeName: inquiry.payeeName,
    expiresAt: inquiry.expiresAt,
  };
}
