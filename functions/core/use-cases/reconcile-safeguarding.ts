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
  let pulledNotCredited = 0;
  for (const t of processing.filter((p) => p.type === 'TOPUP')) {
    if ((await bank.status(t.transferId)).outcome === 'APPLIED') pulledNotCredited += t.amount;
  }
  // The switch is settled through the guarantee account once a day: until then what it paid out
  // for us is still in that account, and what it credited to our wallets is not in it yet.
  const atSwitch = switchClearing + switchSettlement;
  const walletBalances = -(safeguarding + clearing + held + atSwitch);
  const inFlight = clearing + held + atSwitch + pulledNotCredited;
  return {
    walletBalances,
    inFlight,
    guaranteeAccountBalance,
    difference: guaranteeAccountBalance - walletBalances - inFlight,
    asOf,
  };
}
