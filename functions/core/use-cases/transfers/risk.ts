import { businessDay } from '../../domain/calendar.ts';
import type { Customer } from '../../domain/customer.ts';
import {
  defaultRiskConfig,
  evaluateRisk,
  isNightInHanoi,
  isRoundAmount,
  type RiskAssessment,
  type RiskFeatures,
} from '../../domain/risk/index.ts';
import type { Transfer } from '../../domain/transfer.ts';
import type { Wallet } from '../../domain/wallet.ts';
import { logger } from '../../observability/logger.ts';
import type { HourBuckets, ProfileChange, RiskProfile, RiskSnapshot } from '../../ports/risk-profiles.ts';
import type { Services } from '../../ports/services.ts';
import type { WatchlistKind, WatchlistSeverity } from '../../ports/watchlist.ts';

// The risk engine on the transfer path (RULES.md §7, §8): one BatchGetItem reads the wallets'
// risk profiles, the device, recent failed sign-ins and the watch-list entries; the pure policy
// decides; after a commit the profiles are updated with single-item atomic updates.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Weight of the newest amount in the wallet's usual amount (an exponentially weighted mean). */
const EWMA_WEIGHT = 0.2;

const hourOf = (at: Date) => Math.floor(at.getTime() / HOUR);
const bucket = (at: Date) => `h${hourOf(at)}`;
const sumHours = (buckets: HourBuckets | undefined, at: Date, hours: number) => {
  const now = hourOf(at);
  return Object.entries(buckets ?? {}).reduce((sum, [key, value]) => {
    const h = Number(key.slice(1));
    return h > now - hours && h <= now ? sum + value : sum;
  }, 0);
};
const countSince = (sketch: Record<string, number> | undefined, since: number) =>
  Object.values(sketch ?? {}).filter((t) => t >= since).length;

export interface RiskContext {
  transfer: Transfer;
  customer: Customer;
  payer: Wallet;
  payee?: Wallet;
  toPhoneNumber?: string;
  bankAccountNumber?: string;
}

type Side = 'payer' | 'payee';

async function watchKeys(services: Services, ctx: RiskContext) {
  const ring = await services.keyRing();
  const entries: { side: Side; kind: WatchlistKind; value: string }[] = [
    { side: 'payer', kind: 'WALLET', value: ctx.payer.walletId },
    { side: 'payer', kind: 'PHONE', value: ctx.customer.phoneNumber },
  ];
  if (ctx.payee) entries.push({ side: 'payee', kind: 'WALLET', value: ctx.payee.walletId });
  if (ctx.toPhoneNumber) entries.push({ side: 'payee', kind: 'PHONE', value: ctx.toPhoneNumber });
  if (ctx.bankAccountNumber) {
    // The linked account is where a withdrawal goes, and where a top-up comes from.
    entries.push({
      side: ctx.transfer.type === 'WITHDRAWAL' ? 'payee' : 'payer',
      kind: 'BANK_ACCOUNT',
      value: ctx.bankAccountNumber,
    });
  }
  return Promise.all(
    entries.map(async (e) => ({ ...e, valueHash: await ring.mac(`watchlist:${e.kind}`, e.value.trim()) })),
  );
}

const worst = (severities: WatchlistSeverity[]): WatchlistSeverity | undefined =>
  severities.includes('BLOCK') ? 'BLOCK' : severities.includes('WARN') ? 'WARN' : undefined;

