// `npm run bench`: throughput and latency of the HTTP API against the raw engine in the same run,
// capacity units per operation (the request path's and the after-commit consumer's), cold start
// per bundle, the risk engine's cost, a contention test on one merchant, and the figures of the
// "Money core v2" targets. Prints ratios and counts, never pass/fail (DESIGN.md "Quality bars").
// BENCH_QUICK=1: a short smoke run; BENCH_ONLY=contention: the contention phase alone (results in
// bench/results-contention.json). See docs/performance.md for what the figures mean.
import './env.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { keys } from '../functions/core/adapters/dynamodb/keys.ts';
import type { SandboxSmsOutbox } from '../functions/core/adapters/sandbox/sms-outbox.ts';
import { container, overrideServices, type Services } from '../functions/core/container.ts';
import type { CommitPlan } from '../functions/core/domain/commit-plan.ts';
import { normalizePhone } from '../functions/core/domain/phone.ts';
import { hanoiHour } from '../functions/core/domain/risk/index.ts';
import { SKETCH_CAP } from '../functions/core/domain/risk/profile.ts';
import type { Wallet } from '../functions/core/domain/wallet.ts';
import { setInboxShards, sweepInbox, walletWithPending } from '../functions/core/use-cases/inbox.ts';
import { commitWithRetry } from '../functions/core/use-cases/transfers/commit-loop.ts';
import { settleTransfer } from '../functions/core/use-cases/transfers/settle.ts';
import { monthKey } from '../functions/core/use-cases/transfers/snapshots.ts';
import { startEngines } from '../local/engines.ts';
import { startGateway } from '../local/gateway.ts';
import { type Customer, type Funded, type Merchant, pool, WalletClient } from './client.ts';
import { type BundleResult, measureBundles } from './coldstart.ts';
import { type AfterCommitConsumer, type Drained, startConsumer } from './consumer.ts';
import { type CallCost, callCosts } from './engine-cost.ts';
import {
  CAPACITY_COMMANDS,
  type Call,
  installMeter,
  itemSize,
  meter,
  probeLocalCapacity,
  resetCounters,
  sequentialRounds,
  traced,
} from './instrument.ts';
import {
  type ApiConnection,
  type Flow,
  type LoadResult,
  type RawScenario,
  runLoad,
  type Scenario,
  stopLoadWorker,
} from './load.ts';
import { derivePlan, deriveWaiting, itemSetSignature, type RawWallets, WireBuilder } from './plans.ts';
import { families, type ProfileShare, profiled } from './profile.ts';
import { measureEvaluate, measureRiskReads, type RiskReads } from './risk.ts';
import { fixed, type Summary, summarize, table } from './stats.ts';

const QUICK = process.env.BENCH_QUICK === '1';
/** `contention`: only the population and the contention phase (no cold start, capacity, risk or load runs). */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'contention') throw new Error(`BENCH_ONLY=${ONLY}: only "contention" is known`);
/** The busy merchant's inbox shards in the contention phase (docs/merchants.md). */
const INBOX_SHARDS = Number(process.env.BENCH_INBOX_SHARDS ?? 4);
const config = {
  quick: QUICK,
  levels: (process.env.BENCH_LEVELS ?? (QUICK ? '1,8' : '1,8,32')).split(',').map(Number),
  /** Seconds per load run. */
  duration: Number(process.env.BENCH_DURATION ?? (QUICK ? 2 : 5)),
  warmup: 1,
  coldRuns: ONLY ? 0 : Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 3 : 10)),
  evaluateIterations: QUICK ? 20_000 : 100_000,
  readIterations: QUICK ? 100 : 300,
  /** VND per P2P transfer, per payment (not a round amount: see the merchantRoundAmounts rule). */
  p2pAmount: 1_000,
  paymentAmount: 1_234,
};
const maxLevel = Math.max(...config.levels);
/** The connections of the targets' figures ("API ÷ raw engine at 8 connections"). */
const targetLevel = Math.min(8, maxLevel);
/** Customers (and merchants): one per connection at the highest level; two at least (class B pays another owner). */
const population = Math.max(2, maxLevel);

/**
 * On-demand prices of ap-southeast-1 (Singapore), Standard table class, USD per million request
 * units: AWS's $1.425 per million WRU and $0.285 per million RRU, halved by the on-demand price
 * cut of 1 November 2024. Not re-checked on the run date (the machine has no network access):
 * override with BENCH_PRICE_WRU / BENCH_PRICE_RRU after checking aws.amazon.com/dynamodb/pricing/on-demand/.
 */
const prices = {
  region: 'ap-southeast-1',
  tableClass: 'Standard',
  usdPerMillionWru: Number(process.env.BENCH_PRICE_WRU ?? 0.7125),
  usdPerMillionRru: Number(process.env.BENCH_PRICE_RRU ?? 0.1425),
  source:
    process.env.BENCH_PRICE_WRU || process.env.BENCH_PRICE_RRU
      ? 'BENCH_PRICE_WRU / BENCH_PRICE_RRU'
      : 'AWS on-demand price list for Asia Pacific (Singapore) after the 2024-11-01 50% on-demand reduction; not re-checked on the run date (no network access)',
};

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Waits until this process has made no DynamoDB call for 300 ms: requests a load run left in the
 * gateway (the load generator stops waiting for them, the handlers do not) finish before the next
 * measurement starts.
 */
async function quiesce(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const calls = meter.calls;
    await sleep(300);
    if (meter.calls === calls) return;
  }
}
const root = fileURLToPath(new URL('../', import.meta.url));

function sh(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    return ((error as { stderr?: string }).stderr ?? String(error)).trim();
  }
}

function javaVersion(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return `${r.stderr}${r.stdout}`.trim().split('\n')[0] ?? 'unknown';
}

const clockTicks = Number(sh('getconf', ['CLK_TCK'])) || 100;

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine has been busy (every process, steal included), from /proc/stat. */
function machineBusySeconds(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

export interface Usage {
  /** Cores used on average by DynamoDB Local's JVM, and by this Node process (handlers + load worker). */
  jvmCores: number;
  nodeCores: number;
  /** Cores used by the main thread alone: the gateway, the handlers and the SDK (not the load worker). */
  mainThreadCores: number;
  /** Share of the time the main thread's event loop was busy (runnable time included). */
  mainLoopBusy: number;
  /** Cores the rest of the machine used meanwhile (other processes, other users' jobs, steal). */
  otherCores: number;
}

let jvmPid = -1;

/** Runs `work` and reports how busy the engine and the Node process were meanwhile. */
async function withUsage<T>(work: () => Promise<T>): Promise<T & { usage: Usage }> {
  const wall0 = performance.now();
  const jvm0 = cpuSeconds(jvmPid);
  const node0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const busy0 = machineBusySeconds();
  const result = await work();
  const wall = (performance.now() - wall0) / 1000;
  const node = process.cpuUsage(node0);
  const main = process.threadCpuUsage(main0);
  const jvmCores = (cpuSeconds(jvmPid) - jvm0) / wall;
  const nodeCores = (node.user + node.system) / 1e6 / wall;
  return {
    ...result,
    usage: {
      jvmCores,
      nodeCores,
      mainThreadCores: (main.user + main.system) / 1e6 / wall,
      mainLoopBusy: performance.eventLoopUtilization(elu0).utilization,
      otherCores: Math.max(0, (machineBusySeconds() - busy0) / wall - jvmCores - nodeCores),
    },
  };
}

/**
 * The code measured: the commit, and the files of the wallet's code that differ from it in the
 * working tree at the start (others may be editing it while the bench runs). Read-only git calls.
 */
function gitState() {
  const head = sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  let porcelain = '';
  try {
    // Not trimmed: each line starts with its two status columns, the first often a space.
    porcelain = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'functions', 'local', 'lib'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    // no git: nothing listed
  }
  const changed = porcelain
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
  return { head, uncommittedInCode: changed.length, files: changed };
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString(),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpu: model,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    java: javaVersion(),
    os: sh('uname', ['-sr']),
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    git: gitState(),
  };
}

// ---------------------------------------------------------------------------------------------
// The commit path: the ledger instance every use case shares is wrapped to count the outcomes
// (a `conflict` outcome is one optimistic-lock retry of the commit loop) and, on demand, capture
// the plans it commits (a class B transfer: the plan storing it waiting, then the authorize plan).

const commits = { committed: 0, conflict: 0 };
/** A busy merchant's folds (the sweeper's commits), counted apart from the transfers' commits. */
const sweeps = { committed: 0, conflict: 0, commitMs: [] as number[] };
let capturing: { plans: CommitPlan[] } | undefined;

function wrapLedger(services: Services) {
  const ledger = services.ledger;
  const commit = ledger.commit.bind(ledger);
  ledger.commit = async (plan) => {
    if (capturing) capturing.plans.push(structuredClone(plan));
    const t0 = performance.now();
    const outcome = await commit(plan);
    if (plan.sweep) sweeps.commitMs.push(performance.now() - t0);
    const counter = plan.sweep ? sweeps : commits;
    if (outcome.outcome === 'committed') counter.committed++;
    else counter.conflict++;
    return outcome;
  };
}

async function capture<T>(work: () => Promise<T>) {
  capturing = { plans: [] };
  try {
    const result = await work();
    return { result, ...capturing };
  } finally {
    capturing = undefined;
  }
}

// ---------------------------------------------------------------------------------------------

interface Part {
  calls: number;
  commands: Record<string, number>;
  /** Production figures (sandbox stand-ins left out): RRU as reported, WRU as AWS bills them. */
  rru: number;
  wru: number;
  /** WCU DynamoDB Local reported (undercounts multi-item transactions). */
  wcuReportedByLocal: number;
  sandbox: { calls: number; rru: number; wru: number };
}

