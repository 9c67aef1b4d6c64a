// The risk engine's cost on the transfer path (issue #7): the pure policy over realistic
// features, and what its inputs cost to read. Since Money core v2 the risk engine has no read of
// its own: its keys ride in the creation's reads (createTransfer in
// functions/core/use-cases/transfers/create-transfer.ts): the two wallets' profiles and watch-list
// entries in round 1 with everything else, and round 2 (the payer's phone on the watch list and
// the sign-in guard, keys that depend on the customer item read in round 1) for it alone.
import { ulid } from 'ulid';
import type { Services } from '../functions/core/container.ts';
import { defaultRiskConfig, evaluateRisk, type RiskFeatures } from '../functions/core/domain/risk/index.ts';
import type { MoneyKeys } from '../functions/core/ports/ledger.ts';
import { monthKey, watchKeys } from '../functions/core/use-cases/transfers/snapshots.ts';
import { type CallCost, callCosts } from './engine-cost.ts';
import { type Summary, summarize } from './stats.ts';

const HOUR = 3_600_000;

/** Features as a busy day produces them: a regular payer, a merchant with hundreds of payments. */
export function realisticFeatures(at: Date): RiskFeatures[] {
  const payer = {
    newDevice: false,
    failedLoginsLast24h: 0,
    newPayee: false,
    usualAmount: 180_000,
    historyCount: 57,
    receivedLast24h: 1_200_000,
    distinctSendersLast24h: 2,
    sentLastHour: 250_000,
    openedAt: new Date(at.getTime() - 400 * 24 * HOUR),
    lastActivityBeforeToday: new Date(at.getTime() - 30 * HOUR),
    movedToday: 450_000,
  };
  return [
    {
      transfer: { type: 'P2P', amount: 350_000, at, payerWalletId: 'W1', payeeWalletId: 'W2' },
      watchlist: {},
      payer,
    },
    {
      transfer: { type: 'PAYMENT', amount: 129_000, at, payerWalletId: 'W1', payeeWalletId: 'M1' },
      watchlist: {},
      payer: { ...payer, newPayee: true },
      merchant: {
        paymentsLast24h: 640,
        distinctPayersLast24h: 512,
        roundAmountPaymentsLast24h: 90,
        nightPaymentsLast24h: 12,
        receivedLast24h: 96_000_000,
        withdrawnLastHour: 0,
      },
    },
    {
      // A takeover pattern that fires: new device, new payee, an unusual amount.
      transfer: { type: 'P2P', amount: 9_000_000, at, payerWalletId: 'W1', payeeWalletId: 'W9' },
      watchlist: { payee: 'WARN' },
      payer: { ...payer, newDevice: true, newPayee: true },
    },
  ];
}

/** Per-call time of `evaluateRisk` in µs (each call timed alone with hrtime). */
export function measureEvaluate(iterations: number): Summary & { decisions: string[] } {
  const features = realisticFeatures(new Date());
  for (let i = 0; i < 2_000; i++) evaluateRisk(features[i % features.length]!, defaultRiskConfig); // warm-up (JIT)
  const us: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const f = features[i % features.length]!;
    const t = process.hrtime.bigint();
    evaluateRisk(f, defaultRiskConfig);
    us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return { ...summarize(us), decisions: features.map((f) => evaluateRisk(f, defaultRiskConfig).decision) };
}

export interface RiskReads {
  /** The keyed hashes of the watch-list keys of a payment (payer wallet, merchant wallet, payer phone), µs. */
  hmacMicroseconds: Summary;
  /** Round 1 of a creation with the risk keys, without them, round 2, and rounds 1 and 2 as one BatchGetItem. */
  roundOne: CallCost;
  roundOneWithoutRisk: CallCost;
  roundTwo: CallCost;
  merged: CallCost;
}

/**
 * The reads of a payment's creation as `createTransfer` makes them (functions/core/use-cases/
 * transfers/create-transfer.ts: `firstKeys`, then `dependentItems`), against DynamoDB Local:
 * round 1, round 1 without the risk engine's keys, round 2 (the HMAC of the payer's phone, then
 * the BatchGetItem of its watch-list entry and the sign-in guard), and rounds 1 and 2 asked in
 * one BatchGetItem (what the creation would read if the phone were known before round 1). Each
 * variant runs alone in a block of `iterations` calls, so that the engine's CPU can be told apart.
 */
export async function measureRiskReads(
  services: Services,
  ctx: { customerId: string; deviceId: string; phoneNumber: string; payerWalletId: string; payeeWalletId: string },
  iterations: number,
  jvmSeconds: () => number,
): Promise<RiskReads> {
  const now = services.clock.now();
  const hmac = () =>
    watchKeys(services, [
      { side: 'payer', kind: 'WALLET', value: ctx.payerWalletId },
      { side: 'payee', kind: 'WALLET', value: ctx.payeeWalletId },
      { side: 'payer', kind: 'PHONE', value: ctx.phoneNumber },
    ]);
  const all = await hmac();
  const watched = all.slice(0, 2);
  const without = (): MoneyKeys => ({
    transferId: ulid(),
    customerId: ctx.customerId,
    device: { customerId: ctx.customerId, deviceId: ctx.deviceId },
    walletIds: [ctx.payerWalletId, ctx.payeeWalletId],
    monthly: monthKey(ctx.customerId, now),
  });
  const withRisk = (): MoneyKeys => ({
    ...without(),
    riskProfiles: [ctx.payerWalletId, ctx.payeeWalletId],
    watch: watched,
  });
  const merged = (): MoneyKeys => ({ ...withRisk(), watch: all, signInPhone: ctx.phoneNumber });
  const readRoundTwo = async () => {
    const more = await watchKeys(services, [{ side: 'payer', kind: 'PHONE', value: ctx.phoneNumber }]);
    await services.ledger.read({ watch: more, signInPhone: ctx.phoneNumber });
  };
  const count = (k: MoneyKeys) =>
    (k.transferId ? 1 : 0) +
    (k.customerId ? 1 : 0) +
    (k.device ? 1 : 0) +
    (k.walletIds?.length ?? 0) +
    (k.monthly ? 1 : 0) +
    (k.riskProfiles?.length ?? 0) +
    (k.watch?.length ?? 0) +
    (k.signInPhone ? 1 : 0);
  const us: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await hmac();
    us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const [roundOne, roundOneWithoutRisk, roundTwo, merged_] = await callCosts(
    [
      { label: 'round 1 (as today)', keys: count(withRisk()), call: () => services.ledger.read(withRisk()) },
      { label: 'round 1 without the risk keys', keys: count(without()), call: () => services.ledger.read(without()) },
      { label: 'round 2 (phone HMAC + BatchGetItem)', keys: 2, call: readRoundTwo },
      {
        label: 'rounds 1 and 2 in one BatchGetItem',
        keys: count(merged()),
        call: () => services.ledger.read(merged()),
      },
    ],
    { iterations, jvmSeconds },
  );
  return {
    hmacMicroseconds: summarize(us),
    roundOne: roundOne!,
    roundOneWithoutRisk: roundOneWithoutRisk!,
    roundTwo: roundTwo!,
    merged: merged_!,
  };
}
