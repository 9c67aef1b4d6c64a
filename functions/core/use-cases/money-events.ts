import { isNews, noticesOf } from '../domain/notifications.ts';
import { defaultRiskConfig } from '../domain/risk/config.ts';
import { emptyProfile, type LearntEntry, learn, type RiskProfile } from '../domain/risk/profile.ts';
import type { Transfer } from '../domain/transfer.ts';
import { logger } from '../observability/logger.ts';
import type { Services } from '../ports/services.ts';

// What runs after a commit, off the request path (DESIGN.md "One planner, one commit"): fed by
// the wallet table's stream (DynamoDB Streams in AWS, the local stream poller on a laptop), so
// that nothing a commit wrote is missed even when the request's process dies after it.

const SAVE_TRIES = 5;

/** One wallet's entries folded into its profile, written once, conditionally on the profile read. */
async function learnWallet(
  services: Services,
  walletId: string,
  entries: LearntEntry[],
  read: RiskProfile | undefined,
) {
  let before = read;
  for (let attempt = 0; attempt < SAVE_TRIES; attempt++) {
    const base = before ?? emptyProfile();
    const next = entries.reduce((p, e) => learn(p, e, defaultRiskConfig), base);
    if (next.appliedVersion === base.appliedVersion) return; // every entry was learnt before
    const gap = entries.find((e) => e.version > base.appliedVersion)!.version - base.appliedVersion;
    if (gap > 1)
      logger.warn('risk profile skips entries', { walletId, from: base.appliedVersion, to: next.appliedVersion });
    if (await services.riskProfiles.save(walletId, next, before?.appliedVersion)) return;
    before = (await services.riskProfiles.load([walletId]))[walletId];
  }
  throw new Error(`risk profile of ${walletId} kept changing`);
}

/**
 * The risk engine's features learn from committed statement entries (RULES.md §7): each wallet's
 * entries in version order, each entry once (`appliedVersion`), one write per wallet per batch.
 */
export async function learnFromEntries(services: Services, entries: LearntEntry[]): Promise<void> {
  if (!entries.length) return;
  const byWallet = new Map<string, LearntEntry[]>();
  for (const e of entries) byWallet.set(e.walletId, [...(byWallet.get(e.walletId) ?? []), e]);
  const profiles = await services.riskProfiles.load([...byWallet.keys()]);
  await Promise.all(
    [...byWallet].map(([walletId, list]) =>
      learnWallet(
        services,
        walletId,
        list.sort((a, b) => a.version - b.version),
        profiles[walletId],
      ),
    ),
  );
}

/** Tells the owners of transfers that ended (by SMS: SNS in AWS, the sandbox outbox locally). Best effort. */
export async function notifyOutcomes(services: Services, changes: { before?: Transfer; after: Transfer }[]) {
  const notices = changes.filter((c) => isNews(c.before, c.after)).flatMap((c) => noticesOf(c.after));
  await Promise.all(
    notices.map(async (n) => {
      try {
        const [customer, wallet] = await Promise.all([
          services.store.getCustomer(n.customerId),
          services.wallets.get(n.walletId),
        ]);
        if (customer && wallet)
          await services.sms.send({ phoneNumber: customer.phoneNumber, text: n.text(wallet.balance) });
      } catch (error) {
        logger.warn('transfer notification not sent', { walletId: n.walletId, error: error as Error });
      }
    }),
  );
}