interface OpCapacity extends Part {
  operation: string;
  /**
   * Production DynamoDB round trips one after the other on the request path (calls that overlap
   * count once; sandbox stand-ins and after-commit calls left out).
   */
  rounds: number;
  /** The same with the sandbox stand-ins' calls (SMS outbox, sandbox bank) counted as round trips. */
  roundsWithSandbox: number;
  /** The after-commit consumer's calls for this operation (stream handler): off the request path. */
  afterCommit: Part;
  /** Request path and after-commit together: what the operation costs. */
  totalRru: number;
  totalWru: number;
  usdPerMillion: number;
  trace: Call[];
}

function part(calls: Call[]): Part {
  const out: Part = {
    calls: 0,
    commands: {},
    rru: 0,
    wru: 0,
    wcuReportedByLocal: 0,
    sandbox: { calls: 0, rru: 0, wru: 0 },
  };
  for (const c of calls) {
    // A write refused by its condition is billed like a write (1 WRU per KB; our items are < 1 KB).
    const wru = c.wruModel ?? (c.error === 'ConditionalCheckFailedException' ? 1 : c.wcu);
    out.wcuReportedByLocal += c.wcu;
    if (c.sandbox) {
      out.sandbox.calls++;
      out.sandbox.rru += c.rcu;
      out.sandbox.wru += wru;
      continue;
    }
    out.calls++;
    out.commands[c.command] = (out.commands[c.command] ?? 0) + 1;
    out.rru += c.rcu;
    out.wru += wru;
  }
  return out;
}

/** Calls the capacity figures leave out: the stream poller's own DescribeTable (once, at its start). */
const pollerHousekeeping = (c: Call) => c.afterCommit && !CAPACITY_COMMANDS.has(c.command);

function aggregate(operation: string, trace: Call[]): OpCapacity {
  const calls = trace.filter((c) => !pollerHousekeeping(c));
  const path = calls.filter((c) => !c.afterCommit);
  const out: OpCapacity = {
    operation,
    ...part(path),
    rounds: sequentialRounds(path.filter((c) => !c.sandbox)),
    roundsWithSandbox: sequentialRounds(path),
    afterCommit: part(calls.filter((c) => c.afterCommit)),
    totalRru: 0,
    totalWru: 0,
    usdPerMillion: 0,
    trace,
  };
  out.totalRru = out.rru + out.afterCommit.rru;
  out.totalWru = out.wru + out.afterCommit.wru;
  out.usdPerMillion = out.totalRru * prices.usdPerMillionRru + out.totalWru * prices.usdPerMillionWru;
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const info = machine();
  log(`vn-ewallet-core bench${QUICK ? ' (BENCH_QUICK)' : ''}: ${info.nproc} cores, ${info.cpu}, ${info.node}`);
  log(`levels ${config.levels.join('/')} connections, ${config.duration}s per run, cold start ${config.coldRuns} runs`);
  const results: Record<string, unknown> = { machine: info, config, prices };

  // 1. Cold start, before anything else runs on the machine.
  log('cold start: building every Lambda bundle as cdk synth does, then timing imports');
  const bundles: BundleResult[] =
    config.coldRuns > 0
      ? await measureBundles({ runs: config.coldRuns, outDir: join(root, '.cache', 'bench-bundles'), progress: log })
      : [];
  results.coldStart = bundles;

  // 2. The runtime: the engines, the gateway and the after-commit consumer (the wallet stream's
  // poller and handler) of startRuntime(), without the settlement poller, so that settlement is
  // measured on its own (settleTransfer is what the poller's handler runs). Everything runs in
  // this process: the SDK middleware sees the consumer's calls too.
  log('starting DynamoDB Local, fauxqs, cognito-local, the local API gateway and the wallet stream consumer');
  mkdirSync(join(root, '.cache'), { recursive: true });
  const engines = await startEngines({ log: join(root, '.cache', 'bench-engines.log') });
  Object.assign(process.env, engines.env);
  jvmPid = engines.engines.find((e) => e.name === 'dynamodb')?.pid ?? -1;
  const gateway = await startGateway({
    port: 0,
    issuer: engines.env.COGNITO_ISSUER!,
    jwksUrl: engines.env.COGNITO_JWKS_URL!,
    clientId: engines.env.USER_POOL_CLIENT_ID!,
    sandbox: true,
  });
  installMeter();
  const consumer = startConsumer(engines.env);
  try {
    await benchRuntime(gateway.url, engines.env, results, bundles, consumer);
  } finally {
    await stopLoadWorker();
    await consumer.stop();
    await gateway.close();
    await engines.stop();
  }
}

