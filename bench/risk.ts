// The risk engine's cost on the transfer path (issue #7): the pure policy over realistic
// features, and assessRisk (HMACs of the watch-list keys + one BatchGetItem) against DynamoDB Local.
import type { Services } from '../functions/core/container.ts';
import type { Customer } from '../functions/core/domain/customer.ts';
import { defaultRiskConfig, evaluateRisk, type RiskFeatures } from '../functions/core/domain/risk/index.ts';
import type { Transfer } from '../functions/core/domain/transfer.ts';
import type { Wallet } from '../functions/core/domain/wallet.ts';
import { assessRisk } from '../functions/core/use-cases/transfers/risk.ts';
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

/** Per-call time of `assessRisk` in ms, sequential calls against DynamoDB Local. */
export async function measureAssess(
  services: Services,
  ctx: { customer: Customer; payer: Wallet; payee: Wallet; transfer: Transfer },
  iterations: number,
): Promise<Summary & { decision: string }> {
  let decision = '';
  for (let i = 0; i < 20; i++) decision = (await assessRisk(services, ctx)).assessment.decision;
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await assessRisk(services, ctx);
    ms.push(performance.now() - t);
  }
  return { ...summarize(ms), decision };
}
