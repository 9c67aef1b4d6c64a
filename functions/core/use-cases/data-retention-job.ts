import { businessDay } from '../domain/calendar.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import { finishOpenErasures } from './personal-data.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days looked back for retention ends, so that missed runs catch up. */
const CATCH_UP_DAYS = 31;
/** The job acts as itself in the audit trail. */
const job: Caller = { subject: 'system:data-retention', groups: [] };

/**
 * Daily (RULES.md §8, §9; Law 91/2025, Law 14/2022 Art. 40): what is past its retention is
 * deleted. An erased customer's record (kept encrypted for AML, 5 years after the account closed)
 * goes with its wallets, statements, devices, consents and requests once its day has come; each
 * deletion is audited first. Data requests a crash left OPEN are finished. Short-lived items
 * (registrations, OTPs, sessions, authentication events after 100 days, ACCESS exports after 30
 * days) expire by DynamoDB's TTL; the audit trail expires by its own (5 years and 30 days).
 * Idempotent: a run repeated, or cut short, deletes nothing twice and misses nothing.
 */
export async function runDataRetentionJob(services: Services) {
  const { clock, profile, store, audit } = services;
  const now = clock.now();
  const today = businessDay(now);
  const requestsFinished = await finishOpenErasures(services);
  let customersDeleted = 0;
  let itemsDeleted = 0;
  for (let back = CATCH_UP_DAYS; back >= 0; back--) {
    const day = businessDay(new Date(now.getTime() - back * DAY_MS));
    for (const customerId of await profile.retentionEndingOn(day)) {
      const customer = await store.getCustomer(customerId, { consistent: true });
      if (!customer?.retainUntil || customer.retainUntil > today) continue;
      await audit.append(
        auditRecord(services, job, 'RETENTION_DELETE', customerId, {
          route: 'schedule:data-retention',
          reason: 'the AML retention of an erased customer ended',
          reference: customer.retainUntil,
        }),
      );
      itemsDeleted += await profile.deleteRetained(customerId);
      customersDeleted++;
    }
  }
  return { requestsFinished, customersDeleted, itemsDeleted };
}
