import type { Services } from '../container.ts';

/**
 * GET /v1/ops/reconciliation/safeguarding (Decree 52 Art. 6(3), Circular 40 Art. 27): the
 * guarantee account must hold at least the sum of wallet balances. Wallet balances come from the
 * double-entry identity (wallets + SAFEGUARDING + BANK_CLEARING = 0), the guarantee balance from
 * the bank. In flight: withdrawals reserved in wallets but not yet paid out, plus top-ups already
 * pulled by the bank but not yet credited; both sit at the bank on one side only.
 */
export async function reconcileSafeguarding(services: Services) {
  const { ledger, bank, clock } = services;
  const asOf = clock.now().toISOString();
  const [safeguarding, clearing, guaranteeAccountBalance] = await Promise.all([
    ledger.systemBalance('SAFEGUARDING'),
    ledger.systemBalance('BANK_CLEARING'),
    bank.guaranteeBalance(),
  ]);
  const processing = await ledger.processing(`${asOf}~`, 1000);
  let pulledNotCredited = 0;
  for (const t of processing.filter((p) => p.type === 'TOPUP')) {
    if ((await bank.status(t.transferId)).outcome === 'APPLIED') pulledNotCredited += t.amount;
  }
  const walletBalances = -(safeguarding + clearing);
  const inFlight = clearing + pulledNotCredited;
  return {
    walletBalances,
    inFlight,
    guaranteeAccountBalance,
    difference: guaranteeAccountBalance - walletBalances - inFlight,
    asOf,
  };
}
