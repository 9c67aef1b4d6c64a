import { ulid } from 'ulid';
import type { Customer } from '../domain/customer.ts';
import {
  type ConsentPurpose,
  consentChange,
  consentView,
  type DataRequest,
  type DataRequestKind,
  type DataRequestStatus,
  dataRequestDueAt,
  dataRequestView,
  erasureRefusal,
  retentionEnds,
} from '../domain/personal-data.ts';
import { Refusal, refusals } from '../domain/refusals.ts';
import { transferView } from '../domain/transfer.ts';
import { walletView } from '../domain/wallet.ts';
import type { Caller } from '../ports/caller.ts';
import type { Services } from '../ports/services.ts';
import { audited, auditRecord } from './audit.ts';
import { pendingOf } from './inbox.ts';
import { revokeSessions } from './sign-in.ts';

// Personal data (RULES.md §9; Law 91/2025 with Decree 356/2025, in force 2026-01-01; API.md v1.1
// "Personal data"): consents per purpose, a copy of one's data (ACCESS), erasure (DELETE), a due
// date on every request, the operators' list of them, and compliance's restricted read of what
// AML law keeps after an erasure.

const noSuchRequest = () => new Refusal('request-not-found', 'No such data request.');

async function customerOf(services: Services, customerId: string): Promise<Customer> {
  const customer = await services.store.getCustomer(customerId, { consistent: true });
  if (!customer) throw new Refusal('customer-not-found', 'No customer for this identity.');
  return customer;
}

/** GET /v1/me/consents: every purpose as it stands (one never recorded is not given). */
export async function listConsents(services: Services, customerId: string) {
  return { items: consentView(await services.profile.consents(customerId)) };
}

/** POST /v1/me/consents: gives or withdraws a purpose; SERVICE ends only with the account. */
export async function setConsent(
  services: Services,
  customerId: string,
  input: { purpose: ConsentPurpose; granted: boolean; noticeVersion: string },
) {
  const customer = await customerOf(services, customerId);
  if (customer.status === 'CLOSED') throw new Refusal('customer-not-found', 'This account is closed.');
  const consent = consentChange(input.purpose, input.granted, input.noticeVersion, services.clock.now().toISOString());
  if (consent instanceof Refusal) throw consent;
  await services.profile.recordConsent(customerId, consent);
  return consent;
}

