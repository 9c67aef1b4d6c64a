import { businessMonth } from '../domain/calendar.ts';
import { essentialCap, monthlyCap } from '../domain/customer.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Services } from '../ports/services.ts';

/**
 * GET /v1/me: the customer and where they stand against this month's caps (RULES.md §6): the
 * 100,000,000 VND one and the essential-payment one (Circular 41/2025), read in one batch.
 */
export async function getMe({ store, ledger, clock }: Services, customerId: string) {
  const month = businessMonth(clock.now());
  const [customer, used] = await Promise.all([
    store.getCustomer(customerId),
    ledger.read({ monthly: { customerId, month } }),
  ]);
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  return {
    customerId: customer.customerId,
    phoneNumber: customer.phoneNumber,
    status: customer.status,
    kind: customer.kind,
    limits: {
      monthlyCap,
      monthlyUsed: used.monthlyUsed,
      essentialCap,
      essentialUsed: used.essentialUsed,
      month,
    },
  };
}
