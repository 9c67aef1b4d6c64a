import { ulid } from 'ulid';
import {
  authenticationClass,
  maxClass,
  type TransferType,
  transactionGroup,
} from '../../domain/authentication-class.ts';
import { businessMonth } from '../../domain/calendar.ts';
import { type Customer, monthlyCap } from '../../domain/customer.ts';
import { countersOn, countsTowardMonthlyCap, type Transfer, transferView } from '../../domain/transfer.ts';
import type { Wallet } from '../../domain/wallet.ts';
import { notFound, Problem } from '../../http/problem.ts';
import { logger } from '../../observability/logger.ts';
import type { RiskSnapshot } from '../../ports/risk-profiles.ts';
import type { Services } from '../../ports/services.ts';
import { kycRequired, requireTrustedDevice } from '../trust-device.ts';
import { ownWallet } from '../wallets.ts';
import { newChallenge } from './challenge.ts';
import { notifyOutcome } from './notify.ts';
import { postTransfer } from './post.ts';
import { payerWalletProblem, refusals } from './problems.ts';
import { assessRisk, recordMovement } from './risk.ts';

export interface TransferRequest {
  type: TransferType;
  walletId: string;
  amount: number;
  linkId?: string;
  toWalletId?: string;
  toPhoneNumber?: string;
  merchantId?: string;
  description?: string;
}

/** RULES.md §5: no electronic payment while unverified or once the ID has expired. */
async function payingCustomer({ store }: Services, customerId: string): Promise<Customer> {
  const customer = await store.getCustomer(customerId);
  if (!customer || customer.status !== 'VERIFIED') throw kycRequired();
  return customer;
}

async function payeeWallet(services: Services, r: TransferRequest): Promise<Wallet> {
  const { wallets, store } = services;
  let wallet: Wallet | undefined;
  if (r.type === 'PAYMENT') {
    wallet = await wallets.get(r.merchantId!);
    if (!wallet?.merchant) throw refusals.payeeNotFound();
  } else if (r.toWalletId) {
    wallet = await wallets.get(r.toWalletId);
  } else {
    const customerId = await store.customerIdByPhone(r.toPhoneNumber!);
    const payee = customerId ? await store.getCustomer(customerId) : undefined;
    wallet = payee?.defaultWalletId ? await wallets.get(payee.defaultWalletId) : undefined;
  }
  if (!wallet) throw refusals.payeeNotFound();
  if (wallet.walletId === r.walletId) throw refusals.selfTransfer();
  if (wallet.status !== 'ACTIVE') throw refusals.payeeNotActive();
  return wallet;
}

/** Early refusals, so the customer is not asked for an OTP to be refused afterwards; the commit checks again. */
async function precheck(services: Services, t: Transfer, payer: Wallet) {
  if ((t.type === 'P2P' || t.type === 'PAYMENT' || t.type === 'WITHDRAWAL') && payer.balance < t.amount) {
    throw refusals.insufficientFunds();
  }
  if (countsTowardMonthlyCap(t)) {
    const used = await services.ledger.monthlyUsed(t.customerId, businessMonth(services.clock.now()));
    if (used + t.amount > monthlyCap) throw refusals.monthlyLimit(monthlyCap - used);
  }
}

/**
 * POST /v1/transfers: classify (RULES.md §1–2), then either post at once (class A) or wait in
 * REQUIRES_AUTHENTICATION with a challenge naming the factors (RULES.md §3).
 */