function featuresOf(
  ctx: RiskContext,
  snapshot: RiskSnapshot,
  watched: { side: Side; valueHash: string; kind: WatchlistKind }[],
): RiskFeatures {
  const t = ctx.transfer;
  const at = new Date(t.createdAt);
  const today = businessDay(at);
  const p = snapshot.profiles[ctx.payer.walletId];
  const severityOf = (side: Side) =>
    worst(
      snapshot.watch
        .filter((w) => watched.some((x) => x.side === side && x.kind === w.kind && x.valueHash === w.valueHash))
        .map((w) => w.severity),
    );
  // A device is new when it was trusted by a challenge (not at KYC) less than 24 h ago (RULES.md §4).
  const device = snapshot.device;
  const newDevice = device?.trustedVia === 'CHALLENGE' && at.getTime() - Date.parse(device.trustedAt ?? '') < DAY;
  const recentFailures =
    snapshot.signIn?.lastFailureAt && at.getTime() - Date.parse(snapshot.signIn.lastFailureAt) < DAY
      ? (snapshot.signIn.recentFailures ?? 0)
      : 0;
  const lastBeforeToday = p?.activityDay === today ? p.lastActivityBeforeToday : p?.lastActivityAt;
  const merchantWallet =
    t.type === 'PAYMENT' ? ctx.payee : t.type === 'WITHDRAWAL' && ctx.payer.merchant ? ctx.payer : undefined;
  const m = merchantWallet ? snapshot.profiles[merchantWallet.walletId] : undefined;
  return {
    transfer: {
      type: t.type,
      amount: t.amount,
      at,
      payerWalletId: ctx.payer.walletId,
      ...(ctx.payee ? { payeeWalletId: ctx.payee.walletId } : {}),
    },
    watchlist: { payer: severityOf('payer'), payee: severityOf('payee') },
    payer: {
      newDevice,
      failedLoginsLast24h: recentFailures,
      newPayee: ctx.payee ? !(p?.payees?.[ctx.payee.walletId] !== undefined) : false,
      usualAmount: p?.usualAmount ?? 0,
      historyCount: p?.historyCount ?? 0,
      receivedLast24h: sumHours(p?.inbound, at, 24),
      distinctSendersLast24h: countSince(p?.senders, at.getTime() - DAY),
      sentLastHour: sumHours(p?.outbound, at, 1),
      openedAt: new Date(ctx.payer.createdAt),
      ...(lastBeforeToday ? { lastActivityBeforeToday: new Date(lastBeforeToday) } : {}),
      movedToday: p?.activityDay === today ? (p.movedToday ?? 0) : 0,
    },
    ...(merchantWallet
      ? {
          merchant: {
            paymentsLast24h: sumHours(m?.payments, at, 24),
            distinctPayersLast24h: countSince(m?.senders, at.getTime() - DAY),
            roundAmountPaymentsLast24h: sumHours(m?.roundPayments, at, 24),
            nightPaymentsLast24h: sumHours(m?.nightPayments, at, 24),
            receivedLast24h: sumHours(m?.inbound, at, 24),
            withdrawnLastHour: sumHours(m?.withdrawn, at, 1),
          },
        }
      : {}),
  };
}

export interface RiskOutcome {
  assessment: RiskAssessment;
  snapshot: RiskSnapshot;
}

/** Evaluates a transfer before it is committed; one extra round trip to DynamoDB. */
export async function assessRisk(services: Services, ctx: RiskContext): Promise<RiskOutcome> {
  const watched = await watchKeys(services, ctx);
  const snapshot = await services.riskProfiles.snapshot({
    walletIds: [ctx.payer.walletId, ...(ctx.payee ? [ctx.payee.walletId] : [])],
    deviceOf: { customerId: ctx.transfer.customerId, deviceId: ctx.transfer.deviceId },
    signInPhone: ctx.customer.phoneNumber,
    watch: watched.map(({ kind, valueHash }) => ({ kind, valueHash })),
  });
  const assessment = evaluateRisk(featuresOf(ctx, snapshot, watched), defaultRiskConfig);
  if (assessment.hits.length) {
    logger.info('risk rules hit', {
      transferId: ctx.transfer.transferId,
      decision: assessment.decision,
      rules: assessment.hits.map((h) => h.rule),
    });
  }
  return { assessment, snapshot };
}

const OLD_AFTER_HOURS = 48;
const PRUNE_ABOVE = 60;
/**
 * A sketch of counterparties stops growing here: the rules count at most 30 distinct ones, and an
 * item must stay far below DynamoDB's 400 KB (a busy merchant has thousands of payers a day).
 * A payee beyond the cap keeps looking new to `accountTakeover`: the safe side.
 */
export const SKETCH_CAP = 200;

/** Records the counterparty unless the sketch is full (an existing one is refreshed). */
function counterparty(profile: RiskProfile | undefined, map: 'senders' | 'payees', walletId: string, at: Date) {
  const sketch = profile?.[map] ?? {};
  if (!(walletId in sketch) && Object.keys(sketch).length >= SKETCH_CAP) return {};
  return { counterparty: { map, walletId, at: at.getTime() } };
}

