import {
  type AuthenticationClass,
  authenticationClass,
  countersAfter,
  strongerOrEqual,
} from '../../domain/authentication-class.ts';
import { businessDay, businessMonth } from '../../domain/calendar.ts';
import { monthlyCap } from '../../domain/customer.ts';
import { postings } from '../../domain/ledger.ts';
import type { RiskCase } from '../../domain/risk-case.ts';
import { countersOn, countsTowardDailyTotals, countsTowardMonthlyCap, type Transfer } from '../../domain/transfer.ts';
import type { Wallet } from '../../domain/wallet.ts';
import { Problem } from '../../http/problem.ts';
import { logger } from '../../observability/logger.ts';
import type { CommitPlan, WalletChange } from '../../ports/ledger.ts';
import type { Services } from '../../ports/services.ts';
import { payerWalletProblem, refusals } from './problems.ts';
import { withWalletLocks } from './wallet-locks.ts';

// Posting a transfer: one TransactWriteItems whose conditions carry the rules (DESIGN.md
// "Money movement"). Wallets are read, the plan is computed in code (conditions have no
// arithmetic), and the commit is conditional on each wallet's version, the monthly room and the
// transfer's state. A stale read is retried with jittered backoff; DynamoDB's
// TransactionConflict lands in the same path.

const MAX_ATTEMPTS = 60;
/** Stop retrying well before the API's 29 s deadline: an answer must never lie about the outcome. */
const TIME_BUDGET_MS = 15_000;

/** The commit could not get through in time; nothing was posted, the request is safe to retry. */
export const walletBusy = () =>
  new Problem(503, 'wallet-busy', 'The wallet is too busy right now; nothing was moved. Retry the request.', {
    retryAfter: 1,
  });

export const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 10 * 2 ** Math.min(attempt, 5))));

export type PostResult =
  | { outcome: 'posted'; transfer: Transfer }
  | { outcome: 'stronger-authentication'; requiredClass: AuthenticationClass }
  | { outcome: 'refused'; problem: Problem }
  | { outcome: 'moved-on' };

async function walletOrThrow({ wallets }: Services, walletId: string): Promise<Wallet> {
  const wallet = await wallets.get(walletId);
  if (!wallet) throw new Error(`wallet ${walletId} vanished`);
  return wallet;
}

/** The class the rules give this transfer now, and the payer's counters after it (RULES.md §2). */
export function classify(t: Transfer, payer: Wallet, now: Date) {
  const counters = countersOn(payer, t.group, now);
  const actual = authenticationClass({
    group: t.group,
    amount: t.amount,
    counters,
    linkedBank: t.type === 'TOPUP' || t.type === 'WITHDRAWAL',
  });
  return { actual, next: countersAfter(counters, t.amount, actual) };
}

/**
 * Moves the money of an authenticated (or class A) transfer: P2P and PAYMENT complete,
 * WITHDRAWAL reserves the funds and waits for the bank, TOPUP waits for the bank.
 */
export async function postTransfer(
  services: Services,
  t: Transfer,
  authenticated: AuthenticationClass,
  mode: 'create' | 'authorize',
): Promise<PostResult> {
  return withWalletLocks([t.walletId, t.toWalletId], () => postOnce(services, t, authenticated, mode));
}

/** A transfer the risk engine holds: the payer's side commits, the money waits in RISK_HOLD (or clearing). */
function holdFor(t: Transfer, at: string): RiskCase | undefined {
  if (t.riskDecision !== 'HOLD') return undefined;
  return {
    caseId: `C${t.transferId}`,
    transferId: t.transferId,
    walletId: t.walletId,
    customerId: t.customerId,
    amount: t.amount,
    status: 'OPEN',
    ruleHits: t.ruleHits ?? [],
    createdAt: at,
  };
}

