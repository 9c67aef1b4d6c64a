import { ulid } from 'ulid';
import type { AuditAction, AuditPurpose } from '../domain/audit.ts';
import type { AuditRecord } from '../domain/commit-plan.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';

/**
 * The audit record of a staff action (RULES.md §9), filed under every subject it touched (a
 * wallet, its owner, a request…). A change carries it into its own transaction (no change exists
 * without its record); a read appends it with `audited` before the answer leaves.
 */
export function auditRecord(
  services: Services,
  caller: Caller,
  action: AuditAction,
  subject: string | readonly string[],
  purpose: AuditPurpose,
): AuditRecord {
  const subjects = [...new Set(typeof subject === 'string' ? [subject] : subject)].filter((s) => s !== '');
  if (subjects.length === 0) throw new Error(`audit entry ${action} names no subject`);
  const now = services.clock.now();
  return {
    auditId: ulid(now.getTime()),
    actor: caller.subject,
    actorGroups: caller.groups,
    action,
    subjects,
    purpose: Object.fromEntries(Object.entries(purpose).filter(([, v]) => v !== undefined)) as AuditPurpose,
    at: now.toISOString(),
  };
}

/**
 * Appends a staff read (or a bulk change that cannot share one transaction, written first) to
 * the audit trail. Call it before answering: when the entry cannot be written the request fails,
 * so staff never see anything unrecorded.
 */
export async function audited(
  services: Services,
  caller: Caller,
  action: AuditAction,
  subject: string | readonly string[],
  purpose: AuditPurpose,
): Promise<void> {
  await services.audit.append(auditRecord(services, caller, action, subject, purpose));
}

/** GET /v1/ops/audit: who read or changed what about a subject, newest first; the read is audited too. */
export async function auditTrail(
  services: Services,
  caller: Caller,
  query: { subject: string; limit: number; cursor?: string },
  route: string,
) {
  const page = await services.audit.list(query.subject, query.limit, query.cursor);
  // Filed under the subject read, after the query: the next read shows this one.
  await audited(services, caller, 'AUDIT_READ', query.subject, { route });
  return page;
}
