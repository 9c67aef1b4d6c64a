import type { Services } from '../ports/services.ts';

/**
 * GET /v1/ops/reconciliation/safeguarding (Decree 52 Art. 6(3), Circular 40 Art. 27): the
 * guarantee account must hold at least the sum of wallet balances. Wallet balances come from the
 * double-entry identity (wallets + SAFEGUARDING + BANK_CLEARING + RISK_HOLD = 0), the guarantee
 * balance from the bank. In flight: withdrawals reserved in wallets but not yet paid out, transfers
 * held for review, and top-ups already pulled by the bank but not yet credited: customers' money
 * at the bank that no wallet shows. (API.md subtracts the last; see docs/money.md for why we add.)
 */
export async function reconcileSafeguarding(services: Services) {
  const { ledger, bank, clock } = services;
  const asOf = clock.now().toISOString();
  const [safeguarding, clearing, held, guaranteeAccountBalance] = await Promise.all([
    ledger.systemBalance('SAFEGUARDING'),
    ledger.systemBalance('BANK_CLEARING'),
    ledger.systemBalance('RISK_HOLD'),
    bank.guaranteeBalance(),
  ]);
  const processing = await ledger.processing(`${asOf}~`, 1000);
  let pulledNotCredited = 0;
  for (const t of processing.filter((p) => p.type === 'TOPUP')) {
    if ((await bank.status(t.transferId)).outcome === 'APPLIED') pulledNotCredited += t.amount;
  }
  const walletBalances = -(safeguarding + clearing + held);
  // Withdrawals reserved but not paid out, transfers held for review, top-ups pulled but not credited.
  const inFlight = clearing + held + pulledNotCredited;
  return {
    walletBalances,
    inFlight,
    guaranteeAccountBalance,
    difference: guaranteeAccountBalance - walletBalances - inFlight,
    asOf,
  };
}