async function postOnce(
  services: Services,
  t: Transfer,
  authenticated: AuthenticationClass,
  mode: 'create' | 'authorize',
): Promise<PostResult> {
  const { ledger, clock } = services;
  const started = Date.now();
  for (let attempt = 0; attempt < MAX_ATTEMPTS && Date.now() - started < TIME_BUDGET_MS; attempt++) {
    const now = clock.now();
    const at = now.toISOString();
    const payer = await walletOrThrow(services, t.walletId);
    const payerProblem = payerWalletProblem(payer);
    if (payerProblem) return { outcome: 'refused', problem: payerProblem };
    const { actual, next } = classify(t, payer, now);
    // Circular 50: a transfer whose class rose meanwhile (parallel transfers) needs the stronger factors.
    if (!strongerOrEqual(authenticated, actual)) return { outcome: 'stronger-authentication', requiredClass: actual };

    const counters = countsTowardDailyTotals(t.type) ? { day: businessDay(now), group: t.group, next } : undefined;
    const settled: Partial<Transfer> = { authenticatedClass: authenticated };
    const wallets: WalletChange[] = [];
    const system: CommitPlan['system'] = [];
    let monthly: CommitPlan['monthly'];
    const held = holdFor(t, at);

    if (held && (t.type === 'P2P' || t.type === 'PAYMENT')) {
      if (payer.balance < t.amount) return { outcome: 'refused', problem: refusals.insufficientFunds() };
      const [reserve, hold] = postings('HOLD_RESERVE', t);
      wallets.push({
        wallet: payer,
        delta: reserve!.amount,
        requireActive: true,
        counters,
        entry: { transferId: t.transferId, type: t.type, ...(t.toWalletId ? { counterparty: t.toWalletId } : {}), at },
      });
      system.push({ account: 'RISK_HOLD', amount: hold!.amount, transferId: t.transferId, at });
      if (countsTowardMonthlyCap(t))
        monthly = { customerId: t.customerId, month: businessMonth(now), amount: t.amount, cap: monthlyCap };
      Object.assign(settled, { status: 'HELD', caseId: held.caseId });
    } else if (t.type === 'P2P' || t.type === 'PAYMENT') {
      const payee = await walletOrThrow(services, t.toWalletId!);
      if (payee.status !== 'ACTIVE') return { outcome: 'refused', problem: refusals.payeeNotActive() };
      if (payer.balance < t.amount) return { outcome: 'refused', problem: refusals.insufficientFunds() };
      const [debit, credit] = postings('TRANSFER', t);
      wallets.push(
        {
          wallet: payer,
          delta: debit!.amount,
          requireActive: true,
          counters,
          entry: { transferId: t.transferId, type: t.type, counterparty: payee.walletId, at },
        },
        {
          wallet: payee,
          delta: credit!.amount,
          requireActive: true,
          entry: { transferId: t.transferId, type: t.type, counterparty: payer.walletId, at },
        },
      );
      if (countsTowardMonthlyCap(t)) {
        monthly = { customerId: t.customerId, month: businessMonth(now), amount: t.amount, cap: monthlyCap };
      }
      Object.assign(settled, { status: 'COMPLETED', completedAt: at });
    } else if (t.type === 'WITHDRAWAL') {
      if (payer.balance < t.amount) return { outcome: 'refused', problem: refusals.insufficientFunds() };
      const [reserve, clearing] = postings('WITHDRAWAL_RESERVE', t);
      wallets.push({
        wallet: payer,
        delta: reserve!.amount,
        requireActive: true,
        counters,
        entry: { transferId: t.transferId, type: 'WITHDRAWAL', at },
      });
      system.push({ account: 'BANK_CLEARING', amount: clearing!.amount, transferId: t.transferId, at });
      Object.assign(settled, { status: 'PROCESSING', processingSince: at });
    } else {
      Object.assign(settled, { status: 'PROCESSING', processingSince: at });
    }

    const plan: CommitPlan = {
      transfer:
        mode === 'create'
          ? { create: { ...t, ...settled } }
          : { update: { transferId: t.transferId, from: ['REQUIRES_AUTHENTICATION'], set: settled, amount: t.amount } },
      wallets,
      system,
      ...(monthly ? { monthly } : {}),
      ...(held && settled.status === 'HELD' ? { riskCase: { open: held } } : {}),
      token: `${t.transferId}:post`,
    };
    const outcome = await ledger.commit(plan);
    if (outcome === 'committed') return { outcome: 'posted', transfer: { ...t, ...settled } };
    if (outcome === 'transfer-moved-on') return { outcome: 'moved-on' };
    if (outcome === 'monthly-limit') {
      const used = await ledger.monthlyUsed(t.customerId, businessMonth(now));
      return { outcome: 'refused', problem: refusals.monthlyLimit(monthlyCap - used) };
    }
    await backoff(attempt);
  }
  logger.warn('transfer commit kept conflicting', { transferId: t.transferId });
  throw walletBusy();
}

/** After the bank has answered: credit a top-up, or close (or return) a withdrawal's reservation. */
export async function settleWithBank(services: Services, t: Transfer, bank: 'APPLIED' | 'DECLINED'): Promise<boolean> {
  return withWalletLocks([t.walletId], () => settleOnce(services, t, bank));
}

async function settleOnce(services: Services, t: Transfer, bank: 'APPLIED' | 'DECLINED'): Promise<boolean> {
  const { ledger, clock } = services;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const at = clock.now().toISOString();
    const wallets: WalletChange[] = [];
    const system: CommitPlan['system'] = [];
    const settled: Partial<Transfer> =
      bank === 'APPLIED'
        ? { status: 'COMPLETED', completedAt: at }
        : { status: 'FAILED', failureCode: 'bank-declined', completedAt: at };
    if (t.type === 'TOPUP' && bank === 'APPLIED') {
      // The money is already at the guarantee account: credit it whatever the wallet's state.
      const [credit, safeguarding] = postings('TOPUP_CREDIT', t);
      wallets.push({
        wallet: await walletOrThrow(services, t.walletId),
        delta: credit!.amount,
        requireActive: false,
        entry: { transferId: t.transferId, type: 'TOPUP', at },
      });
      system.push({ account: 'SAFEGUARDING', amount: safeguarding!.amount, transferId: t.transferId, at });
    } else if (t.type === 'WITHDRAWAL' && bank === 'APPLIED') {
      for (const p of postings('WITHDRAWAL_PAYOUT', t)) {
        if ('system' in p.account)
          system.push({ account: p.account.system, amount: p.amount, transferId: t.transferId, at });
      }
    } else if (t.type === 'WITHDRAWAL') {
      const [clearing, back] = postings('WITHDRAWAL_RETURN', t);
      system.push({ account: 'BANK_CLEARING', amount: clearing!.amount, transferId: t.transferId, at });
      wallets.push({
        wallet: await walletOrThrow(services, t.walletId),
        delta: back!.amount,
        requireActive: false,
        entry: { transferId: t.transferId, type: 'WITHDRAWAL_RETURN', at },
      });
    }
    const outcome = await ledger.commit({
      transfer: { update: { transferId: t.transferId, from: ['PROCESSING'], set: settled, amount: t.amount } },
      wallets,
      system,
      token: `${t.transferId}:settle`,
    });
    if (outcome === 'committed') return true;
    if (outcome === 'transfer-moved-on') return false;
    await backoff(attempt);
  }
  throw new Error('the wallet is too busy; the settlement was not posted');
}
