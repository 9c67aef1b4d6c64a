import type { Services } from '../ports/services.ts';

/**
 * GET /v1/ops/reconciliation/safeguarding (Decree 52 Art. 6(3), Circular 40 Art. 27): the
 * guarantee account must hold at least the sum of wallet balances. Wallet balances come from the
 * double-entry identity (wallets + every system account = 0), the guarantee balance from the bank.
 * In flight: customers' money at the bank that no wallet shows, or that the guarantee account does
 * not show yet: withdrawals reserved but not yet paid out, transfers held for review, transfers
 * sent to the switch and not yet settled with it (net of credits the switch owes us), and top-ups
 * already pulled by the bank but not yet credited. (API.md subtracts the last; see docs/money.md
 * for why we add.)
 */
export async function reconcileSafeguarding(services: Services) {
  // The ledger and the bank are read one after the other, so a movement landing between two reads
  // skews that pass by its amount, while books that are wrong are off in every pass. So: a pass
  // that balances is answered at once; otherwise passes are repeated until two agree (nothing
  // moved meanwhile), at most SNAPSHOT_PASSES, and under traffic that never pauses the last one.
  let last = await reconcileOnce(services);
  for (let pass = 1; pass < SNAPSHOT_PASSES && last.difference !== 0; pass++) {
    const next = await reconcileOnce(services);
    if (next.difference === 0 || samePosition(next, last)) return next;
    last = next;
  }
  return last;
}

const SNAPSHOT_PASSES = 4;

type Position = Awaited<ReturnType<typeof reconcileOnce>>;
const samePosition = (a: Position, b: Position) =>
  a.walletBalances === b.walletBalances &&
  a.inFlight === b.inFlight &&
  a.guaranteeAccountBalance === b.guaranteeAccountBalance;

async function reconcileOnce(services: Services) {
  const { ledger, bank, clock } = services;
  const asOf = clock.now().toISOString();
  const [safeguarding, clearing, held, switchClearing, switchSettlement, guaranteeAccountBalance] = await Promise.all([
    ledger.systemBalance('SAFEGUARDING'),
    ledger.systemBalance('BANK_CLEARING'),
    ledger.systemBalance('RISK_HOLD'),
    ledger.systemBalance('SWITCH_CLEARING'),
    ledger.systemBalance('SWITCH_SETTLEMENT'),
    bank.guaranteeBalance(),
  ]);
  const processing = await ledger.processing(`${asOf}~`, 1000);
  // The bank moved money whose answer the worker has not recorded yet (a lost answer, or the
  // moment between the bank and the commit): a top-up already in the guarantee account, a
  // withdrawal already out of it. Each counts as what the guarantee account already shows.
  let pulledNotCredited = 0;
  let paidNotRecorded = 0;
  for (const t of processing.filter((p) => p.type === 'TOPUP' || p.type === 'WITHDRAWAL')) {
    if ((await bank.status(t.transferId)).outcome !== 'APPLIED') continue;
    if (t.type === 'TOPUP') pulledNotCredited += t.amount;
    else paidNotRecorded += t.amount;
  }
  // The switch pays and is paid through the guarantee account as it goes (SAFEGUARDING):
  // SWITCH_CLEARING waits for its answer; SWITCH_SETTLEMENT is 0 unless written before that.
  const atSwitch = switchClearing + switchSettlement;
  const walletBalances = -(safeguarding + clearing + held + atSwitch);
  const inFlight = clearing + held + atSwitch + pulledNotCredited - paidNotRecorded;
  return {
    walletBalances,
    inFlight,
    guaranteeAccountBalance,
    difference: guaranteeAccountBalance - walletBalances - inFlight,
    // The rule itself, apart from whether the books agree: the switch's credits are receivable
    // until its settlement reaches the guarantee account (docs/money.md), and this shows them.
    shortfall: Math.max(0, walletBalances - guaranteeAccountBalance),
    asOf,
  };
}
