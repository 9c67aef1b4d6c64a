import { functionTimeouts } from '../../../routes.ts';
import type { CommitPlan } from '../../domain/commit-plan.ts';
import { refusals } from '../../domain/refusals.ts';
import type { Challenge } from '../../domain/transfer.ts';
import { type Decision, decide, type TransferEvent, type TransferSnapshot } from '../../domain/transfer-machine.ts';
import { logger } from '../../observability/logger.ts';
import type { Services } from '../../ports/services.ts';
import { withWalletLocks } from './wallet-locks.ts';

// The one retry loop of the money path (DESIGN.md "One planner, one commit"): read, decide,
// commit; when a condition did not hold (another request committed first), read again and decide
// again, with jittered backoff, until the time budget is spent. The planner sees the new state,
// so a second try may refuse (the month's room is gone), replay (a duplicate request won), or
// ask for stronger factors (the day's counters rose).

/** Time kept back from the function's timeout for the work after the commit and the answer. */
const AFTER_COMMIT_MS = 3_000;

/**
 * The budget is derived from the function's timeout (functions/routes.ts), never written twice:
 * past it the answer is `wallet-busy` with nothing moved, before Lambda would cut the request off
 * mid-way and leave the client guessing.
 */
export const commitRetry = {
  budgetMs: functionTimeouts.requestSeconds * 1000 - AFTER_COMMIT_MS,
  maxAttempts: 60,
} as const;
if (commitRetry.budgetMs <= 0 || commitRetry.budgetMs + AFTER_COMMIT_MS > functionTimeouts.requestSeconds * 1000) {
  throw new Error('the commit retry budget must fit inside the function timeout');
}

export const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 10 * 2 ** Math.min(attempt, 5))));

/** What the loop settled on: the planner's final decision, the commit done if it was one. */
export type Settled = Exclude<Decision, { kind: 'challenge' }>;

export interface LoopInput {
  /** Wallets whose commits this process serialises (fewer needless conflicts; DynamoDB still decides). */
  lock: (string | undefined)[];
  /** The snapshot: `attempt` 0 is the first read, later attempts may read only what changes. */
  read: (attempt: number) => Promise<TransferSnapshot>;
  event: TransferEvent;
  /** Makes the challenge a `challenge` decision asks for (and sends its OTP, in parallel with the commit). */
  challenge?: (
    cls: Challenge['class'],
    methods: Challenge['methods'],
  ) => Promise<{ challenge: Challenge; send: () => Promise<void> }>;
}

/** One step of the loop: a plan to commit (and what to answer once it is), or an answer without a write. */
export type Step<T> = { commit: CommitPlan; after: T; alongside?: Promise<unknown> } | { answer: T };

/**
 * The retry policy of every commit (transfers, case decisions, freezes, authorities' orders): run
 * `step`, commit its plan, and on a conflict run `step` again (it reads again), backing off with
 * jitter from the second conflict, until the budget derived from the function's timeout is spent.
 * `alongside` runs with the first commit (an OTP message) and is awaited with it.
 */
export async function commitWithRetry<T>(
  services: Services,
  lock: (string | undefined)[],
  step: (attempt: number) => Promise<Step<T>>,
): Promise<T> {
  return withWalletLocks(lock, async (waited) => {
    const started = Date.now();
    for (let attempt = 0; attempt < commitRetry.maxAttempts && Date.now() - started < commitRetry.budgetMs; attempt++) {
      // After waiting for another commit on the same wallet, what was read before is stale: read again.
      const next = await step(waited ? attempt + 1 : attempt);
      if ('answer' in next) return next.answer;
      const [result] = await Promise.all([services.ledger.commit(next.commit), next.alongside]);
      if (result.outcome === 'committed') return next.after;
      logger.debug('commit conflict; deciding again', { token: next.commit.token, attempt, on: result.on });
      if (attempt > 0) await backoff(attempt);
    }
    logger.warn('commit kept conflicting', { ms: Date.now() - started });
    throw refusals.walletBusy();
  });
}

/** The transfer state machine driven by the loop: read, decide, commit, again on a conflict. */
export async function decideAndCommit(services: Services, input: LoopInput): Promise<Settled> {
  let made: { challenge: Challenge; send: () => Promise<void> } | undefined;
  let sent: Promise<void> | undefined;
  return commitWithRetry<Settled>(services, input.lock, async (attempt) => {
    const decision = decide(await input.read(attempt), input.event, services.riskConfig);
    if (decision.kind === 'commit') return { commit: decision.plan, after: decision };
    if (decision.kind !== 'challenge') return { answer: decision };
    if (!input.challenge) throw new Error(`${input.event.kind} cannot ask for a challenge`);
    made ??= await input.challenge(decision.class, decision.methods);
    const commit = decision.commit(made.challenge);
    // The OTP goes out while the transfer is written; a message for a challenge whose commit lost
    // (a duplicate request won) names a challenge nobody can answer.
    sent ??= made.send();
    return { commit: commit.plan, after: commit, alongside: sent };
  });
}
