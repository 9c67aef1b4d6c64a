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
import type { Wallet } from '../domain/wallet.ts';
import { notFound, Problem, validationFailed } from '../http/problem.ts';
import type { AnswerPackage, LawEnforcementRequest, PackageEntry } from '../ports/law-enforcement.ts';
import type { Services } from '../ports/services.ts';
import { freezeWallet } from './freeze-wallet.ts';

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
  if (found.includes(MISSING)) throw notFound('No customer matches the subject of this request.');
  const customer = resolvedCustomer(found as (string | undefined)[]);
  if (customer === 'none') throw notFound('No customer matches the subject of this request.');
  if (customer === 'ambiguous') {
    throw new Problem(422, 'subject-mismatch', 'The identifiers of the subject name different customers.');
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

/** POST /v1/ops/law-enforcement-requests: executes a FREEZE or answers an INFORMATION request at once. */
export async function receiveLawEnforcementRequest(
  services: Services,
  actor: string,
  input: LawEnforcementInput,
): Promise<LawEnforcementRequest> {
  const period = input.period ? normalizePeriod(input.period) : undefined;
  if (input.period && !period) {
    throw validationFailed('The period is not valid.', [{ name: 'body.period', reason: 'from must not be after to' }]);
  }
  const customerId = await subjectCustomer(services, input.subject);
  const customer = await services.store.getCustomer(customerId);
  if (!customer) throw notFound('No customer matches the subject of this request.');
  const wallets = await services.wallets.listByOwner(customerId);
  const receivedAt = services.clock.now().toISOString();
  const requestId = ulid();

  let frozenWallets: LawEnforcementRequest['frozenWallets'];
  let answer: AnswerPackage | undefined;
  if (input.kind === 'FREEZE') {
    frozenWallets = [];
    for (const w of wallets) {
      if (w.status === 'CLOSED') continue;
      const done = await freezeWallet(services, w.walletId, {
        authority: input.authority,
        actor,
        reason: `Freeze order of ${input.authority}`,
        reference: input.reference,
        requestId,
      });
      frozenWallets.push({ walletId: w.walletId, previousStatus: done.previousStatus, status: done.wallet.status });
    }
  } else {
    answer = await answerPackage(services, customer, wallets, period);
  }

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
    receivedBy: actor,
    receivedAt,
    completedAt: services.clock.now().toISOString(),
    ...(frozenWallets ? { frozenWallets } : {}),
    ...(answer ? { answer } : {}),
  };
  await services.lawEnforcement.save(request);
  return request;
}

/** GET /v1/ops/law-enforcement-requests/{requestId}: the request and its answer package. */
export async function getLawEnforcementRequest(services: Services, requestId: string) {
  const request = await services.lawEnforcement.get(requestId);
  if (!request) throw notFound('No such request.');
  return request;
}

/** The subjects an audit entry about this request is filed under: the request, the customer, the wallets. */
export const requestSubjects = (r: LawEnforcementRequest): string[] => [
  r.requestId,
  r.customerId,
  ...(r.frozenWallets ?? []).map((w) => w.walletId),
  ...(r.answer?.wallets ?? []).map((w) => w.walletId),
];