export async function createTransfer(services: Services, customerId: string, deviceId: string, r: TransferRequest) {
  const { clock, links } = services;
  // KYC first: the answer must not depend on whose wallet id was sent.
  const customer = await payingCustomer(services, customerId);
  const payer = await ownWallet(services, customerId, r.walletId);
  await requireTrustedDevice(services, customerId, deviceId);
  const problem = payerWalletProblem(payer);
  if (problem) throw problem;

  const link =
    r.linkId && (r.type === 'TOPUP' || r.type === 'WITHDRAWAL') ? await links.get(r.walletId, r.linkId) : undefined;
  if ((r.type === 'TOPUP' || r.type === 'WITHDRAWAL') && link?.status !== 'ACTIVE') throw refusals.bankLinkRequired();
  const payee = r.type === 'P2P' || r.type === 'PAYMENT' ? await payeeWallet(services, r) : undefined;
  const now = clock.now();
  const group = transactionGroup({
    type: r.type,
    customerKind: customer.kind,
    ownWallet: payee?.ownerId === customerId,
  });
  const base: Transfer = {
    transferId: ulid(now.getTime()),
    type: r.type,
    status: 'REQUIRES_AUTHENTICATION',
    walletId: r.walletId,
    customerId,
    customerKind: customer.kind,
    amount: r.amount,
    group,
    class: 'A',
    deviceId,
    ...(r.linkId ? { linkId: r.linkId } : {}),
    ...(payee ? { toWalletId: payee.walletId, payeeCustomerId: payee.ownerId } : {}),
    ...(r.merchantId ? { merchantId: r.merchantId } : {}),
    ...(r.description ? { description: r.description } : {}),
    createdAt: now.toISOString(),
  };
  await precheck(services, base, payer);
  const ruled = authenticationClass({
    group,
    amount: r.amount,
    counters: countersOn(payer, group, now),
    linkedBank: r.type === 'TOPUP' || r.type === 'WITHDRAWAL',
  });
  const bankAccountNumber = link?.accountNumberEnc
    ? await (await services.keyRing()).decrypt(link.accountNumberEnc)
    : undefined;
  const { assessment, snapshot } = await assessRisk(services, {
    transfer: base,
    customer,
    payer,
    ...(payee ? { payee } : {}),
    ...(r.toPhoneNumber ? { toPhoneNumber: r.toPhoneNumber } : {}),
    ...(bankAccountNumber ? { bankAccountNumber } : {}),
  });
  const judged: Transfer = {
    ...base,
    riskDecision: assessment.decision,
    ...(assessment.hits.length
      ? { ruleHits: assessment.hits.map(({ rule, score, reason }) => ({ rule, score, reason })) }
      : {}),
    ...(assessment.warnings.length ? { warnings: [...assessment.warnings] } : {}),
  };
  if (assessment.decision === 'BLOCK') await refuseByRisk(services, judged, assessment.problemCode ?? 'risk-blocked');
  // RULES.md §7: a WARN-listed payee or a suspicious pattern raises the class to at least C.
  const cls = assessment.decision === 'STEP_UP' ? maxClass(ruled, 'C') : ruled;
  const t: Transfer = { ...judged, class: cls };

  if (cls === 'A') {
    const result = await postTransfer(services, t, 'A', 'create');
    if (result.outcome === 'refused') throw result.problem;
    if (result.outcome === 'posted') {
      await afterPost(services, result.transfer, snapshot);
      return transferView(result.transfer);
    }
    // The counters moved between the read and the commit: ask for what the class now needs.
    if (result.outcome === 'stronger-authentication')
      return challengeAndStore(services, t, result.requiredClass, customer);
    throw new Problem(409, 'request-in-progress', 'This transfer is already being processed.');
  }
  return challengeAndStore(services, t, cls, customer);
}

/** BLOCK (RULES.md §7): the transfer is kept as REJECTED with its rule hits, and refused. */
async function refuseByRisk(services: Services, t: Transfer, code: 'payee-flagged' | 'risk-blocked'): Promise<never> {
  await services.ledger.createTransfer({ ...t, status: 'REJECTED', failureCode: code, completedAt: t.createdAt });
  throw code === 'payee-flagged'
    ? new Problem(
        422,
        'payee-flagged',
        'The payee is on a warning list of the police or the State Bank; the transfer was refused.',
        {
          transferId: t.transferId,
        },
      )
    : new Problem(403, 'risk-blocked', 'This transfer was refused by the fraud controls.', {
        transferId: t.transferId,
      });
}

/** After a commit: the risk profiles learn of the movement, the bank leg starts, the owner is told. */
export async function afterPost(services: Services, t: Transfer, snapshot?: RiskSnapshot): Promise<void> {
  if (t.status !== 'HELD' && (t.type !== 'TOPUP' || t.status === 'COMPLETED'))
    await recordMovement(services, t, snapshot);
  await handToBank(services, t);
}

async function challengeAndStore(services: Services, t: Transfer, cls: Transfer['class'], customer: Customer) {
  const waiting: Transfer = { ...t, class: cls, challenge: await newChallenge(services, t, cls, customer.phoneNumber) };
  await services.ledger.createTransfer(waiting);
  return transferView(waiting);
}

/**
 * After a commit: bank legs go to the settlement worker (if the enqueue fails, the sweeper finds
 * the transfer later); finished transfers are reported to their owners.
 */
export async function handToBank(services: Services, t: Transfer): Promise<void> {
  if (t.status === 'COMPLETED' || t.status === 'FAILED' || t.status === 'REJECTED') return notifyOutcome(services, t);
  if (t.status !== 'PROCESSING') return;
  try {
    await services.queue.enqueue(t.transferId);
  } catch (error) {
    logger.error('settlement enqueue failed; the sweeper will pick the transfer up', {
      transferId: t.transferId,
      error: error as Error,
    });
  }
}

/** GET /v1/transfers/{id}: another customer's transfer does not exist (API.md "Ownership"). */
export async function getTransfer(services: Services, customerId: string, transferId: string) {
  const t = await services.ledger.getTransfer(transferId);
  if (!t || t.customerId !== customerId) throw notFound('No such transfer.');
  return transferView(await expireIfDue(services, t));
}

/** An authentication not done in time ends the transfer as EXPIRED (RULES.md §3, 5 minutes). */
export async function expireIfDue(services: Services, t: Transfer): Promise<Transfer> {
  if (t.status !== 'REQUIRES_AUTHENTICATION' || !t.challenge) return t;
  if (services.clock.now().getTime() < Date.parse(t.challenge.expiresAt)) return t;
  await services.ledger.updateTransfer(t.transferId, ['REQUIRES_AUTHENTICATION'], {
    status: 'EXPIRED',
    failureCode: 'challenge-expired',
  });
  return (await services.ledger.getTransfer(t.transferId)) ?? t;
}
