import { businessMonth } from '../domain/calendar.ts';
import { monthlyCap } from '../domain/customer.ts';
import { caseView } from '../domain/risk-case.ts';
import { countsTowardMonthlyCap, type Transfer, transferView } from '../domain/transfer.ts';
import { notFound, Problem } from '../http/problem.ts';
import type { CommitPlan } from '../ports/ledger.ts';
import type { Services } from '../ports/services.ts';
import { handToBank } from './transfers/create-transfer.ts';
import { backoff } from './transfers/post.ts';
import { recordMovement } from './transfers/risk.ts';
import { withWalletLocks } from './transfers/wallet-locks.ts';

/** GET /v1/ops/cases: the operators' queue of transfers held by the risk engine. */
export async function listCases(services: Services, status: string, limit: number, cursor?: string) {
  const page = await services.ledger.listCases(status, limit, cursor);
  return { items: page.items.map(caseView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

type Decision = 'RELEASE' | 'REJECT';

/** What the decision does to a held transfer's money (the payer's side was committed when it was held). */
function planFor(
  t: Transfer,
  decision: Decision,
  at: string,
): Omit<CommitPlan, 'wallets' | 'riskCase' | 'token'> & { credit?: 'payer' | 'payee' } {
  if (t.type === 'WITHDRAWAL') {
    return decision === 'RELEASE'
      ? {
          transfer: {
            update: { transferId: t.transferId, from: ['HELD'], set: { status: 'PROCESSING', processingSince: at } },
          },
          system: [],
        }
      : {
          transfer: {
            update: {
              transferId: t.transferId,
              from: ['HELD'],
              set: { status: 'REJECTED', failureCode: 'risk-rejected', completedAt: at },
            },
          },
          system: [{ account: 'BANK_CLEARING', amount: -t.amount, transferId: t.transferId, at }],
          credit: 'payer',
        };
  }
  return decision === 'RELEASE'
    ? {
        transfer: {
          update: {
            transferId: t.transferId,
            from: ['HELD'],
            set: { status: 'COMPLETED', completedAt: at },
            amount: t.amount,
          },
        },
        system: [{ account: 'RISK_HOLD', amount: -t.amount, transferId: t.transferId, at }],
        credit: 'payee',
      }
    : {
        transfer: {
          update: {
            transferId: t.transferId,
            from: ['HELD'],
            set: { status: 'REJECTED', failureCode: 'risk-rejected', completedAt: at },
          },
        },
        system: [{ account: 'RISK_HOLD', amount: -t.amount, transferId: t.transferId, at }],
        credit: 'payer',
        // The month's cap counted the held amount; a rejected transfer gives it back.
        ...(countsTowardMonthlyCap(t)
          ? {
              monthly: {
                customerId: t.customerId,
                month: businessMonth(new Date(t.createdAt)),
                amount: -t.amount,
                cap: monthlyCap,
              },
            }
          : {}),
      };
}

/**
 * POST /v1/ops/cases/{id}/decision (RULES.md §7): RELEASE completes the held transfer through the
 * normal commit (a withdrawal goes on to the bank); REJECT returns the reserved funds. Once only.
 */
export async function decideCase(
  services: Services,
  caseId: string,
  decision: Decision,
  note: string,
  operator: string,
) {
  const riskCase = await services.ledger.getCase(caseId);
  if (!riskCase) throw notFound('No such case.');
  if (riskCase.status !== 'OPEN') throw new Problem(409, 'case-decided', `This case was already ${riskCase.status}.`);
  const t = await services.ledger.getTransfer(riskCase.transferId);
  if (!t || t.status !== 'HELD') throw new Problem(409, 'case-decided', 'The held transfer has moved on.');

  return withWalletLocks([t.walletId, t.toWalletId], async () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const at = services.clock.now().toISOString();
      const plan = planFor(t, decision, at);
      const wallets: CommitPlan['wallets'] = [];
      if (plan.credit === 'payee') {
        const payee = await services.wallets.get(t.toWalletId!);
        if (payee?.status !== 'ACTIVE') {
          throw new Problem(
            409,
            'wallet-not-active',
            'The payee wallet cannot receive money now: reject the case instead.',
          );
        }
        wallets.push({
          wallet: payee,
          delta: t.amount,
          requireActive: true,
          entry: { transferId: t.transferId, type: t.type, counterparty: t.walletId, at },
        });
      } else if (plan.credit === 'payer') {
        const payer = (await services.wallets.get(t.walletId))!;
        const type = t.type === 'WITHDRAWAL' ? 'WITHDRAWAL_RETURN' : 'HOLD_RETURN';
        wallets.push({
          wallet: payer,
          delta: t.amount,
          requireActive: false,
          entry: { transferId: t.transferId, type, at },
        });
      }
      const outcome = await services.ledger.commit({
        transfer: plan.transfer,
        wallets,
        system: plan.system,
        ...(plan.monthly ? { monthly: plan.monthly } : {}),
        riskCase: {
          close: { caseId, status: decision === 'RELEASE' ? 'RELEASED' : 'REJECTED', decidedBy: operator, note, at },
        },
        token: `${t.transferId}:decision`,
      });
      if (outcome === 'committed') {
        const decided = (await services.ledger.getTransfer(t.transferId))!;
        if (decision === 'RELEASE' && decided.status === 'COMPLETED') await recordMovement(services, decided);
        await handToBank(services, decided);
        return { case: caseView((await services.ledger.getCase(caseId))!), transfer: transferView(decided) };
      }
      if (outcome === 'case-decided' || outcome === 'transfer-moved-on') {
        throw new Problem(409, 'case-decided', 'This case was decided by someone else meanwhile.');
      }
      await backoff(attempt);
    }
    throw new Problem(503, 'wallet-busy', 'The wallets are too busy right now; nothing was moved. Retry.');
  });
}
