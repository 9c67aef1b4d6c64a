import { businessMonth } from '../domain/calendar.ts';
import { monthlyCap } from '../domain/customer.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

/** GET /v1/me: the customer and where they stand against the monthly cap (RULES.md §6). */
export async function getMe({ store, clock }: Services, customerId: string) {
  const customer = await store.getCustomer(customerId);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  const month = businessMonth(clock.now());
  return {
    customerId: customer.customerId,
    phoneNumber: customer.phoneNumber,
    status: customer.status,
    kind: customer.kind,
    limits: { monthlyCap, monthlyUsed: await store.monthlyUsage(customerId, month), month },
  };
}