function pruneOld(profile: RiskProfile | undefined, at: Date): ProfileChange['prune'] {
  if (!profile) return [];
  const prune: ProfileChange['prune'] = [];
  const oldHour = hourOf(at) - OLD_AFTER_HOURS;
  for (const map of ['inbound', 'outbound', 'withdrawn', 'payments', 'roundPayments', 'nightPayments'] as const) {
    const keys = Object.keys(profile[map] ?? {});
    if (keys.length > PRUNE_ABOVE) for (const k of keys) if (Number(k.slice(1)) < oldHour) prune.push({ map, key: k });
  }
  // Senders matter for 24 h only; payees are kept longer (a known payee is not a new one).
  for (const [map, keepMs] of [
    ['senders', DAY],
    ['payees', 30 * DAY],
  ] as const) {
    const entries = Object.entries(profile[map] ?? {});
    if (entries.length >= SKETCH_CAP / 2)
      for (const [k, t] of entries) if (t < at.getTime() - keepMs) prune.push({ map, key: k });
  }
  return prune;
}

function activity(before: RiskProfile | undefined, at: Date, moved: number): ProfileChange['set'] {
  const today = businessDay(at);
  const sameDay = before?.activityDay === today;
  return {
    lastActivityAt: at.toISOString(),
    activityDay: today,
    ...(sameDay ? {} : before?.lastActivityAt ? { lastActivityBeforeToday: before.lastActivityAt } : {}),
    movedToday: (sameDay ? (before?.movedToday ?? 0) : 0) + moved,
  };
}

/** After a commit: the wallets' counters and sketches learn about the movement. Best effort. */
export async function recordMovement(services: Services, t: Transfer, snapshot?: RiskSnapshot): Promise<void> {
  try {
    const at = new Date(t.completedAt ?? t.processingSince ?? t.createdAt);
    const walletIds = [t.walletId, ...(t.toWalletId ? [t.toWalletId] : [])];
    const profiles = snapshot?.profiles ?? (await services.riskProfiles.snapshot({ walletIds, watch: [] })).profiles;
    const payeeMerchant = t.type === 'PAYMENT';
    const before = profiles[t.walletId];
    const changes: ProfileChange[] = [];
    if (t.type === 'TOPUP') {
      changes.push({
        walletId: t.walletId,
        before,
        add: {},
        set: activity(before, at, t.amount),
        prune: pruneOld(before, at),
      });
    } else {
      const history = before?.historyCount ?? 0;
      const usual =
        history === 0 ? t.amount : Math.round((1 - EWMA_WEIGHT) * (before?.usualAmount ?? 0) + EWMA_WEIGHT * t.amount);
      changes.push({
        walletId: t.walletId,
        before,
        add: {
          outbound: { bucket: bucket(at), amount: t.amount },
          ...(t.type === 'WITHDRAWAL' ? { withdrawn: { bucket: bucket(at), amount: t.amount } } : {}),
        },
        ...(t.toWalletId ? counterparty(before, 'payees', t.toWalletId, at) : {}),
        set: { ...activity(before, at, t.amount), usualAmount: usual, historyCount: history + 1 },
        prune: pruneOld(before, at),
      });
    }
    if (t.toWalletId) {
      const payee = profiles[t.toWalletId];
      const config = defaultRiskConfig;
      changes.push({
        walletId: t.toWalletId,
        before: payee,
        add: {
          inbound: { bucket: bucket(at), amount: t.amount },
          ...(payeeMerchant && t.type === 'PAYMENT'
            ? {
                payments: { bucket: bucket(at), amount: 1 },
                ...(isRoundAmount(t.amount, config) ? { roundPayments: { bucket: bucket(at), amount: 1 } } : {}),
                ...(isNightInHanoi(at, config) ? { nightPayments: { bucket: bucket(at), amount: 1 } } : {}),
              }
            : {}),
        },
        ...counterparty(payee, 'senders', t.walletId, at),
        set: activity(payee, at, t.amount),
        prune: pruneOld(payee, at),
      });
    }
    await Promise.all(changes.map((c) => services.riskProfiles.apply(c)));
  } catch (error) {
    logger.warn('risk profile not updated', { transferId: t.transferId, error: error as Error });
  }
}
