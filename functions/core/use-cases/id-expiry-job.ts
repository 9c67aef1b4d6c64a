import { businessDay } from '../domain/calendar.ts';
import { expiryWarningDays } from '../domain/kyc.ts';
import type { Services } from '../ports/services.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days looked back for expiries, so a missed run catches up. */
const CATCH_UP_DAYS = 7;

const dayOffset = (now: Date, days: number) => businessDay(new Date(now.getTime() + days * DAY_MS));

/**
 * Daily (RULES.md §5): warn by SMS 30 days before the ID expires, and once it has expired make
 * the customer REVERIFICATION_REQUIRED: no money moves until they pass eKYC again. Idempotent.
 */
export async function runIdExpiryJob({ store, sms, clock }: Services) {
  const now = clock.now();
  let warned = 0;
  let expired = 0;
  const warnDay = dayOffset(now, expiryWarningDays);
  for (const customerId of await store.customersWithIdExpiringOn(warnDay)) {
    const customer = await store.getCustomer(customerId);
    if (customer?.status !== 'VERIFIED' || customer.identity?.idExpiryDate !== warnDay) continue;
    if (!(await store.markExpiryWarned(customerId, warnDay))) continue;
    await sms.send({
      phoneNumber: customer.phoneNumber,
      text: `Giay to tuy than cua ban het han ngay ${warnDay}. Hay cap nhat thong tin dinh danh de tiep tuc su dung vi.`,
    });
    warned++;
  }
  for (let back = 1; back <= CATCH_UP_DAYS; back++) {
    const day = dayOffset(now, -back);
    for (const customerId of await store.customersWithIdExpiringOn(day)) {
      const customer = await store.getCustomer(customerId);
      if (customer?.identity?.idExpiryDate !== day) continue;
      if (await store.setCustomerStatus(customerId, 'REVERIFICATION_REQUIRED', 'VERIFIED')) expired++;
    }
  }
  return { warned, expired };
}