async function benchRuntime(
  url: string,
  env: Record<string, string>,
  results: Record<string, unknown>,
  bundles: BundleResult[],
  consumer: AfterCommitConsumer,
) {
  // The merchant-night rule (RULES.md §7) steps every payment to a busy merchant up to class C
  // between 00:00 and 05:00 Hanoi time; run at night, the services' clock is moved to the morning.
  const hour = hanoiHour(new Date());
  const shiftMs = hour < 5 ? 6 * 3_600_000 : 0;
  if (shiftMs) overrideServices({ clock: { now: () => new Date(Date.now() + shiftMs) } });
  const services = container();
  wrapLedger(services);
  results.clockShiftHours = shiftMs / 3_600_000;
  if (shiftMs) log(`Hanoi time is ${hour}:xx: the services' clock runs 6 h ahead (merchant-night rule)`);

  const table = env.WALLET_TABLE_NAME!;
  const rawDoc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const client = new WalletClient(url);
  const settle = async (transferId: string) => {
    await settleTransfer(container(), transferId);
  };

  const probe = await probeLocalCapacity(table);
  results.localCapacityProbe = probe;
  log(probe.note);

  // 3. The population.
  log(`creating ${population} funded customers (two linked wallets each) and ${population + 2} merchants`);
  const customers: Funded[] = await pool(population, 8, () => client.fundedCustomer(10_000_000, settle));
  // Access tokens live 5 minutes (API.md v1.1): the load runs sign the customers in again when
  // theirs are 3 minutes old, as an app would refresh.
  let tokensAt = Date.now();
  const freshTokens = async () => {
    if (Date.now() - tokensAt < 180_000) return;
    await pool(customers.length, 8, async (i: number) => {
      const c = customers[i]!;
      c.token = await client.signIn(c.phone, c.password, c.device);
    });
    tokensAt = Date.now();
  };
  const merchants: Merchant[] = await pool(population + 2, 8, () => client.merchant());
  const hot = merchants.pop()!;
  /** The merchant past the per-item ceiling: its credits go to inbox shards (docs/merchants.md). */
  const busy = merchants.pop()!;
  log(`population ready (${customers.length} customers, ${merchants.length} + 2 merchants)`);

  if (ONLY === 'contention') {
    log(`contention only (BENCH_ONLY): ${maxLevel} payers paying one merchant`);
    const contention = await measureContention(url, customers, merchants, hot, busy, rawDoc, table, consumer);
    results.contention = contention;
    results.consumer = consumer.counts;
    results.finishedAt = new Date().toISOString();
    results.seconds = Math.round((Date.now() - started) / 1000);
    (results.machine as { loadAverageAtEnd?: number[] }).loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
    writeFileSync(join(root, 'bench', 'results-contention.json'), `${JSON.stringify(results, stripTraces, 2)}\n`);
    console.log(contentionReport(contention).join('\n'));
    log(`done in ${results.seconds}s; results in bench/results-contention.json`);
    return;
  }

  // 4. Capacity units per operation, each alone with the counter reset around it.
  log('capacity units per operation (ReturnConsumedCapacity TOTAL; transactional writes modelled)');
  const capacity = await measureCapacity(client, customers, merchants, settle, consumer);
  results.capacity = capacity;

  // 5. The risk engine's cost.
  log('risk engine: evaluateRisk (pure), and the reads of its inputs on the creation path');
  const evaluate = measureEvaluate(config.evaluateIterations);
  const payerCustomer = (await services.store.getCustomer(customers[0]!.customerId))!;
  const riskReads = await measureRiskReads(
    services,
    {
      customerId: payerCustomer.customerId,
      deviceId: customers[0]!.device,
      phoneNumber: payerCustomer.phoneNumber,
      payerWalletId: customers[0]!.walletId,
      payeeWalletId: merchants[0]!.walletId,
    },
    config.readIterations,
    () => cpuSeconds(jvmPid),
  );
  const riskCalls = riskCallsOf(capacity);
  results.risk = { evaluateMicroseconds: evaluate, reads: riskReads, calls: riskCalls };
  log(
    `evaluateRisk p50 ${fixed(evaluate.p50, 2)} µs p99 ${fixed(evaluate.p99, 2)} µs; ${[
      riskReads.roundOne,
      riskReads.roundOneWithoutRisk,
      riskReads.roundTwo,
      riskReads.merged,
    ]
      .map((x) => `${x.label} p50 ${fixed(x.latency.p50, 2)} ms, JVM ${fixed(x.jvmMs, 2)} ms`)
      .join('; ')}`,
  );

  // 6. Throughput and latency: the API and the raw engine, flow by flow, level by level. The
  // after-commit consumer is paused during each load run (in AWS it is another function, with
  // CPU of its own) and drains the run's backlog afterwards, timed; one more p2p-own run at 8
  // connections keeps it running alongside, sharing this process and the engine.
  const load: Measured[] = [];
  /** The second run of each side at the targets' level (the table shows the first). */
  const repeats: Measured[] = [];
  const itemSets: Record<string, { api: string[]; raw: string[]; identical: boolean }> = {};
  const ddbUrl = env.AWS_ENDPOINT_URL_DYNAMODB!;
  const wire = new WireBuilder(table);
  const flows: Flow[] = ['p2p-own', 'payment', 'p2p-classb'];
  const conns = (flow: Flow, n: number): ApiConnection[] =>
    customers.slice(0, n).map((c, i) => ({
      token: c.token,
      device: c.device,
      phone: c.phone,
      walletId: c.walletId,
      toWalletId:
        flow === 'p2p-own'
          ? c.secondWalletId
          : flow === 'payment'
            ? merchants[i]!.walletId
            : customers[(i + 1) % customers.length]!.secondWalletId,
    }));
  const apiScenario = (flow: Flow, n: number, duration = config.duration, name = `${flow} api c${n}`) => ({
    flow,
    duration,
    target: 'api' as const,
    name,
    url,
    connections: n,
    amount: flow === 'payment' ? config.paymentAmount : config.p2pAmount,
    conns: conns(flow, n),
  });
  for (const flow of flows) {
    await freshTokens();
    const amount = flow === 'payment' ? config.paymentAmount : config.p2pAmount;
    // The item sets the API commits for this flow, captured from one real request.
    const c0 = customers[0]!;
    const sample = conns(flow, 1)[0]!;
    const captured = await capture(async () => {
      const r = await client.transfer(
        c0,
        flow === 'payment'
          ? { type: 'PAYMENT', walletId: c0.walletId, merchantId: sample.toWalletId, amount }
          : { type: 'P2P', walletId: c0.walletId, toWalletId: sample.toWalletId, amount },
      );
      if (r.status !== 201) throw new Error(`${flow}: ${r.status} ${JSON.stringify(r.json)}`);
      if (flow !== 'p2p-classb') return r.json;
      const otp = await client.otpFor(c0.phone, r.json.authentication.challengeId);
      const a = await client.call('POST', `/v1/transfers/${r.json.transferId}/authorize`, {
        customer: c0,
        body: { otp },
      });
      if (a.status !== 200) throw new Error(`authorize: ${a.status} ${JSON.stringify(a.json)}`);
      return a.json;
    });
    const expected = flow === 'p2p-classb' ? 2 : 1;
    if (captured.plans.length !== expected)
      throw new Error(`${flow}: the API committed ${captured.plans.length} plan(s), expected ${expected}`);
    const template = captured.plans.at(-1)!;
    const waiting = flow === 'p2p-classb' ? captured.plans[0] : undefined;
    const payeeSource = flow === 'p2p-own' ? c0.secondWalletId : sample.toWalletId;
    const rawConns = async (n: number) => rawWallets(rawDoc, table, n, c0.walletId, payeeSource);
    // Check: the raw engine's item sets are the API's (operations, keys, conditions, attributes).
    const probeConn = (await rawConns(1))[0]!;
    const now = new Date();
    const probeWaiting = waiting ? deriveWaiting(waiting, probeConn, now) : undefined;
    const apiSet = itemSetSignature(wire.commit(template).input);
    const rawSet = itemSetSignature(
      wire.commit(derivePlan(template, probeConn, now, probeWaiting?.waiting).plan).input,
    );
    if (waiting && probeWaiting) {
      apiSet.unshift(...itemSetSignature(wire.commit(waiting).input));
      rawSet.unshift(...itemSetSignature(wire.commit(probeWaiting.plan).input));
    }
    const identical = JSON.stringify(apiSet) === JSON.stringify(rawSet);
    itemSets[flow] = { api: apiSet, raw: rawSet, identical };
    log(
      `${flow}: the API commits ${apiSet.length} item(s) per flow${waiting ? ` (${itemSetSignature(wire.commit(waiting).input).length} + ${apiSet.length - itemSetSignature(wire.commit(waiting).input).length})` : ''}; raw engine item set identical: ${identical ? 'yes' : 'NO'}`,
    );

    const rawScenario = async (n: number, duration = config.duration): Promise<RawScenario> => ({
      flow,
      duration,
      target: 'raw',
      name: `${flow} raw c${n}`,
      url: ddbUrl,
      connections: n,
      table,
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      region: env.AWS_REGION!,
      template,
      ...(waiting ? { waiting } : {}),
      conns: await rawConns(n),
    });
    await consumer.drain();
    consumer.pause();
    await runLoad(apiScenario(flow, Math.min(8, maxLevel), config.warmup));
    await runLoad(await rawScenario(Math.min(8, maxLevel), config.warmup));
    await quiesce();
    await consumer.resume();
    for (const n of config.levels) {
      // The level of the targets runs twice on each side, in the order API, raw, raw, API: a
      // drift in what else loads the machine then weighs on both sides alike.
      const order = n === targetLevel ? (['api', 'raw', 'raw', 'api'] as const) : (['api', 'raw'] as const);
      for (const target of order) {
        const scenario = target === 'api' ? apiScenario(flow, n) : await rawScenario(n);
        const r = await measuredRun(scenario, consumer);
        if (load.some((x) => x.target === target && x.flow === flow && x.connections === n)) repeats.push(r);
        else load.push(r);
      }
    }
  }
  // The same p2p-own API run at 8 connections, the after-commit consumer running alongside.
  const alongsideLevel = Math.min(8, maxLevel);
  const alongside = await measuredRun(
    apiScenario('p2p-own', alongsideLevel, config.duration, `p2p-own api c${alongsideLevel} (consumer alongside)`),
    undefined,
  );
  await consumer.drain();
  results.consumerAlongside = alongside;
  results.load = load;
  results.loadRepeats = repeats;

  // What the sandbox stand-ins on the class B flow cost the engine: the OTP's PutItem into the
  // outbox (an SNS publish in production) and the load generator's Query reading it back (the
  // customer's phone in production). The outbox of customer 0 holds what the runs above sent.
  const outbox = services.sms as SandboxSmsOutbox;
  const sandboxCosts = await callCosts(
    [
      {
        label: 'sandbox SMS PutItem (an SNS publish in production)',
        keys: 1,
        call: () =>
          services.sms.send({
            phoneNumber: '+84990000001',
            text: '123456 la ma xac thuc giao dich P2P 1.000 VND, hieu luc 5 phut. Khong chia se ma nay voi bat ky ai.',
            otp: '123456',
            reference: ulid(),
          }),
      },
      {
        label: 'sandbox outbox Query of the OTP (Limit 100; the phone itself in production)',
        keys: 100,
        call: () => outbox.list(normalizePhone(customers[0]!.phone)!, ulid()),
      },
    ],
    { iterations: config.readIterations, jvmSeconds: () => cpuSeconds(jvmPid) },
  );
  results.sandboxCosts = sandboxCosts;
  results.itemSets = itemSets;

  // Where the API's CPU goes: one more class A own-wallet run, profiled (not in the table above;
  // the after-commit consumer paused, as in the measured runs).
  const profileConns = Math.min(8, maxLevel);
  consumer.pause();
  const { shares: cpuProfile } = await profiled(() =>
    runLoad(
      apiScenario('p2p-own', profileConns, Math.min(3, config.duration), `p2p-own api c${profileConns} (profiled)`),
    ),
  );
  await quiesce();
  await consumer.resume();
  results.cpuProfile = { families: families(cpuProfile), packages: cpuProfile };
  log(
    `API main-thread CPU: ${families(cpuProfile)
      .slice(0, 5)
      .map((p) => `${p.group} ${(p.share * 100).toFixed(0)}%`)
      .join(', ')}`,
  );

  // 7. Contention: many payers, one merchant.
  log(`contention: ${maxLevel} payers paying one merchant`);
  await freshTokens();
  const contention = await measureContention(url, customers, merchants, hot, busy, rawDoc, table, consumer);
  results.contention = contention;

  // 8. The targets of "Money core v2", from the figures above.
  const targets = targetsOf(capacity, load, repeats, alongside);
  results.targets = targets;

  results.consumer = consumer.counts;
  results.finishedAt = new Date().toISOString();
  results.seconds = Math.round((Date.now() - started) / 1000);
  (results.machine as { loadAverageAtEnd?: number[] }).loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, stripTraces, 2)}\n`);
  printReport(results, {
    load,
    alongside,
    capacity,
    bundles,
    evaluate,
    riskReads,
    riskCalls,
    contention,
    itemSets,
    cpuProfile,
    targets,
    repeats,
    sandboxCosts,
  });
  log(`done in ${results.seconds}s; results in bench/results.json`);
}

/**
 * One load run, measured: the after-commit consumer paused during it (when given) and drained
 * after it, the drain timed; the requests a run left in the gateway finish before the next.
 * `alongside`: work started with the load and stopped when it ends (a busy merchant's sweeper),
 * its engine and CPU time counted in the run's.
 */
async function measuredRun(
  scenario: Scenario,
  consumer: AfterCommitConsumer | undefined,
  alongside?: () => Alongside,
): Promise<Measured> {
  await quiesce();
  resetCounters();
  const conflicts = commits.conflict;
  const committed = commits.committed;
  consumer?.pause();
  const side = alongside?.();
  const r = await withUsage(() => runLoad(scenario));
  const sweeper = await side?.stop();
  const retries = commits.conflict - conflicts;
  await quiesce();
  const plans = commits.committed - committed;
  let afterCommit: AfterCommitRun | undefined;
  if (consumer) {
    // The backlog is drained traced: what the consumer costs per transfer when it takes a
    // run's commits in large batches (one profile write per wallet per batch).
    const { result, calls } = await traced(() => consumer.resume());
    const cost = part(calls.filter((c) => c.afterCommit && CAPACITY_COMMANDS.has(c.command)));
    const transfers = plans / (scenario.flow === 'p2p-classb' ? 2 : 1);
    afterCommit = {
      ...result,
      transfers,
      cost,
      perTransfer: {
        calls: transfers ? cost.calls / transfers : 0,
        rru: transfers ? cost.rru / transfers : 0,
        wru: transfers ? cost.wru / transfers : 0,
      },
    };
  }
  const last = r.steps.at(-1)!;
  log(
    `${r.name.padEnd(22)} ${fixed(r.perSecond).padStart(7)} flows/s  p50 ${fixed(last.latency.p50).padStart(6)} ms  p99 ${fixed(last.latency.p99).padStart(6)} ms  ${
      scenario.target === 'api' ? `conflict retries ${retries}` : ''
    }  JVM ${fixed(r.usage.jvmCores, 2)} cores, main thread ${fixed(r.usage.mainThreadCores, 2)}, rest of the machine ${fixed(r.usage.otherCores, 2)}${
      afterCommit?.records
        ? `  after-commit backlog ${afterCommit.records} records drained in ${fixed(afterCommit.seconds, 1)} s (${fixed(afterCommit.perTransfer.wru, 2)} WRU per transfer)`
        : ''
    }${r.sample ? `  first non-2xx: ${r.sample.slice(0, 120)}` : ''}`,
  );
  return { ...r, conflictRetries: retries, ...(afterCommit ? { afterCommit } : {}), ...(sweeper ? { sweeper } : {}) };
}

/** The engine's CPU per completed flow over several runs. */
function jvmMsPerFlow(runs: Measured[]): number {
  const flows = runs.reduce((sum, r) => sum + r.steps.at(-1)!.ok, 0);
  const jvm = runs.reduce((sum, r) => sum + r.usage.jvmCores * r.seconds, 0);
  return flows ? (jvm * 1000) / flows : Number.NaN;
}

/** What a sweeper alongside a run did. */
interface SweeperRun {
  applied: number;
  batches: number;
  /** Its own commits that conflicted (a withdrawal, or nothing here: one sweeper). */
  conflicts: number;
  meanBatch: number;
  creditsPerSecond: number;
  /** The fold's TransactWriteItems, each. */
  batchMs: Summary;
}

interface Alongside {
  stop(): Promise<SweeperRun>;
}

/**
 * A busy merchant's sweeper alongside a load run, as the FIFO worker runs it in AWS (one per
 * wallet): `sweepInbox` (functions/core/use-cases/inbox.ts: batches of up to 49, a linger after a
 * partial one, back when the inbox is empty), called again 50 ms later as the next request from
 * the stream would (the stream consumer that asks for sweeps is paused during the runs, as in
 * every run, so the bench drives the worker's use case itself).
 */
function sweeperAlongside(services: Services, walletId: string): () => Alongside {
  return () => {
    let running = true;
    let applied = 0;
    let batches = 0;
    const conflicts0 = sweeps.conflict;
    const commitMs0 = sweeps.commitMs.length;
    const t0 = performance.now();
    const loop = (async () => {
      while (running) {
        const done = await sweepInbox(services, walletId, { budgetMs: 1_000 });
        applied += done.applied;
        batches += done.batches;
        if (!done.more) await sleep(50);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        const seconds = (performance.now() - t0) / 1000;
        return {
          applied,
          batches,
          conflicts: sweeps.conflict - conflicts0,
          meanBatch: batches ? applied / batches : 0,
          creditsPerSecond: seconds ? applied / seconds : 0,
          batchMs: summarize(sweeps.commitMs.slice(commitMs0)),
        };
      },
    };
  };
}

/** Traces are long: results.json keeps them for transfers only. */
function stripTraces(key: string, value: unknown) {
  if (key === 'trace' && Array.isArray(value)) return value.length > 40 ? `${value.length} calls` : value;
  return value;
}

// ---------------------------------------------------------------------------------------------

async function rawWallets(
  doc: DynamoDBDocumentClient,
  table: string,
  n: number,
  payerSource: string,
  payeeSource: string,
): Promise<RawWallets[]> {
  const read = async (walletId: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: keys.wallet(walletId), ConsistentRead: true }))).Item!;
  const [payerItem, payeeItem] = await Promise.all([read(payerSource), read(payeeSource)]);
  const copy = async (item: Record<string, unknown>, balance: number): Promise<Wallet> => {
    const walletId = `BR${ulid()}`;
    const { counterDay: _d, counters: _c, ...rest } = item;
    const wallet = { ...rest, ...keys.wallet(walletId), walletId, balance, version: 0 };
    await doc.send(new PutCommand({ TableName: table, Item: wallet }));
    const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...plain } = wallet as Record<string, unknown>;
    return plain as unknown as Wallet;
  };
  return Promise.all(
    Array.from({ length: n }, async () => ({
      payer: await copy(payerItem, 1_000_000_000_000),
      payee: await copy(payeeItem, 0),
      customerId: `BENCHRAW${ulid()}`,
    })),
  );
}

// ---------------------------------------------------------------------------------------------

async function measureCapacity(
  client: WalletClient,
  customers: Funded[],
  merchants: Merchant[],
  settle: (id: string) => Promise<void>,
  consumer: AfterCommitConsumer,
): Promise<OpCapacity[]> {
  const ops: OpCapacity[] = [];
  // Each operation alone: the after-commit consumer first catches up with everything before it,
  // then the operation runs and the consumer handles what it committed (`drain`), all traced; the
  // consumer's calls are marked `afterCommit` by the SDK middleware.
  const measure = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    await consumer.drain();
    await sleep(50);
    const { result, calls } = await traced(async () => {
      const result = await work();
      await consumer.drain();
      return result;
    });
    ops.push(aggregate(operation, calls));
    return result;
  };
  // Onboarding, each step once (as a customer does it).
  const phone = client.newPhone();
  const registrationId = await measure('registration (POST /v1/registrations)', () => client.startRegistration(phone));
  const otp = await client.otpFor(phone, registrationId);
  const password = 'Str0ng!pass-bench';
  const device = `bench-${ulid()}`;
  const customerId = await measure('confirm (POST …/confirm)', () =>
    client.confirm(registrationId, otp, password, device),
  );
  const token = await measure('sign-in (POST /v1/sessions)', () => client.signIn(phone, password, device));
  const c: Customer = { phone, password, device, customerId, token, identity: client.newIdentity() };
  const assertion = await client.assertion(c.identity);
  await measure('KYC (POST /v1/me/kyc)', () => client.kyc(c, assertion));
  const walletId = await measure('wallet open (POST /v1/wallets)', () => client.openWallet(c));
  const account = await client.bankAccount(c.identity.fullName, c.identity.idNumber);
  const linkId = await measure('link (POST …/links)', () => client.link(c, walletId, account));

  // An account at another bank, at the sandbox switch (EXTERNAL transfers go there).
  const switchAccount = `66${String(Date.now()).slice(-9)}`;
  await client.expect(
    201,
    client.call('POST', '/sandbox/switch/accounts', {
      body: { institutionCode: 'TCB', accountNumber: switchAccount, holderName: 'NGO THI LAN' },
    }),
    'switch account',
  );

  // Money movement: a first pass warms every item up (risk profiles, monthly counters are created
  // on a wallet's first movement); the second pass is measured: the steady state.
  const other = customers[1]!;
  const merchant = merchants[0]!;
  for (const pass of ['warm-up', 'measured'] as const) {
    const m =
      pass === 'measured'
        ? measure
        : async <T>(_: string, work: () => Promise<T>): Promise<T> => {
            const result = await work();
            await consumer.drain();
            return result;
          };
    const topUp = await m('TOPUP create (class A, linked bank)', () =>
      client.expect(201, client.transfer(c, { type: 'TOPUP', walletId, linkId, amount: 5_000_000 }), 'top-up'),
    );
    await m('TOPUP settlement (settleTransfer)', () => settle(topUp.json.transferId));
    const withdrawal = await m('WITHDRAWAL create (class A, linked bank)', () =>
      client.expect(201, client.transfer(c, { type: 'WITHDRAWAL', walletId, linkId, amount: 100_000 }), 'withdrawal'),
    );
    await m('WITHDRAWAL settlement (settleTransfer)', () => settle(withdrawal.json.transferId));
    await m('P2P own wallets (class A, I.1)', async () => {
      const r = await client.expect(
        201,
        client.transfer(customers[0]!, {
          type: 'P2P',
          walletId: customers[0]!.walletId,
          toWalletId: customers[0]!.secondWalletId,
          amount: config.p2pAmount,
        }),
        'p2p own',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`p2p own: ${JSON.stringify(r.json)}`);
    });
    await m('PAYMENT (class A, I.2)', async () => {
      const r = await client.expect(
        201,
        client.transfer(c, { type: 'PAYMENT', walletId, merchantId: merchant.walletId, amount: config.paymentAmount }),
        'payment',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`payment: ${JSON.stringify(r.json)}`);
    });
    const waiting = await m('P2P to another owner, create (class B, I.3)', () =>
      client.expect(
        201,
        client.transfer(c, { type: 'P2P', walletId, toWalletId: other.secondWalletId, amount: config.p2pAmount }),
        'p2p class B',
      ),
    );
    const code = await client.otpFor(c.phone, waiting.json.authentication.challengeId);
    await m('authorize (class B, SMS OTP)', async () => {
      const r = await client.expect(
        200,
        client.call('POST', `/v1/transfers/${waiting.json.transferId}/authorize`, { customer: c, body: { otp: code } }),
        'authorize',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`authorize: ${JSON.stringify(r.json)}`);
    });
    // Over the switch (API.md "Interoperable transfers"): the inquiry, the transfer (class B: I.3),
    // its authorisation (money reserved, handed to the worker) and the worker's step at the switch.
    const inquiry = await m('name inquiry (POST /v1/name-inquiries)', () =>
      client.expect(
        201,
        client.call('POST', '/v1/name-inquiries', {
          customer: c,
          body: { institutionCode: 'TCB', accountNumber: switchAccount },
        }),
        'name inquiry',
      ),
    );
    const external = await m('EXTERNAL create (class B, I.3)', () =>
      client.expect(
        201,
        client.transfer(c, {
          type: 'EXTERNAL',
          walletId,
          amount: config.p2pAmount,
          nameInquiryId: inquiry.json.nameInquiryId,
        }),
        'external',
      ),
    );
    const externalCode = await client.otpFor(c.phone, external.json.authentication.challengeId);
    await m('EXTERNAL authorize (class B, SMS OTP)', async () => {
      const r = await client.expect(
        200,
        client.call('POST', `/v1/transfers/${external.json.transferId}/authorize`, {
          customer: c,
          body: { otp: externalCode },
        }),
        'external authorize',
      );
      if (r.json.status !== 'PROCESSING') throw new Error(`external authorize: ${JSON.stringify(r.json)}`);
    });
    await m('EXTERNAL settlement at the switch (settleTransfer)', () => settle(external.json.transferId));
  }
  return ops;
}

/** Risk-engine keys in a call's key list: profiles, watch-list entries, the sign-in guard. */
const riskKeys = (keys: string) =>
  keys.split(' ').filter((k) => k === 'WALLET#/RISK' || k.startsWith('WATCH#/') || k.startsWith('SIGNIN#/'));

/** What the risk engine costs one class A transfer in DynamoDB calls, read off the measured SDK trace. */
function riskCallsOf(capacity: OpCapacity[]) {
  const of = (name: string) => capacity.find((o) => o.operation.startsWith(name));
  const count = (op: OpCapacity | undefined) => {
    const calls = (op?.trace ?? []).filter((c) => !c.sandbox);
    const path = calls.filter((c) => !c.afterCommit && c.command === 'BatchGetItem');
    // A read whose every key is the risk engine's is a round trip for it alone.
    const ownRounds = path.filter((c) => {
      const all = c.keys.split(' ');
      return all.length > 0 && riskKeys(c.keys).length === all.length;
    });
    const shared = path.filter((c) => riskKeys(c.keys).length && !ownRounds.includes(c));
    const after = calls.filter((c) => c.afterCommit && c.keys.split(' ').includes('WALLET#/RISK'));
    return {
      requestPathCalls: calls.filter((c) => !c.afterCommit).length,
      /** BatchGetItems that carry risk keys among others (round 1). */
      sharedReads: shared.length,
      /** BatchGetItems of risk keys only (round 2: payer phone on the watch list, sign-in guard). */
      ownReads: ownRounds.length,
      ownReadRru: ownRounds.reduce((sum, c) => sum + c.rcu, 0),
      /** After the commit (stream consumer): reads and writes of the wallets' profiles. */
      afterCommitCalls: after.length,
      afterCommitCommands: after.map((c) => c.command),
      afterCommitRru: after.reduce((sum, c) => sum + c.rcu, 0),
      afterCommitWru: after.reduce((sum, c) => sum + (c.wruModel ?? c.wcu), 0),
    };
  };
  return {
    method:
      'counted from the SDK command trace of one steady-state transfer (BatchGetItem on the path whose keys are WALLET#…/RISK, WATCH#…, SIGNIN#…; the after-commit consumer’s calls on WALLET#…/RISK)',
    p2pOwn: count(of('P2P own')),
    payment: count(of('PAYMENT')),
  };
}

// ---------------------------------------------------------------------------------------------

async function measureContention(
  url: string,
  customers: Funded[],
  merchants: Merchant[],
  hot: Merchant,
  busy: Merchant,
  rawDoc: DynamoDBDocumentClient,
  table: string,
  consumer: AfterCommitConsumer,
) {
  const services = container();
  const n = maxLevel;
  // (a) Through the API, one process: the in-process per-wallet lock queues the commits.
  const api = await measuredRun(
    {
      target: 'api',
      flow: 'payment',
      name: `payment api → 1 merchant c${n}`,
      url,
      connections: n,
      duration: config.duration,
      amount: config.paymentAmount,
      conns: customers.slice(0, n).map((c) => ({
        token: c.token,
        device: c.device,
        phone: c.phone,
        walletId: c.walletId,
        toWalletId: hot.walletId,
      })),
    },
    consumer,
  );
  const apiCounts = {
    conflictRetries: api.conflictRetries ?? 0,
    txConditionFailed: meter.txConditionFailed,
    txConflict: meter.txConflict,
  };

  // (b) A fleet of independent instances (no shared in-process lock), emulated: each payer runs
  // the wallet's own retry policy (`commitWithRetry` of commit-loop.ts, without the in-process
  // lock): read what a retry reads (one BatchGetItem of the transfer slot, both wallets and the
  // month's counter), derive the payment's plan, commit it conditionally on the versions read,
  // and on a conflict read again (jittered backoff from the second conflict). Against one
  // merchant, then against one merchant each. The consumer is paused meanwhile, as in every run.
  const template = (
    await capture(async () => {
      const c0 = customers[0]!;
      await client(url).transfer(c0, {
        type: 'PAYMENT',
        walletId: c0.walletId,
        merchantId: merchants[0]!.walletId,
        amount: config.paymentAmount,
      });
    })
  ).plans.at(-1)!;
  const fleet = async (label: string, payeeOf: (i: number) => string) => {
    await quiesce();
    await consumer.drain();
    resetCounters();
    consumer.pause();
    const conflicts0 = commits.conflict;
    const latencies: number[] = [];
    const deadline = Date.now() + config.duration * 1000;
    let committed = 0;
    let busy = 0;
    await Promise.all(
      customers.slice(0, n).map(async (c, i) => {
        while (Date.now() < deadline) {
          const t0 = performance.now();
          const transferId = ulid();
          const payeeId = payeeOf(i);
          try {
            await commitWithRetry(services, [], async () => {
              const now = services.clock.now();
              const items = await services.ledger.read({
                transferId,
                walletIds: [c.walletId, payeeId],
                monthly: monthKey(c.customerId, now),
              });
              const state = {
                payer: items.wallets[c.walletId]!,
                payee: items.wallets[payeeId]!,
                customerId: c.customerId,
              };
              const { plan } = derivePlan(template, state, now, undefined, transferId);
              return { commit: plan, after: undefined };
            });
            committed++;
            latencies.push(performance.now() - t0);
          } catch (error) {
            if ((error as { reason?: string }).reason !== 'wallet-busy') throw error;
            busy++;
          }
        }
      }),
    );
    const seconds = config.duration;
    const retries = commits.conflict - conflicts0;
    const out = {
      case: label,
      payers: n,
      perSecond: committed / seconds,
      committed,
      conflictRetries: retries,
      retriesPerPayment: committed ? retries / committed : 0,
      walletBusy: busy,
      txConditionFailed: meter.txConditionFailed,
      txConflict: meter.txConflict,
      latency: summarize(latencies),
    };
    await quiesce();
    const afterCommit = await consumer.resume();
    log(
      `${label}: ${fixed(out.perSecond)} commits/s, ${fixed(out.retriesPerPayment, 2)} conflict retries per payment${busy ? `, ${busy} gave up (wallet-busy)` : ''}; after-commit backlog ${afterCommit.records} records drained in ${fixed(afterCommit.seconds, 1)} s`,
    );
    return { ...out, afterCommit };
  };
  const fleetHot = await fleet(`fleet, ${n} payers → 1 merchant`, () => hot.walletId);
  const fleetSpread = await fleet(
    `fleet, ${n} payers → ${n} merchants`,
    (i) => merchants[i % merchants.length]!.walletId,
  );
  // (c) The real path past the per-item ceiling (docs/merchants.md "A busy merchant's inbox"):
  // the same payers through the API, paying one merchant each, then all paying one merchant whose
  // credits go to inbox shards, its sweeper alongside (what the FIFO worker runs). In the order
  // spread, busy, busy, spread, so that a drift in the machine's other load weighs on both alike.
  // Their ratio is the figure of the issue: the busy merchant against 32 merchants, same run.
  await setInboxShards(services, busy.walletId, INBOX_SHARDS, {
    caller: { subject: 'bench', groups: ['operators'] },
    route: 'PUT /v1/ops/wallets/{walletId}/inbox',
    reason: 'bench: a merchant past the per-item ceiling',
    reference: 'bench',
  });
  const payments = (name: string, payee: (i: number) => string) =>
    ({
      target: 'api',
      flow: 'payment',
      name,
      url,
      connections: n,
      duration: config.duration,
      amount: config.paymentAmount,
      conns: customers.slice(0, n).map((c, i) => ({
        token: c.token,
        device: c.device,
        phone: c.phone,
        walletId: c.walletId,
        toWalletId: payee(i),
      })),
    }) satisfies Scenario;
  const spreadName = `payment api → ${n} merchants c${n}`;
  const busyName = `payment api → 1 merchant, ${INBOX_SHARDS} inbox shards c${n}`;
  const runs: Measured[] = [];
  const busy0 = (await services.wallets.get(busy.walletId))!;
  const folded0 = busy0.balance;
  for (const which of ['spread', 'busy', 'busy', 'spread'] as const) {
    runs.push(
      which === 'spread'
        ? await measuredRun(
            payments(spreadName, (i) => merchants[i % merchants.length]!.walletId),
            consumer,
          )
        : await measuredRun(
            payments(busyName, () => busy.walletId),
            consumer,
            sweeperAlongside(services, busy.walletId),
          ),
    );
  }
  const side = (name: string) => {
    const list = runs.filter((r) => r.name === name);
    const ok = list.reduce((sum, r) => sum + r.steps[0]!.ok, 0);
    const seconds = list.reduce((sum, r) => sum + r.seconds, 0);
    return { runs: list, perSecond: ok / seconds, ok };
  };
  const spread = side(spreadName);
  const sharded = side(busyName);
  // What the sweeper left when the last run stopped, folded in now (timed), then the books: the
  // merchant's balance, summing its shards, is every payment; folded, its statement lists each.
  // Every payment the runs made (the load generator's answers, and requests it stopped waiting
  // for that the gateway finished): what the sweepers folded in, and what was left.
  const sweepers = sharded.runs.map((r) => r.sweeper!);
  const pendingRead = (await walletWithPending(services, (await services.wallets.get(busy.walletId))!)).balance;
  const drain0 = performance.now();
  const drained = await sweepInbox(services, busy.walletId, { budgetMs: 60_000 });
  const drainSeconds = (performance.now() - drain0) / 1000;
  const credits = sweepers.reduce((sum, x) => sum + x.applied, 0) + drained.applied;
  const paidIn = credits * config.paymentAmount;
  const folded = (await services.wallets.get(busy.walletId))!;
  let entries = 0;
  let cursor: string | undefined;
  do {
    const page = await services.ledger.statement(busy.walletId, 500, cursor);
    entries += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  const inbox = {
    shards: INBOX_SHARDS,
    spread: { case: spreadName, perSecond: spread.perSecond, runs: spread.runs.map((r) => r.perSecond) },
    busy: { case: busyName, perSecond: sharded.perSecond, runs: sharded.runs.map((r) => r.perSecond) },
    ratio: sharded.perSecond / spread.perSecond,
    conflictRetries: sharded.runs.reduce((sum, r) => sum + (r.conflictRetries ?? 0), 0),
    latency: sharded.runs.map((r) => r.steps[0]!.latency),
    spreadLatency: spread.runs.map((r) => r.steps[0]!.latency),
    jvmMsPerPayment: {
      spread: jvmMsPerFlow(spread.runs),
      busy: jvmMsPerFlow(sharded.runs),
    },
    sweeper: {
      applied: sweepers.reduce((sum, x) => sum + x.applied, 0),
      batches: sweepers.reduce((sum, x) => sum + x.batches, 0),
      conflicts: sweepers.reduce((sum, x) => sum + x.conflicts, 0),
      creditsPerSecond: sweepers.map((x) => x.creditsPerSecond),
      batchMs: sweepers.map((x) => x.batchMs),
      leftAtEnd: drained.applied,
      drainSeconds,
    },
    balanceSumsShards: pendingRead === folded0 + paidIn,
    balanceMatches: folded.balance === folded0 + paidIn,
    // A fresh merchant: one entry per payment, numbered by the versions the folds produced.
    statementMatches: entries === credits && folded.version - busy0.version === credits && credits >= sharded.ok,
    afterCommit: runs.map((r) => r.afterCommit),
  };
  log(
    `${busyName}: ${fixed(inbox.busy.perSecond)} payments/s against ${fixed(inbox.spread.perSecond)} into ${n} merchants (ratio ${fixed(inbox.ratio, 3)}); sweeper ${inbox.sweeper.applied} credits in ${inbox.sweeper.batches} batches alongside, ${inbox.sweeper.leftAtEnd} left, folded in ${fixed(drainSeconds, 2)} s; balance sums the shards: ${inbox.balanceSumsShards ? 'yes' : 'NO'}, folded = every payment: ${inbox.balanceMatches ? 'yes' : 'NO'}, one entry each: ${inbox.statementMatches ? 'yes' : 'NO'}`,
  );

  // (c) The merchant's risk profile, after the consumer has learnt every payment above: one item,
  // written once per consumer batch that holds the merchant's entries.
  const profile = (await rawDoc.send(new GetCommand({ TableName: table, Key: keys.riskProfile(hot.walletId) }))).Item;
  const senders = Object.keys((profile?.senders as Record<string, number>) ?? {}).length;
  const bytes = itemSize(profile);
  const empty = itemSize({ ...profile, senders: {} });
  const perSender = senders ? (bytes - empty) / senders : 0;
  const riskProfile: {
    bytes: number;
    distinctPayers: number;
    sketchCap: number;
    bytesPerPayer: number;
    wruPerUpdate: number;
    projected: { distinctPayersIn48h: number; bytes: number; wruPerUpdate: number; overItemLimit: boolean }[];
    customer?: { bytes: number; wruPerWrite: number; walletVersion: number };
  } = {
    bytes,
    distinctPayers: senders,
    sketchCap: SKETCH_CAP,
    bytesPerPayer: Number(perSender.toFixed(1)),
    wruPerUpdate: Math.max(1, Math.ceil(bytes / 1024)),
    // The sketch keeps at most SKETCH_CAP senders, whatever the traffic.
    projected: [1_000, 10_000].map((payers) => {
      const size = empty + perSender * Math.min(payers, SKETCH_CAP);
      return {
        distinctPayersIn48h: payers,
        bytes: Math.round(size),
        wruPerUpdate: Math.max(1, Math.ceil(size / 1024)),
        overItemLimit: size > 400 * 1024,
      };
    }),
  };
  // A customer's profile after the runs (customer 0 made transfers in every flow above).
  const payerProfile = (
    await rawDoc.send(new GetCommand({ TableName: table, Key: keys.riskProfile(customers[0]!.walletId) }))
  ).Item;
  const payerWallet = (await services.wallets.get(customers[0]!.walletId))!;
  riskProfile.customer = {
    bytes: itemSize(payerProfile),
    wruPerWrite: Math.max(1, Math.ceil(itemSize(payerProfile) / 1024)),
    walletVersion: payerWallet.version,
  };
  return {
    api: { ...api, ...apiCounts },
    fleetHot,
    fleetSpread,
    inbox,
    riskProfile,
  };
}

const client = (url: string) => new WalletClient(url);

// ---------------------------------------------------------------------------------------------

/** The after-commit consumer's work for one load run: the backlog it drained afterwards and its cost. */
type AfterCommitRun = Drained & {
  /** Transfers the run committed (class B: plans ÷ 2). */
  transfers: number;
  cost: Part;
  perTransfer: { calls: number; rru: number; wru: number };
};

type Measured = LoadResult & {
  usage: Usage;
  afterCommit?: AfterCommitRun;
  conflictRetries?: number;
  sweeper?: SweeperRun;
};

/**
 * The figures of issue "Money core v2", with the previous run's (docs/performance.md,
 * 2026-11-28: round trips then counted the sandbox SMS call too, 12 and 13 without it).
 */
/** The targets' level on both sides, all runs (API, raw, raw, API) together. */
function atTargetLevel(load: Measured[], repeats: Measured[], flow: Flow) {
  const runs = [...load, ...repeats].filter((x) => x.flow === flow && x.connections === targetLevel);
  const side = (target: 'api' | 'raw') => {
    const list = runs.filter((x) => x.target === target);
    const flows = list.reduce((s, x) => s + x.steps.at(-1)!.ok, 0);
    const seconds = list.reduce((s, x) => s + x.seconds, 0);
    const jvm = list.reduce((s, x) => s + x.usage.jvmCores * x.seconds, 0);
    const main = list.reduce((s, x) => s + x.usage.mainThreadCores * x.seconds, 0);
    return {
      runs: list.map((x) => x.perSecond),
      perSecond: seconds ? flows / seconds : Number.NaN,
      jvmCores: seconds ? jvm / seconds : Number.NaN,
      jvmMsPerFlow: flows ? (jvm * 1000) / flows : Number.NaN,
      mainMsPerFlow: flows ? (main * 1000) / flows : Number.NaN,
    };
  };
  const api = side('api');
  const raw = side('raw');
  return { flow, api, raw, ratio: api.perSecond / raw.perSecond };
}

/**
 * The figures of issue "Money core v2", with the previous run's (docs/performance.md,
 * 2026-11-28: round trips then counted the sandbox SMS call too, 12 and 13 without it).
 */
function targetsOf(capacity: OpCapacity[], load: Measured[], repeats: Measured[], alongside: Measured) {
  const op = (name: string) => capacity.find((o) => o.operation.startsWith(name));
  const c = targetLevel;
  const ratio = (flow: Flow) => atTargetLevel(load, repeats, flow).ratio;
  const p2p = op('P2P own');
  const payment = op('PAYMENT');
  const authorize = op('authorize');
  const rawOwn = atTargetLevel(load, repeats, 'p2p-own').raw;
  return [
    {
      figure: 'sequential DynamoDB round trips, own-wallet P2P (class A)',
      before: '13',
      now: `${p2p?.rounds}`,
      target: '≤ 4',
    },
    {
      figure: 'sequential DynamoDB round trips, class B authorize',
      before: '14',
      now: `${authorize?.rounds}`,
      target: '≤ 5',
    },
    {
      figure: 'WRU per own-wallet P2P / payment (incl. after-commit work)',
      before: '16 / 18',
      now: `${fixed(p2p?.totalWru ?? Number.NaN, 0)} / ${fixed(payment?.totalWru ?? Number.NaN, 0)}`,
      target: '≤ 12 / ≤ 13',
    },
    {
      figure: `API ÷ raw engine, own-wallet P2P, ${c} connections`,
      before: '0.282',
      now: fixed(ratio('p2p-own'), 3),
      target: '≥ 0.6 (stretch 0.8)',
    },
    {
      figure: '  the same at an equal engine share: raw ÷ API JVM ms per flow',
      before: '',
      now: fixed(
        atTargetLevel(load, repeats, 'p2p-own').raw.jvmMsPerFlow /
          atTargetLevel(load, repeats, 'p2p-own').api.jvmMsPerFlow,
        3,
      ),
      target: '≥ 0.6 (stretch 0.8)',
    },
    {
      figure: '  the same, after-commit consumer running alongside',
      before: '',
      now: fixed(alongside.perSecond / rawOwn.perSecond, 3),
      target: '≥ 0.6 (stretch 0.8)',
    },
    {
      figure: `API ÷ raw engine, payment and class B, ${c} connections`,
      before: '0.208 / 0.218',
      now: `${fixed(ratio('payment'), 3)} / ${fixed(ratio('p2p-classb'), 3)}`,
      target: '≥ 0.5',
    },
    {
      figure: '  the same at an equal engine share: raw ÷ API JVM ms per flow',
      before: '',
      now: (['payment', 'p2p-classb'] as Flow[])
        .map((flow) => {
          const x = atTargetLevel(load, repeats, flow);
          return fixed(x.raw.jvmMsPerFlow / x.api.jvmMsPerFlow, 3);
        })
        .join(' / '),
      target: '≥ 0.5',
    },
  ];
}

/** The contention phase's tables (`npm run bench` prints them with the rest; BENCH_ONLY=contention alone). */
function contentionReport(c: Awaited<ReturnType<typeof measureContention>>): string[] {
  const out: string[] = [];
  out.push('', '## Contention: one merchant, many payers', '');
  const q = c.inbox;
  const lat = (xs: Summary[], k: 'p50' | 'p99') => fixed(xs.reduce((sum, x) => sum + x[k], 0) / xs.length);
  out.push(
    table(
      ['case', 'payments/s', 'p50 ms', 'p99 ms', 'conflict retries', 'per payment', 'TransactionConflict'],
      [
        [
          c.api.name,
          fixed(c.api.perSecond),
          fixed(c.api.steps[0]!.latency.p50),
          fixed(c.api.steps[0]!.latency.p99),
          c.api.conflictRetries,
          fixed(c.api.conflictRetries / Math.max(1, c.api.steps[0]!.ok), 2),
          c.api.txConflict,
        ],
        ...[c.fleetHot, c.fleetSpread].map((f) => [
          f.case,
          fixed(f.perSecond),
          fixed(f.latency.p50),
          fixed(f.latency.p99),
          f.conflictRetries,
          fixed(f.retriesPerPayment, 2),
          f.txConflict,
        ]),
        [
          `${q.spread.case} (2 runs)`,
          fixed(q.spread.perSecond),
          lat(q.spreadLatency, 'p50'),
          lat(q.spreadLatency, 'p99'),
          '',
          '',
          '',
        ],
        [
          `${q.busy.case} (2 runs, sweeper alongside)`,
          fixed(q.busy.perSecond),
          lat(q.latency, 'p50'),
          lat(q.latency, 'p99'),
          q.conflictRetries,
          '',
          '',
        ],
      ],
    ),
  );
  out.push(
    '',
    `One merchant with ${q.shards} inbox shards ÷ ${c.fleetSpread.payers} merchants, same payers, same run: ${q.busy.runs.map((x) => fixed(x)).join(' and ')} against ${q.spread.runs.map((x) => fixed(x)).join(' and ')} payments/s, ratio ${fixed(q.ratio, 3)}. Engine CPU per payment ${fixed(q.jvmMsPerPayment.busy, 1)} ms (sweeper included) against ${fixed(q.jvmMsPerPayment.spread, 1)} ms.`,
  );
  out.push(
    '',
    `Sweeper alongside: ${q.sweeper.applied} credits in ${q.sweeper.batches} batches (mean ${fixed(q.sweeper.applied / Math.max(1, q.sweeper.batches), 1)}), ${q.sweeper.creditsPerSecond.map((x) => fixed(x)).join(' and ')} credits/s, batch p50 ${q.sweeper.batchMs.map((x) => fixed(x.p50)).join('/')} ms, p99 ${q.sweeper.batchMs.map((x) => fixed(x.p99)).join('/')} ms, ${q.sweeper.conflicts} conflicts; ${q.sweeper.leftAtEnd} credits left when the last run stopped, folded in ${fixed(q.sweeper.drainSeconds, 2)} s. The balance read summed the shards to every payment: ${q.balanceSumsShards ? 'yes' : 'NO'}; folded, the balance is every payment: ${q.balanceMatches ? 'yes' : 'NO'}, one statement entry each: ${q.statementMatches ? 'yes' : 'NO'}.`,
  );
  out.push(
    '',
    `After-commit backlog of each case, drained afterwards: ${[
      ['api', c.api.afterCommit],
      ['fleet → 1', c.fleetHot.afterCommit],
      ['fleet → n', c.fleetSpread.afterCommit],
      ...q.afterCommit.map((d, i) => [i === 1 || i === 2 ? `busy ${i}` : `spread ${i === 0 ? 1 : 2}`, d]),
    ]
      .map(([name, d]) => {
        const x = d as Drained | undefined;
        return `${name as string} ${x?.records ?? 0} records in ${fixed(x?.seconds ?? 0, 1)} s`;
      })
      .join('; ')}.`,
  );
  out.push(
    '',
    `Merchant risk profile after the run: ${c.riskProfile.bytes} bytes for ${c.riskProfile.distinctPayers} distinct payers (${c.riskProfile.bytesPerPayer} bytes each, sketch capped at ${c.riskProfile.sketchCap}): ${c.riskProfile.wruPerUpdate} WRU per consumer write; projected ${c.riskProfile.projected
      .map(
        (p) =>
          `${p.distinctPayersIn48h} payers → ${p.bytes} bytes, ${p.wruPerUpdate} WRU${p.overItemLimit ? ' (over the 400 KB item limit)' : ''}`,
      )
      .join(
        '; ',
      )}. Customer 0's wallet A profile after ${c.riskProfile.customer?.walletVersion} movements: ${c.riskProfile.customer?.bytes} bytes, ${c.riskProfile.customer?.wruPerWrite} WRU per consumer write.`,
  );
  return out;
}

