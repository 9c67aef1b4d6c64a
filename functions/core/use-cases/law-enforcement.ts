import { ulid } from 'ulid';
import type { Customer } from '../domain/customer.ts';
import { maskIdNumber } from '../domain/kyc.ts';
import {
  type LawEnforcementKind,
  normalizePeriod,
  type Period,
  resolvedCustomer,
  withinPeriod,
} from '../domain/law-enforcement.ts';
import { Refusal } from '../domain/refusals.ts';
import type { Wallet } from '../domain/wallet.ts';
import { freezeWrite } from '../domain/wallet-control.ts';
import type { Caller } from '../ports/caller.ts';
import type { AnswerPackage, LawEnforcementRequest, PackageEntry } from '../ports/law-enforcement.ts';
import type { Services } from '../ports/services.ts';
import { auditRecord } from './audit.ts';
import { orderOf } from './freeze-wallet.ts';
import { revokeSessions } from './sign-in.ts';
import { commitWithRetry } from './transfers/commit-loop.ts';

// RULES.md §7 (Decree 52 Art. 11, Circular 40 Art. 28): a competent authority's written request.
// FREEZE freezes every wallet of the subject; INFORMATION is answered from the records. The
// customer is not told (no SMS, no notice). The handler audits every request and every read.

export interface LawEnforcementInput {
  authority: string;
  reference: string;
  kind: LawEnforcementKind;
  subject: { walletId?: string; phoneNumber?: string; idNumber?: string };
  period?: { from: string; to: string };
}

const MISSING = Symbol('missing');

/** The one customer all given identifiers name: 404 if one names nobody, 422 if they disagree. */
async function subjectCustomer(services: Services, subject: LawEnforcementInput['subject']): Promise<string> {
  const { wallets, store, lawEnforcement, keyRing } = services;
  const found = await Promise.all([
    subject.walletId ? wallets.get(subject.walletId).then((w) => w?.ownerId ?? MISSING) : undefined,
    subject.phoneNumber ? store.customerIdByPhone(subject.phoneNumber).then((id) => id ?? MISSING) : undefined,
    subject.idNumber
      ? (await keyRing())
          .mac('id-number', subject.idNumber)
          .then((hash) => lawEnforcement.customerIdByIdNumberHash(hash))
          .then((id) => id ?? MISSING)
      : undefined,
  ]);
  if (found.includes(MISSING))
    throw new Refusal('subject-not-found', 'No customer matches the subject of this request.');
  const customer = resolvedCustomer(found as (string | undefined)[]);
  if (customer === 'none') throw new Refusal('subject-not-found', 'No customer matches the subject of this request.');
  if (customer === 'ambiguous') {
    throw new Refusal('subject-mismatch', 'The identifiers of the subject name different customers.');
  }
  return customer;
}

/** Every statement entry of the wallet created within the period, newest first (pages through it). */
async function entriesWithin(services: Services, walletId: string, period: Period | undefined) {
  const entries: PackageEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.ledger.statement(walletId, 100, cursor);
    for (const e of page.items) if (withinPeriod(e.createdAt, period)) entries.push({ walletId, ...e });
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

async function answerPackage(
  services: Services,
  customer: Customer,
  wallets: Wallet[],
  period: Period | undefined,
): Promise<AnswerPackage> {
  const [links, entries] = await Promise.all([
    Promise.all(wallets.map((w) => services.links.list(w.walletId))).then((all) => all.flat()),
    Promise.all(wallets.map((w) => entriesWithin(services, w.walletId, period))).then((all) => all.flat()),
  ]);
  const name = customer.kind === 'ORGANIZATION' ? customer.organization?.legalName : customer.identity?.fullName;
  return {
    customer: {
      customerId: customer.customerId,
      ...(name ? { name } : {}),
      ...(customer.identity ? { idNumberMask: customer.identity.idNumberMask } : {}),
      phoneNumber: customer.phoneNumber,
      status: customer.status,
      kind: customer.kind,
      createdAt: customer.createdAt,
      ...(customer.verifiedAt ? { verifiedAt: customer.verifiedAt } : {}),
    },
    wallets: wallets.map((w) => ({
      walletId: w.walletId,
      status: w.status,
      balance: w.balance,
      currency: w.currency,
      createdAt: w.createdAt,
    })),
    // Masked numbers only: the package never carries an account or card number in full.
    bankLinks: links.map((l) => ({
      linkId: l.linkId,
      walletId: l.walletId,
      bankCode: l.bankCode,
      kind: l.kind,
      maskedNumber: l.maskedNumber,
      status: l.status,
      createdAt: l.createdAt,
      ...(l.removedAt ? { removedAt: l.removedAt } : {}),
    })),
    statement: {
      ...(period ? { period } : {}),
      entries: entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.entryId.localeCompare(a.entryId)),
    },
  };
}