/** Everything the wallet holds about the customer, in the clear, for the customer (ACCESS). */
async function exportOf(services: Services, customer: Customer) {
  const { profile, wallets, links, ledger, keyRing, clock } = services;
  const ring = await keyRing();
  const id = customer.identity;
  const [consents, devices, authenticationEvents, owned] = await Promise.all([
    profile.consents(customer.customerId),
    profile.devices(customer.customerId),
    profile.authEvents(customer.customerId),
    wallets.listByOwner(customer.customerId),
  ]);
  const statements = await Promise.all(
    owned.map(async (w) => {
      const entries = [];
      let cursor: string | undefined;
      do {
        const page = await ledger.statement(w.walletId, 100, cursor);
        entries.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return { walletId: w.walletId, entries };
    }),
  );
  const transfers = await profile.transfers(statements.flatMap((s) => s.entries.map((e) => e.transferId)));
  const bankLinks = (await Promise.all(owned.map((w) => links.list(w.walletId)))).flat();
  return {
    generatedAt: clock.now().toISOString(),
    profile: {
      customerId: customer.customerId,
      phoneNumber: customer.phoneNumber,
      status: customer.status,
      kind: customer.kind,
      createdAt: customer.createdAt,
      ...(customer.verifiedAt ? { verifiedAt: customer.verifiedAt } : {}),
      ...(id
        ? {
            identity: {
              fullName: id.fullName,
              dateOfBirth: await ring.decrypt(id.dateOfBirthEnc),
              nationality: id.nationality,
              idNumber: await ring.decrypt(id.idNumberEnc),
              idExpiryDate: id.idExpiryDate,
            },
          }
        : {}),
      ...(customer.organization ? { organization: customer.organization } : {}),
      ...(customer.merchant ? { merchant: customer.merchant } : {}),
    },
    consents: consentView(consents),
    devices: devices.map((d) => ({
      deviceId: d.deviceId,
      trusted: d.trusted,
      firstSeenAt: d.firstSeenAt,
      lastSeenAt: d.lastSeenAt,
      ...(d.trustedAt ? { trustedAt: d.trustedAt } : {}),
      boundToKey: d.keyThumbprint !== undefined,
    })),
    authenticationEvents,
    wallets: owned.map((w) => ({ ...walletView(w), createdAt: w.createdAt })),
    // Masked numbers only: the customer knows their own accounts; a leaked export shows none in full.
    bankLinks: bankLinks.map((l) => ({
      linkId: l.linkId,
      walletId: l.walletId,
      bankCode: l.bankCode,
      kind: l.kind,
      maskedNumber: l.maskedNumber,
      status: l.status,
      createdAt: l.createdAt,
      ...(l.removedAt ? { removedAt: l.removedAt } : {}),
    })),
    statements,
    transfers: transfers.map(transferView).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  };
}

/** Builds the export, encrypts it at rest, and marks the ACCESS request COMPLETED. */
async function answerAccess(services: Services, request: DataRequest): Promise<DataRequest> {
  const customer = await customerOf(services, request.customerId);
  const text = JSON.stringify(await exportOf(services, customer));
  const at = services.clock.now().toISOString();
  await services.profile.completeDataRequest(request, at, [await (await services.keyRing()).encrypt(text)]);
  return { ...request, status: 'COMPLETED', completedAt: at };
}

/**
 * After the erasure's transaction: sessions end, the identity provider's user is disabled and
 * deleted, device secrets and risk profiles go, the request is COMPLETED. Safe to repeat (the
 * retention job finishes a request a crash left OPEN).
 */
async function finishErasure(services: Services, request: DataRequest) {
  const walletIds = (await services.wallets.listByOwner(request.customerId)).map((w) => w.walletId);
  await revokeSessions(services, request.customerId);
  await services.identity.disableAndDelete(request.customerId);
  await services.profile.scrubAfterErasure(request.customerId, walletIds);
  const at = services.clock.now().toISOString();
  await services.profile.completeDataRequest(request, at);
  return { ...request, status: 'COMPLETED' as const, completedAt: at };
}

/** What AML law keeps of an erased customer (RULES.md §8: identification, 5 years), to be encrypted whole. */
const retainedRecord = (c: Customer, closedAt: string) => ({
  customerId: c.customerId,
  phoneNumber: c.phoneNumber,
  kind: c.kind,
  status: c.status,
  createdAt: c.createdAt,
  ...(c.verifiedAt ? { verifiedAt: c.verifiedAt } : {}),
  ...(c.identity ? { identity: c.identity } : {}),
  ...(c.organization ? { organization: c.organization } : {}),
  ...(c.merchant ? { merchant: c.merchant } : {}),
  closedAt,
});

/** DELETE: refused while money is held or in flight; otherwise closed, reduced to what AML law keeps, signed out. */
async function erase(services: Services, caller: Caller, request: DataRequest, route: string) {
  const { profile, wallets, keyRing, clock } = services;
  const ring = await keyRing();
  for (let attempt = 0; attempt < 3; attempt++) {
    const customer = await customerOf(services, caller.subject);
    const owned = await wallets.listByOwner(customer.customerId);
    const walletIds = owned.map((w) => w.walletId);
    // A busy wallet's credits still in its inbox are money it holds (docs/merchants.md).
    const holding = await Promise.all(
      owned.map(async (w) => ({ ...w, balance: w.balance + (await pendingOf(services, w)).amount })),
    );
    const refusal = erasureRefusal(holding, await profile.transfersInFlight(walletIds));
    if (refusal) {
      // Kept, with its due date, for the operators' list: a refused request is an answered one.
      await profile.createDataRequest({
        ...request,
        status: 'REFUSED',
        completedAt: clock.now().toISOString(),
        refusal: { reason: refusal.reason, detail: refusal.detail },
      });
      throw new Refusal(refusal.reason, refusal.detail, { ...refusal.facts, requestId: request.requestId });
    }
    const now = clock.now();
    const closedAt = now.toISOString();
    // The uniqueness guards stay with the record: compliance finds an erased customer by ID number.
    const retainedGuards = [
      ...(customer.identity ? [{ kind: 'IDENTITY' as const, value: customer.identity.idNumberHash }] : []),
      ...(customer.organization
        ? [
            {
              kind: 'ENTERPRISE' as const,
              value: await ring.mac('enterprise-code', customer.organization.enterpriseCode),
            },
          ]
        : []),
    ];
    const outcome = await profile.erase({
      customer,
      wallets: owned,
      closedAt,
      retainedEnc: await ring.encrypt(JSON.stringify(retainedRecord(customer, closedAt))),
      retainUntil: retentionEnds(now),
      retainedGuards,
      request,
      audit: auditRecord(services, caller, 'DATA_ERASURE', [customer.customerId, ...walletIds], {
        route,
        reason: 'erasure requested by the customer (Law 91/2025); AML records retained encrypted',
        reference: request.requestId,
      }),
    });
    if (outcome === 'erased') return finishErasure(services, request);
    // A wallet or the customer moved meanwhile (money arrived, a lock): read again and decide again.
  }
  throw refusals.walletBusy();
}

/**
 * POST /v1/me/data-requests: ACCESS is answered at once with the export (kept encrypted, read with
 * GET); DELETE closes the account before the answer. Both carry their due date.
 */
export async function requestData(services: Services, caller: Caller, kind: DataRequestKind, route: string) {
  const customer = await customerOf(services, caller.subject);
  if (customer.status === 'CLOSED') {
    // A DELETE whose follow-up a crash cut short is finished by asking again.
    const open = (await services.profile.dataRequestsOf(customer.customerId)).find(
      (r) => r.kind === 'DELETE' && r.status === 'OPEN',
    );
    if (kind === 'DELETE' && open) return dataRequestView(await finishErasure(services, open));
    throw new Refusal('customer-not-found', 'This account is closed.');
  }
  const now = services.clock.now();
  const request: DataRequest = {
    requestId: ulid(now.getTime()),
    customerId: customer.customerId,
    kind,
    status: 'OPEN',
    createdAt: now.toISOString(),
    dueAt: dataRequestDueAt(now, services.deadlines.dataRequestDays),
  };
  if (kind === 'DELETE') return dataRequestView(await erase(services, caller, request, route));
  await services.profile.createDataRequest(request);
  return dataRequestView(await answerAccess(services, request));
}

/** GET /v1/me/data-requests/{id}: the request; a COMPLETED ACCESS with its export. */
export async function getDataRequest(services: Services, customerId: string, requestId: string) {
  const request = await services.profile.getDataRequest(customerId, requestId);
  if (!request) throw noSuchRequest();
  if (request.kind !== 'ACCESS' || request.status !== 'COMPLETED') return dataRequestView(request);
  const parts = await services.profile.exportParts(request);
  const ring = await services.keyRing();
  const exported = JSON.parse(await ring.decrypt(parts.join(''))) as Record<string, unknown>;
  return { ...dataRequestView(request), export: exported };
}

/** GET /v1/ops/data-requests?status=: requests with their due dates, the soonest first; the read is audited. */
export async function listDataRequests(
  services: Services,
  caller: Caller,
  query: { status: DataRequestStatus; limit: number; cursor?: string },
  route: string,
) {
  const page = await services.profile.listDataRequests(query.status, query.limit, query.cursor);
  await audited(services, caller, 'DATA_REQUESTS_READ', `data-requests:${query.status}`, { route });
  return {
    items: page.items.map((r) => ({ ...dataRequestView(r), customerId: r.customerId })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * GET /v1/ops/customers/{customerId}/retained-data (compliance): what AML law keeps of an erased
 * customer, decrypted for the compliance officer, audited before it is answered.
 */
export async function readRetainedData(services: Services, caller: Caller, customerId: string, route: string) {
  const customer = await services.store.getCustomer(customerId, { consistent: true });
  if (!customer?.retainedEnc) throw new Refusal('customer-not-found', 'No erased customer with this id.');
  await audited(services, caller, 'RETAINED_DATA_READ', customerId, {
    route,
    reason: 'AML record of an erased customer',
  });
  const ring = await services.keyRing();
  const { identity: id, ...record } = JSON.parse(await ring.decrypt(customer.retainedEnc)) as ReturnType<
    typeof retainedRecord
  >;
  return {
    ...record,
    ...(id
      ? {
          identity: {
            fullName: id.fullName,
            dateOfBirth: await ring.decrypt(id.dateOfBirthEnc),
            nationality: id.nationality,
            idNumber: await ring.decrypt(id.idNumberEnc),
            idExpiryDate: id.idExpiryDate,
          },
        }
      : {}),
    ...(customer.retainUntil ? { retainUntil: customer.retainUntil } : {}),
  };
}

/** For the retention job: every DELETE a crash left OPEN is finished. */
export async function finishOpenErasures(services: Services): Promise<number> {
  let finished = 0;
  let cursor: string | undefined;
  do {
    const page = await services.profile.listDataRequests('OPEN', 100, cursor);
    for (const r of page.items) {
      if (r.kind === 'DELETE') {
        const customer = await services.store.getCustomer(r.customerId, { consistent: true });
        if (customer?.status === 'CLOSED') {
          await finishErasure(services, r);
          finished++;
        }
      } else if (r.kind === 'ACCESS') {
        await answerAccess(services, r);
        finished++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return finished;
}