function printReport(
  results: Record<string, unknown>,
  r: {
    load: Measured[];
    alongside: Measured;
    capacity: OpCapacity[];
    bundles: BundleResult[];
    evaluate: Summary;
    riskReads: RiskReads;
    riskCalls: ReturnType<typeof riskCallsOf>;
    contention: Awaited<ReturnType<typeof measureContention>>;
    itemSets: Record<string, { identical: boolean; api: string[] }>;
    cpuProfile: ProfileShare[];
    targets: ReturnType<typeof targetsOf>;
    repeats: Measured[];
    sandboxCosts: CallCost[];
  },
) {
  const { load, capacity, bundles, evaluate, riskReads, riskCalls, itemSets, cpuProfile } = r;
  const m = results.machine as ReturnType<typeof machine> & { loadAverageAtEnd?: number[] };
  const out: string[] = [];
  out.push('', `Machine: ${m.nproc} cores, ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.java}, ${m.date}`);
  out.push(`Load average at start ${m.loadAverageAtStart.join(' ')}, at end ${m.loadAverageAtEnd?.join(' ')}`);
  out.push(
    `Code: commit ${m.git.head}, ${m.git.uncommittedInCode} file(s) under functions/, local/, lib/ changed in the working tree at the start`,
  );

  out.push(
    '',
    '## Throughput and latency (API: local gateway + handlers in one Node process, after-commit consumer paused during the run; raw: the same TransactWriteItems straight to DynamoDB Local)',
    '',
  );
  const rows: (string | number)[][] = [];
  const apiRuns = [...load.filter((x) => x.target === 'api'), r.alongside];
  for (const a of apiRuns) {
    const raw = load.find((x) => x.target === 'raw' && x.flow === a.flow && x.connections === a.connections);
    const cpuPerFlow = (a.usage.mainThreadCores * a.seconds * 1000) / Math.max(1, a.steps.at(-1)!.ok);
    const label = a === r.alongside ? `${a.flow} c${a.connections}, consumer alongside` : `${a.flow} c${a.connections}`;
    a.steps.forEach((s, i) => {
      const last = i === a.steps.length - 1;
      // The raw flow's step that stands for this API step: its first for the first, its last for the last.
      const rs = i === 0 ? raw?.steps[0] : last ? raw?.steps.at(-1) : undefined;
      rows.push([
        i === 0 ? label : '',
        s.name,
        last ? fixed(a.perSecond) : '',
        last && raw ? fixed(raw.perSecond) : '',
        last && raw ? fixed(a.perSecond / raw.perSecond, 3) : '',
        fixed(s.latency.p50),
        fixed(s.latency.p95),
        fixed(s.latency.p99),
        rs ? `${fixed(rs.latency.p50)} / ${fixed(rs.latency.p95)} / ${fixed(rs.latency.p99)}` : '',
        i === 0 ? `${fixed(a.usage.jvmCores, 2)} / ${raw ? fixed(raw.usage.jvmCores, 2) : '–'}` : '',
        i === 0 ? `${fixed(a.usage.mainThreadCores, 2)} (${fixed(cpuPerFlow, 0)} ms/flow)` : '',
        i === 0 && a.afterCommit
          ? `${a.afterCommit.records} in ${fixed(a.afterCommit.seconds, 1)} s, ${fixed(a.afterCommit.perTransfer.wru, 2)} WRU/transfer`
          : '',
        Object.entries(s.outcomes)
          .map(([k, v]) => `${k}:${v}`)
          .join(' '),
      ]);
    });
  }
  out.push(
    table(
      [
        'flow, connections',
        'API step',
        'API flows/s',
        'raw flows/s',
        'API ÷ raw',
        'API p50 ms',
        'p95',
        'p99',
        'raw p50 / p95 / p99 ms',
        'JVM cores API / raw',
        'API main thread cores',
        'after-commit backlog drained after the run',
        'API outcomes',
      ],
      rows,
    ),
  );
  out.push(
    '',
    `Raw item sets identical to the API's: ${Object.entries(itemSets)
      .map(([flow, s]) => `${flow} ${s.identical ? 'yes' : 'NO'} (${s.api.length} items)`)
      .join(', ')}. Commit conflict retries during the API runs: ${apiRuns
      .map((a) => a.conflictRetries ?? 0)
      .reduce((x, y) => x + y, 0)}.`,
  );

  // Where the CPU of one completed flow went: the engine's JVM, the API's main thread, the load
  // generator's worker thread (all on the same 2 cores, with whatever else the machine runs).
  const perFlow = (x: Measured | undefined, cores: (u: Usage) => number) =>
    x ? fixed((cores(x.usage) * x.seconds * 1000) / Math.max(1, x.steps.at(-1)!.ok), 1) : '–';
  out.push(
    '',
    table(
      [
        'flow, connections',
        'JVM ms/flow API / raw',
        'API main thread ms/flow',
        'load worker ms/flow API / raw',
        'rest of the machine, cores API / raw',
      ],
      apiRuns.map((a) => {
        const raw = load.find((x) => x.target === 'raw' && x.flow === a.flow && x.connections === a.connections);
        const worker = (u: Usage) => u.nodeCores - u.mainThreadCores;
        return [
          a === r.alongside ? `${a.flow} c${a.connections}, consumer alongside` : `${a.flow} c${a.connections}`,
          `${perFlow(a, (u) => u.jvmCores)} / ${perFlow(raw, (u) => u.jvmCores)}`,
          perFlow(a, (u) => u.mainThreadCores),
          `${perFlow(a, worker)} / ${perFlow(raw, worker)}`,
          `${fixed(a.usage.otherCores, 2)} / ${raw ? fixed(raw.usage.otherCores, 2) : '–'}`,
        ];
      }),
    ),
  );

  const pct = (list: ProfileShare[]) =>
    list
      .filter((p) => p.share >= 0.01)
      .map((p) => `${p.group} ${(p.share * 100).toFixed(0)}%`)
      .join(', ');
  out.push(
    '',
    `API main-thread CPU (V8 sampling profile of one more p2p-own run, idle excluded): ${pct(families(cpuProfile))}.`,
    `By package: ${pct(cpuProfile.slice(0, 12))}.`,
  );

  out.push(
    '',
    `## Capacity per operation (steady state; production calls only; $ at ${prices.region} on-demand: $${prices.usdPerMillionWru}/M WRU, $${prices.usdPerMillionRru}/M RRU)`,
    '',
  );
  const commandList = (p: Part) =>
    p.calls
      ? `${p.calls} (${Object.entries(p.commands)
          .map(([k, v]) => `${v} ${k.replace(/Items?$/, '')}`)
          .join(', ')})`
      : '0';
  out.push(
    table(
      [
        'operation',
        'DynamoDB calls, request path',
        'sequential round trips',
        'after-commit calls',
        'RRU',
        'WRU (AWS)',
        'of which after commit',
        'WCU reported by Local',
        'sandbox calls (excluded) path + after',
        'USD per million ops',
      ],
      capacity.map((o) => [
        o.operation,
        commandList(o),
        o.roundsWithSandbox > o.rounds ? `${o.rounds} (${o.roundsWithSandbox} with sandbox)` : o.rounds,
        commandList(o.afterCommit),
        fixed(o.totalRru, 1),
        fixed(o.totalWru, 0),
        fixed(o.afterCommit.wru, 0),
        fixed(o.wcuReportedByLocal + o.afterCommit.wcuReportedByLocal, 0),
        `${o.sandbox.calls} + ${o.afterCommit.sandbox.calls}`,
        fixed(o.usdPerMillion, 2),
      ]),
    ),
  );
  out.push('', (results.localCapacityProbe as { note: string }).note);
  for (const name of ['P2P own', 'PAYMENT', 'P2P to another owner', 'authorize']) {
    const o = capacity.find((x) => x.operation.startsWith(name));
    if (!o) continue;
    out.push('', `Trace of ${o.operation} (ms from the request's start; * after commit, s sandbox):`);
    for (const c of [...o.trace].sort((a, b) => a.at - b.at)) {
      out.push(
        `  ${fixed(c.at, 1).padStart(7)} +${fixed(c.ms, 1).padStart(5)} ${c.afterCommit ? '*' : ' '}${c.sandbox ? 's' : ' '} ${c.command.padEnd(18)} ${c.keys}`,
      );
    }
  }

  out.push(
    '',
    '## Cold start (bundles built with the esbuild flags of lib/constructs/wallet-function.ts; import time in a fresh node process)',
    '',
  );
  out.push(
    table(
      ['function', 'index.mjs KiB', 'zip KiB (approx.)', `init median ms (n=${config.coldRuns})`, 'min', 'max'],
      bundles.map((b) => [
        b.capability,
        fixed(b.bytes / 1024, 0),
        fixed(b.zipBytes / 1024, 0),
        b.error ? `error: ${b.error.slice(0, 40)}` : fixed(b.initMedian, 0),
        fixed(b.initMin, 0),
        fixed(b.initMax, 0),
      ]),
    ),
  );

  out.push('', '## Risk engine on the transfer path', '');
  out.push(
    table(
      ['measure', 'p50', 'p99', 'n'],
      [
        ['evaluateRisk (pure), µs', fixed(evaluate.p50, 2), fixed(evaluate.p99, 2), evaluate.count],
        [
          'HMACs of a payment’s 3 watch-list keys, µs',
          fixed(riskReads.hmacMicroseconds.p50, 1),
          fixed(riskReads.hmacMicroseconds.p99, 1),
          riskReads.hmacMicroseconds.count,
        ],
      ],
    ),
  );
  out.push(
    '',
    table(
      [
        'call (DynamoDB Local, each alone in a block of sequential calls)',
        'keys',
        'p50 ms',
        'p99 ms',
        'JVM CPU ms/call',
        'main thread CPU ms/call',
      ],
      [riskReads.roundOne, riskReads.roundOneWithoutRisk, riskReads.roundTwo, riskReads.merged, ...r.sandboxCosts].map(
        (x) => [
          x.label,
          x.keys,
          fixed(x.latency.p50, 2),
          fixed(x.latency.p99, 2),
          fixed(x.jvmMs, 2),
          fixed(x.mainThreadMs, 2),
        ],
      ),
    ),
  );
  const rc = (x: ReturnType<typeof riskCallsOf>['p2pOwn']) =>
    `${x.ownReads} read of its own + risk keys in ${x.sharedReads} shared read(s) on the path (${x.requestPathCalls} calls); after the commit ${x.afterCommitCalls} (${x.afterCommitCommands.join(', ')}), ${fixed(x.afterCommitRru, 1)} RRU + ${fixed(x.afterCommitWru, 0)} WRU`;
  out.push(
    '',
    `DynamoDB calls of the risk engine per class A transfer (${riskCalls.method}): P2P own: ${rc(riskCalls.p2pOwn)}; PAYMENT: ${rc(riskCalls.payment)}.`,
  );

  out.push(...contentionReport(r.contention));

  out.push('', '## Money core v2: targets', '');
  out.push(
    table(
      ['figure', 'before (2026-11-28)', 'now', 'target'],
      r.targets.map((t) => [t.figure, t.before, t.now, t.target]),
    ),
  );
  const levels = (['p2p-own', 'payment', 'p2p-classb'] as Flow[]).map((flow) => atTargetLevel(load, r.repeats, flow));
  out.push(
    '',
    `API ÷ raw at c${targetLevel} over both runs of each side (order API, raw, raw, API): ${levels
      .map(
        (x) =>
          `${x.flow} API ${x.api.runs.map((v) => fixed(v)).join(' and ')} flows/s, raw ${x.raw.runs.map((v) => fixed(v)).join(' and ')} → ${fixed(x.ratio, 3)}`,
      )
      .join('; ')}.`,
  );
  // At 8 connections both sides are bound by DynamoDB Local's JVM (one engine, serialising): the
  // ratio follows from the engine's CPU per flow and the share of a core each side got. The
  // saving of one BatchGetItem per creation and the sandbox calls' cost are measured above.
  const saving = riskReads.roundOne.jvmMs + riskReads.roundTwo.jvmMs - riskReads.merged.jvmMs;
  const sandboxMs = r.sandboxCosts.reduce((sum, x) => sum + x.jvmMs, 0);
  const model = levels.map((x) => {
    const share = x.api.jvmCores / x.raw.jvmCores;
    const est = (ms: number) => fixed((x.raw.jvmMsPerFlow / ms) * share, 3);
    const classB = x.flow === 'p2p-classb';
    const equal = (ms: number) => fixed(x.raw.jvmMsPerFlow / ms, 3);
    return `${x.flow}: ${fixed(x.raw.jvmMsPerFlow, 1)} ÷ ${fixed(x.api.jvmMsPerFlow, 1)} × ${fixed(share, 2)} = ${est(x.api.jvmMsPerFlow)}; at an equal share ${equal(x.api.jvmMsPerFlow)}, with rounds 1 and 2 as one read ${equal(x.api.jvmMsPerFlow - saving)}${
      classB ? `, and without the sandbox's PutItem and Query ${equal(x.api.jvmMsPerFlow - saving - sandboxMs)}` : ''
    }`;
  });
  out.push(
    '',
    `Where the ratio at c${targetLevel} comes from (both runs of each side): API ÷ raw = (raw JVM ms/flow ÷ API JVM ms/flow) × (JVM cores API ÷ raw), exactly (flows/s = JVM cores ÷ JVM s per flow). ${model.join('; ')}. "At an equal share" is the ratio when both sides get the same engine CPU, as on a quiet machine where the engine is the bottleneck; "with rounds 1 and 2 as one read" (${fixed(saving, 2)} JVM ms less per creation) and "without the sandbox's PutItem and Query" (${fixed(sandboxMs, 2)} JVM ms per class B flow) are estimates from the call costs measured in the risk section, not measurements.`,
  );
  console.log(out.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
