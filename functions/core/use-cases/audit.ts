import { ulid } from 'ulid';
import { container, type Services } from '../container.ts';
import type { AuditAction, AuditPurpose } from '../domain/audit.ts';
import type { Caller } from '../http/caller.ts';

/**
 * Appends a staff action to the audit trail (RULES.md §9), filed under every subject it touched
 * (a wallet, its owner, a request…). Call it before answering: when the entry cannot be written
 * the request fails, so staff never see or change anything unrecorded.
 */
export async function audited(
  caller: Caller,
  action: AuditAction,
  subject: string | readonly string[],
  purpose: AuditPurpose,
  services: Services = container(),
): Promise<void> {
  const subjects = [...new Set(typeof subject === 'string' ? [subject] : subject)].filter((s) => s !== '');
  if (subjects.length === 0) throw new Error(`audit entry ${action} names no subject`);
  const now = services.clock.now();
  await services.audit.append({
    auditId: ulid(now.getTime()),
    actor: caller.subject,
    actorGroups: caller.groups,
    action,
    subjects,
    purpose: Object.fromEntries(Object.entries(purpose).filter(([, v]) => v !== undefined)) as AuditPurpose,
    at: now.toISOString(),
  });
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
  await audited(caller, 'AUDIT_READ', query.subject, { route }, services);
  return page;
}