/** The wallets a FREEZE order stops (every one but CLOSED ones) and what it writes on each. */
function freezes(services: Services, wallets: Wallet[], input: LawEnforcementInput, actor: string, requestId: string) {
  const order = {
    authority: input.authority,
    actor,
    reason: `Freeze order of ${input.authority}`,
    reference: input.reference,
    requestId,
  };
  return wallets
    .filter((w) => w.status !== 'CLOSED')
    .map((w) => {
      const write = freezeWrite(w, orderOf(services, w, 'FREEZE', 'FROZEN', order));
      if (write instanceof Refusal) throw write;
      return write;
    });
}

/**
 * POST /v1/ops/law-enforcement-requests: executes a FREEZE or answers an INFORMATION request at
 * once. The request, every freeze it makes and the audit record are one transaction (an
 * INFORMATION package's statement parts are written first: without its request item they are
 * never read).
 */
export async function receiveLawEnforcementRequest(
  services: Services,
  caller: Caller,
  input: LawEnforcementInput,
  route: string,
): Promise<LawEnforcementRequest> {
  const period = input.period ? normalizePeriod(input.period) : undefined;
  if (input.period && !period) {
    throw new Refusal('validation-failed', 'The period is not valid.', {
      errors: [{ name: 'body.period', reason: 'from must not be after to' }],
    });
  }
  const customerId = await subjectCustomer(services, input.subject);
  const customer = await services.store.getCustomer(customerId);
  if (!customer) throw new Refusal('subject-not-found', 'No customer matches the subject of this request.');
  const requestId = ulid();
  let parts = false;
  const received = await commitWithRetry(services, [], async () => {
    const wallets = await services.wallets.listByOwner(customerId);
    const at = services.clock.now().toISOString();
    const writes = input.kind === 'FREEZE' ? freezes(services, wallets, input, caller.subject, requestId) : [];
    const answer = input.kind === 'INFORMATION' ? await answerPackage(services, customer, wallets, period) : undefined;
    const request: LawEnforcementRequest = {
      requestId,
      authority: input.authority,
      reference: input.reference,
      kind: input.kind,
      subject: {
        ...(input.subject.walletId ? { walletId: input.subject.walletId } : {}),
        ...(input.subject.phoneNumber ? { phoneNumber: input.subject.phoneNumber } : {}),
        ...(input.subject.idNumber ? { idNumberMask: maskIdNumber(input.subject.idNumber) } : {}),
      },
      ...(period ? { period } : {}),
      customerId,
      status: 'COMPLETED',
      receivedBy: caller.subject,
      receivedAt: at,
      completedAt: at,
      ...(input.kind === 'FREEZE'
        ? {
            frozenWallets: writes.map((w) => ({
              walletId: w.wallet.walletId,
              previousStatus: w.wallet.status,
              status: 'FROZEN' as const,
            })),
          }
        : {}),
      ...(answer ? { answer } : {}),
    };
    if (answer && !parts) {
      await services.lawEnforcement.saveParts(request);
      parts = true;
    }
    const audit = auditRecord(services, caller, 'LAW_ENFORCEMENT_REQUEST', requestSubjects(request), {
      route,
      reason: `${input.kind} request of ${input.authority}`,
      reference: input.reference,
    });
    return {
      commit: {
        at,
        token: `lereq:${requestId}`,
        wallets: [],
        system: [],
        walletOrders: writes,
        lawEnforcementRequest: request,
        audit,
      },
      after: request,
    };
  });
  // A freeze order ends the customer's sessions too (API.md v1.1), without telling them why.
  if (input.kind === 'FREEZE') await revokeSessions(services, customerId);
  return received;
}

/** GET /v1/ops/law-enforcement-requests/{requestId}: the request and its answer package. */
export async function getLawEnforcementRequest(services: Services, requestId: string) {
  const request = await services.lawEnforcement.get(requestId);
  if (!request) throw new Refusal('request-not-found', 'No such request.');
  return request;
}

/** The subjects an audit entry about this request is filed under: the request, the customer, the wallets. */
export const requestSubjects = (r: LawEnforcementRequest): string[] => [
  r.requestId,
  r.customerId,
  ...(r.frozenWallets ?? []).map((w) => w.walletId),
  ...(r.answer?.wallets ?? []).map((w) => w.walletId),
];
