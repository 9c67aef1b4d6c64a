// What the risk engine needs to know about one transfer, gathered before the planner decides
// (RULES.md §7, §8): the wallets' profiles, the device, recent failed sign-ins and the watch-list
// hits on each side. `featuresOf` turns them into the engine's features; nothing here does I/O.

import { businessDay } from '../calendar.ts';
import type { Wallet } from '../wallet.ts';
import type { RiskFeatures, TransferFeatures, WatchlistSeverity } from './features.ts';
import { countSince, DAY_MS, type RiskProfile, sumHours } from './profile.ts';

export interface RiskInputs {
  /** The profiles of the wallets involved, by wallet id (absent: the wallet never moved money). */
  profiles: Record<string, RiskProfile | undefined>;
  /** The acting device: trusted by a challenge (not at KYC) less than 24 h ago is new (RULES.md §4). */
  device?: { trustedAt?: string; trustedVia?: 'KYC' | 'CHALLENGE' };
  /** Failed sign-ins of the customer's phone number. */
  signIn?: { recentFailures?: number; lastFailureAt?: string };
  /** The worst watch-list severity found on each side's identifiers. */
  watch: { payer?: WatchlistSeverity; payee?: WatchlistSeverity };
}

export const noRiskInputs = (): RiskInputs => ({ profiles: {}, watch: {} });

/** The engine's features for a transfer from `payer` (to `payee`) at `transfer.at`. */
export function featuresOf(
  transfer: TransferFeatures,
  payer: Wallet,
  payee: Wallet | undefined,
  inputs: RiskInputs,
): RiskFeatures {
  const at = transfer.at;
  const today = businessDay(at);
  const p = inputs.profiles[payer.walletId];
  const device = inputs.device;
  const newDevice = device?.trustedVia === 'CHALLENGE' && at.getTime() - Date.parse(device.trustedAt ?? '') < DAY_MS;
  const signIn = inputs.signIn;
  const recentFailures =
    signIn?.lastFailureAt && at.getTime() - Date.parse(signIn.lastFailureAt) < DAY_MS
      ? (signIn.recentFailures ?? 0)
      : 0;
  // A wallet of ours by its id; an account over the switch by its keyed hash (as the profile learnt it).
  const payeeKey = payee?.walletId ?? transfer.payeeKey;
  const lastBeforeToday = p?.activityDay === today ? p.lastActivityBeforeToday : p?.lastActivityAt;
  const merchantWallet =
    transfer.type === 'PAYMENT' ? payee : transfer.type === 'WITHDRAWAL' && payer.merchant ? payer : undefined;
  const m = merchantWallet ? inputs.profiles[merchantWallet.walletId] : undefined;
  return {
    transfer,
    watchlist: inputs.watch,
    payer: {
      newDevice,
      failedLoginsLast24h: recentFailures,
      newPayee: payeeKey !== undefined ? p?.payees?.[payeeKey] === undefined : false,
      usualAmount: p?.usualAmount ?? 0,
      historyCount: p?.historyCount ?? 0,
      receivedLast24h: sumHours(p?.inbound, at, 24),
      distinctSendersLast24h: countSince(p?.senders, at.getTime() - DAY_MS),
      sentLastHour: sumHours(p?.outbound, at, 1),
      openedAt: new Date(payer.createdAt),
      ...(lastBeforeToday ? { lastActivityBeforeToday: new Date(lastBeforeToday) } : {}),
      movedToday: p?.activityDay === today ? (p.movedToday ?? 0) : 0,
    },
    ...(merchantWallet
      ? {
          merchant: {
            paymentsLast24h: sumHours(m?.payments, at, 24),
            distinctPayersLast24h: countSince(m?.senders, at.getTime() - DAY_MS),
            roundAmountPaymentsLast24h: sumHours(m?.roundPayments, at, 24),
            nightPaymentsLast24h: sumHours(m?.nightPayments, at, 24),
            receivedLast24h: sumHours(m?.inbound, at, 24),
            withdrawnLastHour: sumHours(m?.withdrawn, at, 1),
          },
        }
      : {}),
  };
}
